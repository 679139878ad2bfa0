// matmul, matmul_nt, matmul_tn in WGSL: out[M,N] = a @ b with a [M,K], b [K,N]; _nt reads b as [N,K] (a @ b^T);
// _tn reads a as [K,M] (a^T @ b).
// v1 (naive): one invocation per output element, 8x8 workgroups over (column j, row i).
import { cdiv, type WgslKernel } from './prelude.ts'

// element (row i, col k) of the logical A [M,K] and (k, j) of the logical B [K,N], per layout
const A_MK = (i: string, k: string) => `a[(${i}) * d.K + (${k})]`
const A_KM = (i: string, k: string) => `a[(${k}) * d.M + (${i})]`
const B_KN = (k: string, j: string) => `b[(${k}) * d.N + (${j})]`
const B_NK = (k: string, j: string) => `b[(${j}) * d.K + (${k})]`
type Load = (r: string, c: string) => string

const naive = (A: Load, B: Load): WgslKernel => ({
  workgroup: [8, 8, 1],
  body: `
  let j = i32(gid.x);
  let i = i32(gid.y);
  if (i >= d.M || j >= d.N) { return; }
  var acc = 0.0;
  for (var k = 0; k < d.K; k++) { acc += ${A('i', 'k')} * ${B('k', 'j')}; }
  out[i * d.N + j] = acc;`,
  workgroups: (d) => [Math.max(1, cdiv(d.N, 8)), Math.max(1, cdiv(d.M, 8)), 1],
})

export const matmul_v1 = naive(A_MK, B_KN)
export const matmul_nt_v1 = naive(A_MK, B_NK)
export const matmul_tn_v1 = naive(A_KM, B_KN)

export const matmul = matmul_v1
export const matmul_nt = matmul_nt_v1
export const matmul_tn = matmul_tn_v1
