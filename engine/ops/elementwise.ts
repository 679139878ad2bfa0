// Elementwise ops with numpy broadcasting (add, sub, mul, div, maximum, minimum, where), unary ops and their
// backwards (one kernel pair each), scalar helpers. Broadcast shapes are collapsed to the kernels' rank-4 view.
import type { BinaryOp, UnaryOp } from '../../kernels/index.ts'
import { Tensor, record, type Shape } from '../tensor.ts'
import { run, sameBackend } from './run.ts'
import { sumTo } from './reduce.ts'

export function broadcastShape(a: Shape, b: Shape, op = 'broadcast'): number[] {
  const r = Math.max(a.length, b.length),
    out: number[] = []
  for (let i = 0; i < r; i++) {
    const x = a[a.length - r + i] ?? 1,
      y = b[b.length - r + i] ?? 1
    if (x !== y && x !== 1 && y !== 1) throw new Error(`${op}: shapes [${a}] and [${b}] do not broadcast`)
    out.push(x === 1 ? y : x)
  }
  return out
}

/** Element strides of a and b broadcast to `out` (0 on broadcast axes), merged into the kernels' rank-4 view. */
export function broadcastDims(out: Shape, a: Shape, b: Shape): Record<string, number> {
  if (sameShape(a, out) && sameShape(b, out)) {
    // no broadcast (most calls): one contiguous run
    const L = out.reduce((x, y) => x * y, 1)
    return { D0: 1, D1: 1, D2: 1, D3: L, SA0: 0, SA1: 0, SA2: 0, SA3: L === 1 ? 0 : 1, SB0: 0, SB1: 0, SB2: 0, SB3: L === 1 ? 0 : 1 }
  }
  const r = out.length
  const strides = (s: Shape) => {
    const st = new Array(r).fill(0)
    for (let i = r - 1, acc = 1; i >= 0; i--) {
      const d = s[s.length - r + i] ?? 1
      st[i] = d === 1 ? 0 : acc
      acc *= d
    }
    return st
  }
  const sa0 = strides(a),
    sb0 = strides(b)
  // drop size-1 axes (their stride never matters), then merge axis i into i-1 where both operands continue
  // contiguously (or stay broadcast) across the boundary
  const keepIdx = out.map((_, i) => i).filter((i) => out[i] !== 1)
  const dims = keepIdx.map((i) => out[i]),
    sa = keepIdx.map((i) => sa0[i]),
    sb = keepIdx.map((i) => sb0[i])
  for (let i = dims.length - 1; i > 0; i--) {
    const ok = (st: number[]) => st[i - 1] === st[i] * dims[i]
    if (ok(sa) && ok(sb)) {
      dims.splice(i - 1, 2, dims[i - 1] * dims[i])
      sa.splice(i - 1, 1)
      sb.splice(i - 1, 1)
    }
  }
  if (dims.length > 4) throw new Error(`broadcast of [${a}] and [${b}] needs more than 4 axes`)
  const pad = (v: number[], fill: number) => [...new Array(4 - v.length).fill(fill), ...v]
  const [D, A, B] = [pad(dims, 1), pad(sa, 0), pad(sb, 0)]
  return { D0: D[0], D1: D[1], D2: D[2], D3: D[3], SA0: A[0], SA1: A[1], SA2: A[2], SA3: A[3], SB0: B[0], SB1: B[1], SB2: B[2], SB3: B[3] }
}

function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

function launch(op: BinaryOp | 'where', outShape: Shape, ins: Tensor[], a: Shape, b: Shape): Tensor {
  return run(op, outShape, ins, broadcastDims(outShape, a, b))
}

/** A tensor of `shape` with x's values broadcast into it. */
export function expand(x: Tensor, shape: Shape): Tensor {
  if (broadcastShape(x.shape, shape, 'expand').join() !== shape.join()) throw new Error(`expand: [${x.shape}] does not broadcast to [${shape}]`)
  const zero = Tensor.zeros(x.backend, [1])
  const out = launch('add', shape, [x, zero], x.shape, [1])
  return record(out, [x], ([g]) => [sumTo(g!, x.shape)])
}

export function binary(op: BinaryOp, a: Tensor, b: Tensor): Tensor {
  sameBackend([a, b], op)
  const shape = broadcastShape(a.shape, b.shape, op)
  const out = launch(op, shape, [a, b], a.shape, b.shape)
  return record(out, [a, b], ([g]) => {
    const ga = a.requiresGrad,
      gb = b.requiresGrad
    switch (op) {
      case 'add':
        return [ga ? sumTo(g!, a.shape) : null, gb ? sumTo(g!, b.shape) : null]
      case 'sub':
        return [ga ? sumTo(g!, a.shape) : null, gb ? sumTo(unary('neg', g!), b.shape) : null]
      case 'mul':
        return [ga ? sumTo(mul(g!, b), a.shape) : null, gb ? sumTo(mul(g!, a), b.shape) : null]
      case 'div':
        return [
          ga ? sumTo(div(g!, b), a.shape) : null,
          gb ? sumTo(unary('neg', div(mul(g!, out), b)), b.shape) : null, // d(a/b)/db = -(a/b)/b
        ]
      case 'maximum':
      case 'minimum': {
        // the gradient goes to a where a wins (ties to a), else to b
        const aWins = op === 'maximum' ? geMask(a, b) : geMask(b, a)
        const zero = Tensor.zeros(g!.backend, [1])
        return [ga ? sumTo(where(aWins, g!, zero), a.shape) : null, gb ? sumTo(where(aWins, zero, g!), b.shape) : null]
      }
    }
  })
}

/** 1 where a >= b else 0 (no gradient): 1 - [b - a > 0], the step function taken from relu_backward. */
function geMask(a: Tensor, b: Tensor): Tensor {
  const shape = broadcastShape(a.shape, b.shape)
  const bMinusA = launch('sub', shape, [b, a], b.shape, a.shape)
  const ones = Tensor.full(a.backend, shape, 1)
  const aLess = run('relu_backward', shape, [ones, bMinusA, bMinusA], { L: ones.size })
  return launch('sub', shape, [ones, aLess], shape, shape)
}

/** out = cond != 0 ? a : b (cond, a share a's strides, so cond must have a's shape); no gradient for cond. */
export function where(cond: Tensor, a: Tensor, b: Tensor): Tensor {
  sameBackend([cond, a, b], 'where')
  if (cond.shape.join() !== a.shape.join()) a = expand(a, broadcastShape(cond.shape, a.shape, 'where'))
  if (cond.shape.join() !== a.shape.join()) cond = expand(cond, a.shape)
  const shape = broadcastShape(a.shape, b.shape, 'where')
  if (shape.join() !== a.shape.join()) return where(expand(cond, shape), expand(a, shape), b)
  const out = launch('where', shape, [cond, a, b], a.shape, b.shape)
  return record(out, [a, b], ([g]) => {
    const zero = Tensor.zeros(g!.backend, [1])
    return [a.requiresGrad ? where(cond, g!, zero) : null, b.requiresGrad ? sumTo(where(cond, zero, g!), b.shape) : null]
  })
}

export function unary(op: UnaryOp, x: Tensor, params: Record<string, number> = {}): Tensor {
  const d = { L: x.size, ...params }
  const y = run(op, x.shape, [x], d)
  return record(y, [x], ([g]) => [run(`${op}_backward`, x.shape, [g!, x, y], d)])
}

export const add = (a: Tensor, b: Tensor) => binary('add', a, b)
export const sub = (a: Tensor, b: Tensor) => binary('sub', a, b)
export const mul = (a: Tensor, b: Tensor) => binary('mul', a, b)
export const div = (a: Tensor, b: Tensor) => binary('div', a, b)
export const maximum = (a: Tensor, b: Tensor) => binary('maximum', a, b)
export const minimum = (a: Tensor, b: Tensor) => binary('minimum', a, b)
export const neg = (x: Tensor) => unary('neg', x)
export const exp = (x: Tensor) => unary('exp', x)
export const log = (x: Tensor) => unary('log', x)
export const sqrt = (x: Tensor) => unary('sqrt', x)
export const square = (x: Tensor) => unary('square', x)
export const abs = (x: Tensor) => unary('abs', x)
export const relu = (x: Tensor) => unary('relu', x)
/** Chainer's default slope is 0.2. */
export const leakyRelu = (x: Tensor, alpha = 0.2) => unary('leaky_relu', x, { alpha })
export const tanh = (x: Tensor) => unary('tanh', x)
export const sigmoid = (x: Tensor) => unary('sigmoid', x)
export const softplus = (x: Tensor) => unary('softplus', x)
export const clip = (x: Tensor, lo: number, hi: number) => unary('clip', x, { lo, hi })

/** x * s for a JS number s (a [1] constant broadcast). */
export function mulScalar(x: Tensor, s: number): Tensor {
  return mul(x, Tensor.full(x.backend, [1], s))
}
export function addScalar(x: Tensor, s: number): Tensor {
  return add(x, Tensor.full(x.backend, [1], s))
}
