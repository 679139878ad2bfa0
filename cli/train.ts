// `rl-rnd train`: the seed's rl_rnd.py main loop around rl/ppo_rnd.ts. Output in data_dir/game/experiment_name/:
//   log.txt (and stdout)  the seed's log lines, incl. `... avg cum rwd: M, std: S, min: A, max: B` per iteration
//   metrics.jsonl         one record per iteration
//   rnd_target.safetensors  the never-trained RND target, saved once (atomically) at the start
//   snapshots/iter_NNNNNN/  models + Adam states (safetensors) + state.json, atomic (cli/snapshot.ts), pruned
//   value.model, policy.model  the final models (safetensors) once the target reward is reached
//   gifs/                 with --save_gifs N: the first N episodes of each iteration, as the agent sees them
// Exit codes: 0 done (target reached or --max_iterations or --max_frames), 1 training failure (non-finite loss), 2 bad input.
import type { Command } from 'commander'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { createHash } from 'node:crypto'
import { createRequire } from 'node:module'
import { encodeSafetensors, decodeSafetensors, loadNamed, type Backend, type NamedArray } from '../engine/index.ts'
import { DEFAULT_ARGS, NETWORK_FLAGS, type Args } from '../rl/args.ts'
import { PpoRnd, NonFiniteLossError, type IterationMetrics } from '../rl/ppo_rnd.ts'
import type { TrainerState, TrainerJson } from '../rl/snapshot.ts'
import { openBackend } from './node_backend.ts'
import { addTrainOptions, argsFromOptions, argsToArgv, badInput, exitOnBadInput, type TrainCli } from './args_cli.ts'
import { SnapshotStore, snapshotName, writeFileAtomic, type Snapshot } from './snapshot.ts'
import { Logger, MetricsWriter, doneCollectingMessage, iterationMessage, metricsRecord } from './log.ts'
import { makeProgress } from './progress.ts'
import { playEpisodes } from './play.ts'
import { make } from '../env/index.ts'

const TRAINED = ['value', 'policy', 'rnd_predictor'] as const
const RND_TARGET_FILE = 'rnd_target.safetensors'
/** MiniGrid: per iteration, visits and mean intrinsic reward per grid cell (rl/visit_map.ts) */
export const VISITS_FILE = 'visits.jsonl'
export const FINAL_MODELS = { value: 'value.model', policy: 'policy.model' } as const

interface StateFile {
  format: 'rl-rnd-state/1'
  trainer: TrainerJson
  wall_seconds: number
  rnd_target_sha256: string
  argv: string[]
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')

/** The flags of NETWORK_FLAGS on which `a` and `b` disagree, as "--flag A (this run: B)". */
export function networkMismatch(saved: Partial<Args>, a: Args): string[] {
  return NETWORK_FLAGS.filter((k) => saved[k] !== undefined && saved[k] !== a[k])
    .map((k) => `--${k} ${JSON.stringify(saved[k])} (this run: ${JSON.stringify(a[k])})`)
}

function modelMeta(net: string, args: Args): Record<string, string> {
  const flags = Object.fromEntries(NETWORK_FLAGS.map((k) => [k, args[k]]))
  return { format: 'rl-rnd-model/1', network: net, args: JSON.stringify(flags) }
}

/** Snapshot files of a trainer state. */
function snapshotFiles(st: TrainerState, args: Args, wallSeconds: number, rndTargetSha: string):
  Record<string, Uint8Array | string> {
  const files: Record<string, Uint8Array | string> = {}
  for (const n of TRAINED) {
    files[`${n}.safetensors`] = encodeSafetensors(st.models[n], modelMeta(n, args))
    files[`optimizer_${n}.safetensors`] = encodeSafetensors(st.optimizers[n])
  }
  const state: StateFile = {
    format: 'rl-rnd-state/1', trainer: st.json, wall_seconds: wallSeconds, rnd_target_sha256: rndTargetSha,
    argv: argsToArgv(args),
  }
  files['state.json'] = JSON.stringify(state, null, 1)
  return files
}

/** Decode a snapshot (throws on anything malformed: loadLatest then skips it with a warning). */
type Tensors = Record<string, Record<string, NamedArray>>

function decodeSnapshot(s: Snapshot): { state: StateFile; models: Tensors; optimizers: Tensors } {
  const state = JSON.parse(new TextDecoder().decode(s.files['state.json'] ?? new Uint8Array())) as StateFile
  if (state?.format !== 'rl-rnd-state/1' || !state.trainer) throw new Error('state.json is not an rl-rnd state')
  const models: Tensors = {}, optimizers: Tensors = {}
  for (const n of TRAINED) {
    const m = s.files[`${n}.safetensors`], o = s.files[`optimizer_${n}.safetensors`]
    if (!m || !o) throw new Error(`${n} model or optimizer file missing`)
    models[n] = decodeSafetensors(m, undefined, `${n}.safetensors`).tensors
    optimizers[n] = decodeSafetensors(o, undefined, `optimizer_${n}.safetensors`).tensors
  }
  return { state, models, optimizers }
}

/**
 * --save_gifs: PLE games, the agent's-eye frames of the first episodes; MiniGrid, the full grid in MiniGrid's look
 * (env.render()), each episode replayed from its seed and actions.
 */
async function saveGifs(t: PpoRnd, gifDir: string, iteration: number): Promise<void> {
  const a = t.args, name = (e: number) => path.join(gifDir, `${snapshotName(iteration)}_episode_${e + 1}.gif`)
  fs.mkdirSync(gifDir, { recursive: true })
  if (t.obs.kind === 'pixels') {
    t.lastEpisodes().slice(0, a.save_gifs).forEach((ep, e) => fs.writeFileSync(name(e), episodeGif(ep.frames, ep.length, a.frame_resize)))
    return
  }
  const replays = t.episodeReplays(a.save_gifs)
  for (const [e, r] of replays.entries()) {
    await playEpisodes(make(a.game, { seed: r.seed }), async (_, { step }) => r.actions[step], { episodes: 1, gif: name(e) })
  }
}

/** Grayscale agent's-eye GIF of one episode's frames (frame_resize^2 each, 0..255), upscaled. */
function episodeGif(frames: Float32Array, length: number, size: number, scale = 4): Uint8Array {
  const gifenc = createRequire(import.meta.url)('gifenc')
  const enc = gifenc.GIFEncoder()
  const palette = Array.from({ length: 256 }, (_, i) => [i, i, i])
  const W = size * scale, idx = new Uint8Array(W * W)
  for (let t = 0; t < length; t++) {
    const f = frames.subarray(t * size * size, (t + 1) * size * size)
    for (let y = 0; y < W; y++) for (let x = 0; x < W; x++) {
      idx[y * W + x] = Math.max(0, Math.min(255, Math.round(f[Math.floor(y / scale) * size + Math.floor(x / scale)])))
    }
    enc.writeFrame(idx, W, W, { palette, delay: t === length - 1 ? 1000 : 33 })
  }
  enc.finish()
  return enc.bytes()
}

/** Check the directory is writable (creating it): exit 2 with one line if not. */
function ensureWritable(dir: string, what: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true })
    const probe = path.join(dir, `.write_test_${process.pid}`)
    fs.writeFileSync(probe, '')
    fs.rmSync(probe)
  } catch (e: any) {
    badInput(`${what} is not writable: ${dir} (${e.code ?? e.message})`)
  }
}

/** The network flags a model file was saved with (modelMeta), or null when it is not an rl-rnd model. */
function modelFlags(bytes: Uint8Array, file: string): Partial<Args> | null {
  const { metadata } = decodeSafetensors(bytes, undefined, file)
  return metadata.format === 'rl-rnd-model/1' && metadata.args ? JSON.parse(metadata.args) : null
}

/** Load value.model/policy.model from dir into the trainer (exit 2 when missing or incompatible). */
function loadFinalModels(t: PpoRnd, dir: string, args: Args): void {
  const files = Object.values(FINAL_MODELS).map((f) => path.join(dir, f))
  const missing = files.filter((f) => !fs.existsSync(f))
  const names = missing.map((f) => path.basename(f)).join(', ')
  if (missing.length) badInput(`--model ${dir}: no trained models there (missing ${names})`)
  for (const net of ['value', 'policy'] as const) {
    const file = path.join(dir, FINAL_MODELS[net])
    const bytes = fs.readFileSync(file)
    try {
      // the flags first: "trained with --z_dim 8 (this run: 16)" says more than a shape mismatch
      const bad = networkMismatch(modelFlags(bytes, file) ?? {}, args)
      if (bad.length) badInput(`--model ${file} was trained with ${bad.join(', ')}`)
      loadNamed(t.networkNamed(net), bytes, file)
    } catch (e) {
      badInput((e as Error).message)
    }
  }
}

/**
 * A play policy from DIR/policy.model (cli/play.ts --model): the network flags come from the file's metadata; the
 * trainer's actor turns each observation into a frame as the trainer's VectorEnv does (its own frame stack and LSTM
 * state) and samples an action. Throws one clear line when the model is missing or for
 * another game.
 */
export async function loadPolicy(dir: string, game: string, backendName: Args['backend'] = 'wasm'):
  Promise<{ policy: (obs: Uint8Array, ctx: { step: number }) => Promise<number>; dispose(): void }> {
  const file = path.join(dir, FINAL_MODELS.policy)
  if (!fs.existsSync(file)) throw new Error(`--model ${dir}: no trained policy there (missing ${FINAL_MODELS.policy})`)
  const bytes = fs.readFileSync(file)
  const flags = modelFlags(bytes, file)
  if (!flags) throw new Error(`${file}: not an rl-rnd model (no flags in its metadata)`)
  const args: Args = { ...DEFAULT_ARGS, ...flags, num_envs: 1, num_trials: 1, backend: backendName }
  if (args.game !== game) throw new Error(`${file} was trained on ${args.game}, not ${game}`)
  const backend = await openBackend(backendName).catch(() => openBackend('ref'))
  const t = await PpoRnd.create(args, backend)
  try {
    loadNamed(t.networkNamed('policy'), bytes, file)
  } catch (e) {
    t.dispose()
    backend.destroy()
    throw e
  }
  const actor = t.actor()
  return {
    policy: async (obs, ctx) => {
      if (ctx.step === 0) actor.reset()
      return actor.act(obs)
    },
    dispose: () => { actor.dispose(); t.dispose(); backend.destroy() },
  }
}

export async function train(cli: TrainCli): Promise<number> {
  const { args, experimentDir: dir } = cli
  ensureWritable(dir, '--data_dir')
  if (cli.modelDir) {
    const missing = Object.values(FINAL_MODELS).filter((f) => !fs.existsSync(path.join(cli.modelDir!, f)))
    if (missing.length) badInput(`--model ${cli.modelDir}: no trained models there (missing ${missing.join(', ')})`)
  }
  const logger = new Logger(path.join(dir, 'log.txt'))
  const log = (m: string) => logger.log(m)
  const store = new SnapshotStore(dir, { warn: (m) => log(`WARNING: ${m}`) })
  const metrics = new MetricsWriter(dir)
  const visits = new MetricsWriter(dir, VISITS_FILE)
  log('Starting')
  log(`Args: ${argsToArgv(args).join(' ')}`)
  let backend: Backend
  try {
    backend = await openBackend(args.backend, { log, threads: args.threads })
  } catch (e) {
    logger.close()
    return badInput(`--backend ${args.backend}: ${(e as Error).message}`)
  }
  log(`Backend: ${backend.description}`)
  const progress = makeProgress(!args.disable_progress_bar)
  const t = await PpoRnd.create(args, backend, { onProgress: (p, d, n) => progress.onProgress(p, d, n) })
  const rndTargetFile = path.join(dir, RND_TARGET_FILE)
  const saveRndTarget = async () => writeFileAtomic(rndTargetFile,
    encodeSafetensors((await t.exportState()).models.rnd_target, modelMeta('rnd_target', args)))
  let wallBase = 0
  try {
    // ---------------------------------------------------------------- resume: --model, newest snapshot, or fresh
    let resumed: ReturnType<typeof decodeSnapshot> & { snap: Snapshot } | null = null
    store.removeTemp()
    if (cli.modelDir) {
      loadFinalModels(t, cli.modelDir, args)
      log(`Loaded final models from ${cli.modelDir}`)
      const target = path.join(cli.modelDir, RND_TARGET_FILE)
      const isOther = path.resolve(target) !== path.resolve(rndTargetFile)
      if (fs.existsSync(target) && isOther) fs.copyFileSync(target, rndTargetFile)
    } else if (!args.no_resume) {
      const snap = store.loadLatest((s) => { decodeSnapshot(s) })
      if (snap) resumed = { snap, ...decodeSnapshot(snap) }
    }
    if (resumed) {
      const { snap, state } = resumed
      const bad = networkMismatch(state.trainer.args, args)
      if (bad.length) {
        badInput(`cannot resume from ${snap.dir}: it was made with ${bad.join(', ')}; ` +
          'use the same network flags, --no_resume, or another --experiment_name')
      }
      if (!fs.existsSync(rndTargetFile)) {
        badInput(`cannot resume from ${snap.dir}: ${rndTargetFile} is missing (use --no_resume)`)
      }
      const targetBytes = fs.readFileSync(rndTargetFile)
      if (sha256(targetBytes) !== state.rnd_target_sha256) {
        badInput(`cannot resume from ${snap.dir}: ${rndTargetFile} is not the RND target of that run (use --no_resume)`)
      }
      const rndTarget = decodeSafetensors(targetBytes, undefined, rndTargetFile).tensors
      try {
        t.importState({
          models: { ...resumed.models, rnd_target: rndTarget } as TrainerState['models'],
          optimizers: resumed.optimizers as TrainerState['optimizers'], json: state.trainer,
        })
      } catch (e) {
        badInput(`cannot resume from ${snap.dir}: ${(e as Error).message}`)
      }
      wallBase = state.wall_seconds
      metrics.truncateAfter(t.iteration)
      visits.truncateAfter(t.iteration)
      store.removeAfter(t.iteration)
      log(`Resumed from snapshot ${snap.dir} (iteration ${t.iteration})`)
    } else {
      const stale = store.removeAfter(0)
      if (stale.length) log(`Not resuming: removed ${stale.length} snapshot(s) of the previous run`)
      metrics.truncateAfter(0)
      visits.truncateAfter(0)
      const target = cli.modelDir && fs.existsSync(rndTargetFile) ? fs.readFileSync(rndTargetFile) : null
      if (target) {
        try {
          loadNamed(t.networkNamed('rnd_target'), target, rndTargetFile)
        } catch (e) {
          log(`WARNING: ${(e as Error).message}; using a fresh RND target`)
          await saveRndTarget()
        }
      } else {
        await saveRndTarget()
      }
    }
    const rndTargetSha = sha256(fs.readFileSync(rndTargetFile))
    if (args.max_iterations > 0 && t.iteration >= args.max_iterations) {
      log(`Already at iteration ${t.iteration} (--max_iterations ${args.max_iterations})`)
      log('Done')
      return 0
    }
    if (args.max_frames > 0 && t.totalEnvSteps >= args.max_frames) {
      log(`Already at ${t.totalEnvSteps} env steps (--max_frames ${args.max_frames})`)
      log('Done')
      return 0
    }
    // The final models are the ones that reached the target: those before the iteration's training (as the seed,
    // which checks the target between rollouts and training). Keep their encoded bytes from the previous save.
    let before = await t.exportState()
    const start = performance.now()
    const wall = () => wallBase + (performance.now() - start) / 1000

    // ---------------------------------------------------------------- 0. initial observation normalization
    if (!t.isNormalized) {
      log(`> Performing ${args.initial_normalization_num_trials} rollouts at iteration 0, epsilon_greedy: 1.00, ` +
        'for observation normalization parameters')
      await t.initNormalization()
      progress.stop()
      log('> Collected initial observation normalization parameters')
    }
    for (;;) {
      const it = t.iteration + 1
      log(args.num_steps > 0
        ? `> Starting collecting ${args.num_steps} steps of ${args.num_envs} environments for iteration ${it}, ` +
          `epsilon_greedy: ${args.epsilon_greedy.toFixed(2)}`
        : `> Starting collecting ${args.num_trials} rollouts for iteration ${it}, ` +
          `epsilon_greedy: ${args.epsilon_greedy.toFixed(2)}`)
      let m: IterationMetrics
      try {
        m = await t.runIteration()
      } catch (e) {
        progress.stop()
        if (!(e instanceof NonFiniteLossError)) throw e
        const last = store.list().at(-1)
        log(`ERROR: ${e.message}`)
        const kept = last !== undefined ? path.join(store.dir, snapshotName(last)) : null
        log(kept ? `The last good snapshot is kept: ${kept}` : 'No snapshot was saved yet')
        process.stderr.write(
          `error: non-finite loss in the ${e.network} network at iteration ${e.iteration}; stopped\n`)
        return 1
      }
      progress.stop()
      log(doneCollectingMessage(m.episodes, m.iteration, args.epsilon_greedy,
        { mean: m.return_ext_mean, std: m.return_ext_std, min: m.return_ext_min, max: m.return_ext_max }))
      log(iterationMessage(m))
      metrics.append(metricsRecord(m, wall()))
      if (t.visits) visits.append({ iteration: m.iteration, total_env_steps: m.total_env_steps, ...t.visits.toJSON() })
      if (args.save_gifs > 0) await saveGifs(t, path.join(dir, 'gifs'), m.iteration)
      const st = await t.exportState()
      store.save(m.iteration, snapshotFiles(st, args, wall(), rndTargetSha))
      log(`> Saved snapshot ${path.join(store.dir, snapshotName(m.iteration))}`)
      for (const old of store.prune(args.keep_past_x_snapshots, m.iteration)) {
        log(`Deleting old snapshot: ${snapshotName(old)}`)
      }
      if (m.return_ext_mean >= args.target_cumulative_rewards_extrinsic) {
        log('Target cumulative reward reached!')
        const files = Object.values(FINAL_MODELS).map((f) => path.join(dir, f))
        log(`Saving final models to: ${files.join(', ')}`)
        writeFileAtomic(files[0], encodeSafetensors(before.models.value, modelMeta('value', args)))
        writeFileAtomic(files[1], encodeSafetensors(before.models.policy, modelMeta('policy', args)))
        break
      }
      before = st
      if (args.max_iterations > 0 && m.iteration >= args.max_iterations) {
        log(`Reached --max_iterations ${args.max_iterations}`)
        break
      }
      if (args.max_frames > 0 && t.totalEnvSteps >= args.max_frames) {
        log(`Reached --max_frames ${args.max_frames} (${t.totalEnvSteps} env steps)`)
        break
      }
    }
    log('Done')
    return 0
  } finally {
    progress.stop()
    t.dispose()
    backend.destroy()
    logger.close()
  }
}

export function register(program: Command): void {
  const cmd = program.command('train')
    .description("Train PPO + RND (the seed's rl_rnd.py); resumes from the newest snapshot unless --no_resume")
  addTrainOptions(cmd)
  exitOnBadInput(cmd)
  cmd.action(async (opts: Record<string, unknown>, c: Command) => {
    const cli = argsFromOptions(opts, c)
    if ('error' in cli) badInput(cli.error)
    process.exitCode = await train(cli)
  })
}
