// Elementwise kernels in WGSL: binary ops with rank-4 broadcasting, where, unary ops and their backwards, fill.
// Ops are one-line WGSL expressions in tables (webgpu-torch `op_table.ts` style); each table row becomes its own named
// kernel through the same small body. One invocation computes one output element (1D, folded past 65535 groups).
// Binary: out index i -> (i0, i1, i2, i3) in the out shape [D0..D3]; a and b are read at sum(ik * SAk / SBk).
// Unary: `v` is x[i]; backward: `v` is x[i], `w` is y[i] = f(x[i]), dx = dout * f'(v, w).
import { BINARY_OPS, UNARY_OPS, type BinaryOp, type UnaryOp } from '../index.ts'
import { grid1d, type WgslKernel } from './prelude.ts'

const WG = 64
/** elements per invocation (prelude.ts `items`) */
const ITEMS = 16

/** out = f(x, y) with x = a[ia], y = b[ib] */
export const BINARY_WGSL: Record<BinaryOp, string> = {
  add: 'x + y',
  sub: 'x - y',
  mul: 'x * y',
  div: 'x / y',
  maximum: 'select(y, x, x >= y)',
  minimum: 'select(y, x, x <= y)',
}

/** f(v) and f'(v, w) with w = f(v); params are read from the uniform (d.alpha, d.lo, d.hi) */
export const UNARY_WGSL: Record<UnaryOp, [f: string, df: string]> = {
  neg: ['-v', '-1.0'],
  exp: ['exp(v)', 'w'],
  log: ['log(v)', '1.0 / v'],
  sqrt: ['sqrt(v)', '0.5 / w'],
  square: ['v * v', '2.0 * v'],
  abs: ['abs(v)', 'sign(v)'],
  relu: ['select(0.0, v, v > 0.0)', 'select(0.0, 1.0, v > 0.0)'],
  leaky_relu: ['select(d.alpha * v, v, v >= 0.0)', 'select(d.alpha, 1.0, v >= 0.0)'],
  tanh: ['tanh_(v)', '1.0 - w * w'],
  sigmoid: ['1.0 / (1.0 + exp(-v))', 'w * (1.0 - w)'],
  clip: ['min(max(v, d.lo), d.hi)', 'select(0.0, 1.0, v >= d.lo && v <= d.hi)'],
  softplus: ['max(v, 0.0) + log(1.0 + exp(-abs(v)))', '1.0 / (1.0 + exp(-v))'], // log(1 + e^v) without overflow
}

// tanh through exp(-2|x|) <= 1: the builtin may compute (e^2x - 1) / (e^2x + 1) and give inf/inf = NaN for |x| > 44
const TANH = `fn tanh_(x: f32) -> f32 { let e = exp(-2.0 * abs(x)); return sign(x) * (1.0 - e) / (1.0 + e); }`

const bcastTotal = (d: Record<string, number>) => d.D0 * d.D1 * d.D2 * d.D3
// out index -> rank-4 coordinates -> the element offsets ia (a's strides) and ib (b's strides)
const BCAST_INDEX = `
  let i = flat(gid, nwg);
  if (i >= d.D0 * d.D1 * d.D2 * d.D3) { return; }
  let i3 = i % d.D3;
  let i2 = (i / d.D3) % d.D2;
  let i1 = (i / (d.D3 * d.D2)) % d.D1;
  let i0 = i / (d.D3 * d.D2 * d.D1);
  let ia = i0 * d.SA0 + i1 * d.SA1 + i2 * d.SA2 + i3 * d.SA3;
  let ib = i0 * d.SB0 + i1 * d.SB1 + i2 * d.SB2 + i3 * d.SB3;`

const binary = (expr: string): WgslKernel => ({
  workgroup: [WG, 1, 1],
  items: ITEMS,
  body: `${BCAST_INDEX}
  let x = a[ia];
  let y = b[ib];
  out[i] = ${expr};`,
  workgroups: (d) => grid1d(bcastTotal(d), WG),
})

const unary = (f: string): WgslKernel => ({
  workgroup: [WG, 1, 1],
  items: ITEMS,
  helpers: TANH,
  body: `
  let i = flat(gid, nwg);
  if (i >= d.L) { return; }
  let v = x[i];
  out[i] = ${f};`,
  workgroups: (d) => grid1d(d.L, WG),
})

const unaryBackward = (df: string): WgslKernel => ({
  workgroup: [WG, 1, 1],
  items: ITEMS,
  body: `
  let i = flat(gid, nwg);
  if (i >= d.L) { return; }
  let v = x[i];
  let w = y[i];
  dx[i] = dout[i] * (${df});`,
  workgroups: (d) => grid1d(d.L, WG),
})

export const where: WgslKernel = {
  workgroup: [WG, 1, 1],
  items: ITEMS,
  body: `${BCAST_INDEX}
  out[i] = select(b[ib], a[ia], cond[ia] != 0.0);`,
  workgroups: (d) => grid1d(bcastTotal(d), WG),
}

export const fill: WgslKernel = {
  workgroup: [WG, 1, 1],
  items: ITEMS,
  body: `
  let i = flat(gid, nwg);
  if (i >= d.L) { return; }
  out[i] = d.value;`,
  workgroups: (d) => grid1d(d.L, WG),
}

export const ELEMENTWISE: Record<string, WgslKernel> = {
  ...Object.fromEntries(BINARY_OPS.map((op) => [op, binary(BINARY_WGSL[op])])),
  ...Object.fromEntries(
    (Object.keys(UNARY_OPS) as UnaryOp[]).flatMap((op) => [
      [op, unary(UNARY_WGSL[op][0])],
      [`${op}_backward`, unaryBackward(UNARY_WGSL[op][1])],
    ]),
  ),
  where,
  fill,
}
