// The shared GEMM machinery of matmul and conv2d: a register-blocked 4x8 f32x4 micro-kernel over a packed B
// panel, the packing routines, and the tile stores. Not kernels themselves (nothing here is exported by index.ts).
//
// micro(): tile[4][8] = sum over a depth walk of A[i][k] * Bp[k][0..8]. A's four rows are raw pointers (nothing
//   is packed on the A side, as in XNNPACK's f32 GEMMs), and the depth walk has two levels so implicit-GEMM
//   convolutions need no im2col: for o < O { off = tab[o]; for t < I: A[i] at row_i + off + t*IS }.
//   A plain matmul is O = 1, tab = [0], I = K, IS = the k stride of A. Eight f32x4 accumulators (4 rows x 2
//   halves) live in locals; each k step does 4 splat loads of A, 2 vector loads of Bp and 8 madd (madd.ts: a
//   fused multiply-add in the relaxed-SIMD builds, a mul and an add in the SIMD128 ones). The result goes to a
//   32-float scratch tile; the stores below then write it where the caller's layout wants it (row-major,
//   transposed, strided, with bias or accumulation). With ldc != 0 a whole tile instead goes straight from the
//   registers to its place, transposed, + bias (conv forward's NCHW rows: no scratch between; 4-17% on its
//   36-pixel layers).
// Bp layout: panel jp holds columns jp*8 .. jp*8+7 for every depth step k, 8 floats per k (zeros past N), BS
//   bytes apart: 32 in a packed panel, or a row-major B read in place (BS = its row stride) when no packing is needed.
import { madd } from './madd'

// workspace header (floats): [0, 32) the scratch tile, [32, 36) the one-entry offset table {0} of plain GEMMs
export const WS_HEADER = 64

@inline function at(p: usize, i: i32): usize { return p + (<usize>i << 2) }

export function micro(t: usize, a0: usize, a1: usize, a2: usize, a3: usize, tab: usize, O: i32, I: i32, IS: usize,
  bp: usize, BS: usize, ldc: usize, bias: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0)
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0)
  for (let o = 0; o < O; o++) {
    const off = <usize>load<i32>(tab + (<usize>o << 2))
    let p0 = a0 + off, p1 = a1 + off, p2 = a2 + off, p3 = a3 + off
    for (let k = 0; k < I; k++) {
      const b0 = v128.load(bp), b1 = v128.load(bp, 16)
      let av = v128.load32_splat(p0)
      c00 = madd(av, b0, c00)
      c01 = madd(av, b1, c01)
      av = v128.load32_splat(p1)
      c10 = madd(av, b0, c10)
      c11 = madd(av, b1, c11)
      av = v128.load32_splat(p2)
      c20 = madd(av, b0, c20)
      c21 = madd(av, b1, c21)
      av = v128.load32_splat(p3)
      c30 = madd(av, b0, c30)
      c31 = madd(av, b1, c31)
      p0 += IS; p1 += IS; p2 += IS; p3 += IS
      bp += BS
    }
  }
  if (ldc) {
    // a whole tile straight into its place, transposed: the 8 columns' rows ldc bytes apart at t, + bias (if any)
    storeHalf(t, ldc, bias, c00, c10, c20, c30, 4, false)
    storeHalf(t + 4 * ldc, ldc, bias ? bias + 16 : 0, c01, c11, c21, c31, 4, false)
    return
  }
  v128.store(t, c00); v128.store(t, c01, 16); v128.store(t, c10, 32); v128.store(t, c11, 48)
  v128.store(t, c20, 64); v128.store(t, c21, 80); v128.store(t, c30, 96); v128.store(t, c31, 112)
}

// 4 rows' (x0..x3) 4 columns transposed into the first n (<= 4) column rows ldc bytes apart at o: each (+ its bias
// when bias != 0) (+ what is there when isAccumulate). micro's whole tiles and storeT's both go through it.
@inline function storeHalf(o: usize, ldc: usize, bias: usize, x0: v128, x1: v128, x2: v128, x3: v128, n: i32,
  isAccumulate: bool): void {
  const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5)
  const t2 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7), t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7)
  storeCol(o, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5), bias, isAccumulate)
  if (n > 1) storeCol(o + ldc, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7), bias ? bias + 4 : 0, isAccumulate)
  if (n > 2) storeCol(o + 2 * ldc, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), bias ? bias + 8 : 0, isAccumulate)
  if (n > 3) storeCol(o + 3 * ldc, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7), bias ? bias + 12 : 0, isAccumulate)
}

@inline function storeCol(dst: usize, v: v128, bias: usize, isAccumulate: bool): void {
  let r = bias ? f32x4.add(v, v128.load32_splat(bias)) : v
  if (isAccumulate) r = f32x4.add(r, v128.load(dst))
  v128.store(dst, r)
}

/**
 * micro() for a packed A micro-panel [k][4] (the four rows 16 bytes apart in one chunk per depth step): one A
 * pointer and immediate lane offsets instead of four pointers. B's depth steps are BS bytes apart (32 in a packed
 * panel; a row-major B's row stride when it is read in place).
 */
export function microPacked(t: usize, a: usize, I: i32, bp: usize, BS: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0)
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0)
  for (let k = 0; k < I; k++) {
    const b0 = v128.load(bp), b1 = v128.load(bp, 16)
    let av = v128.load32_splat(a)
    c00 = madd(av, b0, c00); c01 = madd(av, b1, c01)
    av = v128.load32_splat(a, 4)
    c10 = madd(av, b0, c10); c11 = madd(av, b1, c11)
    av = v128.load32_splat(a, 8)
    c20 = madd(av, b0, c20); c21 = madd(av, b1, c21)
    av = v128.load32_splat(a, 12)
    c30 = madd(av, b0, c30); c31 = madd(av, b1, c31)
    a += 16; bp += BS
  }
  v128.store(t, c00); v128.store(t, c01, 16); v128.store(t, c10, 32); v128.store(t, c11, 48)
  v128.store(t, c20, 64); v128.store(t, c21, 80); v128.store(t, c30, 96); v128.store(t, c31, 112)
}

/** Pack panel jp of B given row-major as [depth][ldb] (element (k, j) at b[k*ldb + j]), columns < ncols. */
export function packN(bp: usize, b: usize, depth: i32, ncols: i32, ldb: i32, jp: i32): void {
  const j0 = jp * 8, n = min(8, ncols - j0)
  for (let k = 0; k < depth; k++) {
    const src = at(b, k * ldb + j0), dst = bp + (<usize>k << 5)
    if (n == 8) {
      v128.store(dst, v128.load(src))
      v128.store(dst, v128.load(src, 16), 16)
    } else {
      for (let j = 0; j < 8; j++) store<f32>(at(dst, j), j < n ? load<f32>(at(src, j)) : 0)
    }
  }
}

/** Pack panel jp of B given transposed as [ncols][ldb] (element (k, j) at b[j*ldb + k]), columns < ncols. */
export function packT(bp: usize, b: usize, depth: i32, ncols: i32, ldb: i32, jp: i32): void {
  const j0 = jp * 8, n = min(8, ncols - j0)
  let k = 0
  if (n == 8) {
    // 8 rows x 4 depth steps at a time: two 4x4 transposes
    const r0 = at(b, j0 * ldb), rs = <usize>ldb << 2
    for (; k + 4 <= depth; k += 4) {
      const s = r0 + (<usize>k << 2), dst = bp + (<usize>k << 5)
      for (let h = 0; h < 2; h++) {
        const q = s + <usize>(h * 4) * rs
        const x0 = v128.load(q), x1 = v128.load(q + rs), x2 = v128.load(q + 2 * rs), x3 = v128.load(q + 3 * rs)
        const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5)
        const t2 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7), t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7)
        const d = dst + (<usize>h << 4)
        v128.store(d, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5))
        v128.store(d, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7), 32)
        v128.store(d, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), 64)
        v128.store(d, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7), 96)
      }
    }
  }
  for (; k < depth; k++) {
    const dst = bp + (<usize>k << 5)
    for (let j = 0; j < 8; j++) store<f32>(at(dst, j), j < n ? load<f32>(at(b, (j0 + j) * ldb + k)) : 0)
  }
}

/** C[i][j] (+)= tile[i][j] for i < m, j < n; C row-major with row stride ldc floats. */
export function storeRows(t: usize, c: usize, ldc: i32, m: i32, n: i32, isAccumulate: bool): void {
  for (let i = 0; i < m; i++) {
    const row = at(c, i * ldc), tr = t + (<usize>i << 5)
    if (n == 8) {
      let v0 = v128.load(tr), v1 = v128.load(tr, 16)
      if (isAccumulate) {
        v0 = f32x4.add(v0, v128.load(row))
        v1 = f32x4.add(v1, v128.load(row, 16))
      }
      v128.store(row, v0)
      v128.store(row, v1, 16)
    } else {
      for (let j = 0; j < n; j++) store<f32>(at(row, j), load<f32>(at(tr, j)) + (isAccumulate ? load<f32>(at(row, j)) : 0))
    }
  }
}

/**
 * Transposed store: C[j*ldc + i*si] (+)= tile[i][j] + bias[j] for i < m, j < n (bias 0 when null). The conv
 * kernels use it: the tile's rows are pixels (or taps) and its columns channels, while NCHW wants channel rows.
 */
export function storeT(t: usize, c: usize, ldc: i32, si: i32, m: i32, n: i32, isAccumulate: bool, bias: usize): void {
  if (m == 4 && si == 1) {
    // transpose the two 4x4 halves in registers, then one f32x4 store per channel
    const rs = <usize>ldc << 2
    for (let h = 0; h < 2 && h * 4 < n; h++) {
      const x0 = v128.load(t + (<usize>h << 4)), x1 = v128.load(t + (<usize>h << 4), 32)
      const x2 = v128.load(t + (<usize>h << 4), 64), x3 = v128.load(t + (<usize>h << 4), 96)
      storeHalf(c + <usize>(h * 4) * rs, rs, bias ? bias + (<usize>h << 4) : 0, x0, x1, x2, x3, n - h * 4, isAccumulate)
    }
    return
  }
  for (let j = 0; j < n; j++) {
    const bj: f32 = bias ? load<f32>(at(bias, j)) : 0
    for (let i = 0; i < m; i++) {
      const dst = at(c, j * ldc + i * si)
      store<f32>(dst, load<f32>(at(t, i * 8 + j)) + bj + (isAccumulate ? load<f32>(dst) : 0))
    }
  }
}
