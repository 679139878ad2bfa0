// Environment throughput: single-env PixelCopter steps/s (game + rendering, resets included), and a 64-env
// VectorEnv producing 4-frame 84x84 grayscale stacks (nearest, the default, and bilinear); single-env steps/s of
// FlappyBird, MonsterKong and RaycastMaze (uniform-random actions, resets included).
// Goals (issue 4): >= 200k single-env steps/s; >= 20k env steps/s summed over the 64-env VectorEnv.
// Records: {kernel: 'env_step', shape, backend: 'cpu', library: 'rl-rnd', threads: 1, ms, steps_per_s}, where ms is
// the mean time of one step() call (one env step, or one lockstep step of all 64 envs).
import { pathToFileURL } from 'node:url'
import Benchmark from 'benchmark'
import { make } from '../env/index.ts'
import { RandomState } from '../env/random_state.ts'
import { VectorEnv } from '../env/vector_env.ts'

type Rec = Record<string, unknown>

// uniform-random actions, drawn once so the RNG is not timed
const ACTIONS = (() => {
  const rs = new RandomState(0)
  return Int32Array.from({ length: 1 << 16 }, () => rs.randint(0, 2))
})()

// uniform over 0..59, taken modulo a game's action count (60 is a multiple of 2..6: still uniform)
const ACTIONS_60 = (() => {
  const rs = new RandomState(1)
  return Int32Array.from({ length: 1 << 16 }, () => rs.randint(0, 60))
})()

// validate before timing (llm.c habit): env 0 of a VectorEnv and a single env agree with PLE's first traced steps
function validate(): void {
  // 10 noop steps: the first terrain column leaves on step 10 (docs/games.md §3.4)
  const want = [0, 0, 0, 0, 0, 0, 0, 0, 0, 1]
  const env = make('PixelCopter-v0')
  env.reset()
  const got = want.map(() => env.step(1).reward)
  const venv = new VectorEnv('PixelCopter-v0', { numEnvs: 1 }).reset()
  const vgot = want.map(() => venv.step(Int32Array.of(1)).rewards[0])
  if (got.join() !== want.join() || vgot.join() !== want.join()) {
    throw new Error(`env bench: rewards ${got} / ${vgot}, want ${want}`)
  }
}

export async function run(opts: { json?: Rec[] } = {}): Promise<void> {
  validate()
  const SINGLE = 1000 // env steps per benchmark call
  const env = make('PixelCopter-v0')
  env.reset()
  let k = 0
  const single = () => {
    for (let i = 0; i < SINGLE; i++) {
      env.act(ACTIONS[k++ & 0xffff])
      if (env.terminated) env.reset()
    }
  }
  const N = 64
  const vectors = (['nearest', 'bilinear'] as const).map((resize) => {
    const venv = new VectorEnv('PixelCopter-v0', { numEnvs: N, frameResize: 84, stackedFrames: 4, resize }).reset()
    const actions = new Int32Array(N)
    return {
      resize,
      fn: () => {
        for (let i = 0; i < N; i++) actions[i] = ACTIONS[k++ & 0xffff]
        venv.step(actions)
      },
    }
  })
  // the other ported games, single env: uniform-random actions over each game's action set
  const others = ['FlappyBird-v0', 'MonsterKong-v0', 'RaycastMaze-v0'].map((id) => {
    const e = make(id)
    const n = e.actionSpace.n
    const [h, w] = e.observationSpace.shape
    e.reset()
    const fn = () => {
      for (let i = 0; i < SINGLE; i++) {
        e.act(ACTIONS_60[k++ & 0xffff] % n)
        if (e.terminated || e.truncated) e.reset()
      }
    }
    return { name: `${id} single`, shape: `1x${h}x${w}x3`, stepsPerCall: SINGLE, fn }
  })
  const rows: { name: string; shape: string; stepsPerCall: number; fn: () => void }[] = [
    { name: 'PixelCopter-v0 single', shape: '1x48x48x3', stepsPerCall: SINGLE, fn: single },
    ...others,
    ...vectors.map((v) => ({
      name: `PixelCopter-v0 VectorEnv ${v.resize}`, shape: `${N}x4x84x84`, stepsPerCall: N, fn: v.fn,
    })),
  ]
  const suite = new Benchmark.Suite()
  for (const r of rows) suite.add(r.name, r.fn)
  await new Promise<void>((resolve) => suite.on('complete', () => resolve()).run({ async: false }))
  // The machine may be shared: beside benchmark.js's wall-clock rate, report the rate per CPU-second of this process
  // (best of 5 runs of ~0.2 s), which other processes' load does not dilute.
  const cpuRate = (r: (typeof rows)[number]) => {
    let best = Infinity
    const calls = Math.max(1, Math.round(100_000 / r.stepsPerCall))
    for (let rep = 0; rep < 5; rep++) {
      const c0 = process.cpuUsage()
      for (let c = 0; c < calls; c++) r.fn()
      const c = process.cpuUsage(c0)
      best = Math.min(best, (c.user + c.system) / 1e6)
    }
    return (calls * r.stepsPerCall) / best
  }
  const line = (a: string, b: string, c: string, d: string, e: string) =>
    console.log(`${a.padEnd(38)} | ${b.padEnd(10)} | ${c.padStart(10)} | ${d.padStart(12)} | ${e.padStart(12)}`)
  line('name', 'shape', 'ms/step()', 'env steps/s', 'per cpu-s')
  const fmt = (v: number) => Math.round(v).toLocaleString('en-US')
  suite.forEach((b: Benchmark, i: number) => {
    const row = rows[i]
    const stepsPerS = row.stepsPerCall / b.stats.mean
    const ms = (b.stats.mean * 1000) / (row.stepsPerCall === SINGLE ? SINGLE : 1) // per env step, or per step of N envs
    const cpu = cpuRate(row)
    line(row.name, row.shape, ms.toFixed(4), fmt(stepsPerS), fmt(cpu))
    const shape = `${row.name} ${row.shape}`
    const rec = { kernel: 'env_step', shape, backend: 'cpu', library: 'rl-rnd', threads: 1, ms, steps_per_s: stepsPerS }
    opts.json?.push({ ...rec, cpu_steps_per_s: cpu })
  })
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run()
