// batch_matmul in WGSL (spec: kernels/ref/batch_matmul.ts): one invocation per output element of the G products,
// looping over K with the strides of each operand's layout (TA, TB). The DNC's products are small (R x N by N x N),
// so a tiled GEMM would leave most of a tile empty.
import { grid1d, type WgslKernel } from './prelude.ts'

const WG = 64

export const batch_matmul: WgslKernel = {
  workgroup: [WG, 1, 1],
  body: `
  let e = flat(gid, nwg);
  if (e >= d.G * d.M * d.N) { return; }
  let g = e / (d.M * d.N);
  let i = (e / d.N) % d.M;
  let j = e % d.N;
  // element (i, k) of op(a[g]) and (k, j) of op(b[g]): offset + k * stride
  let a0 = g * d.M * d.K + select(i * d.K, i, d.TA != 0);
  let sa = select(1, d.M, d.TA != 0);
  let b0 = g * d.K * d.N + select(j, j * d.K, d.TB != 0);
  let sb = select(d.N, 1, d.TB != 0);
  var acc = 0.0;
  for (var k = 0; k < d.K; k++) { acc += a[a0 + k * sa] * b[b0 + k * sb]; }
  out[e] = acc;`,
  workgroups: (d) => grid1d(d.G * d.M * d.N, WG),
}
