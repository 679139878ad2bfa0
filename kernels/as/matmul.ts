// matmul, matmul_nt, matmul_tn (spec: kernels/ref/matmul.ts). out[M,N] = a @ b with a [M,K], b [K,N];
// _nt: b is [N,K] (out = a b^T); _tn: a is [K,M] (out = a^T b). Row-major f32.
//
// v1 (matmul_v1, also _nt_v1, _tn_v1): the plain scalar triple loop, the baseline the bench shows.
// v2 (the registry names): B packed once into 8-column panels in the workspace (packN for b [K,N], packT with
// 4x4 transposes for _nt's b [N,K]); A packed per MC x KC block into 4-row micro-panels [k][4] (transposed from
// row-major a, copied from _tn's a [K,M]); then the 4x8 f32x4 micro-kernel of gemm.ts per tile. Blocked
// GotoBLAS-style: the packed A block (32 KB) stays in L1, a panel slice KC x 8 (8 KB) in L1; later depth slices
// accumulate into out. Measured on the bench cases: reading B in place (no packing) lost 2-5x at N = 1024 (4 KB
// row stride thrashes L1 sets), and unpacked A rows (4 strided streams) lost ~10% and 3x for _tn.
import { microPacked, packN, packT, storeRows, WS_HEADER } from './gemm'

@inline function at(p: usize, i: i32): usize { return p + (<usize>i << 2) }

// a[i,k] lives at a + (i*rsA + k*ksA) floats: row-major a is (K, 1), a transposed [K,M] view is (1, M). Same for b.
@inline function mmScalar(out: usize, a: usize, b: usize, M: i32, K: i32, N: i32,
  rsA: i32, ksA: i32, ksB: i32, csB: i32): void {
  for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
    let acc: f32 = 0
    for (let k = 0; k < K; k++) acc += load<f32>(at(a, i * rsA + k * ksA)) * load<f32>(at(b, k * ksB + j * csB))
    store<f32>(at(out, i * N + j), acc)
  }
}

export function matmul_v1(out: usize, a: usize, b: usize, _ws: usize, M: i32, K: i32, N: i32): void { mmScalar(out, a, b, M, K, N, K, 1, N, 1) }
export function matmul_nt_v1(out: usize, a: usize, b: usize, _ws: usize, M: i32, K: i32, N: i32): void { mmScalar(out, a, b, M, K, N, K, 1, 1, K) }
export function matmul_tn_v1(out: usize, a: usize, b: usize, _ws: usize, M: i32, K: i32, N: i32): void { mmScalar(out, a, b, M, K, N, 1, M, N, 1) }

// depth slice, rows per packed A block (the registry's workspace reserves MC x KC floats for it), and panels per
// column block (NCP x 8 columns x KC: a 128 KB slice of packed B that stays in L2 while every A block passes)
const KC = 128, MC = 64, NCP = 32

// out[M,N] = A Bp: A[i][k] at a + i*rs + k*ks (bytes), Bp the packed panels of depth K at bp. When M fits one row
// block (M <= MC: the batch-64 linears), each panel slice is packed right before its only use into a KC x 8 slot in
// the workspace (isLazy; b and isTrans say how) instead of packing all of B up front: for 64x3136x512 that saves
// writing and re-reading a 6.4 MB packed copy (B is read once either way).
function gemm(out: usize, a: usize, rs: usize, ks: usize, bp: usize, ws: usize, M: i32, K: i32, N: i32,
  isLazy: bool, b: usize, isTrans: bool, ldb: i32, ldc: i32): void {
  const t = ws, tab = ws + 128, ap = at(ws, WS_HEADER)
  store<i32>(tab, 0)
  const NP = (N + 7) >> 3
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = min(KC, K - k0)
    for (let j0 = 0; j0 < NP; j0 += NCP) {
      const j1 = min(NP, j0 + NCP)
      for (let i0 = 0; i0 < M; i0 += MC) {
        const i1 = min(M, i0 + MC)
        for (let i = i0; i < i1; i += 4) packA(ap + (<usize>((i - i0) * kc) << 2), a, rs, ks, i, M, k0, kc)
        for (let jp = j0; jp < j1; jp++) {
          let panel = bp + ((<usize>jp * <usize>K + <usize>k0) << 5), BS: usize = 32
          const n = min(8, N - jp * 8)
          if (isLazy && !isTrans && n == 8 && M <= 4) {
            // one row tile uses each panel once: read B's rows in place (the same values, so the same result)
            panel = at(b, k0 * ldb + jp * 8)
            BS = <usize>ldb << 2
          } else if (isLazy) {
            panel = bp
            if (isTrans) packT(bp, at(b, k0), kc, N, K, jp)
            else packN(bp, at(b, k0 * ldb), kc, N, ldb, jp)
          }
          for (let i = i0; i < i1; i += 4) {
            const a0 = ap + (<usize>((i - i0) * kc) << 2)
            microPacked(t, a0, kc, panel, BS)
            storeRows(t, at(out, i * ldc + jp * 8), ldc, min(4, M - i), n, k0 > 0)
          }
        }
      }
    }
  }
}

// A rows i..i+3 (rows past M read as 0), depth k0..k0+kc, into [k][4] so the micro-kernel's 4 splat loads per
// depth step hit one 16-byte chunk: from row-major A (ks = 4) by 4x4 transposes, from A^T (rs = 4) by copies.
function packA(dst: usize, a: usize, rs: usize, ks: usize, i: i32, M: i32, k0: i32, kc: i32): void {
  const src = a + <usize>i * rs + <usize>k0 * ks
  let k = 0
  if (i + 4 <= M) {
    if (rs == 4) {
      for (; k < kc; k++) v128.store(dst + (<usize>k << 4), v128.load(src + <usize>k * ks))
    } else if (ks == 4) {
      for (; k + 4 <= kc; k += 4) {
        const s = src + (<usize>k << 2)
        const x0 = v128.load(s), x1 = v128.load(s + rs), x2 = v128.load(s + 2 * rs), x3 = v128.load(s + 3 * rs)
        const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5)
        const t2 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7), t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7)
        const d = dst + (<usize>k << 4)
        v128.store(d, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5))
        v128.store(d, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7), 16)
        v128.store(d, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), 32)
        v128.store(d, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7), 48)
      }
    }
  }
  for (; k < kc; k++) {
    for (let r = 0; r < 4; r++) {
      store<f32>(dst + (<usize>k << 4) + (<usize>r << 2), i + r < M ? load<f32>(src + <usize>r * rs + <usize>k * ks) : 0)
    }
  }
}

// b [K,N] (isTrans false; row stride ldb) or [N,K] (true) into all panels up front, unless M <= MC (then gemm packs
// lazily); out rows ldc floats apart. ldb = ldc = N for a whole product; a column block of a wider one (matmul_cols)
// passes the wider row strides.
function run(out: usize, a: usize, rs: usize, ks: usize, b: usize, isTrans: bool, ws: usize, M: i32, K: i32, N: i32,
  ldb: i32, ldc: i32): void {
  const bp = at(ws, WS_HEADER + MC * KC), isLazy = M <= MC
  if (!isLazy) {
    for (let jp = 0; jp < (N + 7) >> 3; jp++) {
      if (isTrans) packT(bp + ((<usize>jp * <usize>K) << 5), b, K, N, K, jp)
      else packN(bp + ((<usize>jp * <usize>K) << 5), b, K, N, ldb, jp)
    }
  }
  gemm(out, a, rs, ks, bp, ws, M, K, N, isLazy, b, isTrans, ldb, ldc)
}

export function matmul(out: usize, a: usize, b: usize, ws: usize, M: i32, K: i32, N: i32): void {
  run(out, a, <usize>K << 2, 4, b, false, ws, M, K, N, N, N)
}
export function matmul_nt(out: usize, a: usize, b: usize, ws: usize, M: i32, K: i32, N: i32): void {
  run(out, a, <usize>K << 2, 4, b, true, ws, M, K, N, N, N)
}
export function matmul_tn(out: usize, a: usize, b: usize, ws: usize, M: i32, K: i32, N: i32): void {
  run(out, a, 4, <usize>M << 2, b, false, ws, M, K, N, N, N)
}

/**
 * Columns of a wider product (the wasm backend's kernel threads split out by column blocks of 8): N of the full
 * NF columns, out and b already offset to the block (b by columns for nn / tn, by rows for nt); mode 0 nn, 1 nt,
 * 2 tn. Every element is computed as in the whole product (same panels, same depth slices): bitwise equal.
 */
export function matmul_cols(out: usize, a: usize, b: usize, ws: usize, M: i32, K: i32, N: i32, NF: i32, mode: i32): void {
  if (mode == 2) run(out, a, 4, <usize>M << 2, b, false, ws, M, K, N, NF, NF)
  else run(out, a, <usize>K << 2, 4, b, mode == 1, ws, M, K, N, NF, NF)
}
