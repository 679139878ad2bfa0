// Returns and GAE of rl/advantages.ts against hand-worked arrays (with a terminal crash reward) and against the
// O(T^2) definitions.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { discountedReturns, gae } from '../../rl/advantages.ts'
import { close, uniform } from '../helpers.ts'

const test = suite('rl: advantages')

test('returns include r_t and the terminal reward: [1, 0, -5], gamma 0.5', () => {
  const out = new Float64Array(3)
  discountedReturns([1, 0, -5], 0.5, out)
  // R2 = -5; R1 = 0 + 0.5 * -5 = -2.5; R0 = 1 + 0.5 * -2.5 = -0.25
  close(out, [-0.25, -2.5, -5], { atol: 1e-12 }, 'returns')
})

test('GAE by hand: rewards [1, 0, -5], V [0.5, 1, 2], gamma 0.5, lambda 0.5', () => {
  const out = new Float64Array(3)
  gae([1, 0, -5], [0.5, 1, 2], 0.5, 0.5, out)
  // delta2 = -5 - 2 = -7 (terminal: no bootstrap); delta1 = 0 + 0.5*2 - 1 = 0; delta0 = 1 + 0.5*1 - 0.5 = 1
  // A2 = -7; A1 = 0 + 0.25 * -7 = -1.75; A0 = 1 + 0.25 * -1.75 = 0.5625
  close(out, [0.5625, -1.75, -7], { atol: 1e-12 }, 'gae')
})

test('GAE with lambda 1 is returns minus values', () => {
  const out = new Float64Array(3)
  gae([1, 0, -5], [0.5, 1, 2], 0.5, 1, out)
  close(out, [-0.25 - 0.5, -2.5 - 1, -5 - 2], { atol: 1e-12 }, 'gae lambda 1')
})

test('one-step episode: the crash reward reaches both the target and the advantage', () => {
  const r = new Float64Array(1),
    a = new Float64Array(1)
  discountedReturns([-5], 0.99, r)
  gae([-5], [3], 0.99, 0.95, a)
  assert.equal([r[0], a[0]], [-5, -8])
})

test('length argument: only the first T entries are used', () => {
  const out = new Float64Array(5).fill(99)
  discountedReturns([1, 1, 7, 7, 7], 1, out, 2)
  assert.equal([...out], [2, 1, 99, 99, 99])
})

test('O(T) recursions equal the O(T^2) sums on random episodes', () => {
  for (const [T, g, l] of [
    [1, 0.99, 0.95],
    [7, 0.999, 0.95],
    [50, 0.9, 0.5],
  ] as const) {
    const rew = uniform(T, T, -1, 1),
      val = uniform(T, T + 1, -2, 2)
    const R = new Float64Array(T),
      A = new Float64Array(T),
      refR = new Float64Array(T),
      refA = new Float64Array(T)
    discountedReturns(rew, g, R)
    gae(rew, val, g, l, A)
    const delta = (t: number) => rew[t] + (t + 1 < T ? g * val[t + 1] : 0) - val[t]
    for (let t = 0; t < T; t++) {
      for (let k = t; k < T; k++) {
        refR[t] += g ** (k - t) * rew[k]
        refA[t] += (g * l) ** (k - t) * delta(k)
      }
    }
    close(R, refR, { atol: 1e-9 }, `returns T=${T}`)
    close(A, refA, { atol: 1e-9 }, `gae T=${T}`)
  }
})

test.run()
