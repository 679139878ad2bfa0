// Movement kernels in WGSL: permute (rank 4), slice_axis / concat_part (a slab of the middle axis of [O, D, I]),
// gather_rows and its backward. One element written per loop step, 8 per invocation (1D, folded past 65535 workgroups).
// gather_rows_backward is a gather, not a scatter: invocation (v, j) sums dout[n, j] over the n with idx[n] == v,
// in increasing n, so it needs no atomics and adds in the same order as ref.
import { grid1d, type WgslKernel } from './prelude.ts'

const WG = 64
const k1 = (body: string, count: (d: Record<string, number>) => number): WgslKernel => ({
  workgroup: [WG, 1, 1],
  items: 8,
  body,
  workgroups: (d) => grid1d(count(d), WG),
})

// out[i_P0, i_P1, i_P2, i_P3] = x[i0, i1, i2, i3]: output axis j walks input axis P_j with that axis' stride
export const permute = k1(
  `
  let i = flat(gid, nwg);
  if (i >= d.D0 * d.D1 * d.D2 * d.D3) { return; }
  var D = array<i32, 4>(d.D0, d.D1, d.D2, d.D3);
  var stride = array<i32, 4>(d.D1 * d.D2 * d.D3, d.D2 * d.D3, d.D3, 1);
  var P = array<i32, 4>(d.P0, d.P1, d.P2, d.P3);
  var rem = i;
  var src = 0;
  for (var j = 3; j >= 0; j--) {          // peel output coordinates from the innermost axis out
    let n = D[P[j]];
    src += (rem % n) * stride[P[j]];
    rem = rem / n;
  }
  out[i] = x[src];`,
  (d) => d.D0 * d.D1 * d.D2 * d.D3,
)

export const slice_axis = k1(
  `
  let i = flat(gid, nwg);
  if (i >= d.O * d.DO * d.I) { return; }
  let ii = i % d.I;
  let j = (i / d.I) % d.DO;
  let o = i / (d.I * d.DO);
  out[i] = x[(o * d.DX + d.START + j) * d.I + ii];`,
  (d) => d.O * d.DO * d.I,
)

export const concat_part = k1(
  `
  let i = flat(gid, nwg);
  if (i >= d.O * d.DX * d.I) { return; }
  let ii = i % d.I;
  let j = (i / d.I) % d.DX;
  let o = i / (d.I * d.DX);
  out[(o * d.DO + d.START + j) * d.I + ii] = x[i];`,
  (d) => d.O * d.DX * d.I,
)

export const gather_rows = k1(
  `
  let i = flat(gid, nwg);
  if (i >= d.N * d.D) { return; }
  let n = i / d.D;
  out[i] = x[i32(idx[n]) * d.D + i % d.D];`,
  (d) => d.N * d.D,
)

export const gather_rows_backward = k1(
  `
  let i = flat(gid, nwg);
  if (i >= d.V * d.D) { return; }
  let v = f32(i / d.D);
  let j = i % d.D;
  var acc = 0.0;
  for (var n = 0; n < d.N; n++) {
    if (idx[n] == v) { acc += dout[n * d.D + j]; }
  }
  dx[i] = acc;`,
  (d) => d.V * d.D,
)
