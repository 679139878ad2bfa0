// rl/health.ts, the PPO health metrics of metrics.jsonl, on small arrays worked by hand: approximate KL and clip
// fraction from probability ratios, explained variance, the squared gradient norm.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { RefBackend, Tensor } from '../../engine/index.ts'
import { ratioSums, explainedVariance, gradSquares } from '../../rl/health.ts'
import { close } from '../helpers.ts'

const test = suite('rl: health metrics')

test('ratioSums: sum of (r - 1) - log r and the count of |r - 1| > eps, by hand', () => {
  // r = 1: 0;  r = 2: 1 - ln 2 = 0.306852819440;  r = 0.5: -0.5 + ln 2 = 0.193147180560;
  // r = 1.05: 0.05 - ln 1.05 = 0.05 - 0.048790164169 = 0.001209835831;  r = 0.85: -0.15 - ln 0.85 = -0.15 + 0.162518929498
  // = 0.012518929498.  Sum 0.513728765329.  Outside [0.9, 1.1]: 2, 0.5, 0.85 (not 1, 1.05).
  const { kl, clipped } = ratioSums([1, 2, 0.5, 1.05, 0.85], 0.1)
  close([kl], [0.513728765329], { atol: 1e-11, rtol: 0 }, 'approx KL sum')
  assert.is(clipped, 3)
  // with eps 0.2 only 2 and 0.5 are outside
  assert.is(ratioSums([1, 2, 0.5, 1.05, 0.85], 0.2).clipped, 2)
  assert.equal(ratioSums([], 0.1), { kl: 0, clipped: 0 })
})

test('explainedVariance: 1 - Var[y - pred] / Var[y] (population), by hand', () => {
  const y = [1, 2, 3, 4] // mean 2.5, Var = (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25
  assert.is(explainedVariance(y, [1, 2, 3, 4]), 1)
  assert.is(explainedVariance(y, [2.5, 2.5, 2.5, 2.5]), 0) // the mean explains nothing
  assert.is(explainedVariance(y, [11, 12, 13, 14]), 1) // a constant offset: Var[y - pred] = 0
  // y - pred = [1, 0, -1, 0]: Var = 0.5 -> 1 - 0.5 / 1.25 = 0.6
  close([explainedVariance(y, [0, 2, 4, 4])], [0.6], { atol: 1e-15, rtol: 0 })
  // y - pred = [-1, 1, -1, 1]: Var = 1 -> 1 - 1 / 1.25 = 0.2
  close([explainedVariance(y, [2, 1, 4, 3])], [0.2], { atol: 1e-15, rtol: 0 })
  // y - pred = [-3, -1, 1, 3]: Var = 5 -> 1 - 5 / 1.25 = -3 (worse than the mean)
  close([explainedVariance(y, [4, 3, 2, 1])], [-3], { atol: 1e-15, rtol: 0 })
  assert.ok(Number.isNaN(explainedVariance([2, 2, 2], [1, 2, 3])), 'constant targets: NaN')
})

test("gradSquares: sum of every gradient's squares, parameters without a gradient skipped", async () => {
  const be = new RefBackend()
  const p = [Tensor.fromArray(be, [0, 0], [2]), Tensor.fromArray(be, [0], [1]), Tensor.fromArray(be, [0, 0], [1, 2])]
  p[0].grad = Tensor.fromArray(be, [3, 4], [2])
  p[1].grad = Tensor.fromArray(be, [12], [1])
  // 9 + 16 + 144 = 169 = 13^2; p[2] has no gradient
  assert.equal([...(await gradSquares(p).read())], [169])
})

test.run()
