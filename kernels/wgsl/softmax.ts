// softmax_forward/backward and log_softmax_forward/backward on the last axis of x [N, D], in WGSL.
// One workgroup of 64 invocations per row: each invocation strides over the row (j = li, li + 64, ...), then a tree
// reduction in workgroup memory combines the 64 partials (row max, sum of exps, or the backward's dot product).
// Forward subtracts the row max for stability; backward uses the forward output y (see kernels/ref/softmax.ts).
import type { WgslKernel } from './prelude.ts'
import { REDUCE } from './wg_reduce.ts'

const WG = 64
const NEG_MAX = '-0x1.fffffep+127f' // -FLT_MAX: WGSL has no -inf literal

// row index from the (folded) workgroup id; `base` is the row's first element
const ROW = `
  let row = i32(wid.x + wid.y * nwg.x);
  if (row >= d.N) { return; }
  let base = row * d.D;
  let j0 = i32(li);
  let js = i32(WG_X);`

const rowKernel = (body: string): WgslKernel => ({
  workgroup: [WG, 1, 1],
  helpers: REDUCE,
  body: ROW + body,
  workgroups: (d) => [Math.max(1, d.N), 1, 1],
})

export const softmax_forward = rowKernel(`
  var mx = ${NEG_MAX};
  for (var j = j0; j < d.D; j += js) { mx = max(mx, x[base + j]); }
  mx = wg_max(mx, li);
  var s = 0.0;
  for (var j = j0; j < d.D; j += js) { let e = exp(x[base + j] - mx); y[base + j] = e; s += e; }
  s = wg_sum(s, li);
  for (var j = j0; j < d.D; j += js) { y[base + j] = y[base + j] / s; }`)

export const log_softmax_forward = rowKernel(`
  var mx = ${NEG_MAX};
  for (var j = j0; j < d.D; j += js) { mx = max(mx, x[base + j]); }
  mx = wg_max(mx, li);
  var s = 0.0;
  for (var j = j0; j < d.D; j += js) { s += exp(x[base + j] - mx); }
  let lse = mx + log(wg_sum(s, li));
  for (var j = j0; j < d.D; j += js) { y[base + j] = x[base + j] - lse; }`)

// dx = y * (dy - sum(dy * y))
export const softmax_backward = rowKernel(`
  var s = 0.0;
  for (var j = j0; j < d.D; j += js) { s += dy[base + j] * y[base + j]; }
  let dot = wg_sum(s, li);
  for (var j = j0; j < d.D; j += js) { dx[base + j] = y[base + j] * (dy[base + j] - dot); }`)

// dx = dy - exp(y) * sum(dy)
export const log_softmax_backward = rowKernel(`
  var s = 0.0;
  for (var j = j0; j < d.D; j += js) { s += dy[base + j]; }
  let sdy = wg_sum(s, li);
  for (var j = j0; j < d.D; j += js) { dx[base + j] = dy[base + j] - exp(y[base + j]) * sdy; }`)
