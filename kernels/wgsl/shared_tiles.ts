// The classic workgroup-memory tiled GEMM, for hardware GPUs: matmul_v5, matmul_nt_v5, matmul_tn_v5
// (out[M,N] = a @ b; a [M,K] for nn/nt, [K,M] for tn; b [K,N] for nn/tn, [N,K] for nt). Any M, K, N >= 1.
//
// A workgroup of WX x WY = 16 x 16 invocations owns a BM x BN = 64 x 64 block of out; an invocation owns TM x TN =
// 4 x 4 of it, rows ty + 16r and columns tx + 16c (strided, so a SIMD group's lanes read neighbouring shared words
// and write neighbouring out addresses). K is walked in BK = 16 wide slabs: the 256 invocations load the A slab
// (BM x BK) and the B slab (BK x BN) into var<workgroup> tiles, 4 elements each per operand, barrier, run BK rank-1
// updates from the tiles, barrier. Out-of-range rows / columns / k load as 0 (so no divisibility is needed), the
// stores are bounds-checked, and nothing returns early: every invocation reaches every barrier (the slab loop's
// bound d.K is uniform).
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
import { cdiv, type WgslKernel } from './prelude.ts'

export type Layout = 'nn' | 'nt' | 'tn'
export interface SharedTile {
  /** output block per workgroup (rows x columns) */
  BM: number; BN: number
  /** k slab width */
  BK: number
  /** outputs per invocation (rows x columns); the workgroup is (BN / TN) x (BM / TM) */
  TM: number; TN: number
}
const DEFAULT: SharedTile = { BM: 64, BN: 64, BK: 16, TM: 4, TN: 4 }

const range = (n: number) => [...Array(n).keys()]

/**
 * The cooperative load of one operand slab into a k-major tile (tile[k * stride + x], x in [0, BX)). kFast: the
 * operand is contiguous along k, so neighbouring invocations take neighbouring k (and the store transposes);
 * otherwise they take neighbouring x. `at(x, k)` is the global element of row/column x, slab column k.
 */
function slabLoad(tile: string, stride: number, BX: number, BK: number, NT: number, kFast: boolean,
  xMax: string, at: (x: string, k: string) => string): string {
  const fast = kFast ? BK : BX, passes = (BX * BK) / NT
  if (NT % fast !== 0 || (BX * BK) % NT !== 0) throw new Error(`sharedGemm: ${NT} invocations can't tile a ${BX}x${BK} slab`)
  const [x, k] = kFast ? [`t / ${BK} + ${NT / BK} * p`, `t % ${BK}`] : [`t % ${BX}`, `t / ${BX} + ${NT / BX} * p`]
  return range(passes).map((p) => `{ let p = ${p}; let x = ${x}; let k = ${k};
      let gx = ${tile === 'tileA' ? 'row0' : 'col0'} + x; let gk = k0 + k;
      var v = 0.0; if (gx < ${xMax} && gk < d.K) { v = ${at('gx', 'gk')}; }
      ${tile}[k * ${stride} + x] = v; }`).join('\n    ')
}

/** The shared-memory tiled GEMM for one layout; `tile` overrides the sizes (BM % TM, BN % TN == 0). */
export function sharedGemm(layout: Layout, tile: Partial<SharedTile> = {}): WgslKernel {
  const { BM, BN, BK, TM, TN } = { ...DEFAULT, ...tile }
  const WX = BN / TN, WY = BM / TM, NT = WX * WY
  if (!Number.isInteger(WX) || !Number.isInteger(WY) || NT > 256) throw new Error(`sharedGemm: bad tile ${BM}x${BN}/${TM}x${TN}`)
  const aKFast = layout !== 'tn', bKFast = layout === 'nt'
  const pad = Math.max(1, 32 / BK)
  const SA = BM + (aKFast ? pad : 0), SB = BN + (bKFast ? pad : 0)
  const A = aKFast ? (m: string, k: string) => `a[${m} * d.K + ${k}]` : (m: string, k: string) => `a[${k} * d.M + ${m}]`
  const B = bKFast ? (n: string, k: string) => `b[${n} * d.K + ${k}]` : (n: string, k: string) => `b[${k} * d.N + ${n}]`
  const R = range(TM), C = range(TN)
  return {
    workgroup: [WX, WY, 1],
    consts: { BM, BN, BK, TM, TN },
    helpers: `var<workgroup> tileA: array<f32, ${BK * SA}>;   // [BK][${SA}]: A slab, k-major
var<workgroup> tileB: array<f32, ${BK * SB}>;   // [BK][${SB}]: B slab, k-major`,
    body: `
  let tx = i32(lid.x); let ty = i32(lid.y); let t = i32(li);
  let row0 = i32(wid.y) * BM; let col0 = i32(wid.x) * BN;
  ${R.map((r) => C.map((c) => `var acc${r}_${c} = 0.0;`).join(' ')).join('\n  ')}
  for (var k0 = 0; k0 < d.K; k0 += BK) {
    ${slabLoad('tileA', SA, BM, BK, NT, aKFast, 'd.M', A)}
    ${slabLoad('tileB', SB, BN, BK, NT, bKFast, 'd.N', B)}
    workgroupBarrier();
    for (var k = 0; k < BK; k++) {
      ${R.map((r) => `let a${r} = tileA[k * ${SA} + ty + ${WY * r}];`).join(' ')}
      ${C.map((c) => `let b${c} = tileB[k * ${SB} + tx + ${WX * c}];`).join(' ')}
      ${R.map((r) => C.map((c) => `acc${r}_${c} = fma(a${r}, b${c}, acc${r}_${c});`).join(' ')).join('\n      ')}
    }
    workgroupBarrier();
  }
  ${R.map((r) => `{ let row = row0 + ty + ${WY * r}; if (row < d.M) {
    ${C.map((c) => `{ let col = col0 + tx + ${WX * c}; if (col < d.N) { out[row * d.N + col] = acc${r}_${c}; } }`).join(' ')} } }`).join('\n  ')}`,
    workgroups: (d) => [Math.max(1, cdiv(d.N, BN)), Math.max(1, cdiv(d.M, BM)), 1],
  }
}

export const matmul_v5 = sharedGemm('nn')
export const matmul_nt_v5 = sharedGemm('nt')
export const matmul_tn_v5 = sharedGemm('tn')
