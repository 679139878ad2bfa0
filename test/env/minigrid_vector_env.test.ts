// VectorEnv on MiniGrid levels: obs is each env's observation image transposed to channel-first (raw indices or
// one-hot), frame is the same array, agentPos/agentDir follow the env, auto-reset continues each env's generator,
// autoReset false pauses, resetEnv(i, seed) reseeds; compared against single envs from make() stepped alongside.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { make, RandomState, type MiniGridEnv } from '../../env/index.ts'
import { VectorEnv } from '../../env/vector_env.ts'

const test = suite('minigrid vector_env')
const ID = 'MiniGrid-MultiRoom-N2-S4-v0' // 40-step episodes: many auto-resets

// the env's image [vx][vy][c] read at channel-first (c, vx, vy), straight from the definition
const chw = (image: Uint8Array) => {
  const out: number[] = []
  for (let c = 0; c < 3; c++) for (let vx = 0; vx < 7; vx++) for (let vy = 0; vy < 7; vy++) out.push(image[(vx * 7 + vy) * 3 + c])
  return out
}

test('raw obs (N, 3, 7, 7) = images transposed; frame is obs; poses; auto-reset continues the generator', () => {
  const N = 3,
    seed = 5
  const venv = new VectorEnv(ID, { numEnvs: N, seed }).reset()
  assert.is(venv.kind, 'minigrid')
  assert.equal(venv.obsShape, [3, 7, 7])
  assert.equal(venv.frameShape, [3, 7, 7])
  assert.ok(venv.frame === venv.obs)
  assert.is(venv.obs.length, N * 147)
  const envs = Array.from({ length: N }, (_, i) => make(ID, { seed: seed + i }).unwrapped as MiniGridEnv)
  envs.forEach((e) => e.reset())
  const rng = new RandomState(7),
    actions = new Int32Array(N)
  let resets = 0,
    successes = 0
  const check = (t: number) => {
    for (let i = 0; i < N; i++) {
      assert.equal(Array.from(venv.obs.subarray(i * 147, (i + 1) * 147)), chw(envs[i].image), `env ${i} t ${t}`)
      assert.equal([venv.agentPos[2 * i], venv.agentPos[2 * i + 1], venv.agentDir[i]], [...envs[i].agentPos, envs[i].agentDir], `pose env ${i} t ${t}`)
    }
  }
  check(-1)
  const lens = new Int32Array(N),
    rets = new Float64Array(N)
  for (let t = 0; t < 400; t++) {
    for (let i = 0; i < N; i++) actions[i] = rng.randint(0, 7)
    venv.step(actions)
    for (let i = 0; i < N; i++) {
      const r = envs[i].step(actions[i])
      lens[i]++
      rets[i] += r.reward
      assert.is(venv.rewards[i], Math.fround(r.reward))
      assert.equal([venv.terminated[i], venv.truncated[i]], [+r.terminated, +r.truncated], `env ${i} t ${t}`)
      assert.equal([venv.episodeSteps[i], venv.episodeReturns[i]], [lens[i], rets[i]])
      if (r.terminated || r.truncated) {
        envs[i].reset() // no seed: the generator continues
        resets++
        if (r.terminated) successes++
        lens[i] = 0
        rets[i] = 0
      }
    }
    check(t)
  }
  assert.ok(resets >= 25, `${resets} auto-resets`)
  console.log(`  ${resets} auto-resets, ${successes} successes`)
})

test('onehot (N, 20, 7, 7): channel t, 11 + colour, 17 + state of each cell, nothing else', () => {
  const N = 2
  const raw = new VectorEnv('MiniGrid-DoorKey-8x8-v0', { numEnvs: N, seed: 1 }).reset()
  const hot = new VectorEnv('MiniGrid-DoorKey-8x8-v0', { numEnvs: N, seed: 1, onehot: true }).reset()
  assert.equal(hot.obsShape, [20, 7, 7])
  assert.ok(hot.frame === hot.obs)
  const rng = new RandomState(3),
    actions = new Int32Array(N)
  const seen = new Set<number>()
  for (let t = 0; t < 300; t++) {
    for (let i = 0; i < N; i++) actions[i] = rng.randint(0, 7)
    raw.step(actions)
    hot.step(actions)
    for (let i = 0; i < N; i++) {
      for (let k = 0; k < 49; k++) {
        const [o, c, s] = [0, 1, 2].map((ch) => raw.obs[i * 147 + ch * 49 + k])
        seen.add(o)
        for (let ch = 0; ch < 20; ch++) {
          const want = ch === o || ch === 11 + c || ch === 17 + s ? 1 : 0
          assert.is(hot.obs[i * 980 + ch * 49 + k], want, `env ${i} cell ${k} channel ${ch} (${o}, ${c}, ${s})`)
        }
      }
    }
  }
  assert.equal([...seen].sort(), [0, 1, 2, 4, 5, 8]) // unseen, empty, wall, door, key, goal all met
})

test('autoReset false pauses at the terminal view; resetEnv(i, seed) = reset(seed) of a fresh env', () => {
  const venv = new VectorEnv('MiniGrid-Empty-8x8-v0', { numEnvs: 2, seed: 0, autoReset: false }).reset()
  const spin = Int32Array.of(0, 0) // turning left forever: truncated at max_steps 256
  let t = 0
  while (venv.running[0]) venv.step(spin), t++
  assert.is(t, 256)
  assert.equal([venv.truncated[0], venv.terminated[0], venv.episodeSteps[0]], [1, 0, 256])
  const frozen = venv.obs.slice(0, 147)
  venv.step(spin)
  assert.equal([venv.stepped[0], venv.obs.slice(0, 147)], [0, frozen])
  venv.resetEnv(1, 12)
  const fresh = make('MiniGrid-Empty-8x8-v0').unwrapped as MiniGridEnv
  fresh.reset({ seed: 12 })
  assert.equal(Array.from(venv.obs.subarray(147, 294)), chw(fresh.image))
})

test('errors: onehot on a pixel game, maxEpisodeSteps and frame options on MiniGrid; pixel games keep agentPos at -1', () => {
  assert.throws(() => new VectorEnv('PixelCopter-v0', { numEnvs: 1, onehot: true }), /onehot applies to MiniGrid/)
  assert.throws(() => new VectorEnv(ID, { numEnvs: 1, maxEpisodeSteps: 10 }), /MiniGrid truncates at its own max_steps/)
  assert.throws(
    () => new VectorEnv(ID, { numEnvs: 1, frameResize: 84, stackedFrames: 1 }),
    /^VectorEnv: frameResize, stackedFrames do not apply to MiniGrid-MultiRoom-N2-S4-v0 \(its observation is MiniGrid's 7x7 symbolic view/,
  )
  const p = new VectorEnv('PixelCopter-v0', { numEnvs: 1, frameResize: 8, stackedFrames: 1 }).reset()
  assert.equal([p.kind, Array.from(p.agentPos), Array.from(p.agentDir)], ['pixels', [-1, -1], [-1]])
  assert.equal(p.frameShape, [1, 8, 8])
})

test.run()
