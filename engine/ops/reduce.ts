// Reductions: sum, mean, max over any set of axes (keepdims optional), sumTo (undo a broadcast), and the squared
// L2 norm. Each reduced axis is one kernel call over the [O, R, I] view of the tensor; backward broadcasts back.
import type { Tensor, Shape } from '../tensor.ts'
import { record } from '../tensor.ts'
import { run } from './run.ts'
import { expand, mulScalar } from './elementwise.ts'
import { reshape } from './movement.ts'

const prod = (s: readonly number[]) => s.reduce((a, b) => a * b, 1)

function normAxes(shape: Shape, axes?: number | number[]): number[] {
  const r = shape.length
  const list = axes === undefined ? [...Array(r).keys()] : Array.isArray(axes) ? axes : [axes]
  const out = list.map((a) => {
    const ax = a < 0 ? a + r : a
    if (ax < 0 || ax >= r) throw new Error(`axis ${a} out of range for shape [${shape}]`)
    return ax
  })
  return [...new Set(out)].sort((a, b) => b - a) // highest first: earlier axes keep their index
}

function reduceOnce(kernel: 'sum_reduce' | 'max_reduce', x: Tensor, axis: number): Tensor {
  const s = x.shape
  const O = prod(s.slice(0, axis)),
    R = s[axis],
    I = prod(s.slice(axis + 1))
  return run(kernel, [...s.slice(0, axis), 1, ...s.slice(axis + 1)], [x], { O, R, I })
}

/** Sum over axes (all when omitted). Result keeps reduced axes as 1 when keepdims. */
export function sum(x: Tensor, axes?: number | number[], keepdims = false): Tensor {
  const ax = normAxes(x.shape, axes)
  let y: Tensor = x
  for (const a of ax) y = reduceOnce('sum_reduce', y, a) // intermediates belong to the scope
  const outShape = keepdims ? y.shape : x.shape.filter((_, i) => !ax.includes(i))
  const out = y === x ? run('sum_reduce', x.shape, [x], { O: 1, R: 1, I: x.size }) : y.view(outShape)
  return record(out, [x], ([g]) => [expand(g!.view(y.shape), x.shape)])
}

export function mean(x: Tensor, axes?: number | number[], keepdims = false): Tensor {
  const n = normAxes(x.shape, axes).reduce((a, ax) => a * x.shape[ax], 1)
  return mulScalar(sum(x, axes, keepdims), 1 / n)
}

/** Max over ONE axis (or all axes when omitted, as a flat reduction). Gradient goes to the first maximum. */
export function max(x: Tensor, axis?: number, keepdims = false): Tensor {
  const flat = axis === undefined
  const xs = flat ? x.view([x.size]) : x
  const a = flat ? 0 : normAxes(x.shape, axis)[0]
  const s = xs.shape
  const d = { O: prod(s.slice(0, a)), R: s[a], I: prod(s.slice(a + 1)) }
  const y = run('max_reduce', [...s.slice(0, a), 1, ...s.slice(a + 1)], [xs], d)
  const outShape = keepdims && !flat ? y.shape : flat ? [] : s.filter((_, i) => i !== a)
  const out = y.view(outShape)
  return record(out, [x], ([g]) => [run('max_reduce_backward', x.shape, [g!, xs, y], d)])
}

/** Sum g down to `shape` (the inverse of broadcasting shape up to g.shape). */
export function sumTo(g: Tensor, shape: Shape): Tensor {
  if (g.shape.join() === shape.join()) return g
  const lead = g.shape.length - shape.length
  const axes: number[] = []
  g.shape.forEach((d, i) => {
    if (i < lead || (shape[i - lead] === 1 && d !== 1)) axes.push(i)
  })
  return reshape(sum(g, axes, true), shape) // recorded: sumTo is also a forward op
}

/**
 * Squared L2 norm of all elements, a [1] tensor (no gradient; for clipping). With scale 0: sum (0 x)^2, which is 0
 * when every element is finite and NaN otherwise (a finite check in one pass).
 */
export function sumSquares(x: Tensor, scale = 1): Tensor {
  return run('sum_squares', [1], [x], { L: x.size, scale })
}

/**
 * 2x2 max pooling with stride 2 (PyTorch's MaxPool2d(2)) of x [N, C, H, W], H and W even: the fused max_pool2 kernel.
 * The gradient goes to the first maximum of each window in row-major order, which is what the former composition of
 * two max reductions (columns, then rows, each to its first maximum) chose; test/engine/pool.test.ts checks it.
 */
export function maxPool2(x: Tensor): Tensor {
  const [N, C, H, W] = x.shape
  if (x.shape.length !== 4 || H % 2 || W % 2) throw new Error(`maxPool2: needs [N, C, H, W] with even H and W, got [${x.shape}]`)
  const d = { N, C, H, W }
  const y = run('max_pool2', [N, C, H / 2, W / 2], [x], d)
  return record(y, [x], ([g]) => [run('max_pool2_backward', x.shape, [g!, x, y], d)])
}
