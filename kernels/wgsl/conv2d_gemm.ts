// conv2d as GEMMs on the vec4 register tiles of matmul.ts (v3 forward, v4 backward_weight / backward_input) and on
// the quad-shared tiles of quad_tiles.ts (v5, the same composites with the quad GEMMs): the versions software adapters
// select when C*R*S % 4 == 0. Each is a *composite*: several internal dispatches inside the backend's run() for one
// registry kernel, with scratch buffers from the pool; the registry ABI (outputs, inputs, dims) is unchanged.
// Columns are the output pixels j = (n, p, q) in [0, NPQ), padded to J = NPQ rounded up to 8 (the padding is written
// as zeros).
//   col [CRS, J]   im2col of x: col[(c, r, s), (n, p, q)] = x[n, c, p*STRIDE - PAD + r, q*STRIDE - PAD + s] (0 outside)
//   colT [J, CRS]  the same, transposed (backward_weight's B)
//   doutT [K, J]   dout permuted from [N, K, PQ]
//   forward          = im2col; out[n, k, pq] = b[k] + (w [K, CRS] @ col)[k, j]           (nn tile, fused NCHW + bias)
//   backward_weight  = im2col^T, doutT; Z split-K partials of doutT @ colT over slices of J (nn tile), then their
//                      sum: dw [K, CRS]
//   backward_input   = doutT; dcol [CRS, J] = w^T @ doutT (w read as [K, CRS]: tn tile); col2im gathers dx:
//                      each dx pixel sums the dcol entries of the taps that reach it (no atomics)
// Internal kernels (WGSL only, not in the registry; no ref/AS twins) are listed in CONV_INTERNAL with their own
// signatures. The composites need CRS = C*R*S divisible by 4 (vec4 rows of w); WGSL_SELECT falls back to the direct
// kernels of conv2d.ts otherwise. Retired: backward_weight v3 (im2col, doutT, then dw = doutT @ col^T on an nt tile of
// dot-product accumulators), which v4's split-K nn tile beat (GEMM 1.5 -> 2.1 GFLOP/s); in git history, see
// docs/kernels.md.
import { CONV_DIMS, type KernelSig } from '../index.ts'
import { grid1d, type DeviceCaps, type WgslKernel } from './prelude.ts'
import { tileNN, tileTN } from './matmul.ts'
import { quadNN, quadTN } from './quad_tiles.ts'

export interface InternalKernel {
  sig: KernelSig
  kernel: WgslKernel
}
/** One dispatch of a composite: an internal kernel with its outputs/inputs named from the registry call or scratch. */
export interface CompositeStep {
  kernel: string
  outputs: string[]
  inputs: string[]
}
export interface Composite {
  /** extra dims the internal kernels need, from the registry dims */
  dims: (d: Record<string, number>) => Record<string, number>
  /** scratch buffers (name -> floats), from the extended dims */
  scratch: (d: Record<string, number>) => Record<string, number>
  steps: readonly CompositeStep[]
}

const DIMS = [...CONV_DIMS, 'J', 'Z', 'KS'] as const
export const sig = (outputs: string[], inputs: string[]): KernelSig => ({ outputs, inputs, dims: DIMS, params: [] })
export const NPQ = '(d.N * d.P * d.Q)',
  CRS = '(d.C * d.R * d.S)'
export const npq = (d: Record<string, number>) => d.N * d.P * d.Q
export const crs = (d: Record<string, number>) => d.C * d.R * d.S

// One invocation per (col row (c,r,s), output row (n,p)): Q consecutive columns, no divisions in the loop (integer
// division is a scalarised slow path on SwiftShader: the per-element form was 60 ns/element). The last (n,p) of a
// row also zeroes the padding columns [NPQ, J).
const im2col: WgslKernel = {
  workgroup: [64, 1, 1],
  body: `
  let i = flat(gid, nwg);
  let np = d.N * d.P;
  if (i >= ${CRS} * np) { return; }
  let row = i % ${CRS}; let m = i / ${CRS};                  // lanes take neighbouring rows (x taps s, s+1: 2x on L2)
  let n = m / d.P; let p = m % d.P;
  let c = row / (d.R * d.S); let r = (row / d.S) % d.R; let s = row % d.S;
  let h = p * d.STRIDE - d.PAD + r;
  let o = row * d.J + m * d.Q;
  if (h < 0 || h >= d.H) {
    for (var q = 0; q < d.Q; q++) { col[o + q] = 0.0; }
  } else {
    let xb = ((n * d.C + c) * d.H + h) * d.W;
    var w = s - d.PAD;
    for (var q = 0; q < d.Q; q++) {
      col[o + q] = select(0.0, x[xb + clamp(w, 0, d.W - 1)], w >= 0 && w < d.W);
      w += d.STRIDE;
    }
  }
  if (m == np - 1) { for (var j = ${NPQ}; j < d.J; j++) { col[row * d.J + j] = 0.0; } }`,
  workgroups: (d) => grid1d(crs(d) * d.N * d.P, 64),
}

// colT [J, CRS] (the transposed im2col, for backward_weight's nn product): one invocation per (column j, channel c)
// writes its R*S taps contiguously; columns j >= NPQ are zeros.
const im2colT: WgslKernel = {
  workgroup: [64, 1, 1],
  items: 4,
  body: `
  let i = flat(gid, nwg);
  if (i >= d.J * d.C) { return; }
  let j = i / d.C; let c = i % d.C;
  let rs = d.R * d.S;
  var o = j * ${CRS} + c * rs;
  if (j >= ${NPQ}) { for (var t = 0; t < rs; t++) { colT[o + t] = 0.0; } return; }
  let pq = d.P * d.Q;
  let n = j / pq; let p = (j / d.Q) % d.P; let q = j % d.Q;
  let h0 = p * d.STRIDE - d.PAD; let w0 = q * d.STRIDE - d.PAD;
  let xb = (n * d.C + c) * d.H;
  for (var r = 0; r < d.R; r++) {
    let h = h0 + r;
    let hin = h >= 0 && h < d.H;
    let xr = (xb + clamp(h, 0, d.H - 1)) * d.W;
    for (var s = 0; s < d.S; s++) {
      let w = w0 + s;
      colT[o] = select(0.0, x[xr + clamp(w, 0, d.W - 1)], hin && w >= 0 && w < d.W);
      o += 1;
    }
  }`,
  workgroups: (d) => grid1d(d.J * d.C, 64),
}

// dw = the sum of the Z split-K partials [Z, K*CRS]
const sumZ: WgslKernel = {
  workgroup: [64, 1, 1],
  items: 16,
  body: `
  let i = flat(gid, nwg);
  let m = d.K * ${CRS};
  if (i >= m) { return; }
  var acc = 0.0;
  for (var z = 0; z < d.Z; z++) { acc += part[z * m + i]; }
  dw[i] = acc;`,
  workgroups: (d) => grid1d(d.K * crs(d), 64),
}

const doutT: WgslKernel = {
  workgroup: [64, 1, 1],
  items: 8,
  vec4: ['doutT'],
  body: `
  let i = flat(gid, nwg);
  let j4n = d.J / 4;
  if (i >= d.K * j4n) { return; }
  let k = i / j4n;
  let j0 = (i % j4n) * 4;
  let pq = d.P * d.Q;
  ${[0, 1, 2, 3].map((t) => `var v${t} = 0.0; if (j0 + ${t} < ${NPQ}) { let j = j0 + ${t}; v${t} = dout[((j / pq) * d.K + k) * pq + j % pq]; }`).join('\n  ')}
  doutT[i] = vec4<f32>(v0, v1, v2, v3);`,
  workgroups: (d) => grid1d(d.K * (d.J / 4), 64),
}

// dx (n, c, h, w) = sum over the taps (r, s) with h = p*STRIDE - PAD + r, w = q*STRIDE - PAD + s in range.
// One invocation per dx row (n, c, h): r starts at (h + PAD) mod STRIDE with p = (h + PAD) / STRIDE, and each
// further tap r += STRIDE has p -= 1 (likewise s, q); the w phase advances incrementally (no division per pixel).
const col2im: WgslKernel = {
  workgroup: [64, 1, 1],
  body: `
  let i = flat(gid, nwg);
  if (i >= d.N * d.C * d.H) { return; }
  let h = i % d.H; let nc = i / d.H; let n = nc / d.C; let c = nc % d.C;
  let r0 = (h + d.PAD) % d.STRIDE; let p0 = (h + d.PAD) / d.STRIDE;
  var phase = d.PAD % d.STRIDE; var qb = d.PAD / d.STRIDE;
  let ob = i * d.W;
  for (var w0 = 0; w0 < d.W; w0++) {
    var acc = 0.0;
    var p = p0;
    for (var r = r0; r < d.R && p >= 0; r += d.STRIDE) {
      if (p < d.P) {
        let rb = (c * d.R + r) * d.S; let cb = (n * d.P + p) * d.Q;
        var q = qb;
        for (var s = phase; s < d.S && q >= 0; s += d.STRIDE) {
          if (q < d.Q) { acc += dcol[(rb + s) * d.J + cb + q]; }
          q -= 1;
        }
      }
      p -= 1;
    }
    dx[ob + w0] = acc;
    phase += 1;
    if (phase == d.STRIDE) { phase = 0; qb += 1; }
  }`,
  workgroups: (d) => grid1d(d.N * d.C * d.H, 64),
}

// The operands and output of the three GEMMs, shared by the plain tiles (matmul.ts) and the quad-shared tiles
// (quad_tiles.ts; devices with subgroup quads).
export const FWD = {
  M: 'd.K',
  N: NPQ,
  K: CRS,
  a: 'w',
  b: 'col',
  lda: `(${CRS} / 4)`,
  ldb: '(d.J / 4)',
  store: (row: string, col: string, v: string) => `{ let pq = d.P * d.Q; let jj = ${col}; out[((jj / pq) * d.K + ${row}) * pq + jj % pq] = ${v} + b[${row}]; }`,
  size: (d: Record<string, number>): [number, number] => [d.K, npq(d)],
}
// backward_weight as nn: part[z] = doutT [K, J] @ colT [J, CRS] over slice z of J (KS vec4 steps each)
const BW_NN = {
  M: 'd.K',
  N: CRS,
  K: 'd.J',
  a: 'doutT',
  b: 'colT',
  lda: '(d.J / 4)',
  ldb: `(${CRS} / 4)`,
  store: (row: string, col: string, v: string) => `part[i32(wid.z) * d.K * ${CRS} + ${row} * ${CRS} + ${col}] = ${v};`,
  size: (d: Record<string, number>): [number, number] => [d.K, crs(d)],
  splitK: { z: (d: Record<string, number>) => d.Z, kb: 'i32(wid.z) * d.KS', ke: '(i32(wid.z) + 1) * d.KS' },
}
export const BIN = {
  M: CRS,
  N: NPQ,
  K: 'd.K',
  a: 'w',
  b: 'doutT',
  lda: `(${CRS} / 4)`,
  ldb: '(d.J / 4)',
  store: (row: string, col: string, v: string) => `dcol[${row} * d.J + ${col}] = ${v};`,
  size: (d: Record<string, number>): [number, number] => [crs(d), npq(d)],
}

const fwdGemm: WgslKernel = { ...tileNN({ ...FWD, TM: 8, wg: [16, 4] }), vec4: ['w', 'col'] }

const bwGemmNN: WgslKernel = { ...tileNN({ ...BW_NN, TM: 8, wg: [16, 4] }), vec4: ['doutT', 'colT'] }
const binGemm: WgslKernel = { ...tileTN({ ...BIN, TM: 16, wg: [16, 4] }), vec4: ['w', 'doutT'] }

// The quad-shared versions. 8 quads across x 2 down: 32 output rows per workgroup fit the seed's K = 32 and 64 channels.
const fwdGemmQ: WgslKernel = { ...quadNN({ ...FWD, TM: 8, TN: 2, QX: 8, QY: 2 }), vec4: ['w', 'col'] }
const bwGemmQ: WgslKernel = { ...quadNN({ ...BW_NN, TM: 8, TN: 2, QX: 8, QY: 2 }), vec4: ['doutT', 'colT'] }
const binGemmQ: WgslKernel = { ...quadTN({ ...BIN, TM: 8, TN: 4, QX: 4, QY: 4 }), vec4: ['w', 'doutT'] }

export const CONV_INTERNAL: Record<string, InternalKernel> = {
  conv_fwd_gemm_q: { sig: sig(['out'], ['w', 'col', 'b']), kernel: fwdGemmQ },
  conv_bw_gemm_q: { sig: sig(['part'], ['doutT', 'colT']), kernel: bwGemmQ },
  conv_bin_gemm_q: { sig: sig(['dcol'], ['w', 'doutT']), kernel: binGemmQ },
  conv_im2col: { sig: sig(['col'], ['x']), kernel: im2col },
  conv_dout_t: { sig: sig(['doutT'], ['dout']), kernel: doutT },
  conv_col2im: { sig: sig(['dx'], ['dcol']), kernel: col2im },
  conv_fwd_gemm: { sig: sig(['out'], ['w', 'col', 'b']), kernel: fwdGemm },
  conv_im2col_t: { sig: sig(['colT'], ['x']), kernel: im2colT },
  conv_bw_gemm_nn: { sig: sig(['part'], ['doutT', 'colT']), kernel: bwGemmNN },
  conv_sum_z: { sig: sig(['dw'], ['part']), kernel: sumZ },
  conv_bin_gemm: { sig: sig(['dcol'], ['w', 'doutT']), kernel: binGemm },
}

const J = (d: Record<string, number>) => ({ J: Math.ceil(npq(d) / 8) * 8, Z: 1, KS: 0 })
/** backward_weight v4's split of J: enough slices for ~1024 invocations of 8x8 outputs, each >= 64 vec4 steps */
function splitJ(d: Record<string, number>) {
  const Jp = Math.ceil(npq(d) / 8) * 8,
    inv = Math.ceil(d.K / 8) * Math.ceil(crs(d) / 8)
  const z0 = Math.max(1, Math.min(Math.ceil(1024 / inv), Math.floor(Jp / 4 / 64)))
  const KS = Math.ceil(Jp / 4 / z0)
  return { J: Jp, KS, Z: Math.ceil(Jp / 4 / KS) }
}
export const conv2d_backward_weight_v4: Composite = {
  dims: splitJ,
  scratch: (d) => ({ colT: crs(d) * d.J, doutT: d.K * d.J, part: d.Z * d.K * crs(d) }),
  steps: [
    { kernel: 'conv_im2col_t', outputs: ['colT'], inputs: ['x'] },
    { kernel: 'conv_dout_t', outputs: ['doutT'], inputs: ['dout'] },
    { kernel: 'conv_bw_gemm_nn', outputs: ['part'], inputs: ['doutT', 'colT'] },
    { kernel: 'conv_sum_z', outputs: ['dw'], inputs: ['part'] },
  ],
}
export const conv2d_forward_v3: Composite = {
  dims: J,
  scratch: (d) => ({ col: crs(d) * d.J }),
  steps: [
    { kernel: 'conv_im2col', outputs: ['col'], inputs: ['x'] },
    { kernel: 'conv_fwd_gemm', outputs: ['out'], inputs: ['w', 'col', 'b'] },
  ],
}
export const conv2d_backward_input_v4: Composite = {
  dims: J,
  scratch: (d) => ({ doutT: d.K * d.J, dcol: crs(d) * d.J }),
  steps: [
    { kernel: 'conv_dout_t', outputs: ['doutT'], inputs: ['dout'] },
    { kernel: 'conv_bin_gemm', outputs: ['dcol'], inputs: ['w', 'doutT'] },
    { kernel: 'conv_col2im', outputs: ['dx'], inputs: ['dcol'] },
  ],
}
// v5: the v3 / v4 composites with the quad GEMMs (v6 / v7, the shared-tile implicit GEMMs for hardware, are in
// conv2d_shared.ts)
const withStep = (c: Composite, from: string, to: string): Composite => ({
  ...c,
  steps: c.steps.map((st) => (st.kernel === from ? { ...st, kernel: to } : st)),
})
export const conv2d_forward_v5 = withStep(conv2d_forward_v3, 'conv_fwd_gemm', 'conv_fwd_gemm_q')
export const conv2d_backward_weight_v5 = withStep(conv2d_backward_weight_v4, 'conv_bw_gemm_nn', 'conv_bw_gemm_q')
export const conv2d_backward_input_v5 = withStep(conv2d_backward_input_v4, 'conv_bin_gemm', 'conv_bin_gemm_q')

/** The GEMM forms need CRS % 4 == 0 (w rows as vec4); the quad GEMMs need DeviceCaps.quads. */
export const selectConv = (quad: string, gemm: string, direct: string) => (d: Record<string, number>, caps: DeviceCaps) =>
  (d.C * d.R * d.S) % 4 === 0 ? (caps.quads ? quad : gemm) : direct
