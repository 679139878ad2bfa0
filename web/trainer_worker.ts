// The trainer in a Web Worker, so the page stays responsive. It fetches the kernels (kernels.release.wasm, beside
// this script), opens the wasm backend (or WebGPU when asked and available, else wasm with a note), runs PpoRnd
// on the chosen game with its settings (web/settings.ts) plus the page's overrides, and after every iteration posts
// the metrics, on MiniGrid the iteration's visit map (visits and mean intrinsic reward per cell, rl/visit_map.ts),
// and the frames of one greedy demo episode for web/main.ts to animate: env.render(), i.e. PixelCopter's 48x48
// screen or MiniGrid's full grid in MiniGrid's look.
// Messages in:  start {backend, game, overrides} | pause | resume | random {seed}
// Messages out: status {text} | metrics {m} | visits {iteration, total_env_steps, record}
//               | episode {kind, frames, count, w, h, ret, iteration} | error {text}
import { PpoRnd, type IterationMetrics } from '../rl/ppo_rnd.ts'
import { validateArgs, type Args } from '../rl/args.ts'
import type { VisitRecord } from '../rl/visit_map.ts'
import { pageArgs, PIXELCOPTER } from './settings.ts'
import { Rng, type Backend } from '../engine/index.ts'
import { createWasmBackend } from '../engine/backend/wasm.ts'
import { createWebGPUBackend } from '../engine/backend/webgpu.ts'
import { make, type Env } from '../env/index.ts'

export type BackendChoice = 'wasm' | 'webgpu'
export type ToWorker =
  | { type: 'start'; backend: BackendChoice; game: string; overrides: Partial<Args> }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'random'; seed: number; game: string }
export type FromWorker =
  | { type: 'status'; text: string }
  | { type: 'metrics'; m: IterationMetrics }
  | { type: 'visits'; iteration: number; total_env_steps: number; record: VisitRecord }
  | { type: 'episode'; kind: 'greedy' | 'random'; frames: Uint8Array; count: number; w: number; h: number; ret: number; iteration: number }
  | { type: 'error'; text: string }

/** Demo episodes stop here (a trained copter may fly the 10000-step limit; 600 frames are 20 s at 30 fps). */
const MAX_DEMO_STEPS = 600
const DEMO_BYTES = 64 << 20

const port = self as unknown as Worker
const post = (msg: FromWorker, transfer: Transferable[] = []) => port.postMessage(msg, transfer)
const yieldToEvents = () => new Promise((ok) => setTimeout(ok, 0)) // wasm awaits never yield: let messages in

let trainer: PpoRnd | null = null
/** the game of "Play random" before a trainer exists (then the trainer's) */
let randomGame = PIXELCOPTER
let isRunning = false

async function openBackend(choice: BackendChoice): Promise<Backend> {
  if (choice === 'webgpu') {
    try {
      return await createWebGPUBackend({ log: () => {} })
    } catch (e) {
      post({ type: 'status', text: `WebGPU unavailable (${(e as Error).message}); using wasm` })
    }
  }
  const res = await fetch(new URL('kernels.release.wasm', import.meta.url))
  if (!res.ok) throw new Error(`fetching kernels.release.wasm: HTTP ${res.status}`)
  return createWasmBackend(await res.arrayBuffer())
}

/**
 * Play one episode of env, choosing actions with policy(obs, step) on its observations; returns what people see,
 * env.render() after each step (count x h x w x 3).
 */
async function playEpisode(env: Env, seed: number, policy: (obs: Uint8Array, step: number) => number | Promise<number>) {
  let { obs } = env.reset({ seed })
  const first = env.render(),
    w = first.width,
    h = first.height,
    size = h * w * 3
  // at most DEMO_BYTES of frames: 600 of PixelCopter's, 96 of MonsterKong's 500x465 screens
  const steps = Math.min(MAX_DEMO_STEPS, env.maxEpisodeSteps, Math.floor(DEMO_BYTES / size) - 1)
  const frames = new Uint8Array((steps + 1) * size)
  frames.set(first.rgb, 0)
  let count = 1,
    ret = 0
  for (let t = 0; t < steps; t++) {
    const r = env.step(await policy(obs, t))
    obs = r.obs
    ret += r.reward
    frames.set(env.render().rgb, count++ * size)
    if (r.terminated || r.truncated) break
  }
  return { frames: frames.slice(0, count * size), count, w, h, ret }
}

async function greedyDemo(t: PpoRnd, iteration: number): Promise<void> {
  const env = make(t.args.game, { frameSkip: t.args.frame_skip })
  const actor = t.actor({ greedy: true })
  try {
    const ep = await playEpisode(env, 1000 + iteration, (obs) => actor.act(obs))
    post({ type: 'episode', kind: 'greedy', iteration, ...ep }, [ep.frames.buffer])
  } finally {
    actor.dispose()
  }
}

async function trainLoop(): Promise<void> {
  while (isRunning && trainer) {
    const t = trainer
    const m = await t.runIteration()
    post({ type: 'metrics', m })
    if (t.visits) post({ type: 'visits', iteration: m.iteration, total_env_steps: m.total_env_steps, record: t.visits.toJSON() })
    await greedyDemo(t, m.iteration)
    const max = t.args.max_iterations
    if (max > 0 && m.iteration >= max) {
      isRunning = false
      post({ type: 'status', text: `done: ${max} iterations` })
    }
    await yieldToEvents()
  }
}

async function start(choice: BackendChoice, game: string, overrides: Partial<Args>): Promise<void> {
  if (trainer) return resume()
  const args = pageArgs(game, { ...overrides, backend: choice })
  const bad = validateArgs(args)
  if (bad) throw new Error(bad)
  const backend = await openBackend(choice)
  post({ type: 'status', text: `backend: ${backend.description}; normalizing observations` })
  let last = 0
  trainer = await PpoRnd.create(args, backend, {
    onProgress: (phase, done, total) => {
      const now = performance.now()
      if (now - last > 250 || done === total) {
        last = now
        post({ type: 'status', text: `${phase} ${done}/${total}` })
      }
    },
  })
  await resume()
}

async function resume(): Promise<void> {
  if (isRunning || !trainer) return
  isRunning = true
  await trainLoop()
}

async function random(seed: number): Promise<void> {
  const env = make(trainer?.args.game ?? randomGame, { frameSkip: trainer?.args.frame_skip ?? 1 }),
    rng = new Rng(seed),
    A = env.actionSpace.n
  const ep = await playEpisode(env, seed, () => rng.int(A))
  post({ type: 'episode', kind: 'random', iteration: trainer?.iteration ?? 0, ...ep }, [ep.frames.buffer])
}

port.onmessage = (e: MessageEvent<ToWorker>) => {
  const msg = e.data
  const run = (p: Promise<void>) =>
    p.catch((err: Error) => {
      isRunning = false
      post({ type: 'error', text: err.stack ?? String(err) })
    })
  if (msg.type === 'start') run(start(msg.backend, msg.game, msg.overrides))
  else if (msg.type === 'pause') isRunning = false
  else if (msg.type === 'resume') run(resume())
  else if (msg.type === 'random') {
    randomGame = msg.game
    run(random(msg.seed))
  }
}
