// Reductions over the middle axis of x [O, R, I] -> out [O, I] in WGSL, and sum_squares (out[0] = sum (scale x)^2).
// sum_reduce / max_reduce have two versions, chosen by selectReduce below:
//   v1 picks one of two schedules by a uniform branch on I (no code splicing, one pipeline): I == 1 (a row
//     reduction, rows contiguous): one workgroup of 64 per row, strided partials + a tree reduction; I > 1
//     (columns): one invocation per output (o, i), looping over r; neighbours read neighbouring columns.
//   v2 is v1's column schedule for every I (no barriers).
// max_reduce_backward: one invocation per (o, i) walks r in order, so dout goes to the FIRST maximum, as in ref.
// sum_squares: one workgroup of 256 strides over all L and tree-reduces (a single pass: L is a parameter count).
import { cdiv, type WgslKernel } from './prelude.ts'

const WG = 64
const NEG_MAX = '-0x1.fffffep+127f' // -FLT_MAX: WGSL has no -inf literal

const tree = (op: string) => `
var<workgroup> sh: array<f32, WG_X>;
fn wg_reduce(v: f32, li: u32) -> f32 {
  sh[li] = v;
  workgroupBarrier();
  for (var s = WG_X / 2u; s > 0u; s = s >> 1u) {
    if (li < s) { let a = sh[li]; let b = sh[li + s]; sh[li] = ${op}; }
    workgroupBarrier();
  }
  return sh[0];
}`

const reduce = (init: string, op: string): WgslKernel => ({
  workgroup: [WG, 1, 1],
  helpers: tree(op),
  body: `
  if (d.I == 1) {
    let o = i32(wid.x + wid.y * nwg.x);   // one row per workgroup (uniform)
    if (o >= d.O) { return; }
    var acc = ${init};
    for (var r = i32(li); r < d.R; r += i32(WG_X)) { let a = acc; let b = x[o * d.R + r]; acc = ${op}; }
    let t = wg_reduce(acc, li);
    if (li == 0u) { out[o] = t; }
    return;
  }
  let k = flat(gid, nwg);                 // one output (o, i) per invocation
  if (k >= d.O * d.I) { return; }
  let o = k / d.I;
  let i = k % d.I;
  var acc = ${init};
  for (var r = 0; r < d.R; r++) { let a = acc; let b = x[(o * d.R + r) * d.I + i]; acc = ${op}; }
  out[k] = acc;`,
  workgroups: (d) => (d.I === 1 ? [Math.max(1, d.O), 1, 1] : [Math.max(1, cdiv(d.O * d.I, WG)), 1, 1]),
})

export const sum_reduce_v1 = reduce('0.0', 'a + b')
export const max_reduce_v1 = reduce(NEG_MAX, 'max(a, b)')

/** v2: one invocation per output (o, i) looping over r, for every I (rows too): no barriers. */
const loop = (init: string, op: string): WgslKernel => ({
  workgroup: [WG, 1, 1],
  body: `
  let k = flat(gid, nwg);
  if (k >= d.O * d.I) { return; }
  let o = k / d.I;
  let i = k % d.I;
  var acc = ${init};
  for (var r = 0; r < d.R; r++) { let a = acc; let b = x[(o * d.R + r) * d.I + i]; acc = ${op}; }
  out[k] = acc;`,
  workgroups: (d) => [Math.max(1, cdiv(d.O * d.I, WG)), 1, 1],
})
export const sum_reduce_v2 = loop('0.0', 'a + b')
export const max_reduce_v2 = loop(NEG_MAX, 'max(a, b)')

/**
 * v1's workgroup-per-row tree only where rows are few and long; otherwise v2. Barriers are coroutine switches on
 * SwiftShader: a conv bias gradient's first pass ([N*K*P, Q] rows, O 40960, R 20) took 8 s in v1, 0.05 s in v2.
 */
export const selectReduce = (kernel: 'sum_reduce' | 'max_reduce') => (d: Record<string, number>) =>
  d.I === 1 && d.O < 256 && d.R >= 256 ? `${kernel}_v1` : `${kernel}_v2`

export const max_reduce_backward: WgslKernel = {
  workgroup: [WG, 1, 1],
  body: `
  let k = flat(gid, nwg);
  if (k >= d.O * d.I) { return; }
  let o = k / d.I;
  let i = k % d.I;
  let m = y[k];
  var hit = false;
  for (var r = 0; r < d.R; r++) {
    let j = (o * d.R + r) * d.I + i;
    let isMax = !hit && x[j] == m;
    hit = hit || isMax;
    dx[j] = select(0.0, dout[k], isMax);
  }`,
  workgroups: (d) => [Math.max(1, cdiv(d.O * d.I, WG)), 1, 1],
}

export const sum_squares: WgslKernel = {
  workgroup: [256, 1, 1],
  helpers: tree('a + b'),
  body: `
  var acc = 0.0;
  for (var i = i32(li); i < d.L; i += i32(WG_X)) { let v = d.scale * x[i]; acc += v * v; }
  let t = wg_reduce(acc, li);
  if (li == 0u) { out[0] = t; }`,
  workgroups: () => [1, 1, 1],
}
