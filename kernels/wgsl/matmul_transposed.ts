// matmul_nt_v6 and matmul_tn_v6: the transposed layouts as composites of two dispatches, a transpose of the
// transposed operand into a pooled scratch, then matmul_v4 (the quad-shared nn tile):
//   nt_v6: bT [K, N] <- b [N, K];  out = a @ bT        (needs K, N % 4: a vec4 along K, bT along N)
//   tn_v6: aT [M, K] <- a [K, M];  out = aT @ b        (needs K, N % 4: aT vec4 along K, b along N)
// Why: on SwiftShader the nn tile is the fastest of the three. The nt tile keeps K-long dot-product accumulators
// and pays a horizontal sum and a scalar store per output, which dominates at small K (2048x32x256: 3.1 GFLOP/s for
// nt v4 vs 5.5 for nn v4); the tn tile loads a k-row of A per step. The transpose is one pass over the operand
// (its cost relative to the product is 1/M for nt, 1/N for tn). Needs subgroup quads (matmul_v4).
// Not bound since v7 (matmul.ts: the nn tile reads the transposed operand element by element, which on SwiftShader
// costs what a vec4 load does) matched or beat it on every bench shape without the pass; kept as a checked version.
import type { KernelSig } from '../index.ts'
import { grid1d, type WgslKernel } from './prelude.ts'
import { matmul_v4 } from './matmul.ts'
import type { Composite, InternalKernel } from './conv2d_gemm.ts'

const sig = (outputs: string[], inputs: string[]): KernelSig => ({ outputs, inputs, dims: ['M', 'K', 'N'], params: [] })

/** dst [C, R] (vec4 along R) from src [R, C] (R, C: dim names): one invocation per output vec4 (c, 4 consecutive r); R % 4 == 0 */
function transpose(dst: string, src: string, rows: 'N' | 'K', cols: 'K' | 'M'): WgslKernel {
  const R = `d.${rows}`, C = `d.${cols}`
  return {
    workgroup: [64, 1, 1],
    items: 8,
    vec4: [dst],
    body: `
  let i = flat(gid, nwg);
  let r4 = ${R} / 4;
  if (i >= ${C} * r4) { return; }
  let c = i / r4; let r = (i % r4) * 4;
  ${dst}[i] = vec4<f32>(${src}[r * ${C} + c], ${src}[(r + 1) * ${C} + c], ${src}[(r + 2) * ${C} + c], ${src}[(r + 3) * ${C} + c]);`,
    workgroups: (d) => grid1d(d[cols] * (d[rows] / 4), 64),
  }
}

export const MATMUL_INTERNAL: Record<string, InternalKernel> = {
  mm_transpose: { sig: sig(['bT'], ['b']), kernel: transpose('bT', 'b', 'N', 'K') },
  mm_transpose_a: { sig: sig(['aT'], ['a']), kernel: transpose('aT', 'a', 'K', 'M') },
  mm_nn_q: { sig: sig(['out'], ['a', 'b']), kernel: matmul_v4 }, // a / b bound to the aT / bT scratch
}

export const matmul_nt_v6: Composite = {
  dims: () => ({}),
  scratch: (d) => ({ bT: d.K * d.N }),
  steps: [{ kernel: 'mm_transpose', outputs: ['bT'], inputs: ['b'] }, { kernel: 'mm_nn_q', outputs: ['out'], inputs: ['a', 'bT'] }],
}

export const matmul_tn_v6: Composite = {
  dims: () => ({}),
  scratch: (d) => ({ aT: d.M * d.K }),
  steps: [{ kernel: 'mm_transpose_a', outputs: ['aT'], inputs: ['a'] }, { kernel: 'mm_nn_q', outputs: ['out'], inputs: ['aT', 'b'] }],
}
