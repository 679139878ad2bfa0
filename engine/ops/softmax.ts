// softmax and logSoftmax over the last axis, forward and backward by kernel (backward reads the saved output).
import type { Tensor } from '../tensor.ts'
import { record } from '../tensor.ts'
import { run } from './run.ts'

function rows(x: Tensor) {
  const D = x.shape[x.shape.length - 1]
  return { N: x.size / D, D }
}

export function softmax(x: Tensor): Tensor {
  const d = rows(x)
  const y = run('softmax_forward', x.shape, [x], d)
  return record(y, [x], ([g]) => [run('softmax_backward', x.shape, [g!, y], d)])
}

export function logSoftmax(x: Tensor): Tensor {
  const d = rows(x)
  const y = run('log_softmax_forward', x.shape, [x], d)
  return record(y, [x], ([g]) => [run('log_softmax_backward', x.shape, [g!, y], d)])
}
