// matmul_nt_v6: out [M, N] = a [M, K] @ b^T with b [N, K], as a composite of two dispatches: transpose b into a
// pooled scratch bT [K, N], then matmul_v4 (the quad-shared nn tile). The nt tile keeps K-long
// dot-product accumulators and pays a horizontal sum and a scalar store per output, which dominates at small K
// (SwiftShader, 2048x32x256: 3.1 GFLOP/s for nt v4 vs 5.5 for nn v4); the transpose costs one pass over b.
// Needs K and N divisible by 4 (bT is read as vec4 along N, a as vec4 along K) and subgroup quads.
import type { KernelSig } from '../index.ts'
import { grid1d, type WgslKernel } from './prelude.ts'
import { matmul_v4 } from './matmul.ts'
import type { Composite, InternalKernel } from './conv2d_gemm.ts'

const sig = (outputs: string[], inputs: string[]): KernelSig => ({ outputs, inputs, dims: ['M', 'K', 'N'], params: [] })

// bT [K, N] (vec4 along N) from b [N, K]: one invocation per output vec4 (k, 4 columns)
const transpose: WgslKernel = {
  workgroup: [64, 1, 1],
  items: 8,
  vec4: ['bT'],
  body: `
  let i = flat(gid, nwg);
  let n4 = d.N / 4;
  if (i >= d.K * n4) { return; }
  let k = i / n4; let n = (i % n4) * 4;
  bT[i] = vec4<f32>(b[n * d.K + k], b[(n + 1) * d.K + k], b[(n + 2) * d.K + k], b[(n + 3) * d.K + k]);`,
  workgroups: (d) => grid1d(d.K * (d.N / 4), 64),
}

export const MATMUL_INTERNAL: Record<string, InternalKernel> = {
  mm_transpose: { sig: sig(['bT'], ['b']), kernel: transpose },
  mm_nn_q: { sig: sig(['out'], ['a', 'b']), kernel: matmul_v4 }, // b bound to the bT scratch
}

export const matmul_nt_v6: Composite = {
  dims: () => ({}),
  scratch: (d) => ({ bT: d.K * d.N }),
  steps: [{ kernel: 'mm_transpose', outputs: ['bT'], inputs: ['b'] }, { kernel: 'mm_nn_q', outputs: ['out'], inputs: ['a', 'bT'] }],
}
