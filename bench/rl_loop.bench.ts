// The whole PPO+RND loop (rollout + training), env steps per second: on PixelCopter-v0 for the seed's CNN example
// configuration (its README: --rnn_hidden_layers 0 --sticky_action_probability 0 --final_hidden_dim 256
// --final_hidden_layers 3 --stacked_frames 10 --z_dim 1024 --gradient_clip 1) and for the default LSTM
// configuration, the same with the DNC in place of the LSTM (--dnc 32,16,2,0, controller of rnn_hidden_dim 256),
// plus the CPU-friendly config of `npm run learn:pixelcopter` and issue #14's pixelcopter_100 (fixed-length rollouts of
// 16 x 128 steps: its num_trials and num_envs are its own); on MiniGrid for the named config
// minigrid_multiroom_n4s5 as `explore` trains it (32 environments x 128 steps per iteration; issue 11's goal:
// >= 5,000 env steps/s on this 2-core machine). One warm-up iteration, then the mean of timed iterations
// (RL_BENCH_ITERS, default 2), the 1-thread and the one-per-core trainers alternating. PixelCopter's num_trials is
// cut to 32 per iteration to keep the bench short (steps/s does not depend on it much: both rollout and training
// scale with the episodes collected). RL_BENCH_LOOP=a,b
// runs only the configs whose names contain one of those words (e.g. RL_BENCH_LOOP=minigrid). The peer: after our
// rows of a config, the same loop in PyTorch CPU (bench/torch_peer/rl_loop.py, issue #12: same networks, batch
// sizes, epochs, chunks and gradient steps; its header says what it leaves out) at the same thread counts, given our
// exact arguments, one row each with our ratio (ours / PyTorch). Its steps/s leave out the time inside its Python
// game, as the issue's figures did, so the learners are compared; the row also gives the figure with the game. The
// DNC, pixelcopter_100 and MiniGrid configs are not ported. Without python3, numpy or torch one line says so and the bench goes on.
// Under our rows, a ceiling row: the matmul and conv MFLOP per env step counted in the timed iterations, and the env
// steps/s they would allow on one thread at this run's measured SIMD peak with nothing else taking time (two threads
// at most double it); a PyTorch row above it says so (issue #12: no WebAssembly kernel doing the same arithmetic
// reaches that loop here).
// RL_BENCH_LOAD=N: N busy processes (one core each, a spinning loop) run during our timed iterations, to show the
// default thread count under load (issue #12: never slower than one thread); the peer's rows stay unloaded.
import { DEFAULT_ARGS, type Args } from '../rl/args.ts'
import { PpoRnd } from '../rl/ppo_rnd.ts'
import { LEARN_PIXELCOPTER } from '../rl/learn_config.ts'
import { PIXELCOPTER_100 } from '../rl/target_config.ts'
import { minigridArgs } from '../rl/minigrid_configs.ts'
import { openBackend, type WasmSimd } from '../cli/node_backend.ts'
import type { Backend } from '../engine/backend/backend.ts'
import type { WasmBackend } from '../engine/backend/wasm.ts'
import { countFlops, printKernelRows, timeKernels } from './kernel_profile.ts'
import { simdPeak } from './simd_peak.ts'
import { torchPeer, runTorchPeer, INSTALL_HINT } from './torch_peer.ts'
import { startLoad } from './load.ts'
import { benchBuilds, buildLabel } from './harness.ts'

type Backends = 'wasm' | 'ref' | 'webgpu'
type Peer = ReturnType<typeof torchPeer>
/** this run's measured wasm SIMD peaks per thread, GFLOP/s, by build label */
type Peaks = Partial<Record<string, number>>
const NOT_SAVED: Partial<Args> = { data_dir: '', max_iterations: 0, max_frames: 0 }
const pixelcopter =
  (args: Partial<Args>) =>
  (backend: Backends): Args => ({ ...DEFAULT_ARGS, ...args, num_trials: 32, num_envs: 32, backend, ...NOT_SAVED })

export const CONFIGS: { name: string; args: (backend: Backends) => Args }[] = [
  {
    name: 'seed CNN example',
    args: pixelcopter({
      rnn_hidden_layers: 0,
      sticky_action_probability: 0,
      final_hidden_dim: 256,
      final_hidden_layers: 3,
      stacked_frames: 10,
      z_dim: 1024,
      gradient_clip: 1,
    }),
  },
  { name: 'default LSTM', args: pixelcopter({}) },
  { name: 'default, DNC 32,16,2,0', args: pixelcopter({ dnc: '32,16,2,0' }) },
  { name: 'learn_config (36px CNN)', args: pixelcopter(LEARN_PIXELCOPTER) },
  // issue #14's config as `learn:pixelcopter:100` runs it: fixed-length rollouts (16 envs x 128 steps), fine encoder
  { name: 'pixelcopter_100 (fine)', args: (backend) => ({ ...DEFAULT_ARGS, ...PIXELCOPTER_100, backend, ...NOT_SAVED }) },
  { name: 'minigrid_multiroom_n4s5', args: (backend) => minigridArgs('minigrid_multiroom_n4s5', { backend, ...NOT_SAVED }) },
]
const only = process.env.RL_BENCH_LOOP?.split(',').filter(Boolean)
const chosen = only ? CONFIGS.filter((c) => only.some((w) => c.name.includes(w))) : CONFIGS

export async function run({ json }: { json: any[] }): Promise<void> {
  const backendName = (process.env.RL_BENCH_BACKEND ?? 'wasm') as Backends
  // wasm: one thread, then one per core (the train command's default; results are the same, only the speed differs)
  // RL_BENCH_THREADS=1: one thread only (a profile beside a run that holds the other core)
  const threadCounts = backendName !== 'wasm' ? [1] : process.env.RL_BENCH_THREADS === '1' ? [1] : [1, 0]
  const peaks: Peaks = {}
  if (backendName === 'wasm') {
    // the machine's limit, in this run: every env steps/s figure below can be read against it
    const [simd, relaxed] = [await simdPeak(false), await simdPeak(true)]
    peaks.simd128 = simd!
    if (relaxed !== null) peaks.relaxed = relaxed
    console.log(
      `machine limit: wasm SIMD128 peak ${simd!.toFixed(1)} GFLOP/s per thread (mul + add); relaxed-SIMD fused multiply-add ` +
        `${relaxed === null ? 'not available' : `${relaxed.toFixed(1)} GFLOP/s (x${(relaxed / simd!).toFixed(2)})`}`,
    )
    json.push({ kernel: 'simd_peak', shape: 'f32x4 mul+add', backend: 'wasm', library: 'machine', threads: 1, gflops: simd })
    if (relaxed !== null) json.push({ kernel: 'simd_peak', shape: 'f32x4 relaxed_madd', backend: 'wasm', library: 'machine', threads: 1, gflops: relaxed })
  }
  // RL_BENCH_SIMD=both: each thread count on the SIMD128 build and on the relaxed-SIMD one (the before/after of
  // kernels/as/madd.ts); otherwise the one named (default simd128, the build train uses by default)
  const builds: WasmSimd[] = backendName !== 'wasm' ? ['auto'] : benchBuilds()
  // RL_BENCH_PROBE=both: the default thread count also without the load probe (docs/kernels.md), marked '*'
  const probes = process.env.RL_BENCH_PROBE === 'both' ? [true, false] : [true]
  const backends: Backend[] = []
  for (const threads of threadCounts) {
    for (const simd of builds) {
      for (const loadProbe of threads === 1 ? [true] : probes) {
        const be = await openBackend(backendName, { threads, simd, loadProbe })
        if (threads === 0 && (be as { threads?: number }).threads === 1) {
          be.destroy() // a 1-core machine
          break
        }
        backends.push(be)
      }
    }
  }
  if (probes.length > 1) console.log("threads marked '*': kernel threads without the load probe (split calls judged by their speedup alone)")
  await loop(backends, backendName, json, peaks)
  for (const be of backends) be.destroy()
}

/**
 * Each config on every backend (wasm: 1 thread and one per core) side by side: the trainers, built from the same
 * seed, compute the same iterations bitwise (results do not depend on the thread count), and their timed iterations
 * alternate, so a shared machine's drift falls on both alike and the ratio is the speed difference alone.
 */
async function loop(backends: Backend[], backendName: Backends, json: any[], peaks: Peaks): Promise<void> {
  const isProfile = process.argv.includes('--profile')
  const iters = Number(process.env.RL_BENCH_ITERS ?? 2)
  const threadsOf = (be: Backend) => (be as { threads?: number }).threads ?? 1
  const buildOf = (be: Backend) => (be.name !== 'wasm' ? be.name : buildLabel(be as WasmBackend))
  for (const be of backends) console.log(`backend: ${be.description}`)
  const peer = torchPeer()
  console.log('missing' in peer ? `PyTorch peer skipped (${peer.missing}): ${INSTALL_HINT}` : `peer: PyTorch ${peer.version} CPU, bench/torch_peer/rl_loop.py`)
  console.log(`${iters} timed iterations after 1 warm-up, alternating between the backends (PixelCopter: 32 episodes each)`)
  const loadProcs = Number(process.env.RL_BENCH_LOAD ?? 0)
  if (!Number.isInteger(loadProcs) || loadProcs < 0 || loadProcs > 64)
    throw new Error(`RL_BENCH_LOAD must be an integer in [0, 64] (got '${process.env.RL_BENCH_LOAD}')`)
  if (loadProcs) console.log(`under load: ${loadProcs} busy process${loadProcs > 1 ? 'es' : ''} spinning during our timed iterations (not the peer's)`)
  console.log(
    `${'config'.padEnd(26)} | kernels | threads | env steps/s | rollout s | train s | steps/iter | split calls held back / with workers asleep / run whole under load`,
  )
  for (const c of chosen) {
    const args = c.args(backendName)
    const runs = []
    for (const be of backends) {
      const trainer = await PpoRnd.create(args, be)
      await trainer.runIteration() // warm-up: normalization rollouts, first allocations
      const workers = (be as unknown as { workers?: { heldBack: number; quietSplits: number; loadHeld: number; hasProbe: boolean } }).workers
      runs.push({
        be,
        trainer,
        workers,
        held0: workers?.heldBack ?? 0,
        quiet0: workers?.quietSplits ?? 0,
        load0: workers?.loadHeld ?? 0,
        /** false: kernel threads opened without the load probe (RL_BENCH_PROBE=both) */
        probe: !workers || workers.hasProbe,
        steps: 0,
        secs: 0,
        roll: 0,
        train: 0,
      })
    }
    const load = startLoad(loadProcs)
    // the matmul and conv work of the first backend's timed iterations (the same for every backend: same iterations)
    const counted = runs[0],
      counter = backendName === 'wasm' ? countFlops(counted.be as WasmBackend) : null
    for (let i = 0; i < iters; i++) {
      for (const r of i % 2 ? [...runs].reverse() : runs) {
        const t0 = performance.now()
        const m = await r.trainer.runIteration()
        r.secs += (performance.now() - t0) / 1000
        r.steps += m.env_steps
        r.roll += m.rollout_seconds
        r.train += m.train_seconds
      }
    }
    load.stop()
    const flops = counter?.stop() ?? 0
    for (const r of runs) {
      const threads = threadsOf(r.be),
        sps = r.steps / r.secs
      const build = buildOf(r.be)
      json.push({
        kernel: 'rl_loop',
        shape: c.name,
        backend: backendName,
        build,
        library: 'rl-rnd',
        threads,
        load_probe: r.probe,
        ms: (r.secs / iters) * 1000,
        steps_per_s: sps,
      })
      const held = r.workers ? `${r.workers.heldBack - r.held0} / ${r.workers.quietSplits - r.quiet0} / ${r.workers.loadHeld - r.load0}` : '-'
      const sps_ = (x: { steps: number; secs: number } | undefined) => (x ? x.steps / x.secs : 0)
      const one = runs.find((x) => threadsOf(x.be) === 1 && buildOf(x.be) === build),
        simd128 = build === 'relaxed' ? runs.find((x) => threadsOf(x.be) === threads && buildOf(x.be) === 'simd128') : undefined
      const ratios = [
        one && one !== r ? `x${(sps / sps_(one)).toFixed(2)} over 1 thread` : '',
        simd128 ? `x${(sps / sps_(simd128)).toFixed(2)} over simd128` : '',
      ].filter(Boolean)
      const ratio = ratios.length ? `  (${ratios.join(', ')})` : ''
      console.log(
        `${c.name.padEnd(26)} | ${build.padStart(7)} | ${(r.probe ? String(threads) : `${threads}*`).padStart(7)} | ${sps.toFixed(1).padStart(11)} | ${(r.roll / iters).toFixed(2).padStart(9)} | ` +
          `${(r.train / iters).toFixed(2).padStart(7)} | ${(r.steps / iters).toFixed(0).padStart(10)} | ${held.padStart(42)}${ratio}`,
      )
    }
    const chosenBuild = buildOf(runs[runs.length - 1].be) // the peer beside the build train picks (the last opened)
    // the ceiling: env steps/s if every multiply-add of the matmuls and convs ran at this run's peak, and nothing else
    // took time (no other kernel, no JavaScript, no game); per thread, so two threads at most double it
    const peak = peaks[chosenBuild],
      perStep = flops / counted.steps
    const ceiling = peak && flops ? (peak * 1e9) / perStep : 0
    if (ceiling) {
      console.log(
        `${'  ceiling at the peak'.padEnd(26)} | ${chosenBuild.padStart(7)} |       1 | ${ceiling.toFixed(1).padStart(11)} | ${' '.repeat(9)} | ${' '.repeat(7)} | ` +
          `${' '.repeat(10)} | ${(perStep / 1e6).toFixed(0)} MFLOP of matmuls and convs per env step at ${peak!.toFixed(1)} GFLOP/s, nothing else`,
      )
      json.push({
        kernel: 'rl_loop',
        shape: c.name,
        backend: backendName,
        build: chosenBuild,
        library: 'ceiling',
        threads: 1,
        mflop_per_step: perStep / 1e6,
        ceiling_steps_per_s: ceiling,
      })
    }
    peerRows(
      c.name,
      args,
      runs.filter((r) => buildOf(r.be) === chosenBuild && r.probe).map((r) => ({ threads: threadsOf(r.be), sps: r.steps / r.secs })),
      iters,
      peer,
      json,
      ceiling,
    )
    for (const r of runs) {
      if (isProfile && backendName === 'wasm')
        await profileIteration(r.trainer, r.be as WasmBackend, `${c.name}, ${buildOf(r.be)}, ${threadsOf(r.be)} thread${threadsOf(r.be) > 1 ? 's' : ''}`)
      r.trainer.dispose()
    }
  }
}

/** The PyTorch peer's rows of a config, one per thread count of ours, each with our ratio (ours / PyTorch). */
function peerRows(name: string, args: Args, ours: { threads: number; sps: number }[], iters: number, peer: Peer, json: any[], ceiling: number): void {
  if ('missing' in peer) return
  const label = `  PyTorch ${peer.version}`.padEnd(26)
  if (!peer.ported.includes(name)) {
    console.log(`${label} |       - | not ported (bench/torch_peer/rl_loop.py: ${peer.ported.join(', ')})`)
    return
  }
  for (const o of ours) {
    const p = runTorchPeer(name, args, o.threads, iters)
    if ('error' in p) {
      console.log(`${label} |       - | ${String(o.threads).padStart(7)} | failed: ${p.error}`)
      continue
    }
    json.push({
      kernel: 'rl_loop',
      shape: name,
      backend: 'cpu',
      library: 'pytorch',
      threads: o.threads,
      steps_per_s: p.steps_per_s,
      steps_per_s_with_env: p.steps_per_s_with_env,
    })
    console.log(
      `${label} |       - | ${String(o.threads).padStart(7)} | ${p.steps_per_s.toFixed(1).padStart(11)} | ${p.rollout_s_per_iter.toFixed(2).padStart(9)} | ` +
        `${p.train_s_per_iter.toFixed(2).padStart(7)} | ${p.steps_per_iter.toFixed(0).padStart(10)} | ${'-'.padStart(21)}  (ours x${(o.sps / p.steps_per_s).toFixed(2)}; ` +
        `its game ${p.env_s_per_iter.toFixed(2)} s/iter left out, ${p.steps_per_s_with_env.toFixed(1)} steps/s with it` +
        `${ceiling && p.steps_per_s > ceiling * o.threads ? `; above our ceiling at ${o.threads} thread${o.threads > 1 ? 's' : ''}` : ''})`,
    )
  }
}

/**
 * One more iteration with every kernel timed and the environments' own time measured (VectorEnv.step and reset
 * wrapped): the iteration's time split into env, kernels by name, and the rest (tape, allocation, batch assembly,
 * JavaScript), per phase where the trainer reports it.
 */
async function profileIteration(trainer: PpoRnd, be: WasmBackend, title: string): Promise<void> {
  const venv = trainer.venv as unknown as Record<string, (...a: unknown[]) => unknown>
  let envMs = 0
  const wrapped = ['step', 'resetEnv', 'reset'].map((k) => {
    const orig = venv[k]
    venv[k] = function (...a: unknown[]) {
      const t = performance.now()
      const r = orig.apply(this, a)
      envMs += performance.now() - t
      return r
    }
    return [k, orig] as const
  })
  const timer = timeKernels(be),
    t0 = performance.now()
  const m = await trainer.runIteration()
  const total = performance.now() - t0,
    rows = timer.stop()
  for (const [k, orig] of wrapped) venv[k] = orig
  const r = m.rollout_seconds * 1000,
    t = m.train_seconds * 1000
  console.log(
    `\nprofile of one iteration (${title}): ${total.toFixed(0)} ms for ${m.env_steps} env steps; rollout ${r.toFixed(0)} ms ` +
      `(of which the environments ${envMs.toFixed(0)} ms), training ${t.toFixed(0)} ms, other ${(total - r - t).toFixed(0)} ms`,
  )
  printKernelRows('  kernels', rows, total - envMs, 'iteration without the environments')
}

if (import.meta.url === `file://${process.argv[1]}`) await run({ json: [] })
