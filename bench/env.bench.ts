// Environment throughput: single-env PixelCopter steps/s (game + rendering, resets included), and a 64-env
// VectorEnv producing 4-frame 84x84 grayscale stacks (nearest, the default, and bilinear); then, for each other PLE
// game, single-env steps/s and the 64-env VectorEnv (nearest) steps/s (uniform-random actions, resets included).
// The single-env rows read the full screen after every step (env.obs), as gym's step() returns it: FlappyBird and
// MonsterKong paint it only when it is read. Their VectorEnv rows draw only the 84x84 sampled pixels (nearest
// resize; env/sampled.ts).
// Goals (issue 4): >= 200k single-env steps/s; >= 20k env steps/s summed over the 64-env VectorEnv.
// Goals (issue 15): >= 100k single-env steps/s for every primitive-drawn game; every game's VectorEnv row within 2x
// of PixelCopter's. ENV_BENCH_GAMES=Catcher-v0,Pong-v0 limits the other games to those.
// Records: {kernel: 'env_step', shape, backend: 'cpu', library: 'rl-rnd', threads: 1, ms, steps_per_s}, where ms is
// the mean time of one step() call (one env step, or one lockstep step of all 64 envs).
import { pathToFileURL } from 'node:url'
import { make } from '../env/index.ts'
import { RandomState } from '../env/random_state.ts'
import { VectorEnv } from '../env/vector_env.ts'
import { runEnvRows, type EnvRow } from './env_rows.ts'

type Rec = Record<string, unknown>

// uniform-random actions, drawn once so the RNG is not timed
const ACTIONS = (() => {
  const rs = new RandomState(0)
  return Int32Array.from({ length: 1 << 16 }, () => rs.randint(0, 2))
})()
// for games with more actions: uniform on 0..59, taken modulo the action count (2, 3 and 5 divide 60)
const ACTIONS60 = (() => {
  const rs = new RandomState(1)
  return Int32Array.from({ length: 1 << 16 }, () => rs.randint(0, 60))
})()
const OTHER_GAMES = (process.env.ENV_BENCH_GAMES ?? 'Catcher-v0,Pong-v0,Snake-v0,PuckWorld-v0,WaterWorld-v0,RaycastMaze-v0,FlappyBird-v0,MonsterKong-v0').split(
  ',',
)

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
  let k = 0,
    sink = 0 // the screens' first bytes, read so that the full frames are drawn
  const single = () => {
    for (let i = 0; i < SINGLE; i++) {
      env.act(ACTIONS[k++ & 0xffff])
      sink ^= env.obs[0]
      if (env.terminated) env.reset()
    }
  }
  const N = 64
  const others = OTHER_GAMES.flatMap((id): EnvRow[] => {
    const e = make(id)
    e.reset()
    const n = e.actionSpace.n
    const [h, w] = e.observationSpace.shape
    const venv = new VectorEnv(id, { numEnvs: N, frameResize: 84, stackedFrames: 4 }).reset()
    const actions = new Int32Array(N)
    return [
      {
        name: `${id} single`,
        shape: `1x${h}x${w}x3`,
        stepsPerCall: SINGLE,
        callsPerFn: SINGLE,
        fn: () => {
          for (let i = 0; i < SINGLE; i++) {
            e.act(ACTIONS60[k++ & 0xffff] % n)
            sink ^= e.obs[0]
            if (e.terminated || e.truncated) e.reset()
          }
        },
      },
      {
        name: `${id} VectorEnv nearest`,
        shape: `${N}x4x84x84`,
        stepsPerCall: N,
        callsPerFn: 1,
        fn: () => {
          for (let i = 0; i < N; i++) actions[i] = ACTIONS60[k++ & 0xffff] % n
          venv.step(actions)
        },
      },
    ]
  })
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
  const rows: EnvRow[] = [
    { name: 'PixelCopter-v0 single', shape: '1x48x48x3', stepsPerCall: SINGLE, callsPerFn: SINGLE, fn: single },
    ...vectors.map((v) => ({
      name: `PixelCopter-v0 VectorEnv ${v.resize}`,
      shape: `${N}x4x84x84`,
      stepsPerCall: N,
      callsPerFn: 1,
      fn: v.fn,
    })),
    ...others,
  ]
  await runEnvRows(rows, { kernel: 'env_step', json: opts.json })
  if (sink < 0) console.log(sink)
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run()
