// Fixed-length rollout math of rl/segments.ts against hand-worked arrays and an O(T^2) definition.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { gaeSegment, RewardForwardFilter } from '../../rl/segments.ts'
import { RunningMeanStd } from '../../rl/stats.ts'
import { close } from '../helpers.ts'

const test = suite('rl: fixed-length segments')

test('GAE by hand across an episode end, with bootstrap: gamma 0.5, lambda 0.5', () => {
  // r [1, 2, 0], V [1, 1, 2], done after step 1, bootstrap V_3 = 4
  // delta2 = 0 + 0.5*4 - 2 = 0;        A2 = 0
  // delta1 = 2 + 0 - 1 = 1 (done);     A1 = 1 (no carry over the end)
  // delta0 = 1 + 0.5*1 - 1 = 0.5;      A0 = 0.5 + 0.25*1 = 0.75
  const adv = new Float64Array(3),
    ret = new Float64Array(3)
  gaeSegment([1, 2, 0], [1, 1, 2], [0, 1, 0], 4, 0.5, 0.5, adv, ret)
  close(adv, [0.75, 1, 0], { atol: 1e-12 }, 'adv')
  close(ret, [1.75, 2, 2], { atol: 1e-12 }, 'returns = adv + V')
})

test('non-episodic (dones null) runs through the episode end', () => {
  // delta2 = 0; delta1 = 2 + 0.5*2 - 1 = 2; delta0 = 0.5; A1 = 2 + 0.25*0 = 2; A0 = 0.5 + 0.25*2 = 1
  const adv = new Float64Array(3),
    ret = new Float64Array(3)
  gaeSegment([1, 2, 0], [1, 1, 2], null, 4, 0.5, 0.5, adv, ret)
  close(adv, [1, 2, 0], { atol: 1e-12 }, 'adv')
})

test('lambda 1: returns are the discounted sum with the bootstrap, cut at dones (O(T^2) definition)', () => {
  const T = 7,
    r = [0.3, -1, 2, 0, 0.5, 1, -0.25],
    v = [0.1, 0.2, -0.3, 0.4, 0, 1, 2],
    d = [0, 0, 1, 0, 0, 0, 0]
  const g = 0.9,
    last = 1.5,
    adv = new Float64Array(T),
    ret = new Float64Array(T)
  gaeSegment(r, v, d, last, g, 1, adv, ret)
  const want: number[] = []
  for (let t = 0; t < T; t++) {
    let acc = 0,
      k = t,
      disc = 1
    for (; k < T; k++) {
      acc += disc * r[k]
      disc *= g
      if (d[k]) break
    }
    if (k === T) acc += disc * last
    want.push(acc)
  }
  close(ret, want, { atol: 1e-12 }, 'returns')
})

test('forward filter runs along time per environment and carries over iterations', () => {
  // two envs, T = 2: env 0 rewards [1, 2], env 1 [3, 4]; gamma 0.5
  // env 0: u = 1, then 0.5 + 2 = 2.5; env 1: u = 3, then 1.5 + 4 = 5.5
  const f = new RewardForwardFilter(2, 0.5),
    st = new RunningMeanStd(1)
  f.update([1, 2, 3, 4], 2, st)
  close(f.u, [2.5, 5.5], { atol: 1e-12 }, 'u')
  const xs = [1, 3, 2.5, 5.5],
    m = xs.reduce((a, b) => a + b) / 4
  close([st.count, st.mean[0], st.var[0]], [4, m, xs.reduce((a, b) => a + (b - m) ** 2, 0) / 4], { atol: 1e-12 }, 'moments')
  // next iteration continues from u: env 0 gets r 0 -> 1.25
  f.update([0, 0, 0, 0], 2, st)
  close(f.u, [0.625, 1.375], { atol: 1e-12 }, 'carried')
  assert.is(st.count, 8)
})

test('filter state restores with a size check', () => {
  const f = new RewardForwardFilter(3, 0.99)
  f.load([1, 2, 3])
  assert.equal(f.toJSON(), [1, 2, 3])
  assert.throws(() => f.load([1]), /1 environments, expected 3/)
})

test.run()
