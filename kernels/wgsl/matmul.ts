// matmul, matmul_nt, matmul_tn in WGSL: out[M,N] = a @ b with a [M,K], b [K,N]; _nt reads b as [N,K] (a @ b^T);
// _tn reads a as [K,M] (a^T @ b). Only the naive baseline and versions that selectMatmul* below return live here.
// v1 (naive baseline, never selected: the bench's reference point): one invocation per output element, 8x8
//   workgroups over (column j, row i).
// v2 (register tiled, any shape, all three layouts): an invocation owns TM rows x TN columns, the columns strided
//   by WG_X so the lanes of a SIMD group (adjacent lid.x) read adjacent B columns while all of them read the same
//   A element (a broadcast). Fully unrolled from the consts (dynamically indexed arrays spill to memory and are
//   ~4x slower on SwiftShader); out-of-range rows/cols are clamped on load and skipped on store.
// v3 (vec4; the tiles tileNN / tileTN below, shared with the conv GEMMs in conv2d_gemm.ts):
//   matmul_v3 (K, N % 4): an invocation owns 8 rows x 8 columns (two vec4 of B), k four at a time;
//   matmul_tn_v3 (M, N % 4): 16 rows x 8 columns, one k per step (4 vec4 of A, 2 of B); 16 rows measured
//   +20-40% over 8 on SwiftShader.
// v4 (quad_tiles.ts, nn and tn): the vec4 tiles with operands shared inside subgroup quads (2x2 lanes split rows
//   and columns and swap halves): half the loads per FMA, 1.5-2x over v3 on SwiftShader. Needs DeviceCaps.quads.
// v5 (shared_tiles.ts): workgroup-memory tiles for hardware GPUs (barriers are coroutine switches on SwiftShader,
//   where it runs 0.5-0.9 GFLOP/s). v7 (nt and tn): the v4 nn tile reading the transposed operand element by element.
// Retired (lost on SwiftShader, the only adapter that could pick them; in git history, see docs/kernels.md):
// matmul_nt_v3 / _v4 (vec4 dot-product accumulators) and matmul_nt_v6 / matmul_tn_v6 (transpose pass + v4 nn tile).
import { cdiv, type DeviceCaps, type WgslKernel } from './prelude.ts'
import { quadNN, quadTN, stridedA, stridedB } from './quad_tiles.ts'

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
  const R = range(TM),
    C = range(TN),
    WX = 16
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

/**
 * vec4 register tiles shared by matmul v3 and the conv GEMMs (conv2d_gemm.ts). Operands are array<vec4<f32>>
 * bindings addressed by row stride in vec4s; `store(row, col, value)` writes one output element (the generator
 * guards row < M and col < N). Sizes are WGSL i32 expressions.
 * - nn: a [M, K] (vec4 along K), b [K, N] (vec4 along N); an invocation owns TM rows x 8 columns and walks k four
 *   at a time (one vec4 of each A row, four B rows of two vec4).
 * - tn: a [K, M] (vec4 along M, M % 4 == 0), b [K, N]; TM rows (TM % 4 == 0) x 8 columns, one k per step: TM/4 + 2
 *   vec4 loads, 2*TM vec4 FMAs (the same FMA per load as nn).
 * Columns are the fast axis of the workgroup (SwiftShader's SIMD lanes take neighbouring column groups).
 */
export interface Tile4 {
  M: string
  N: string
  K: string
  a: string
  b: string
  lda: string
  ldb: string
  store: (row: string, col: string, v: string) => string
  TM: number
  wg?: [number, number]
  /** host side: [M, N] for dims d (the launch grid) */
  size: (d: Record<string, number>) => [number, number]
  /** split-K (nn only): workgroups along z (host side); slice gid.z walks vec4 steps [kb, ke) (WGSL expressions) */
  splitK?: { z: (d: Record<string, number>) => number; kb: string; ke: string }
}

const guardStore = (t: Tile4, row: string, col: string, v: string) => `if (${col} < ${t.N}) { ${t.store(row, col, v)} }`
const store8 = (t: Tile4, r: number, lo: string, hi: string) => `if (i0 + ${r} < ${t.M}) { let row = i0 + ${r};
    ${['x', 'y', 'z', 'w'].map((e, q) => guardStore(t, 'row', `j0 + ${q}`, `${lo}.${e}`)).join(' ')}
    ${['x', 'y', 'z', 'w'].map((e, q) => guardStore(t, 'row', `j0 + ${q + 4}`, `${hi}.${e}`)).join(' ')} }`

export function tileNN(t: Tile4): WgslKernel {
  const R = range(t.TM),
    [WX, WY] = t.wg ?? [4, 16]
  const steps = range(4).map(
    (q) => `    { let o = (k + ${q}) * ${t.ldb}; let bl = ${t.b}[o + c0]; let bh = ${t.b}[o + c1];
${R.map((r) => `      accL${r} = fma(vec4<f32>(a${r}[${q}]), bl, accL${r}); accH${r} = fma(vec4<f32>(a${r}[${q}]), bh, accH${r});`).join('\n')}
    }`,
  )
  return {
    workgroup: [WX, WY, 1],
    consts: { TM: t.TM },
    body: `
  let i0 = i32(gid.y) * TM;
  let j0 = i32(gid.x) * 8;                          // 8 output columns = vec4 columns c0, c1
  if (i0 >= ${t.M} || j0 >= ${t.N}) { return; }
  let k4 = ${t.K} / 4;
  let c0 = j0 / 4;
  let c1 = min(c0 + 1, (${t.N} + 3) / 4 - 1);
  ${R.map((r) => `let ar${r} = min(i0 + ${r}, ${t.M} - 1) * ${t.lda};`).join(' ')}
  ${R.map((r) => `var accL${r} = vec4<f32>(); var accH${r} = vec4<f32>();`).join('\n  ')}
  for (var kk = ${t.splitK?.kb ?? '0'}; kk < ${t.splitK ? `min(${t.splitK.ke}, k4)` : 'k4'}; kk++) {
    let k = kk * 4;
    ${R.map((r) => `let a${r} = ${t.a}[ar${r} + kk];`).join(' ')}
${steps.join('\n')}
  }
  ${R.map((r) => store8(t, r, `accL${r}`, `accH${r}`)).join('\n  ')}`,
    workgroups: (d) => [Math.max(1, cdiv(t.size(d)[1], WX * 8)), Math.max(1, cdiv(t.size(d)[0], WY * t.TM)), t.splitK?.z(d) ?? 1],
  }
}

export function tileTN(t: Tile4): WgslKernel {
  const R = range(t.TM),
    T = range(t.TM / 4),
    [WX, WY] = t.wg ?? [4, 16]
  return {
    workgroup: [WX, WY, 1],
    consts: { TM: t.TM },
    body: `
  let i0 = i32(gid.y) * TM;
  let j0 = i32(gid.x) * 8;
  if (i0 >= ${t.M} || j0 >= ${t.N}) { return; }
  let m4 = ${t.M} / 4;
  let c0 = j0 / 4;
  let c1 = min(c0 + 1, (${t.N} + 3) / 4 - 1);
  ${T.map((q) => `let ac${q} = min(i0 / 4 + ${q}, m4 - 1);`).join(' ')}
  ${R.map((r) => `var accL${r} = vec4<f32>(); var accH${r} = vec4<f32>();`).join('\n  ')}
  for (var k = 0; k < ${t.K}; k++) {
    let oa = k * ${t.lda}; let ob = k * ${t.ldb};
    let bl = ${t.b}[ob + c0]; let bh = ${t.b}[ob + c1];
    ${T.map((q) => `let a${q} = ${t.a}[oa + ac${q}];`).join(' ')}
${R.map((r) => `    accL${r} = fma(vec4<f32>(a${r >> 2}[${r & 3}]), bl, accL${r}); accH${r} = fma(vec4<f32>(a${r >> 2}[${r & 3}]), bh, accH${r});`).join('\n')}
  }
  ${R.map((r) => store8(t, r, `accL${r}`, `accH${r}`)).join('\n  ')}`,
    workgroups: (d) => [Math.max(1, cdiv(t.size(d)[1], WX * 8)), Math.max(1, cdiv(t.size(d)[0], WY * t.TM)), 1],
  }
}

const mmSize = (d: Record<string, number>): [number, number] => [d.M, d.N]
const mmStore = (row: string, col: string, v: string) => `out[${row} * d.N + ${col}] = ${v};`
export const matmul_v3: WgslKernel = {
  ...tileNN({ M: 'd.M', N: 'd.N', K: 'd.K', a: 'a', b: 'b', lda: '(d.K / 4)', ldb: '(d.N / 4)', store: mmStore, size: mmSize, TM: 8 }),
  vec4: ['a', 'b'],
}
export const matmul_tn_v3: WgslKernel = {
  ...tileTN({ M: 'd.M', N: 'd.N', K: 'd.K', a: 'a', b: 'b', lda: '(d.M / 4)', ldb: '(d.N / 4)', store: mmStore, size: mmSize, TM: 16 }),
  vec4: ['a', 'b'],
}

// v4: the quad-shared tiles of quad_tiles.ts (devices with subgroup quads); same divisibility needs as v3.
// Lane tiles (rows x columns) picked on SwiftShader over the bench shapes: nn 8x8, tn 8x16; 4x4 quads.
const quad = { M: 'd.M', N: 'd.N', K: 'd.K', a: 'a', b: 'b', store: mmStore, size: mmSize, QX: 4, QY: 4 }
export const matmul_v4: WgslKernel = { ...quadNN({ ...quad, lda: '(d.K / 4)', ldb: '(d.N / 4)', TM: 8, TN: 2 }), vec4: ['a', 'b'] }
export const matmul_tn_v4: WgslKernel = { ...quadTN({ ...quad, lda: '(d.M / 4)', ldb: '(d.N / 4)', TM: 8, TN: 4 }), vec4: ['a', 'b'] }
// v7: the transposed operand read element by element into the nn quad tile (no transpose pass, no vec4 binding for it)
export const matmul_tn_v7: WgslKernel = { ...quadNN({ ...quad, lda: '', ldb: '(d.N / 4)', TM: 8, TN: 2, readA: stridedA('a', 'd.M') }), vec4: ['b'] }
export const matmul_nt_v7: WgslKernel = { ...quadNN({ ...quad, lda: '(d.K / 4)', ldb: '', TM: 8, TN: 2, readB: stridedB('b', 'd.N', 'd.K') }), vec4: ['a'] }

// Selection. A hardware GPU gets the workgroup-memory tiles (shared_tiles.ts, v5: any dims; written for GPUs and
// checked for correctness here, where no hardware adapter exists to time them). A software adapter gets register
// tiles: the quad-shared v4 when the device has quads, else the vec4 v3, else (dims not divisible by 4) v2.
/** matmul: v4/v3 need K and N divisible by 4. */
export const selectMatmul = (d: Record<string, number>, caps: DeviceCaps) =>
  !caps.software ? 'matmul_v5' : d.K % 4 === 0 && d.N % 4 === 0 ? (caps.quads ? 'matmul_v4' : 'matmul_v3') : 'matmul_v2'
/**
 * matmul_tn / matmul_nt with quads and K divisible by 4: v7, the nn quad tile reading the transposed operand element
 * by element (tn also needs N % 4 for b's vec4 rows; M, and nt's N, are free). Measured on SwiftShader (single call +
 * wait, medians, same run; GFLOP/s) over the five bench shapes and 3136x64x512:
 *   tn v4 / v6 / v7: 7.1 / 8.3 / 8.7, 8.6 / 9.5 / 9.9, 6.3 / 6.3 / 6.1, 8.0 / 8.7 / 9.2, 7.7 / 8.1 / 8.0
 *   nt v4 / v6 / v7: 6.7 / 7.8 / 8.7, 7.9 / 7.9 / 9.8, 4.6 / 6.6 / 6.3, 7.0 / 7.9 / 9.2
 * v7 is the best or within noise of it everywhere, with no transpose pass and no scratch; nt v4 and both v6, bound
 * before it, were retired. Otherwise tn takes v4 / v3 (M and N % 4; with / without quads) or v2, and nt takes v2
 * (nt v3, the vec4 dot-product tile without quads, measured no faster than v2 and was never bound: retired too).
 */
export const selectMatmulTN = (d: Record<string, number>, caps: DeviceCaps) => {
  if (!caps.software) return 'matmul_tn_v5'
  if (caps.quads && d.K % 4 === 0 && d.N % 4 === 0) return 'matmul_tn_v7'
  return d.M % 4 === 0 && d.N % 4 === 0 ? (caps.quads ? 'matmul_tn_v4' : 'matmul_tn_v3') : 'matmul_tn_v2'
}
export const selectMatmulNT = (d: Record<string, number>, caps: DeviceCaps) =>
  !caps.software ? 'matmul_nt_v5' : caps.quads && d.K % 4 === 0 ? 'matmul_nt_v7' : 'matmul_nt_v2'
