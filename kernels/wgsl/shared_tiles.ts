// The classic workgroup-memory tiled GEMM, for hardware GPUs: matmul_v5, matmul_nt_v5, matmul_tn_v5
// (out[M,N] = a @ b; a [M,K] for nn/nt, [K,M] for tn; b [K,N] for nn/tn, [N,K] for nt). Any M, K, N >= 1.
// The operand reads, sizes and store are data (GemmSpec), so the conv implicit GEMMs (conv2d_shared.ts) share it.
//
// A workgroup of WX x WY = 16 x 16 invocations owns a BM x BN = 64 x 64 block of out; an invocation owns TM x TN =
// 4 x 4 of it, rows ty + 16r and columns tx + 16c (strided, so a SIMD group's lanes read neighbouring shared words
// and write neighbouring out addresses). K is walked in BK = 16 wide slabs: the 256 invocations load the A slab
// (BM x BK) and the B slab (BK x BN) into var<workgroup> tiles, 4 elements each per operand, barrier, run BK rank-1
// updates from the tiles, barrier. Out-of-range rows / columns / k load as 0 (so no divisibility is needed), the
// stores are bounds-checked, and nothing returns early: every invocation reaches every barrier (the slab loop's
// bound d.K is uniform).
// Split-K (GemmSpec.splitK, optional): the grid gains a z axis and workgroup wid.z walks only k in [kb, ke) (clamped
// to K), loading 0 beyond its end; kb / ke depend on wid.z and d only, so the slab loop's bounds stay uniform per
// workgroup and the barriers valid. The spec's store then writes a partial per wid.z (conv2d_backward_weight_v6 sums
// them with conv_sum_z). Without splitK the generated WGSL is exactly the plain kernel's.
// Loads are coalesced for every layout: the loading invocations walk the operand's contiguous axis (k for a of
// nn/nt and b of nt, m / n otherwise). Both tiles are stored k-major (tileA[k][m], tileB[k][n]), so the compute
// phase reads one row of each per k; operands contiguous along k are transposed on the way in, and those tiles get
// a row stride of BM (BN) + 32/BK = 66 words: a 32-lane group stores 16 k x 2 rows, which then hit 32 distinct
// banks (a stride of 65 would leave 2-way conflicts).
// Why these sizes: 256 invocations is WebGPU's default limit; 64 x 64 x 16 gives 32 FMAs per global element loaded
// and 16 FMAs per 8 shared reads per invocation, in at most 8.25 KB of workgroup memory (the default limit is 16 KB, so
// several workgroups fit an SM); 4 x 4 accumulators leave registers to spare and small matrices still get
// workgroups. (Hardware-tuned SGEMMs go to 128 x 128 blocks with 8 x 8 per invocation; that is the next knob.)
//
// Not expected to be fast on SwiftShader (a CPU Vulkan: barriers there are coroutine switches). Measured once on this 2-core machine (best of 5, other work running),
// nn / nt / tn GFLOP/s: 256x256x256 0.51 / 0.65 / 0.88; 64x3136x512 0.86 / 0.90 / 0.85. In the same run the quad
// tiles (v4) did 3.5 / 2.7 / 3.2 and 3.8 / 3.2 / 3.4, the plain register tile matmul_v2 1.7 and 1.8 (nn): v5 is
// 4-7x slower than what SwiftShader binds, so it is for hardware-GPU selection only.
import { cdiv, type DeviceCaps, type WgslKernel } from './prelude.ts'

export type Layout = 'nn' | 'nt' | 'tn'
export interface SharedTile {
  /** output block per workgroup (rows x columns) */
  BM: number
  BN: number
  /** k slab width */
  BK: number
  /** outputs per invocation (rows x columns); the workgroup is (BN / TN) x (BM / TM) */
  TM: number
  TN: number
}
const DEFAULT: SharedTile = { BM: 64, BN: 64, BK: 16, TM: 4, TN: 4 }

const range = (n: number) => [...Array(n).keys()]

/** One GEMM operand: `at(x, k)` is its element at row (A) / column (B) x and reduction index k, both i32 WGSL
 * expressions known to be in range; kFast: the operand is contiguous (or most nearly so) along k. `at` is spliced
 * where the locals p, x, k, gx, gk, v (and k_begin, k_end with splitK) are in scope, so a binding of one of those
 * names (conv's x) is read through a helper fn. */
export interface Operand {
  at: (x: string, k: string) => string
  kFast: boolean
}
/** out[M, N] = A[M, K] @ B[K, N] with the operand reads, sizes (WGSL i32 expressions over d) and the store as data. */
export interface GemmSpec {
  A: Operand
  B: Operand
  M: string
  N: string
  K: string
  /** WGSL statement storing v at (row, col), both in range */
  store: (row: string, col: string, v: string) => string
  /** [M, N] from the dims, for the grid */
  size: (d: Record<string, number>) => [number, number]
  /** module-scope WGSL the reads need (helper fns) */
  helpers?: string
  /** split-K: z workgroups along z; workgroup wid.z walks k in [kb, ke) (i32 WGSL over d and wid.z only, so uniform
   * per workgroup; ke is clamped to K). The store must put each wid.z's partial apart. */
  splitK?: { z: (d: Record<string, number>) => number; kb: string; ke: string }
}

/**
 * The cooperative load of one operand slab into a k-major tile (tile[k * stride + x], x in [0, BX)). kFast: the
 * operand is contiguous along k, so neighbouring invocations take neighbouring k (and the store transposes);
 * otherwise they take neighbouring x. Out-of-range x (>= xMax) or k (>= kEnd: K, or the split-K slice's end) load as 0.
 */
function slabLoad(tile: string, stride: number, BX: number, BK: number, NT: number, op: Operand, xMax: string, kEnd: string): string {
  const fast = op.kFast ? BK : BX,
    passes = (BX * BK) / NT
  if (NT % fast !== 0 || (BX * BK) % NT !== 0) throw new Error(`sharedGemm: ${NT} invocations can't tile a ${BX}x${BK} slab`)
  const [x, k] = op.kFast ? [`t / ${BK} + ${NT / BK} * p`, `t % ${BK}`] : [`t % ${BX}`, `t / ${BX} + ${NT / BX} * p`]
  return range(passes)
    .map(
      (p) => `{ let p = ${p}; let x = ${x}; let k = ${k};
      let gx = ${tile === 'tileA' ? 'row0' : 'col0'} + x; let gk = k0 + k;
      var v = 0.0; if (gx < ${xMax} && gk < ${kEnd}) { v = ${op.at('gx', 'gk')}; }
      ${tile}[k * ${stride} + x] = v; }`,
    )
    .join('\n    ')
}

/** The shared-memory tiled GEMM of `spec`; `tile` overrides the sizes (BM % TM, BN % TN == 0). */
export function sharedGemm(spec: GemmSpec, tile: Partial<SharedTile> = {}): WgslKernel {
  const { BM, BN, BK, TM, TN } = { ...DEFAULT, ...tile }
  const WX = BN / TN,
    WY = BM / TM,
    NT = WX * WY
  if (!Number.isInteger(WX) || !Number.isInteger(WY) || NT > 256) throw new Error(`sharedGemm: bad tile ${BM}x${BN}/${TM}x${TN}`)
  const { A, B, M, N, K } = spec
  const pad = Math.max(1, 32 / BK)
  const SA = BM + (A.kFast ? pad : 0),
    SB = BN + (B.kFast ? pad : 0)
  const R = range(TM),
    C = range(TN)
  // the k range of this workgroup: [0, K), or with split-K [k_begin, k_end) (uniform: wid.z and d only)
  const sk = spec.splitK,
    kEnd = sk ? 'k_end' : K
  const kRange = sk ? `\n  let k_begin = ${sk.kb}; let k_end = min(${sk.ke}, ${K});` : ''
  return {
    workgroup: [WX, WY, 1],
    consts: { BM, BN, BK, TM, TN },
    helpers: `var<workgroup> tileA: array<f32, ${BK * SA}>;   // [BK][${SA}]: A slab, k-major
var<workgroup> tileB: array<f32, ${BK * SB}>;   // [BK][${SB}]: B slab, k-major${spec.helpers ? `\n${spec.helpers}` : ''}`,
    body: `
  let tx = i32(lid.x); let ty = i32(lid.y); let t = i32(li);
  let row0 = i32(wid.y) * BM; let col0 = i32(wid.x) * BN;${kRange}
  ${R.map((r) => C.map((c) => `var acc${r}_${c} = 0.0;`).join(' ')).join('\n  ')}
  for (var k0 = ${sk ? 'k_begin' : '0'}; k0 < ${kEnd}; k0 += BK) {
    ${slabLoad('tileA', SA, BM, BK, NT, A, M, kEnd)}
    ${slabLoad('tileB', SB, BN, BK, NT, B, N, kEnd)}
    workgroupBarrier();
    for (var k = 0; k < BK; k++) {
      ${R.map((r) => `let a${r} = tileA[k * ${SA} + ty + ${WY * r}];`).join(' ')}
      ${C.map((c) => `let b${c} = tileB[k * ${SB} + tx + ${WX * c}];`).join(' ')}
      ${R.map((r) => C.map((c) => `acc${r}_${c} = fma(a${r}, b${c}, acc${r}_${c});`).join(' ')).join('\n      ')}
    }
    workgroupBarrier();
  }
  ${R.map(
    (r) => `{ let row = row0 + ty + ${WY * r}; if (row < ${M}) {
    ${C.map((c) => `{ let col = col0 + tx + ${WX * c}; if (col < ${N}) { ${spec.store('row', 'col', `acc${r}_${c}`)} } }`).join(' ')} } }`,
  ).join('\n  ')}`,
    workgroups: (d) => {
      const [m, n] = spec.size(d)
      return [Math.max(1, cdiv(n, BN)), Math.max(1, cdiv(m, BM)), sk?.z(d) ?? 1]
    },
  }
}

/** matmul's operands for one layout: a [M,K] (nn, nt) or [K,M] (tn); b [K,N] (nn, tn) or [N,K] (nt); out [M,N]. */
export function matmulSpec(layout: Layout): GemmSpec {
  const aKFast = layout !== 'tn',
    bKFast = layout === 'nt'
  return {
    A: { kFast: aKFast, at: aKFast ? (m, k) => `a[${m} * d.K + ${k}]` : (m, k) => `a[${k} * d.M + ${m}]` },
    B: { kFast: bKFast, at: bKFast ? (n, k) => `b[${n} * d.K + ${k}]` : (n, k) => `b[${k} * d.N + ${n}]` },
    M: 'd.M',
    N: 'd.N',
    K: 'd.K',
    store: (row, col, v) => `out[${row} * d.N + ${col}] = ${v};`,
    size: (d) => [d.M, d.N],
  }
}

export const matmul_v5 = sharedGemm(matmulSpec('nn'))
export const matmul_nt_v5 = sharedGemm(matmulSpec('nt'))
export const matmul_tn_v5 = sharedGemm(matmulSpec('tn'))

/** Bind `hw` (a version, or one chosen by shape) on hardware GPUs (the workgroup-memory tiles), defer to `sw` on
 * software adapters (DeviceCaps.software). */
export const onHardware =
  (hw: string | ((d: Record<string, number>) => string), sw: (d: Record<string, number>, caps: DeviceCaps) => string) =>
  (d: Record<string, number>, caps: DeviceCaps) =>
    caps.software ? sw(d, caps) : typeof hw === 'string' ? hw : hw(d)
