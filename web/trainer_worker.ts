// The trainer in a Web Worker, so the page stays responsive. It fetches the kernels (kernels.release.wasm, beside
// this script), opens the wasm backend (or WebGPU when asked and available, else wasm with a note), runs PpoRnd
// with rl/learn_config.ts plus the page's overrides, and after every iteration posts the metrics and the frames of
// one greedy demo episode (raw 48x48 RGB observations) for web/main.ts to animate.
// Messages in:  start {backend, overrides} | pause | resume | random {seed}
// Messages out: status {text} | metrics {m} | episode {kind, frames, count, w, h, ret, iteration} | error {text}
import { PpoRnd, type IterationMetrics } from '../rl/ppo_rnd.ts'
import { learnArgs } from '../rl/learn_config.ts'
import { validateArgs, type Args } from '../rl/args.ts'
import { Rng, type Backend } from '../engine/index.ts'
import { createWasmBackend } from '../engine/backend/wasm.ts'
import { createWebGPUBackend } from '../engine/backend/webgpu.ts'
import { make, type Env } from '../env/index.ts'

export type BackendChoice = 'wasm' | 'webgpu'
export type ToWorker =
  | { type: 'start'; backend: BackendChoice; overrides: Partial<Args> }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'random'; seed: number }
export type FromWorker =
  | { type: 'status'; text: string }
  | { type: 'metrics'; m: IterationMetrics }
  | { type: 'episode'; kind: 'greedy' | 'random'; frames: Uint8Array; count: number; w: number; h: number; ret: number; iteration: number }
  | { type: 'error'; text: string }

/** Demo episodes stop here (a trained copter may fly the 10000-step limit; 600 frames are 20 s at 30 fps). */
const MAX_DEMO_STEPS = 600

const port = self as unknown as Worker
const post = (msg: FromWorker, transfer: Transferable[] = []) => port.postMessage(msg, transfer)
const yieldToEvents = () => new Promise((ok) => setTimeout(ok, 0)) // wasm awaits never yield: let messages in

let trainer: PpoRnd | null = null
let isRunning = false

async function openBackend(choice: BackendChoice): Promise<Backend> {
  if (choice === 'webgpu') {
    try { return await createWebGPUBackend({ log: () => {} }) } catch (e) {
      post({ type: 'status', text: `WebGPU unavailable (${(e as Error).message}); using wasm` })
    }
  }
  const res = await fetch(new URL('kernels.release.wasm', import.meta.url))
  if (!res.ok) throw new Error(`fetching kernels.release.wasm: HTTP ${res.status}`)
  return createWasmBackend(await res.arrayBuffer())
}

/** Play one episode of env, choosing actions with policy(obs, step); returns its frames (count x h x w x 3). */
async function playEpisode(env: Env, seed: number, policy: (obs: Uint8Array, step: number) => number | Promise<number>) {
  const [h, w] = env.observationSpace.shape
  const size = h * w * 3
  const frames = new Uint8Array((MAX_DEMO_STEPS + 1) * size)
  let { obs } = env.reset({ seed })
  frames.set(obs, 0)
  let count = 1, ret = 0
  for (let t = 0; t < MAX_DEMO_STEPS; t++) {
    const r = env.step(await policy(obs, t))
    obs = r.obs
    ret += r.reward
    frames.set(obs, count++ * size)
    if (r.terminated || r.truncated) break
  }
  return { frames: frames.slice(0, count * size), count, w, h, ret }
}

async function greedyDemo(t: PpoRnd, iteration: number): Promise<void> {
  const env = make(t.args.game)
  const actor = t.actor({ greedy: true })
  try {
    const ep = await playEpisode(env, 1000 + iteration, (obs) => actor.act(obs))
    post({ type: 'episode', kind: 'greedy', iteration, ...ep }, [ep.frames.buffer])
  } finally { actor.dispose() }
}

async function trainLoop(): Promise<void> {
  while (isRunning && trainer) {
    const t = trainer
    const m = await t.runIteration()
    post({ type: 'metrics', m })
    await greedyDemo(t, m.iteration)
    const max = t.args.max_iterations
    if (max > 0 && m.iteration >= max) { isRunning = false; post({ type: 'status', text: `done: ${max} iterations` }) }
    await yieldToEvents()
  }
}

async function start(choice: BackendChoice, overrides: Partial<Args>): Promise<void> {
  if (trainer) return resume()
  const args = learnArgs({ ...overrides, backend: choice })
  const bad = validateArgs(args)
  if (bad) throw new Error(bad)
  const backend = await openBackend(choice)
  post({ type: 'status', text: `backend: ${backend.description}; normalizing observations` })
  let last = 0
  trainer = await PpoRnd.create(args, backend, {
    onProgress: (phase, done, total) => {
      const now = performance.now()
      if (now - last > 250 || done === total) { last = now; post({ type: 'status', text: `${phase} ${done}/${total}` }) }
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
  const env = make(trainer?.args.game ?? 'PixelCopter-v0'), rng = new Rng(seed), A = env.actionSpace.n
  const ep = await playEpisode(env, seed, () => rng.int(A))
  post({ type: 'episode', kind: 'random', iteration: trainer?.iteration ?? 0, ...ep }, [ep.frames.buffer])
}

port.onmessage = (e: MessageEvent<ToWorker>) => {
  const msg = e.data
  const run = (p: Promise<void>) => p.catch((err: Error) => { isRunning = false; post({ type: 'error', text: err.stack ?? String(err) }) })
  if (msg.type === 'start') run(start(msg.backend, msg.overrides))
  else if (msg.type === 'pause') isRunning = false
  else if (msg.type === 'resume') run(resume())
  else if (msg.type === 'random') run(random(msg.seed))
}
