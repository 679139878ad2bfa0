// Elementwise kernels: reference. Binary ops broadcast over a rank-4 view (out shape D0..D3, element strides
// SA*/SB* of a and b, 0 along broadcast axes); unary ops map x -> y over L elements; each unary op has a
// backward dx = dout * f'(x) written with the forward output y where that is simpler (exp, sqrt, tanh, sigmoid).
import type { Float, Dims } from './types.ts'
import type { BinaryOp, UnaryOp } from '../index.ts'

export const BINARY: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  maximum: (a, b) => (a >= b ? a : b),
  minimum: (a, b) => (a <= b ? a : b),
}

type P = Dims
/** f(x) and df/dx (given x, y = f(x)) for each unary op; leaky_relu's slope and clip's bounds come from params. */
export const UNARY: Record<UnaryOp, { f: (x: number, p: P) => number; df: (x: number, y: number, p: P) => number }> = {
  neg: { f: (x) => -x, df: () => -1 },
  exp: { f: (x) => Math.exp(x), df: (_, y) => y },
  log: { f: (x) => Math.log(x), df: (x) => 1 / x },
  sqrt: { f: (x) => Math.sqrt(x), df: (_, y) => 0.5 / y },
  square: { f: (x) => x * x, df: (x) => 2 * x },
  abs: { f: (x) => Math.abs(x), df: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0) },
  relu: { f: (x) => (x > 0 ? x : 0), df: (x) => (x > 0 ? 1 : 0) },
  leaky_relu: { f: (x, p) => (x >= 0 ? x : p.alpha * x), df: (x, _, p) => (x >= 0 ? 1 : p.alpha) },
  tanh: { f: (x) => Math.tanh(x), df: (_, y) => 1 - y * y },
  sigmoid: { f: (x) => 1 / (1 + Math.exp(-x)), df: (_, y) => y * (1 - y) },
  clip: { f: (x, p) => Math.min(Math.max(x, p.lo), p.hi), df: (x, _, p) => (x >= p.lo && x <= p.hi ? 1 : 0) },
  // log(1 + e^x) without overflow: max(x, 0) + log1p(e^-|x|); its derivative is the sigmoid
  softplus: { f: (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))), df: (x) => 1 / (1 + Math.exp(-x)) },
}

function broadcast(out: Float, d: Dims, f: (ia: number, ib: number) => number): void {
  const { D0, D1, D2, D3, SA0, SA1, SA2, SA3, SB0, SB1, SB2, SB3 } = d
  let o = 0
  for (let i0 = 0; i0 < D0; i0++)
    for (let i1 = 0; i1 < D1; i1++)
      for (let i2 = 0; i2 < D2; i2++)
        for (let i3 = 0; i3 < D3; i3++) {
          out[o++] = f(i0 * SA0 + i1 * SA1 + i2 * SA2 + i3 * SA3, i0 * SB0 + i1 * SB1 + i2 * SB2 + i3 * SB3)
        }
}

export function binaryKernel(op: BinaryOp) {
  const fn = BINARY[op]
  return (out: Float, a: Float, b: Float, d: Dims) => broadcast(out, d, (ia, ib) => fn(a[ia], b[ib]))
}

/** where: out = cond != 0 ? a : b; cond is indexed with a's strides. */
export function where(out: Float, cond: Float, a: Float, b: Float, d: Dims): void {
  broadcast(out, d, (ia, ib) => (cond[ia] !== 0 ? a[ia] : b[ib]))
}

export function unaryKernel(op: UnaryOp) {
  const { f } = UNARY[op]
  return (out: Float, x: Float, d: Dims) => {
    for (let i = 0; i < d.L; i++) out[i] = f(x[i], d)
  }
}

export function unaryBackwardKernel(op: UnaryOp) {
  const { df } = UNARY[op]
  return (dx: Float, dout: Float, x: Float, y: Float, d: Dims) => {
    for (let i = 0; i < d.L; i++) dx[i] = dout[i] * df(x[i], y[i], d)
  }
}

export function fill(out: Float, d: Dims): void {
  out.fill(d.value, 0, d.L)
}
