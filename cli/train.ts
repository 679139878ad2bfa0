// `rl-rnd train`: the seed's rl_rnd.py main loop around rl/ppo_rnd.ts. Output in data_dir/game/experiment_name/:
//   log.txt (and stdout)  the seed's log lines, incl. `... avg cum rwd: M, std: S, min: A, max: B` per iteration
//   metrics.jsonl         one record per iteration
//   rnd_target.safetensors  the never-trained RND target, saved once (atomically) at the start
//   snapshots/iter_NNNNNN/  models + Adam states (safetensors) + state.json, atomic (cli/snapshot.ts), pruned
//   snapshots/damaged_iter_NNNNNN/  a damaged snapshot skipped on resume, kept aside (never deleted)
//   value.model, policy.model  the final models (safetensors) once the target reward is reached
//   gifs/                 with --save_gifs N: the first N episodes of each iteration, as the agent sees them
// The input (flags, snapshots or --model files, the RND target, metrics.jsonl) is checked whole before anything is
// created or changed on disk. Exit codes: 0 done (target reached, --max_iterations or --max_frames); 1 the run failed (a
// non-finite loss or parameters, a disk write error), the newest snapshot intact; 2 bad input (cli/errors.ts).
import type { Command } from 'commander'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { createHash } from 'node:crypto'
import { createRequire } from 'node:module'
import { encodeSafetensors, type Backend } from '../engine/index.ts'
import { DEFAULT_ARGS, type Args } from '../rl/args.ts'
import { playEpisodes } from './play.ts'
import { make } from '../env/index.ts'
import { PpoRnd, NonFiniteLossError, type IterationMetrics } from '../rl/ppo_rnd.ts'
import { NonFiniteStateError } from '../rl/finite.ts'
import type { TrainerState } from '../rl/snapshot.ts'
import { openBackend } from './node_backend.ts'
import { addTrainOptions, argsFromOptions, argsToArgv, exitOnBadInput, type TrainCli } from './args_cli.ts'
import { CliError, EXIT_FAILED, badInput, writing } from './errors.ts'
import { SnapshotStore, snapshotName, writeFileAtomic } from './snapshot.ts'
import { Logger, MetricsWriter, doneCollectingMessage, iterationMessage, metricsRecord, readMetrics, type ReadRecord } from './log.ts'
import { makeProgress } from './progress.ts'
import { checkShapes, checkVisits, modelFlags, readInput, readTensors, readText, type StreamState } from './validate.ts'
import {
  FINAL_MODELS,
  RND_TARGET_FILE,
  findResumable,
  modelMeta,
  readFinalModels,
  readRndTarget,
  snapshotFiles,
  type Damaged,
  type Resumable,
} from './resume.ts'

export { FINAL_MODELS, networkMismatch } from './resume.ts'

/** MiniGrid: per iteration, visits and mean intrinsic reward per grid cell (rl/visit_map.ts) */
export const VISITS_FILE = 'visits.jsonl'

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')

/**
 * --save_gifs: PLE games, the agent's-eye frames of the first episodes; MiniGrid, the full grid in MiniGrid's look
 * (env.render()), each episode replayed from its seed and actions.
 */
async function saveGifs(t: PpoRnd, gifDir: string, iteration: number, kept: () => string): Promise<void> {
  const a = t.args,
    name = (e: number) => path.join(gifDir, `${snapshotName(iteration)}_episode_${e + 1}.gif`)
  writing(gifDir, () => fs.mkdirSync(gifDir, { recursive: true }))
  if (t.obs.kind === 'pixels') {
    t.lastEpisodes()
      .slice(0, a.save_gifs)
      .forEach((ep, e) => {
        const f = name(e)
        writing(f, () => writeFileAtomic(f, episodeGif(ep.frames, ep.length, a.frame_resize)), kept())
      })
    return
  }
  for (const [e, r] of t.episodeReplays(a.save_gifs).entries()) {
    const f = name(e)
    await playEpisodes(make(a.game, { seed: r.seed, frameSkip: a.frame_skip }), async (_, { step }) => r.actions[step], { episodes: 1, gif: f })
  }
}

/** Grayscale agent's-eye GIF of one episode's frames (frame_resize^2 each, 0..255), upscaled. */
function episodeGif(frames: Float32Array, length: number, size: number, scale = 4): Uint8Array {
  const gifenc = createRequire(import.meta.url)('gifenc')
  const enc = gifenc.GIFEncoder()
  const palette = Array.from({ length: 256 }, (_, i) => [i, i, i])
  const W = size * scale,
    idx = new Uint8Array(W * W)
  for (let t = 0; t < length; t++) {
    const f = frames.subarray(t * size * size, (t + 1) * size * size)
    for (let y = 0; y < W; y++)
      for (let x = 0; x < W; x++) {
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

/** A snapshot's policy (snapshots/iter_N/): `play --model` takes a snapshot folder too, e.g. a run's last one. */
const SNAPSHOT_POLICY = 'policy.safetensors'

/** A play policy's file and the flags in it: the policy network is built from them before its shapes are checked. */
function readPolicyFile(dir: string): { file: string; tensors: ReturnType<typeof readTensors>['tensors']; flags: Partial<Args> } {
  const final = path.join(dir, FINAL_MODELS.policy),
    snap = path.join(dir, SNAPSHOT_POLICY)
  const file = !fs.existsSync(final) && fs.existsSync(snap) ? snap : final
  if (!fs.existsSync(file)) badInput(`--model ${dir}: no trained policy there (missing ${FINAL_MODELS.policy}, or a snapshot's ${SNAPSHOT_POLICY})`)
  const { tensors, metadata } = readTensors(readInput(file), file)
  return { file, tensors, flags: modelFlags(metadata, file, 'policy') }
}

/** The game frames per action a play policy was trained at (1 for models saved before --frame_skip). */
export function policyFrameSkip(dir: string): number {
  return readPolicyFile(dir).flags.frame_skip ?? 1
}

/**
 * A play policy from DIR/policy.model, or a snapshot folder's policy.safetensors (cli/play.ts --model), sampling or
 * taking the most probable action (greedy): the network flags come from the file's metadata; each
 * RGB observation is resized and grayscaled as the trainer's VectorEnv does ('nearest'), then the trainer's actor
 * (its own frame stack and LSTM state) samples an action. The file is checked whole first (cli/validate.ts): a
 * missing, damaged or other game's model is one line.
 */
export async function loadPolicy(
  dir: string,
  game: string,
  backendName: Args['backend'] = 'wasm',
  greedy = false,
): Promise<{ policy: (obs: Uint8Array, ctx: { step: number }) => Promise<number>; dispose(): void }> {
  const { file, tensors, flags } = readPolicyFile(dir)
  const args: Args = { ...DEFAULT_ARGS, ...flags, num_envs: 1, num_trials: 1, backend: backendName }
  if (args.game !== game) throw new CliError(`${file} was trained on ${args.game}, not ${game}`)
  const backend = await openBackend(backendName).catch(() => openBackend('ref'))
  const t = await PpoRnd.create(args, backend)
  try {
    checkShapes(file, tensors, t.expectedShapes().models.policy)
  } catch (e) {
    t.dispose()
    backend.destroy()
    throw e
  }
  for (const [name, p] of t.networkNamed('policy')) p.write(tensors[name].data)
  const actor = t.actor({ greedy })
  return {
    policy: async (obs, ctx) => {
      if (ctx.step === 0) actor.reset()
      return actor.act(obs)
    },
    dispose: () => {
      actor.dispose()
      t.dispose()
      backend.destroy()
    },
  }
}

/** The trainer for these flags; buffers that cannot be allocated are one line naming the flags that size them. */
async function createTrainer(args: Args, backend: Backend, hooks: Parameters<typeof PpoRnd.create>[2]): Promise<PpoRnd> {
  try {
    return await PpoRnd.create(args, backend, hooks)
  } catch (e) {
    if (!(e instanceof RangeError)) throw e
    return badInput(
      `the networks and buffers of these flags do not fit in memory (${e.message}): lower --num_envs, ` +
        '--frame_resize, --stacked_frames, --minibatches, --sequence_length or the layer sizes',
    )
  }
}

/**
 * Where the iterations come from when not from this machine's rollouts: `rl-rnd learner` (cli/learner.ts) trains on
 * blocks from actors. Everything else of a run (input checks, resume, logs, metrics, snapshots, stopping) is train's.
 */
export interface IterationSource {
  /** once the trainer is ready (resumed or fresh, normalized); `saved`: the resumed snapshot's stream position */
  start(t: PpoRnd, saved: StreamState | undefined, log: (m: string) => void): Promise<void>
  iterate(t: PpoRnd): Promise<IterationMetrics>
  /** what state.json keeps of the source after an iteration */
  position(): StreamState
  /** after the iteration's snapshot is on disk */
  afterSave(t: PpoRnd, m: IterationMetrics): Promise<void>
  /** the run reached its end (target, --max_iterations, --max_frames) */
  finish(t: PpoRnd): Promise<void>
  close(): Promise<void>
}

/** Where a run starts: checked whole (cli/resume.ts) before anything is written. */
type Start =
  | { kind: 'snapshot'; resumable: Resumable; rndTarget: ReturnType<typeof readRndTarget>; damaged: Damaged[] }
  | { kind: 'model'; models: ReturnType<typeof readFinalModels> }
  | { kind: 'fresh' }

/**
 * Read and check the input; without the trainer (t null: before the backend opens, so that bad files are told at
 * once) everything but the shapes, which a second call with the trainer checks.
 */
function readStart(cli: TrainCli, t: PpoRnd | null, store: SnapshotStore, metricsFile: string): Start {
  const { args } = cli
  const expected = t ? t.expectedShapes() : null
  if (cli.modelDir) return { kind: 'model', models: readFinalModels(cli.modelDir, args, expected) }
  if (args.no_resume) return { kind: 'fresh' }
  const sizes = t ? { obs: t.obsStats.size, actions: t.numActions, envs: t.venv.numEnvs } : null
  const { resumable, damaged } = findResumable(store, args, expected, sizes)
  if (!resumable) return { kind: 'fresh' }
  const dir = resumable.snap.dir
  const rndTargetFile = path.join(path.dirname(store.dir), RND_TARGET_FILE)
  if (!fs.existsSync(rndTargetFile)) {
    badInput(`cannot resume from ${dir}: ${rndTargetFile} is missing (use --no_resume)`)
  }
  const rndTarget = readRndTarget(rndTargetFile, args, expected)
  if (sha256(rndTarget.bytes) !== resumable.state.rnd_target_sha256) {
    badInput(`cannot resume from ${dir}: ${rndTargetFile} is not the RND target of that run (use --no_resume)`)
  }
  readMetrics(metricsFile) // kept up to the snapshot's iteration: it must read whole
  const visitsFile = path.join(path.dirname(store.dir), VISITS_FILE)
  if (fs.existsSync(visitsFile)) checkVisits(readText(visitsFile), visitsFile) // the same (MiniGrid)
  return { kind: 'snapshot', resumable, rndTarget, damaged }
}

export async function train(cli: TrainCli, source?: IterationSource): Promise<number> {
  const { args, experimentDir: dir } = cli
  // stdout at once, log.txt once the input is known good: nothing is created on disk before that
  const logger = new Logger(null)
  const log = (m: string) => logger.log(m)
  const store = new SnapshotStore(dir, { warn: (m) => log(`WARNING: ${m}`) })
  const metrics = new MetricsWriter(dir)
  const visits = new MetricsWriter(dir, VISITS_FILE)
  /** What a failure leaves behind, for its error line. */
  const kept = () => {
    const last = store.list().at(-1)
    if (last === undefined) return 'no snapshot was saved yet'
    return `the newest snapshot, ${path.join(store.dir, snapshotName(last))}, is intact`
  }
  log('Starting')
  log(`Args: ${argsToArgv(args).join(' ')}`)
  readStart(cli, null, store, metrics.file)
  let backend: Backend
  try {
    backend = await openBackend(args.backend, { log, threads: args.threads, simd: args.wasm_simd })
  } catch (e) {
    return badInput(`--backend ${args.backend}: ${(e as Error).message}`)
  }
  log(`Backend: ${backend.description}`)
  const progress = makeProgress(!args.disable_progress_bar)
  let t: PpoRnd
  try {
    t = await createTrainer(args, backend, { onProgress: (p, d, n) => progress.onProgress(p, d, n) })
  } catch (e) {
    backend.destroy()
    throw e
  }
  const rndTargetFile = path.join(dir, RND_TARGET_FILE)
  const saveRndTarget = async () => {
    const bytes = encodeSafetensors((await t.exportState()).models.rnd_target, modelMeta('rnd_target', args))
    writing(rndTargetFile, () => writeFileAtomic(rndTargetFile, bytes))
  }
  let wallBase = 0
  try {
    // ---------------------------------------------------------------- the input, read and checked whole
    const start = readStart(cli, t, store, metrics.file)
    // ---------------------------------------------------------------- known good: the experiment folder from here
    ensureWritable(dir, '--data_dir')
    logger.open(path.join(dir, 'log.txt'))
    writing(store.dir, () => store.removeTemp())
    if (start.kind === 'snapshot') {
      const {
        resumable: { snap, state, models, optimizers },
        rndTarget,
        damaged,
      } = start
      for (const d of damaged) {
        const aside = writing(store.dir, () => store.moveAside(d.iteration))
        log(`WARNING: skipping damaged snapshot ${snapshotName(d.iteration)}: ${d.reason} (kept as ${aside})`)
      }
      try {
        t.importState({
          models: { ...models, rnd_target: rndTarget.tensors } as TrainerState['models'],
          optimizers: optimizers as TrainerState['optimizers'],
          json: state.trainer,
        })
      } catch (e) {
        badInput(`cannot resume from ${snap.dir}: ${(e as Error).message}`)
      }
      wallBase = state.wall_seconds
      metrics.truncateAfter(t.iteration)
      visits.truncateAfter(t.iteration)
      writing(store.dir, () => store.removeAfter(t.iteration))
      log(`Resumed from snapshot ${snap.dir} (iteration ${t.iteration})`)
    } else {
      const stale = writing(store.dir, () => store.removeAfter(0))
      if (stale.length) log(`Not resuming: removed ${stale.length} snapshot(s) of the previous run`)
      metrics.truncateAfter(0)
      visits.truncateAfter(0)
      const target = start.kind === 'model' ? start.models.rndTarget : null
      if (start.kind === 'model') {
        for (const net of ['value', 'policy'] as const) {
          for (const [name, p] of t.networkNamed(net)) p.write(start.models.models[net][name].data)
        }
        log(`Loaded final models from ${cli.modelDir}`)
      }
      if (target) {
        for (const [name, p] of t.networkNamed('rnd_target')) p.write(target.tensors[name].data)
        writing(rndTargetFile, () => writeFileAtomic(rndTargetFile, target.bytes))
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
    // --iterations_after_target: the iteration that first reached the target (a resumed run finds it in metrics.jsonl;
    // without the flag a resumed run trains until it reaches the target again, as before)
    const reached = (r: ReadRecord) => (r.return_ext_mean ?? Number.NEGATIVE_INFINITY) >= args.target_cumulative_rewards_extrinsic
    let targetIteration = args.iterations_after_target > 0 ? (readMetrics(metrics.file).find(reached)?.iteration ?? null) : null
    const start0 = performance.now()
    const wall = () => wallBase + (performance.now() - start0) / 1000

    // ---------------------------------------------------------------- 0. initial observation normalization
    if (!t.isNormalized) {
      log(`> Performing ${args.initial_normalization_num_trials} rollouts at iteration 0, epsilon_greedy: 1.00, ` + 'for observation normalization parameters')
      await t.initNormalization()
      progress.stop()
      log('> Collected initial observation normalization parameters')
    }
    await source?.start(t, start.kind === 'snapshot' ? start.resumable.state.stream : undefined, log)
    for (;;) {
      const it = t.iteration + 1
      log(
        args.num_steps > 0
          ? `> Starting collecting ${args.num_steps} steps of ${args.num_envs} environments for iteration ${it}, ` +
              `epsilon_greedy: ${args.epsilon_greedy.toFixed(2)}`
          : `> Starting collecting ${args.num_trials} rollouts for iteration ${it}, ` + `epsilon_greedy: ${args.epsilon_greedy.toFixed(2)}`,
      )
      let m: IterationMetrics
      try {
        m = source ? await source.iterate(t) : await t.runIteration()
      } catch (e) {
        progress.stop()
        if (!(e instanceof NonFiniteLossError || e instanceof NonFiniteStateError)) throw e
        log(`ERROR: ${e.message}`)
        log(`Stopped: ${kept()}`)
        const what =
          e instanceof NonFiniteLossError
            ? `non-finite loss in the ${e.network} network at iteration ${e.iteration}`
            : `non-finite ${e.what} in the ${e.network} network after gradient step ${e.step} of ${e.steps} ` + `in iteration ${e.iteration}`
        throw new CliError(`${what}; stopped: ${kept()}`, EXIT_FAILED)
      }
      progress.stop()
      log(
        doneCollectingMessage(m.episodes, m.iteration, args.epsilon_greedy, {
          mean: m.return_ext_mean,
          std: m.return_ext_std,
          min: m.return_ext_min,
          max: m.return_ext_max,
        }),
      )
      log(iterationMessage(m))
      const seconds = wall() // the iteration's wall time in metrics.jsonl, which --max_seconds compares
      metrics.append(metricsRecord(m, seconds))
      if (t.visits && !source) visits.append({ iteration: m.iteration, total_env_steps: m.total_env_steps, ...t.visits.toJSON() })
      if (args.save_gifs > 0) await saveGifs(t, path.join(dir, 'gifs'), m.iteration, kept)
      const st = await t.exportState()
      const snapDir = path.join(store.dir, snapshotName(m.iteration))
      writing(snapDir, () => store.save(m.iteration, snapshotFiles(st, args, wall(), rndTargetSha, source?.position())), kept())
      log(`> Saved snapshot ${snapDir}`)
      for (const old of writing(store.dir, () => store.prune(args.keep_past_x_snapshots, m.iteration))) {
        log(`Deleting old snapshot: ${snapshotName(old)}`)
      }
      await source?.afterSave(t, m)
      if (targetIteration === null && m.return_ext_mean >= args.target_cumulative_rewards_extrinsic) {
        targetIteration = m.iteration
        log('Target cumulative reward reached!')
        const files = Object.values(FINAL_MODELS).map((f) => path.join(dir, f))
        log(`Saving final models to: ${files.join(', ')}`)
        for (const [i, net] of (['value', 'policy'] as const).entries()) {
          const bytes = encodeSafetensors(before.models[net], modelMeta(net, args))
          writing(files[i], () => writeFileAtomic(files[i], bytes), kept())
        }
        if (args.iterations_after_target === 0) break
        log(`Training ${args.iterations_after_target} more iterations (--iterations_after_target)`)
      }
      before = st
      if (targetIteration !== null && m.iteration >= targetIteration + args.iterations_after_target) {
        log(`Reached --iterations_after_target ${args.iterations_after_target} (the target was first reached at iteration ${targetIteration})`)
        break
      }
      if (args.max_iterations > 0 && m.iteration >= args.max_iterations) {
        log(`Reached --max_iterations ${args.max_iterations}`)
        break
      }
      if (args.max_frames > 0 && t.totalEnvSteps >= args.max_frames) {
        log(`Reached --max_frames ${args.max_frames} (${t.totalEnvSteps} env steps)`)
        break
      }
      if (args.max_seconds > 0 && seconds >= args.max_seconds) {
        log(`Reached --max_seconds ${args.max_seconds} (${seconds.toFixed(0)} s)`)
        break
      }
    }
    await source?.finish(t)
    log('Done')
    return 0
  } finally {
    progress.stop()
    await source?.close()
    t.dispose()
    backend.destroy()
    logger.close()
  }
}

export function register(program: Command): void {
  const cmd = program.command('train').description("Train PPO + RND (the seed's rl_rnd.py); resumes from the newest snapshot unless --no_resume")
  addTrainOptions(cmd)
  exitOnBadInput(cmd)
  cmd.action(async (opts: Record<string, unknown>, c: Command) => {
    const cli = argsFromOptions(opts, c)
    if ('error' in cli) badInput(cli.error)
    if (cli.args.nats !== '') badInput('--nats is for rl-rnd learner and rl-rnd actor (docs/distributed.md); train runs on this machine alone')
    await train(cli)
  })
}
