// conv2d as implicit GEMMs on the workgroup-memory tiles of shared_tiles.ts, for hardware GPUs (v6). No im2col
// scratch: the slab loads compute the x / dout addresses from the GEMM indices (x_tap / dout_at below) and read 0
// outside the image, so any dims work (no vec4, no divisibility; out-of-range rows / columns / k load as 0 and the
// stores are bounds-checked by sharedGemm). Columns j = (n, p, q) in [0, NPQ) are output pixels, taps t = (c, r, s)
// in [0, CRS) are the rows of the virtual col [CRS, NPQ] (col[t, j] = x[n, c, p*STRIDE - PAD + r, q*STRIDE - PAD + s]).
//   forward          out [K, NPQ] = w [K, CRS] @ col                  (stored into NCHW, plus b[k])
//   backward_weight  dw [K, CRS]  = dout [K, NPQ] @ col^T              (dout read from NCHW as [K, NPQ])
//   backward_input   dcol [CRS, NPQ] = w^T @ dout, then conv_col2im    (a composite: col2im gathers each dx pixel's taps,
//                    which handles stride > 1 and padding without atomics)
// Operand layouts (kFast: which axis neighbouring loading invocations walk; see shared_tiles.ts):
//   w is contiguous along CRS: k-fast as forward's A (k = t), m-fast as backward_input's A (m = t).
//   dout is contiguous along the pixels pq of one (n, k) plane: k-fast as backward_weight's A (k = j), n-fast as
//     backward_input's B (n = j).
//   col is read pixel-fast in both (forward's B: n = j, m-fast; backward_weight's B: k = j, k-fast): neighbouring
//     pixels q are x addresses STRIDE apart (contiguous at stride 1, across a whole output row), while neighbouring
//     taps s are contiguous only within a run of S before jumping a row r or a channel c.
//   The stores are coalesced too: out / dcol / dw columns (pq / j / t) are their contiguous axes.
// The index arithmetic (integer divisions by dims) is per loaded element; the pixel half of x_tap depends only on the
// invocation's column, which is invariant across the slab loop in the pixel-fast loads, so a compiler can hoist it.
// backward_weight is one kernel without split-K: with a large batch (NPQ) and a small K x CRS it launches few
// workgroups; a split-K composite (partials + conv_sum_z, as conv2d_backward_weight_v4) is the next knob there.
import { BIN, CRS, FWD, NPQ, crs, npq, sig, type Composite, type InternalKernel } from './conv2d_gemm.ts'
import { sharedGemm } from './shared_tiles.ts'

const X_TAP = `/** x[n, c, p*STRIDE - PAD + r, q*STRIDE - PAD + s] for pixel j = (n, p, q) and tap t = (c, r, s); 0 outside */
fn x_tap(j: i32, t: i32) -> f32 {
  let pq = d.P * d.Q; let n = j / pq; let p = (j / d.Q) % d.P; let q = j % d.Q;
  let rs = d.R * d.S; let c = t / rs; let r = (t / d.S) % d.R; let s = t % d.S;
  let ih = p * d.STRIDE - d.PAD + r; let iw = q * d.STRIDE - d.PAD + s;
  if (ih < 0 || ih >= d.H || iw < 0 || iw >= d.W) { return 0.0; }
  return x[((n * d.C + c) * d.H + ih) * d.W + iw];
}`
const DOUT_AT = `/** dout[n, k, p, q] for channel k and pixel j = (n, p, q): dout [N, K, PQ] read as [K, NPQ] */
fn dout_at(k: i32, j: i32) -> f32 { let pq = d.P * d.Q; return dout[((j / pq) * d.K + k) * pq + j % pq]; }`

export const conv2d_forward_v6 = sharedGemm({
  M: FWD.M, N: FWD.N, K: FWD.K, store: FWD.store, size: FWD.size,
  A: { kFast: true, at: (k, t) => `w[${k} * ${CRS} + ${t}]` },
  B: { kFast: false, at: (j, t) => `x_tap(${j}, ${t})` },
  helpers: X_TAP,
})

export const conv2d_backward_weight_v6 = sharedGemm({
  M: 'd.K', N: CRS, K: NPQ,
  A: { kFast: true, at: (k, j) => `dout_at(${k}, ${j})` },
  B: { kFast: true, at: (t, j) => `x_tap(${j}, ${t})` },
  store: (row, col, v) => `dw[${row} * ${CRS} + ${col}] = ${v};`,
  size: (d) => [d.K, crs(d)],
  helpers: `${X_TAP}\n${DOUT_AT}`,
})

// dcol [CRS, J] with J = NPQ (no vec4 rows, so no padding)
const binGemmShared = sharedGemm({
  M: BIN.M, N: BIN.N, K: BIN.K, store: BIN.store, size: BIN.size,
  A: { kFast: false, at: (t, k) => `w[${k} * ${CRS} + ${t}]` },
  B: { kFast: false, at: (j, k) => `dout_at(${k}, ${j})` },
  helpers: DOUT_AT,
})

/** The internal kernels of the v6 composite (WGSL_INTERNAL). */
export const CONV_SHARED_INTERNAL: Record<string, InternalKernel> = {
  conv_bin_gemm_s: { sig: sig(['dcol'], ['w', 'dout']), kernel: binGemmShared },
}

export const conv2d_backward_input_v6: Composite = {
  dims: (d) => ({ J: npq(d), Z: 1, KS: 0 }),
  scratch: (d) => ({ dcol: crs(d) * d.J }),
  steps: [
    { kernel: 'conv_bin_gemm_s', outputs: ['dcol'], inputs: ['w', 'dout'] },
    { kernel: 'conv_col2im', outputs: ['dx'], inputs: ['dcol'] },
  ],
}
