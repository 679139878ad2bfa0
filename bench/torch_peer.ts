// The PyTorch CPU peer of the whole-loop bench (issue #12): bench/torch_peer/rl_loop.py, the same PPO + RND loop on
// PixelCopter-v0 in PyTorch (docs/algorithm.md; what it ports and leaves out is in its header), run as a child
// process. It needs python3 with numpy and torch (the CPU build: `pip install torch`); without them the bench says so
// and goes on. Its steps/s leave out the time inside its Python game (the learners compared, as the figures);
// it reports the figure with the game too.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { ConvCase } from '../test/cases/shapes.ts'

export const PEER_SCRIPT = fileURLToPath(new URL('./torch_peer/rl_loop.py', import.meta.url))
export const CONV_SCRIPT = fileURLToPath(new URL('./torch_peer/conv.py', import.meta.url))
export const INSTALL_HINT = 'pip install torch (CPU build) and numpy for python3'
const PYTHON = process.env.RL_BENCH_PYTHON ?? 'python3'

/** One line of the peer's output (rl_loop.py run()). */
export interface PeerResult {
  config: string
  threads: number
  steps_per_s: number
  steps_per_s_with_env: number
  steps_per_iter: number
  torch: string
  iters: number
  env_s_per_iter: number
  rollout_s_per_iter: number
  train_s_per_iter: number
  grad_steps_per_iter: number
  records_trained_per_iter: number
  rnd_records_per_iter: number
  max_batch_records: number
  params: Record<'value' | 'policy' | 'rnd_target' | 'rnd_predictor', number>
}

/** The peer's ported config names and torch's version, or why it cannot run (no python3, numpy or torch). */
export function torchPeer(): { ported: string[]; version: string } | { missing: string } {
  const r = spawnSync(PYTHON, [PEER_SCRIPT, '--list'], { encoding: 'utf8' })
  if (r.error || r.status !== 0) return { missing: r.error ? `${PYTHON}: ${r.error.message}` : lastLine(r.stderr) }
  const v = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__.split("+")[0])'], { encoding: 'utf8' })
  return { ported: Object.keys(JSON.parse(r.stdout)), version: v.stdout.trim() }
}

/** Run the peer on one config with our exact arguments; its result, or the error's last line. */
export function runTorchPeer(config: string, args: object, threads: number, iters: number, warmup = 1): PeerResult | { error: string } {
  const argv = [
    PEER_SCRIPT,
    '--config',
    config,
    '--args',
    JSON.stringify(args),
    '--threads',
    String(threads),
    '--iters',
    String(iters),
    '--warmup',
    String(warmup),
  ]
  const r = spawnSync(PYTHON, argv, { encoding: 'utf8', maxBuffer: 1 << 24 })
  if (r.error || r.status !== 0) return { error: r.error ? r.error.message : lastLine(r.stderr) }
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as PeerResult
}

/** A conv layer as bench/torch_peer/conv.py reads it: our ConvCase without padding (conv.py pads none). */
export type ConvLayer = Omit<ConvCase, 'PAD' | 'heavy'>

/**
 * PyTorch's own conv kernels on `layers` at `threads` threads (bench/torch_peer/conv.py): per layer, ms per call of
 * conv2d_forward, conv2d_backward_input and conv2d_backward_weight; with `checkDir`, it first writes its results on
 * the 2-image inputs the caller left there. The error's last line when python3, numpy or torch is missing.
 */
export function runTorchConv(layers: ConvLayer[], threads: number, checkDir?: string): { version: string; ms: Record<string, number>[] } | { error: string } {
  const argv = [CONV_SCRIPT, '--layers', JSON.stringify(layers), '--threads', String(threads), ...(checkDir ? ['--check', checkDir] : [])]
  const r = spawnSync(PYTHON, argv, { encoding: 'utf8' })
  if (r.error || r.status !== 0) return { error: r.error ? r.error.message : lastLine(r.stderr) }
  const lines = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { layer: number; ms: Record<string, number>; torch: string })
  return { version: lines[0]?.torch ?? '?', ms: lines.map((l) => l.ms) }
}

const lastLine = (s: string) =>
  s
    .trim()
    .split('\n')
    .filter((l) => !l.includes('NNPACK'))
    .pop() ?? 'no output'
