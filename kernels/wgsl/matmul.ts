// matmul, matmul_nt, matmul_tn in WGSL: out[M,N] = a @ b with a [M,K], b [K,N]; _nt reads b as [N,K] (a @ b^T);
// _tn reads a as [K,M] (a^T @ b).
// v1 (naive): one invocation per output element, 8x8 workgroups over (column j, row i).
// v2 (register tiled, any shape, all three layouts): an invocation owns TM rows x TN columns, the columns strided
//   by WG_X so the lanes of a SIMD group (adjacent lid.x) read adjacent B columns while all of them read the same
//   A element (a broadcast). Fully unrolled from the consts (dynamically indexed arrays spill to memory and are
//   ~4x slower on SwiftShader); out-of-range rows/cols are clamped on load and skipped on store.
// v3 (vec4, matmul only, needs K % 4 == 0 and N % 4 == 0): a and b bound as array<vec4<f32>>; an invocation owns
//   TM rows x 8 columns (two vec4 of B) and walks k four at a time (one vec4 of each A row per step).
// Workgroup-memory tiling was not faster on SwiftShader (barriers are coroutine switches there); on hardware
// GPUs a shared-memory v4 is the next step. `matmul` binds to v3 when its shape allows, else v2 (index.ts).
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

const range = (n: number) => [...Array(n).keys()]

const tiled = (A: Load, B: Load, TM: number, TN: number): WgslKernel => {
  const R = range(TM), C = range(TN), WX = 16
  return {
    workgroup: [WX, 4, 1],
    consts: { TM, TN },
    body: `
  let i0 = i32(gid.y) * TM;
  let j0 = i32(wid.x) * i32(WG_X) * TN + i32(lid.x);   // columns j0, j0 + WG_X, ...
  if (i0 >= d.M || j0 >= d.N) { return; }
  ${R.map((r) => `let ri${r} = min(i0 + ${r}, d.M - 1);`).join(' ')}
  ${C.map((c) => `let cj${c} = min(j0 + ${c * WX}, d.N - 1);`).join(' ')}
  ${R.map((r) => C.map((c) => `var acc${r}_${c} = 0.0;`).join(' ')).join('\n  ')}
  for (var k = 0; k < d.K; k++) {
    ${C.map((c) => `let b${c} = ${B('k', `cj${c}`)};`).join(' ')}
    ${R.map((r) => `{ let av = ${A(`ri${r}`, 'k')}; ${C.map((c) => `acc${r}_${c} = fma(av, b${c}, acc${r}_${c});`).join(' ')} }`).join('\n    ')}
  }
  ${R.map((r) => `if (i0 + ${r} < d.M) { let o = (i0 + ${r}) * d.N + j0; ${C.map((c) => `if (j0 + ${c * WX} < d.N) { out[o + ${c * WX}] = acc${r}_${c}; }`).join(' ')} }`).join('\n  ')}`,
    workgroups: (d) => [Math.max(1, cdiv(d.N, WX * TN)), Math.max(1, cdiv(d.M, 4 * TM)), 1],
  }
}

export const matmul_v2 = tiled(A_MK, B_KN, 8, 4)
export const matmul_nt_v2 = tiled(A_MK, B_NK, 8, 4)
export const matmul_tn_v2 = tiled(A_KM, B_KN, 8, 4)

const vec4Tiled = (TM: number): WgslKernel => {
  const R = range(TM), WX = 4, WY = 16
  const steps = range(4).map((q) => `    { let o = (k + ${q}) * n4; let bl = b[o + c0]; let bh = b[o + c1];
${R.map((r) => `      accL${r} = fma(vec4<f32>(a${r}[${q}]), bl, accL${r}); accH${r} = fma(vec4<f32>(a${r}[${q}]), bh, accH${r});`).join('\n')}
    }`)
  return {
    workgroup: [WX, WY, 1],
    consts: { TM },
    vec4: ['a', 'b'],
    body: `
  let i0 = i32(gid.y) * TM;
  let j0 = i32(gid.x) * 8;                          // 8 output columns = vec4 columns c0, c1
  if (i0 >= d.M || j0 >= d.N) { return; }
  let k4 = d.K / 4;
  let n4 = d.N / 4;
  let c0 = j0 / 4;
  let c1 = min(c0 + 1, n4 - 1);
  ${R.map((r) => `let ar${r} = min(i0 + ${r}, d.M - 1) * k4;`).join(' ')}
  ${R.map((r) => `var accL${r} = vec4<f32>(); var accH${r} = vec4<f32>();`).join('\n  ')}
  for (var kk = 0; kk < k4; kk++) {
    let k = kk * 4;
    ${R.map((r) => `let a${r} = a[ar${r} + kk];`).join(' ')}
${steps.join('\n')}
  }
  ${R.map((r) => `if (i0 + ${r} < d.M) { let o = (i0 + ${r}) * d.N + j0;
    out[o] = accL${r}.x; out[o + 1] = accL${r}.y; out[o + 2] = accL${r}.z; out[o + 3] = accL${r}.w;
    if (j0 + 4 < d.N) { out[o + 4] = accH${r}.x; out[o + 5] = accH${r}.y; out[o + 6] = accH${r}.z; out[o + 7] = accH${r}.w; } }`).join('\n  ')}`,
    workgroups: (d) => [Math.max(1, cdiv(d.N, WX * 8)), Math.max(1, cdiv(d.M, WY * TM)), 1],
  }
}

export const matmul_v3 = vec4Tiled(8)

/** The version `matmul` runs for dims d (v3 needs K and N divisible by 4). */
export const selectMatmul = (d: Record<string, number>) => (d.K % 4 === 0 && d.N % 4 === 0 ? 'matmul_v3' : 'matmul_v2')

export const matmul = matmul_v2
export const matmul_nt = matmul_nt_v2
export const matmul_tn = matmul_tn_v2
