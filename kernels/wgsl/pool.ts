// 2x2 max pooling with stride 2 in WGSL, x [N, C, H, W] -> out [N, C, P, Q] (P, Q = H / 2, W / 2 floored; spec:
// kernels/ref/pool.ts). max_pool2: one invocation per output element. max_pool2_backward: one per dx element (a
// gather, no atomics): it finds its window's first element (row-major) equal to y and takes dout if that is itself;
// elements of an odd last row or column, in no window, get 0. WGSL's max() may return the other operand for a NaN,
// so mx() makes NaN win (found by its bits), as the ref's Math.max (a window holding a NaN pools to NaN and, NaN equalling nothing,
// passes no gradient).
import { grid1d, type WgslKernel } from './prelude.ts'

const WG = 64
/** elements per invocation (prelude.ts `items`) */
const ITEMS = 8
// a NaN is found by its bits: on SwiftShader `a != a` was false for a NaN (test/kernels/pool.test.ts failed)
const MX = `
fn nan_(a: f32) -> bool { return (bitcast<u32>(a) & 0x7fffffffu) > 0x7f800000u; }
fn mx(a: f32, b: f32) -> f32 { return select(max(a, b), a + b, nan_(a) || nan_(b)); }`

export const max_pool2: WgslKernel = {
  workgroup: [WG, 1, 1],
  items: ITEMS,
  helpers: MX,
  body: `
  let k = flat(gid, nwg);
  let P = d.H / 2;
  let Q = d.W / 2;
  if (k >= d.N * d.C * P * Q) { return; }
  let r = k / Q;                        // output row p * P + i
  let t = ((r / P) * d.H + 2 * (r % P)) * d.W + 2 * (k % Q);
  out[k] = mx(mx(x[t], x[t + 1]), mx(x[t + d.W], x[t + d.W + 1]));`,
  workgroups: (d) => grid1d(d.N * d.C * (d.H >> 1) * (d.W >> 1), WG),
}

export const max_pool2_backward: WgslKernel = {
  workgroup: [WG, 1, 1],
  items: ITEMS,
  body: `
  let k = flat(gid, nwg);
  if (k >= d.N * d.C * d.H * d.W) { return; }
  let col = k % d.W;
  let row = (k / d.W) % d.H;
  let P = d.H / 2;
  let Q = d.W / 2;
  if (row >= 2 * P || col >= 2 * Q) { dx[k] = 0.0; return; }
  let t = k - (row % 2) * d.W - col % 2;  // the window's top-left element
  let o = ((k / (d.W * d.H)) * P + row / 2) * Q + col / 2;
  let m = y[o];
  var first = -1;
  if (x[t] == m) { first = t; }
  else if (x[t + 1] == m) { first = t + 1; }
  else if (x[t + d.W] == m) { first = t + d.W; }
  else if (x[t + d.W + 1] == m) { first = t + d.W + 1; }
  dx[k] = select(0.0, dout[o], first == k);`,
  workgroups: (d) => grid1d(d.N * d.C * d.H * d.W, WG),
}
