// PLE's frame_skip (make(id, { frameSkip: k })): one step posts the action for k game frames and returns their summed
// reward; frames after the game ends do nothing; the time limit counts steps. Checked against k single-frame steps.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { make } from '../../env/index.ts'
import type { Game } from '../../env/game.ts'
import { RandomState } from '../../env/random_state.ts'
import { VectorEnv } from '../../env/vector_env.ts'

const test = suite('frame_skip')

for (const [id, k] of [
  ['PixelCopter-v0', 3],
  ['Catcher-v0', 2],
  ['FlappyBird-v0', 4],
] as const) {
  test(`${id}: a step of frameSkip ${k} equals ${k} single-frame steps, including episodes that end mid-skip`, () => {
    const skip = make(id, { seed: 5, frameSkip: k }),
      one = make(id, { seed: 5 })
    const rng = new RandomState(9)
    let endsMidSkip = 0
    for (let episode = 0; episode < 6; episode++) {
      skip.reset({ seed: 100 + episode })
      one.reset({ seed: 100 + episode })
      for (let t = 0; ; t++) {
        const a = rng.randint(0, skip.actionSpace.n)
        const r = skip.step(a)
        let sum = 0,
          frames = 0,
          end = false
        while (frames < k && !end) {
          const s = one.step(a)
          sum += s.reward
          frames++
          end = s.terminated
        }
        assert.is(r.reward, sum, `episode ${episode} step ${t}`)
        assert.is(r.terminated, end)
        assert.equal(r.obs, (one.unwrapped as Game).screen)
        if (end) {
          if (frames < k) endsMidSkip++
          break
        }
      }
    }
    assert.ok(endsMidSkip > 0, 'some episode ended before its last skipped frame')
  })
}

test('the time limit counts steps, not frames; bad frameSkip values and MiniGrid are refused', () => {
  const env = make('PixelCopter-v0', { frameSkip: 2, maxEpisodeSteps: 3 })
  env.reset()
  const steps = [0, 1, 1].map((a) => env.step(a))
  assert.equal(
    steps.map((s) => s.truncated),
    [false, false, true],
  )
  const one = make('PixelCopter-v0')
  one.reset()
  for (const a of [0, 0, 1, 1, 1, 1]) one.step(a)
  assert.equal((env.unwrapped as Game).state(), (one.unwrapped as Game).state(), 'three steps ran six frames')
  for (const bad of [0, -1, 1.5, NaN]) assert.throws(() => make('PixelCopter-v0', { frameSkip: bad }), /frameSkip must be a positive integer/)
  assert.throws(() => make('MiniGrid-Empty-8x8-v0', { frameSkip: 2 }), /frameSkip is for PLE games/)
  assert.ok(make('MiniGrid-Empty-8x8-v0', { frameSkip: 1 }))
})

test('VectorEnv passes frameSkip to its games: rewards and frames as a single frame-skipping env', () => {
  const venv = new VectorEnv('PixelCopter-v0', { numEnvs: 2, seed: 7, frameResize: 48, stackedFrames: 1, frameSkip: 2 }).reset()
  const ref = make('PixelCopter-v0', { seed: 8, frameSkip: 2 })
  ref.reset()
  for (let t = 0; t < 40; t++) {
    const r = ref.step(t % 3 === 0 ? 0 : 1)
    venv.step([0, t % 3 === 0 ? 0 : 1])
    assert.is(venv.rewards[1], r.reward)
    if (r.terminated) break
    const gray = venv.frame.subarray(48 * 48, 2 * 48 * 48)
    for (let p = 0; p < 48 * 48; p += 97) {
      const [R, G, B] = [r.obs[3 * p], r.obs[3 * p + 1], r.obs[3 * p + 2]]
      assert.ok(Math.abs(gray[p] - (R * 299 + G * 587 + B * 114) / 1000) <= 1, `pixel ${p}`)
    }
  }
})

test.run()
