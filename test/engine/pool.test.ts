// maxPool2 (2x2 max-pool, stride 2, composed of two max reductions) on hand-worked arrays: values, the gradient
// routed to each window's maximum, ties going to the first element in row-major order (as PyTorch's MaxPool2d).
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { Tensor, RefBackend, backward, noGrad, scope, maxPool2, mul, sum, tapeLength } from '../../engine/index.ts'

const be = new RefBackend(32)
const test = suite('maxPool2')

test('values and gradient routing, [1, 2, 2, 4] (two channels: one window each of 2x2 x 2)', () => {
  // channel 0: [[1, 5, 2, 2], [3, 4, 8, -1]] -> [5, 8]; channel 1: all 2 (ties) except a -7 -> [2, 2]
  const x = Tensor.fromArray(be, [1, 5, 2, 2, 3, 4, 8, -1, 2, 2, 2, -7, 2, 2, 2, 2], [1, 2, 2, 4])
  x.requiresGrad = true
  // read inside a scope that backwards nothing: entries recorded outside one would stay on the global tape
  const [shape, values] = noGrad(() =>
    scope(() => {
      const y = maxPool2(x)
      return [y.shape, [...y.readSync()]]
    }),
  )
  assert.equal(shape, [1, 2, 1, 2])
  assert.equal(values, [5, 8, 2, 2])
  const g = Tensor.fromArray(be, [1, 10, 100, 1000], [1, 2, 1, 2])
  scope(() => backward(sum(mul(maxPool2(x), g))))
  assert.equal([...x.grad!.readSync()], [0, 1, 0, 0, 0, 0, 10, 0, 100, 0, 1000, 0, 0, 0, 0, 0])
  assert.is(tapeLength(), 0, 'nothing left on the tape for the suites after this one')
})

test('odd sides are refused with one line', () => {
  assert.throws(() => maxPool2(Tensor.zeros(be, [1, 1, 3, 4])), /even H and W, got \[1,1,3,4\]/)
})

test.run()
