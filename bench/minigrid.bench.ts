// MiniGrid throughput: single-env steps/s per level (uniform random actions, observation built every step, resets
// included, as a trainer meets them), and a 64-env VectorEnv writing the (N, 3, 7, 7) raw and (N, 20, 7, 7) one-hot
// observations. Goal (issue 11): >= 200k single-env steps/s for every level.
// Records (bench/env_rows.ts): {kernel: 'minigrid_step', shape, ..., ms, steps_per_s, cpu_steps_per_s}, ms the mean
// time of one step() call (one env step, or one lockstep step of all 64 envs).
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { make } from '../env/index.ts'
import { MINIGRID_LEVELS } from '../env/minigrid/index.ts'
import { RandomState } from '../env/random_state.ts'
import { VectorEnv } from '../env/vector_env.ts'
import { runEnvRows, type EnvRow } from './env_rows.ts'

type Rec = Record<string, unknown>

const ACTIONS = (() => {
  const rs = new RandomState(0)
  return Int32Array.from({ length: 1 << 16 }, () => rs.randint(0, 7))
})()

// validate before timing: every level's reset(seed=0) observation is MiniGrid's (test/fixtures/minigrid/)
function validate(): void {
  const url = new URL('../test/fixtures/minigrid/resets_seeds0-4.json', import.meta.url)
  const ref = JSON.parse(readFileSync(url, 'utf8'))
  for (const id of Object.keys(MINIGRID_LEVELS)) {
    const { obs } = make(id).reset({ seed: 0 })
    const got = createHash('sha256').update(obs).digest('hex')
    if (got !== ref[id].seeds[0].obs_image_sha256) throw new Error(`minigrid bench: ${id} reset(seed=0) differs from MiniGrid`)
  }
}

export async function run(opts: { json?: Rec[] } = {}): Promise<void> {
  validate()
  const SINGLE = 1000 // env steps per benchmark call
  let k = 0
  const rows: EnvRow[] = []
  for (const id of Object.keys(MINIGRID_LEVELS)) {
    const env = make(id, { seed: 0 })
    env.reset()
    rows.push({
      name: id,
      shape: '1x7x7x3',
      stepsPerCall: SINGLE,
      callsPerFn: SINGLE,
      fn: () => {
        for (let i = 0; i < SINGLE; i++) {
          env.act(ACTIONS[k++ & 0xffff])
          if (env.terminated || env.truncated) env.reset()
        }
      },
    })
  }
  const N = 64
  for (const onehot of [false, true]) {
    const venv = new VectorEnv('MiniGrid-DoorKey-8x8-v0', { numEnvs: N, seed: 0, onehot }).reset()
    const actions = new Int32Array(N)
    rows.push({
      name: `DoorKey-8x8 VectorEnv${onehot ? ' onehot' : ''}`,
      shape: `${N}x${venv.obsShape.join('x')}`,
      stepsPerCall: N,
      callsPerFn: 1,
      fn: () => {
        for (let i = 0; i < N; i++) actions[i] = ACTIONS[k++ & 0xffff]
        venv.step(actions)
      },
    })
  }
  await runEnvRows(rows, { kernel: 'minigrid_step', json: opts.json, maxTime: 1, width: 34 })
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run()
