// conv2d as implicit GEMMs on the workgroup-memory tiles of shared_tiles.ts, for hardware GPUs (v6, v7). No im2col
// scratch: the slab loads compute the x / dout addresses from the GEMM indices (x_tap / dout_at below) and read 0
// outside the image, so any dims work (no vec4, no divisibility; out-of-range rows / columns / k load as 0 and the
// stores are bounds-checked by sharedGemm). Columns j = (n, p, q) in [0, NPQ) are output pixels, taps t = (c, r, s)
// in [0, CRS) are the rows of the virtual col [CRS, NPQ] (col[t, j] = x[n, c, p*STRIDE - PAD + r, q*STRIDE - PAD + s]).
//   forward          out [K, NPQ] = w [K, CRS] @ col                  (stored into NCHW, plus b[k])
//   backward_weight  dw [K, CRS]  = dout [K, NPQ] @ col^T              (dout read from NCHW as [K, NPQ]; a composite:
//                    split-K partials part [Z, K*CRS] over slices of NPQ, then conv_sum_z adds them up)
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
// backward_weight's output dw [K, CRS] is small (the seed's layers at batch 64: 32x256, 64x512, 64x576 = 4 / 8 / 9
// blocks of 64 x 64) while its reduction NPQ is long (25600 / 5184 / 3136), so one kernel would launch 4-9 workgroups on
// a GPU of tens of SMs. It splits NPQ instead (splitNPQ below: Z = 32 / 16 / 12 slices, 128 / 128 / 108 workgroups).
// v7: the same kernels with 32-row blocks (BM 32, 128 invocations of 4 x 4), bound when K <= 32 (the seed's first
// layer), where a 64-row block would be half empty (half its A loads and FMAs on rows >= K).
import { BIN, CRS, FWD, NPQ, crs, npq, sig, type Composite, type InternalKernel } from './conv2d_gemm.ts'
import { sharedGemm, type GemmSpec, type SharedTile } from './shared_tiles.ts'
import { cdiv, type WgslKernel } from './prelude.ts'

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

/** v7's tile: 32-row blocks for K <= 32 output channels (the workgroup is 16 x 8; the slab loads divide evenly) */
const ROWS32: Partial<SharedTile> = { BM: 32 }

const FWD_SPEC: GemmSpec = {
  M: FWD.M,
  N: FWD.N,
  K: FWD.K,
  store: FWD.store,
  size: FWD.size,
  A: { kFast: true, at: (k, t) => `w[${k} * ${CRS} + ${t}]` },
  B: { kFast: false, at: (j, t) => `x_tap(${j}, ${t})` },
  helpers: X_TAP,
}
export const conv2d_forward_v6 = sharedGemm(FWD_SPEC)
export const conv2d_forward_v7 = sharedGemm(FWD_SPEC, ROWS32)

// backward_weight's partial GEMM: part[z] [K, CRS] = dout @ col^T over pixels j in slice z, [z * KS, (z + 1) * KS)
const BW_SPEC: GemmSpec = {
  M: 'd.K',
  N: CRS,
  K: NPQ,
  A: { kFast: true, at: (k, j) => `dout_at(${k}, ${j})` },
  B: { kFast: true, at: (t, j) => `x_tap(${j}, ${t})` },
  store: (row, col, v) => `part[i32(wid.z) * d.K * ${CRS} + ${row} * ${CRS} + ${col}] = ${v};`,
  size: (d) => [d.K, crs(d)],
  splitK: { z: (d) => d.Z, kb: 'i32(wid.z) * d.KS', ke: '(i32(wid.z) + 1) * d.KS' },
  helpers: `${X_TAP}\n${DOUT_AT}`,
}
const bwGemm = sharedGemm(BW_SPEC),
  bwGemm32 = sharedGemm(BW_SPEC, ROWS32)

/** Workgroups backward_weight aims for: a few per SM on a GPU of tens of SMs. */
export const BW_WORKGROUPS = 128
/** The least pixels (GEMM k) per slice: 16 slabs of 16, so each workgroup's partial (BM x BN) stays small next to its
 * slab loads ((BM + BN) x KS) and the partials (Z x K x CRS, summed by conv_sum_z) next to the operands. */
export const BW_MIN_KS = 256
/**
 * backward_weight's split of NPQ for a GEMM tile `k` (its consts BM, BN, BK): Z slices of KS pixels, KS a multiple
 * of BK. The rule: Z = ceil(BW_WORKGROUPS / output blocks), capped so a slice keeps >= BW_MIN_KS pixels (Z = 1 when
 * NPQ < 2 * BW_MIN_KS), then KS = NPQ / Z rounded up to BK and Z recomputed (no empty slice). J = NPQ (unused).
 */
export const splitNPQ = (k: WgslKernel) => (d: Record<string, number>) => {
  const { BM, BN, BK } = k.consts!,
    J = npq(d),
    blocks = cdiv(d.K, BM) * cdiv(crs(d), BN)
  const z0 = Math.max(1, Math.min(Math.ceil(BW_WORKGROUPS / blocks), Math.floor(J / BW_MIN_KS)))
  const KS = cdiv(cdiv(J, z0), BK) * BK
  return { J, KS, Z: cdiv(J, KS) }
}
const bwComposite = (gemm: string, k: WgslKernel): Composite => ({
  dims: splitNPQ(k),
  scratch: (d) => ({ part: d.Z * d.K * crs(d) }),
  steps: [
    { kernel: gemm, outputs: ['part'], inputs: ['dout', 'x'] },
    { kernel: 'conv_sum_z', outputs: ['dw'], inputs: ['part'] },
  ],
})
export const conv2d_backward_weight_v6 = bwComposite('conv_bw_gemm_s', bwGemm)
export const conv2d_backward_weight_v7 = bwComposite('conv_bw_gemm_s32', bwGemm32)

// dcol [CRS, J] with J = NPQ (no vec4 rows, so no padding)
const binGemmShared = sharedGemm({
  M: BIN.M,
  N: BIN.N,
  K: BIN.K,
  store: BIN.store,
  size: BIN.size,
  A: { kFast: false, at: (t, k) => `w[${k} * ${CRS} + ${t}]` },
  B: { kFast: false, at: (j, k) => `dout_at(${k}, ${j})` },
  helpers: DOUT_AT,
})

/** The internal kernels of the v6 / v7 composites (WGSL_INTERNAL). */
export const CONV_SHARED_INTERNAL: Record<string, InternalKernel> = {
  conv_bin_gemm_s: { sig: sig(['dcol'], ['w', 'dout']), kernel: binGemmShared },
  conv_bw_gemm_s: { sig: sig(['part'], ['dout', 'x']), kernel: bwGemm },
  conv_bw_gemm_s32: { sig: sig(['part'], ['dout', 'x']), kernel: bwGemm32 },
}

export const conv2d_backward_input_v6: Composite = {
  dims: (d) => ({ J: npq(d), Z: 1, KS: 0 }),
  scratch: (d) => ({ dcol: crs(d) * d.J }),
  steps: [
    { kernel: 'conv_bin_gemm_s', outputs: ['dcol'], inputs: ['w', 'dout'] },
    { kernel: 'conv_col2im', outputs: ['dx'], inputs: ['dcol'] },
  ],
}

/** The hardware binding of forward / backward_weight: v7 (32-row blocks) when the K output channels fit one block. */
export const byRows = (name: string) => (d: Record<string, number>) => `${name}_${d.K <= 32 ? 'v7' : 'v6'}`
