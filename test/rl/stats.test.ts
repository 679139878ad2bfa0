// The running statistics of rl/stats.ts: the parallel merge of batches equals a direct computation over all samples.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { RunningMeanStd } from '../../rl/stats.ts'
import { close, uniform } from '../helpers.ts'

const test = suite('rl: stats')

function direct(data: Float32Array, n: number, size: number) {
  const mean = new Float64Array(size),
    v = new Float64Array(size)
  for (let k = 0; k < n; k++) for (let i = 0; i < size; i++) mean[i] += data[k * size + i] / n
  for (let k = 0; k < n; k++) for (let i = 0; i < size; i++) v[i] += (data[k * size + i] - mean[i]) ** 2 / n
  return { mean, v }
}

test('hand-worked: [1, 2] then [3, 4, 5] -> mean 3, population variance 2', () => {
  const s = new RunningMeanStd(1)
  s.mergeSamples([1, 2], 2)
  assert.equal([s.count, s.mean[0], s.var[0]], [2, 1.5, 0.25])
  s.mergeSamples([3, 4, 5], 3)
  assert.equal(s.count, 5)
  close([s.mean[0], s.var[0], s.std()], [3, 2, Math.SQRT2], { atol: 1e-12 }, 'merged')
})

test('per-pixel merge of uneven episodes == direct mean/var over every frame', () => {
  const size = 49,
    lengths = [1, 7, 3, 30, 2]
  const total = lengths.reduce((a, b) => a + b, 0)
  const all = uniform(total * size, 5, 0, 255)
  const s = new RunningMeanStd(size)
  let off = 0
  for (const n of lengths) {
    s.mergeSamples(all, n, off * size)
    off += n
  }
  const { mean, v } = direct(all, total, size)
  assert.equal(s.count, total)
  close(s.mean, mean, { atol: 1e-9 }, 'mean')
  close(s.var, v, { atol: 1e-7, rtol: 1e-9 }, 'var')
})

test('strided scalar samples and mergeMoments of an empty batch', () => {
  const s = new RunningMeanStd(1)
  s.mergeSamples([1, 100, 3, 100], 2, 0, 2) // samples 1 and 3
  s.mergeMoments(0, [7], [7])
  close([s.mean[0], s.var[0]], [2, 1], { atol: 1e-12 }, 'strided')
})

test('toJSON / load round trip, size mismatch rejected', () => {
  const s = new RunningMeanStd(3)
  s.mergeSamples([1, 2, 3, 4, 5, 6], 2)
  const t = new RunningMeanStd(3)
  t.load(s.toJSON())
  assert.equal(t.toJSON(), s.toJSON())
  assert.throws(() => new RunningMeanStd(2).load(s.toJSON()), /size 3/)
})

test.run()
