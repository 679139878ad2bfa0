import { readFileSync } from 'node:fs'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { make } from '../../env/index.ts'
import { FrameStack, grayscale, Resizer, resizeRgb } from '../../env/preprocess.ts'
import { RandomState } from '../../env/random_state.ts'
import { VectorEnv } from '../../env/vector_env.ts'

const TRACE_URL = new URL('../fixtures/pixelcopter_trace_seed24_first3.json', import.meta.url)
const TRACE = JSON.parse(readFileSync(TRACE_URL, 'utf8'))
const test = suite('vector_env')

test('VectorEnv == single envs + Resizer + FrameStack with manual auto-reset (3 envs, 300 steps, both filters)', () => {
  for (const resize of ['nearest', 'bilinear'] as const) {
    const N = 3,
      S = 42,
      C = 3
    const opts = { numEnvs: N, seed: 100, frameResize: S, stackedFrames: C, resize }
    const venv = new VectorEnv('PixelCopter-v0', opts).reset()
    const envs = Array.from({ length: N }, (_, i) => make('PixelCopter-v0', { seed: 100 + i }))
    const rz = new Resizer(48, 48, S, S, resize)
    const stacks = envs.map(() => new FrameStack(C, S, S))
    const frame = new Float32Array(S * S)
    const scaled = new Float32Array(S * S)
    const push = (i: number, first: boolean) => {
      rz.grayInto(envs[i].obs, frame)
      for (let j = 0; j < frame.length; j++) scaled[j] = frame[j] / 255
      if (first) stacks[i].reset(scaled)
      else stacks[i].push(scaled)
    }
    const lens = new Int32Array(N)
    envs.forEach((e, i) => (e.reset(), push(i, true)))
    const rng = new RandomState(3)
    const actions = new Int32Array(N)
    const obsBuffer = venv.obs
    let dones = 0
    for (let t = 0; t < 300; t++) {
      for (let i = 0; i < N; i++) actions[i] = rng.randint(0, 2)
      venv.step(actions)
      for (let i = 0; i < N; i++) {
        const r = envs[i].step(actions[i])
        lens[i]++
        assert.is(venv.rewards[i], r.reward)
        assert.is(venv.terminated[i], r.terminated ? 1 : 0)
        assert.is(venv.episodeSteps[i], lens[i])
        const done = r.terminated || r.truncated
        if (done) envs[i].reset(), (lens[i] = 0), dones++
        push(i, done)
        rz.grayInto(envs[i].obs, frame)
        assert.equal(venv.frame.subarray(i * S * S, (i + 1) * S * S), frame, `frame env ${i} t ${t}`)
        assert.equal(venv.obs.subarray(i * C * S * S, (i + 1) * C * S * S), stacks[i].data, `obs env ${i} t ${t}`)
      }
    }
    assert.ok(dones > 50)
    assert.ok(venv.obs === obsBuffer)
  }
})

test('env 0 (seed 24) replays the trace across auto-resets; obs layout (N, C, H, W)', () => {
  const venv = new VectorEnv('PixelCopter-v0', { numEnvs: 2, frameResize: 84, stackedFrames: 4 }).reset()
  const hw = 84 * 84
  // right after reset: 3 zero channels, then the (black) first frame
  assert.ok(venv.obs.subarray(0, 4 * hw).every((v) => v === 0))
  const actions = new Int32Array(2)
  for (const ep of TRACE.episodes) {
    for (const s of ep.steps) {
      actions[0] = s.a
      actions[1] = 1
      venv.step(actions)
      assert.is(venv.rewards[0], s.r)
      assert.is(venv.terminated[0], s.done ? 1 : 0)
      assert.is(venv.episodeSteps[0], s.t)
    }
    assert.is(venv.episodeReturns[0], ep.return)
    // after the auto-reset: zeros, then the stale terminal frame as the episode's first frame
    assert.ok(venv.obs.subarray(0, 3 * hw).every((v) => v === 0))
    for (let j = 0; j < hw; j += 97) assert.is(venv.obs[3 * hw + j], Math.fround(venv.frame[j] / 255))
    assert.ok(venv.frame.subarray(0, hw).some((v) => v > 0))
  }
})

test('autoReset false pauses finished envs until resetEnv; active mask skips envs', () => {
  const opts = { numEnvs: 2, frameResize: 8, stackedFrames: 2, autoReset: false }
  const venv = new VectorEnv('PixelCopter-v0', opts).reset()
  const up = new Int32Array([0, 1])
  let t = 0
  while (venv.running[0]) {
    venv.step(up)
    t++
  }
  assert.is(t, 4) // always up dies on step 4 or 5
  assert.is(venv.terminated[0], 1)
  assert.is(venv.episodeSteps[0], t)
  const frozen = venv.obs.slice(0, 2 * 64)
  venv.step(up)
  assert.equal([venv.stepped[0], venv.rewards[0], venv.terminated[0], venv.episodeSteps[0]], [0, 0, 0, t])
  assert.equal(venv.obs.slice(0, 2 * 64), frozen)
  assert.is(venv.stepped[1], 1)
  venv.resetEnv(0)
  assert.equal([venv.running[0], venv.episodeSteps[0]], [1, 0])
  const steps1 = venv.episodeSteps[1]
  venv.step(up, Uint8Array.of(1, 0))
  assert.equal([venv.stepped[0], venv.stepped[1], venv.episodeSteps[0], venv.episodeSteps[1]], [1, 0, 1, steps1])
})

test('errors: step before reset, bad actions, bad options, unknown id', () => {
  const venv = new VectorEnv('PixelCopter-v0', { numEnvs: 2 })
  assert.throws(() => venv.step(new Int32Array(2)), /reset\(\) before step/)
  venv.reset()
  assert.throws(() => venv.step(Int32Array.of(0, 2)), /env 1: invalid action 2/)
  assert.throws(() => venv.step(Int32Array.of(0)), /2 actions needed/)
  assert.throws(() => new VectorEnv('PixelCopter-v0', { numEnvs: 0 }), /numEnvs must be a positive integer/)
  assert.throws(() => new VectorEnv('PixelCopter-v0', { numEnvs: 1, resize: 'cubic' as never }), /unknown resize mode/)
  assert.throws(() => new VectorEnv('Nope-v0', { numEnvs: 1 }), /unknown environment 'Nope-v0'/)
  assert.throws(() => venv.resetEnv(2), /no env 2/)
})

test('VectorEnv crop: frames are the square cut from the screen by hand, then resized (drawn and sampled games)', () => {
  // PixelCopter draws its whole screen; FlappyBird draws at the sample positions only (env/sampled.ts)
  for (const [id, crop, S, steps] of [
    ['PixelCopter-v0', { top: 6, left: 12, size: 36 }, 36, 400],
    ['PixelCopter-v0', { top: 2, left: 0, size: 44 }, 36, 200],
    ['FlappyBird-v0', { top: 150, left: 40, size: 240 }, 84, 300],
  ] as const) {
    const N = 2
    const venv = new VectorEnv(id, { numEnvs: N, seed: 5, frameResize: S, stackedFrames: 2, crop }).reset()
    const [h, w] = venv.envs[0].observationSpace.shape
    const rs = new RandomState(9)
    const cut = new Uint8Array(crop.size * crop.size * 3)
    let checked = 0
    for (let t = 0; t < steps; t++) {
      venv.step(Array.from({ length: N }, () => rs.randint(0, venv.actionSpace.n)))
      if (id === 'FlappyBird-v0' && t % 5 !== 0) continue
      for (let i = 0; i < N; i++) {
        const full = venv.envs[i].obs
        for (let y = 0; y < crop.size; y++) {
          const from = ((crop.top + y) * w + crop.left) * 3
          cut.set(full.subarray(from, from + crop.size * 3), y * crop.size * 3)
        }
        const want = grayscale(resizeRgb(cut, crop.size, crop.size, S, S, 'nearest'), new Float32Array(S * S))
        const got = venv.frame.subarray(i * S * S, (i + 1) * S * S)
        assert.equal(Array.from(got), Array.from(want), `${id} crop ${crop.top},${crop.left},${crop.size}: step ${t}, env ${i}`)
        checked++
      }
    }
    assert.ok(h >= crop.top + crop.size && checked >= 100, `${id}: ${checked} frames checked`)
  }
  assert.throws(() => new VectorEnv('MiniGrid-Empty-8x8-v0', { numEnvs: 1, crop: { top: 0, left: 0, size: 3 } }), /crop do not apply/)
})

test.run()
