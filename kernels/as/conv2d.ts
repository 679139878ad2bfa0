// conv2d_forward / conv2d_backward_input / conv2d_backward_weight (spec: kernels/ref/conv2d.ts): NCHW, weights
// [K,C,R,S], zero padding PAD, P = (H + 2 PAD - R) / STRIDE + 1. Input pixel of output (p, q), tap (r, s):
// h = p STRIDE - PAD + r, w = q STRIDE - PAD + s; taps outside the image read zero.
//
// v1 (conv2d_forward_v1, ..._v1): the direct scalar loops of the spec, the baseline the bench shows.
// v2 (the registry names): implicit GEMMs on the 4x8 f32x4 micro-kernel of gemm.ts, no im2col buffer (the
// micro-kernel's two-level depth walk, an offset table times a strided inner run, follows the receptive field):
//   forward:          tile = 4 output pixels x 8 out-channels over a channels-last copy of each image ([Hp][Wp][C],
//                     zero border = the padding): depth r via the table x one contiguous (s, c) run of S*C (inner
//                     runs of 128-256 instead of S = 3-8); weights packed [K/8][(r, s, c)][8] once; stored
//                     transposed (+ bias) into NCHW rows. The tiles run over a group of images' pixels as one
//                     list (the fewest images that fill whole tiles), so small maps do not pad a tile per image.
//   backward_weight:  tile = 4 taps (c, r, s) x 8 out-channels, depth (image, p) via the table x q inner (stride
//                     STRIDE); dout packed [K/8][image][PQ][8] for a chunk of images (~1024 depth steps, a 32 KB
//                     panel, per pass); accumulated transposed into dw.
//   backward_input:   tile = 4 output pixels x 8 taps, depth = out-channels; dout of an image group (as forward;
//                     tiles span images) packed into 4-pixel micro-panels, w packed [CRS/8][K][8]; each tile is added into dx (col2im fused into the
//                     store): when S % 4 == 0 (L1, L2) each pixel's two 4-tap halves are adjacent dx columns, added
//                     as f32x4 straight from the registers (binTapVec), pixels 0, 2 before 1, 3 so a load never
//                     partially overlaps the store just before it (stride 2: a failed store-forward stall; so
//                     where two pixels of a tile meet in dx, the add order depends on where the group starts, and
//                     a batch split must cut at group multiples: kernels/index.ts convImageGroup);
//                     otherwise, when C % 4 == 0 (3x3 filters over 16-64 channels), tile = 4 output pixels x 8
//                     input channels of one tap (over an image group's pixels as one list, as forward), added the
//                     same way into channels-last dx images then transposed to NCHW (backwardInputChannelsLast); otherwise the tile goes through the scratch and is
//                     scatter-added one value at a time.
// PAD > 0 copies x into a zero-padded workspace (backward_weight) or accumulates dx there and crops.
// Workspace layouts (floats, in this order; the registry's conv workspace() reserves their sum):
//   all: 64 header (scratch tile, one-entry table)   pad: N C (H+2PAD)(W+2PAD) when PAD > 0, last (not forward)
//   forward: CRS ceil8(K) packed w, ceil4(R) table, ceil4(G PQ) pixel table, G C (H+2PAD)(W+2PAD) channels-last
//   images, G = min(N, 4 / gcd(PQ, 4)), 1 when PQ > 128
//   backward_weight: G PQ ceil8(K) packed dout, ceil4(G P) table, G = clamp(1024 / PQ, 1, N)
//   backward_input: max(K ceil8(CRS), RS ceil8(C) K) packed w, ceil4(G PQ) K packed dout, ceil4(CRS) + ceil4(G PQ)
//   offset tables, G (H+2PAD)(W+2PAD) C channels-last dx images (G as forward's; the other paths leave them unused).
import { madd } from './madd'
import { matmul, matmul_tn } from './matmul'
import { micro, packN, packT, storeT, WS_HEADER } from './gemm'

@inline function at(p: usize, i: i32): usize { return p + (<usize>i << 2) }

export function conv2d_forward_v1(out: usize, x: usize, w: usize, b: usize, _ws: usize, N: i32, C: i32, H: i32, W: i32, K: i32,
  R: i32, S: i32, P: i32, Q: i32, STRIDE: i32, PAD: i32): void {
  for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) for (let p = 0; p < P; p++) for (let q = 0; q < Q; q++) {
    let acc = load<f32>(at(b, k))
    for (let c = 0; c < C; c++) for (let r = 0; r < R; r++) {
      const h = p * STRIDE - PAD + r
      if (h < 0 || h >= H) continue
      for (let s = 0; s < S; s++) {
        const ww = q * STRIDE - PAD + s
        if (ww < 0 || ww >= W) continue
        acc += load<f32>(at(x, ((n * C + c) * H + h) * W + ww)) * load<f32>(at(w, ((k * C + c) * R + r) * S + s))
      }
    }
    store<f32>(at(out, ((n * K + k) * P + p) * Q + q), acc)
  }
}

export function conv2d_backward_input_v1(dx: usize, dout: usize, w: usize, _ws: usize, N: i32, C: i32, H: i32, W: i32, K: i32,
  R: i32, S: i32, P: i32, Q: i32, STRIDE: i32, PAD: i32): void {
  memory.fill(dx, 0, <usize>(N * C * H * W) << 2)
  for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) for (let p = 0; p < P; p++) for (let q = 0; q < Q; q++) {
    const g = load<f32>(at(dout, ((n * K + k) * P + p) * Q + q))
    for (let c = 0; c < C; c++) for (let r = 0; r < R; r++) {
      const h = p * STRIDE - PAD + r
      if (h < 0 || h >= H) continue
      for (let s = 0; s < S; s++) {
        const ww = q * STRIDE - PAD + s
        if (ww < 0 || ww >= W) continue
        const o = at(dx, ((n * C + c) * H + h) * W + ww)
        store<f32>(o, load<f32>(o) + g * load<f32>(at(w, ((k * C + c) * R + r) * S + s)))
      }
    }
  }
}

export function conv2d_backward_weight_v1(dw: usize, dout: usize, x: usize, _ws: usize, N: i32, C: i32, H: i32, W: i32, K: i32,
  R: i32, S: i32, P: i32, Q: i32, STRIDE: i32, PAD: i32): void {
  memory.fill(dw, 0, <usize>(K * C * R * S) << 2)
  for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) for (let p = 0; p < P; p++) for (let q = 0; q < Q; q++) {
    const g = load<f32>(at(dout, ((n * K + k) * P + p) * Q + q))
    for (let c = 0; c < C; c++) for (let r = 0; r < R; r++) {
      const h = p * STRIDE - PAD + r
      if (h < 0 || h >= H) continue
      for (let s = 0; s < S; s++) {
        const ww = q * STRIDE - PAD + s
        if (ww < 0 || ww >= W) continue
        const o = at(dw, ((k * C + c) * R + r) * S + s)
        store<f32>(o, load<f32>(o) + g * load<f32>(at(x, ((n * C + c) * H + h) * W + ww)))
      }
    }
  }
}

@inline function up4(x: i32): i32 { return (x + 3) & ~3 }
@inline function up8(x: i32): i32 { return (x + 7) & ~7 }

// zero-padded copy of N C-channel HxW images into xp [N][C][H+2PAD][W+2PAD]
function padImages(xp: usize, x: usize, NC: i32, H: i32, W: i32, PAD: i32): void {
  const Hp = H + 2 * PAD, Wp = W + 2 * PAD
  memory.fill(xp, 0, <usize>(NC * Hp * Wp) << 2)
  for (let i = 0; i < NC; i++) for (let h = 0; h < H; h++) {
    memory.copy(at(xp, (i * Hp + h + PAD) * Wp + PAD), at(x, (i * H + h) * W), <usize>W << 2)
  }
}

// a 4x4 f32 block: the 4 vectors at q + i ls (bytes) stored transposed, vector j at d + j ds
@inline function transpose4x4(q: usize, ls: usize, d: usize, ds: usize): void {
  const x0 = v128.load(q), x1 = v128.load(q + ls), x2 = v128.load(q + 2 * ls), x3 = v128.load(q + 3 * ls)
  const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5)
  const t2 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7), t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7)
  v128.store(d, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5))
  v128.store(d + ds, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7))
  v128.store(d + 2 * ds, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5))
  v128.store(d + 3 * ds, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7))
}

// image n of NCHW x into xh, channels-last [Hp][Wp][C] with the zero border left as it was (4x4 f32x4 transposes)
function toChannelsLast(xh: usize, x: usize, C: i32, H: i32, W: i32, PAD: i32): void {
  const Wp = W + 2 * PAD, HW = H * W
  let c0 = 0
  for (; c0 + 4 <= C; c0 += 4) {
    const src = at(x, c0 * HW), cs = <usize>HW << 2, ps = <usize>C << 2
    for (let h = 0; h < H; h++) {
      const s0 = at(src, h * W), d0 = at(xh, ((h + PAD) * Wp + PAD) * C + c0)
      let w = 0
      for (; w + 4 <= W; w += 4) {
        transpose4x4(s0 + (<usize>w << 2), cs, d0 + <usize>w * ps, ps)
      }
      for (; w < W; w++) for (let j = 0; j < 4; j++) {
        store<f32>(d0 + <usize>w * ps + (<usize>j << 2), load<f32>(s0 + cs * j + (<usize>w << 2)))
      }
    }
  }
  if (C == 1) {
    // one channel: channels-last is the NCHW row itself
    for (let h = 0; h < H; h++) memory.copy(at(xh, (h + PAD) * Wp + PAD), at(x, h * W), <usize>W << 2)
    return
  }
  if (C - c0 >= 2) {
    // a pair of channels (C = 2 frames stacked, or C % 4 >= 2): 4 pixels of each row interleaved, 8 bytes per pixel
    const src = at(x, c0 * HW), cs = <usize>HW << 2, ps = <usize>C << 2
    for (let h = 0; h < H; h++) {
      const s0 = at(src, h * W), d0 = at(xh, ((h + PAD) * Wp + PAD) * C + c0)
      let w = 0
      for (; w + 4 <= W; w += 4) {
        const q = s0 + (<usize>w << 2), d = d0 + <usize>w * ps
        const x0 = v128.load(q), x1 = v128.load(q + cs)
        const lo = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5), hi = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7)
        v128.store64_lane(d, lo, 0)
        v128.store64_lane(d + ps, lo, 1)
        v128.store64_lane(d + 2 * ps, hi, 0)
        v128.store64_lane(d + 3 * ps, hi, 1)
      }
      for (; w < W; w++) {
        store<f32>(d0 + <usize>w * ps, load<f32>(s0 + (<usize>w << 2)))
        store<f32>(d0 + <usize>w * ps + 4, load<f32>(s0 + cs + (<usize>w << 2)))
      }
    }
    c0 += 2
  }
  for (; c0 < C; c0++) for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) {
    store<f32>(at(xh, ((h + PAD) * Wp + PAD + w) * C + c0), load<f32>(at(x, (c0 * H + h) * W + w)))
  }
}

// tab[g PQ + m] = output pixel m's receptive-field corner in image g of G padded images of row width Wp, images
// imgStep apart, times unit (C * 4: bytes into channels-last images; 1: floats into NCHW channel planes)
function cornerTable(tab: usize, PQ: i32, Q: i32, STRIDE: i32, Wp: i32, unit: i32, G: i32, imgStep: i32): void {
  for (let g = 0; g < G; g++) for (let m = 0; m < PQ; m++) {
    store<i32>(at(tab, g * PQ + m), (g * imgStep + (m / Q) * STRIDE * Wp + (m % Q) * STRIDE) * unit)
  }
}

// an image group: the fewest images whose pixels fill whole 4-pixel tiles (4 / gcd(PQ, 4): 4 images of a 3x3 or 1x1
// map, 2 of a map with PQ % 4 == 2, 1 when PQ % 4 == 0), at most N; 1 for maps over 128 pixels, whose padded tile
// costs under 2.5% (the 17x17 map lost 3% to the grouped store). forward's and backward_input's tiles run over a
// group's pixels as one list, so a small map does not pad its last tile of every image (the nature CNN's 1x1 map used
// a quarter of each tile's work). The registry's convImageGroup() repeats it.
@inline function imageGroup(N: i32, PQ: i32): i32 {
  return min(N, (PQ & 3) == 0 || PQ > 128 ? 1 : (PQ & 1) == 0 ? 2 : 4)
}

// A filter as large as the (unpadded) image: one output pixel, and x's rows [C][H][W] are the receptive fields in
// the weights' (c, r, s) order, so the gradients are plain GEMMs (the blocked matmuls of matmul.ts).
@inline function isWholeImage(H: i32, W: i32, R: i32, S: i32, PAD: i32): bool {
  return PAD == 0 && H == R && W == S
}

export function conv2d_forward(out: usize, x: usize, w: usize, b: usize, ws: usize, N: i32, C: i32, H: i32, W: i32,
  K: i32, R: i32, S: i32, P: i32, Q: i32, STRIDE: i32, PAD: i32): void {
  const Hp = H + 2 * PAD, Wp = W + 2 * PAD, CRS = C * R * S, PQ = P * Q, SC = S * C, G = imageGroup(N, PQ), img = Hp * Wp * C
  const t = ws, bp = at(ws, WS_HEADER), tab = at(bp, CRS * up8(K)), pixt = at(tab, up4(R)), xh = at(pixt, up4(G * PQ))
  // weights packed [K/8][(r, s, c)][8]: the depth order of a channels-last receptive field
  for (let jp = 0; jp < up8(K) >> 3; jp++) {
    const n = min(8, K - jp * 8)
    for (let r = 0; r < R; r++) for (let s = 0; s < S; s++) for (let c = 0; c < C; c++) {
      const dst = at(bp, (jp * CRS + (r * S + s) * C + c) * 8)
      for (let j = 0; j < 8; j++) store<f32>(at(dst, j), j < n ? load<f32>(at(w, (((jp * 8 + j) * C + c) * R + r) * S + s)) : 0)
    }
  }
  for (let r = 0; r < R; r++) store<i32>(at(tab, r), (r * Wp * C) << 2)
  // each pixel's receptive-field corner in the group's channels-last images (bytes: image g at g * img floats),
  // once per call: no divisions in the tile loop (at 4x4 filters over 2 channels a tile's depth is 32 steps)
  cornerTable(pixt, PQ, Q, STRIDE, Wp, C << 2, G, Hp * Wp)
  if (PAD > 0) memory.fill(xh, 0, <usize>(G * img) << 2) // the borders stay zero: toChannelsLast writes the interior
  // loop order: sweep the channel panels per pixel tile (its 4 receptive fields stay in L1) only when all packed
  // weights fit in L1 (<= 32 KB) and the group's channels-last images do not (the seed's 84-pixel first layer);
  // otherwise sweep the pixels per panel (the panel stays in L1, and the tiles write 8 output rows at a time, not
  // 8 per panel: the fine encoder's first layer x1.15)
  const JP = up8(K) >> 3, isPixelOuter = CRS * JP * 32 <= 32768 && G * img * 4 > 32768
  for (let n0 = 0; n0 < N; n0 += G) {
    const g = min(G, N - n0), M = g * PQ
    for (let i = 0; i < g; i++) toChannelsLast(at(xh, i * img), at(x, (n0 + i) * C * H * W), C, H, W, PAD)
    const MT = (M + 3) >> 2, nOuter = isPixelOuter ? MT : JP, nInner = isPixelOuter ? JP : MT
    for (let outer = 0; outer < nOuter; outer++) {
      for (let inner = 0; inner < nInner; inner++) {
        const m = (isPixelOuter ? outer : inner) << 2, jp = isPixelOuter ? inner : outer
        // the 4 pixels' receptive-field corners (pixels past M repeat the last one, never stored); depth walk:
        // filter rows r by the table x one contiguous run of S*C (s, c) per row
        const m1 = min(m + 1, M - 1), m2 = min(m + 2, M - 1), m3 = min(m + 3, M - 1)
        const a0 = xh + <usize>load<i32>(at(pixt, m)), a1 = xh + <usize>load<i32>(at(pixt, m1))
        const a2 = xh + <usize>load<i32>(at(pixt, m2)), a3 = xh + <usize>load<i32>(at(pixt, m3))
        const nj = min(8, K - jp * 8), rows = min(4, M - m)
        if (g == 1 && rows == 4 && nj == 8) {
          // a whole tile of one image: straight from the registers into its 8 channel rows, + bias
          micro(at(out, (n0 * K + jp * 8) * PQ + m), a0, a1, a2, a3, tab, R, SC, 4, at(bp, jp * CRS * 8), 32, <usize>PQ << 2, at(b, jp * 8))
          continue
        }
        micro(t, a0, a1, a2, a3, tab, R, SC, 4, at(bp, jp * CRS * 8), 32, 0, 0)
        // the tile's rows into NCHW, one image's run of pixels at a time (a tile may span images)
        if (g == 1) {
          storeT(t, at(out, (n0 * K + jp * 8) * PQ + m), PQ, 1, rows, nj, false, at(b, jp * 8))
          continue
        }
        for (let r = 0; r < rows;) {
          const f = m + r, i = f / PQ, p = f - i * PQ, cnt = min(rows - r, PQ - p)
          storeT(t + (<usize>r << 5), at(out, ((n0 + i) * K + jp * 8) * PQ + p), PQ, 1, cnt, nj, false, at(b, jp * 8))
          r += cnt
        }
      }
    }
  }
}

export function conv2d_backward_weight(dw: usize, dout: usize, x: usize, ws: usize, N: i32, C: i32, H: i32, W: i32,
  K: i32, R: i32, S: i32, P: i32, Q: i32, STRIDE: i32, PAD: i32): void {
  const Hp = H + 2 * PAD, Wp = W + 2 * PAD, CRS = C * R * S, PQ = P * Q, img = C * Hp * Wp
  if (isWholeImage(H, W, R, S, PAD)) {
    // the filter covers the whole image (a 3x3 filter over a 3x3 map): x [N][CRS] is im2col already, dw = dout^T x
    matmul_tn(dw, dout, x, ws, K, N, CRS)
    return
  }
  const G = max(1, min(N, 1024 / PQ))
  const t = ws, bp = at(ws, WS_HEADER), tab = at(bp, G * PQ * up8(K)), xp = at(tab, up4(G * P))
  memory.fill(dw, 0, <usize>(K * CRS) << 2)
  if (PAD > 0) padImages(xp, x, N * C, H, W, PAD)
  const xs = PAD > 0 ? xp : x
  for (let g = 0; g < G; g++) for (let p = 0; p < P; p++) store<i32>(at(tab, g * P + p), (g * img + p * STRIDE * Wp) << 2)
  for (let n0 = 0; n0 < N; n0 += G) {
    const g = min(G, N - n0)
    // dout^T of the chunk: panel jp holds [image][pq][8 channels], depth index (image, p, q) = the table's walk
    for (let jp = 0; jp < up8(K) >> 3; jp++) for (let i = 0; i < g; i++) {
      packT(at(bp, (jp * G + i) * PQ * 8), at(dout, (n0 + i) * K * PQ), PQ, K, PQ, jp)
    }
    const xb = at(xs, n0 * img)
    for (let jp = 0; jp < up8(K) >> 3; jp++) {
      const panel = at(bp, jp * G * PQ * 8), nj = min(8, K - jp * 8)
      for (let i = 0; i < CRS; i += 4) {
        // taps i..i+3 as (c, r, s): the corner of each tap's input window (taps past CRS repeat the last one)
        const i1 = min(i + 1, CRS - 1), i2 = min(i + 2, CRS - 1), i3 = min(i + 3, CRS - 1), RS = R * S
        const a0 = at(xb, ((i / RS) * Hp + (i % RS) / S) * Wp + i % S)
        const a1 = at(xb, ((i1 / RS) * Hp + (i1 % RS) / S) * Wp + i1 % S)
        const a2 = at(xb, ((i2 / RS) * Hp + (i2 % RS) / S) * Wp + i2 % S)
        const a3 = at(xb, ((i3 / RS) * Hp + (i3 % RS) / S) * Wp + i3 % S)
        micro(t, a0, a1, a2, a3, tab, g * P, Q, <usize>STRIDE << 2, panel, 32, 0, 0)
        storeT(t, at(dw, jp * 8 * CRS + i), CRS, 1, min(4, CRS - i), nj, true, 0)
      }
    }
  }
}

// backward_input's fused epilogues: the 4x8 micro-kernel over a packed dout micro-panel a [k][4] (depth K) and a
// packed w panel bp [k][8], its tile added into dx straight from the registers, one f32x4 read-add-write each.

// tap-vector: taps j0..j0+3 and j0+4..j0+7 are each 4 adjacent dx columns (S % 4 == 0): pixel i's two halves go to
// d_i and d_i + off1 (bytes); the second half only when hasSecond
@inline function binTapVec(a: usize, K: i32, bp: usize, d0: usize, d1: usize, d2: usize, d3: usize, off1: usize, hasSecond: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0)
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0)
  let p0 = a, p1 = a + 4, p2 = a + 8, p3 = a + 12
  for (let k = 0; k < K; k++) {
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
    p0 += 16; p1 += 16; p2 += 16; p3 += 16
    bp += 32
  }
  // order: pixels 0, 2 (both halves) before 1, 3, so that at stride 2 no load partially overlaps the store just
  // before it (a failed store-to-load forward stalls)
  v128.store(d0, f32x4.add(v128.load(d0), c00))
  v128.store(d2, f32x4.add(v128.load(d2), c20))
  if (hasSecond) {
    v128.store(d0 + off1, f32x4.add(v128.load(d0 + off1), c01))
    v128.store(d2 + off1, f32x4.add(v128.load(d2 + off1), c21))
  }
  v128.store(d1, f32x4.add(v128.load(d1), c10))
  v128.store(d3, f32x4.add(v128.load(d3), c30))
  if (hasSecond) {
    v128.store(d1 + off1, f32x4.add(v128.load(d1 + off1), c11))
    v128.store(d3 + off1, f32x4.add(v128.load(d3 + off1), c31))
  }
}

// dout of consecutive images [image][K][PQ], its first M pixels as one list (image-major), into 4-pixel micro-panels
// ap [m/4][k][4] (pixels past M read 0)
function packPixelPanels(ap: usize, dn: usize, K: i32, PQ: i32, M: i32): void {
  for (let m = 0; m < M; m += 4) {
    const i = m / PQ, p = m - i * PQ
    if (p + 4 <= PQ) {
      // the 4 pixels are adjacent in one image's rows
      const src = at(dn, i * K * PQ + p)
      for (let k = 0; k < K; k++) v128.store(at(ap, m * K + k * 4), v128.load(at(src, k * PQ)))
      continue
    }
    for (let r = 0; r < 4; r++) {
      const f = m + r, ir = f / PQ, pr = f - ir * PQ
      for (let k = 0; k < K; k++) store<f32>(at(ap, m * K + k * 4 + r), f < M ? load<f32>(at(dn, (ir * K + k) * PQ + pr)) : 0)
    }
  }
}

// backward_input when S % 4 != 0 and C % 4 == 0 (3x3 filters): tile = 4 output pixels x 8 input channels of one tap
// (r, s), depth = out-channels, over w packed per tap [RS][C/8][K][8]; each tile is added from the registers into a
// channels-last dx image [Hp][Wp][C] (a pixel's 8 channels are two adjacent f32x4), which is then transposed into
// NCHW dx (cropping PAD). Each (pixel, tap, channel) sum runs over k in order; a dx element adds its taps' sums in
// (r, s) order (the scatter path adds them in tile order, so the last bits may differ from it).
function backwardInputChannelsLast(dx: usize, dout: usize, w: usize, bp: usize, ap: usize, pixt: usize, xcl: usize,
  N: i32, C: i32, H: i32, W: i32, K: i32, R: i32, S: i32, P: i32, Q: i32, STRIDE: i32, PAD: i32): void {
  const Hp = H + 2 * PAD, Wp = W + 2 * PAD, RS = R * S, CP = up8(C) >> 3, PQ = P * Q, G = imageGroup(N, PQ), img = Hp * Wp * C
  for (let tp = 0; tp < RS; tp++) for (let cp = 0; cp < CP; cp++) {
    const n = min(8, C - cp * 8)
    for (let k = 0; k < K; k++) {
      const dst = at(bp, ((tp * CP + cp) * K + k) * 8)
      for (let j = 0; j < 8; j++) store<f32>(at(dst, j), j < n ? load<f32>(at(w, (k * C + cp * 8 + j) * RS + tp)) : 0)
    }
  }
  // the group's pixels as one list: image g's channels-last dx at g * img floats. A tile's pixels never meet in dx
  // (one tap, distinct corners), so a dx element adds its taps' sums in (r, s) order however the tiles fall
  cornerTable(pixt, PQ, Q, STRIDE, Wp, C << 2, G, Hp * Wp)
  const ps = <usize>C << 2, cs = <usize>(H * W) << 2
  for (let n0 = 0; n0 < N; n0 += G) {
    const g = min(G, N - n0), M = g * PQ, MT = (M + 3) >> 2
    packPixelPanels(ap, at(dout, n0 * K * PQ), K, PQ, M)
    memory.fill(xcl, 0, <usize>(g * img) << 2)
    for (let tp = 0; tp < RS; tp++) {
      const to = <usize>(((tp / S) * Wp + tp % S) * C) << 2
      for (let cp = 0; cp < CP; cp++) {
        const panel = at(bp, (tp * CP + cp) * K * 8), xo = xcl + to + (<usize>cp << 5)
        for (let mt = 0; mt < MT; mt++) {
          // pixels past M have zero dout: point them at the last pixel (adds 0)
          const m = mt << 2, m1 = min(m + 1, M - 1), m2 = min(m + 2, M - 1), m3 = min(m + 3, M - 1)
          binTapVec(at(ap, m * K), K, panel, xo + <usize>load<i32>(at(pixt, m)), xo + <usize>load<i32>(at(pixt, m1)),
            xo + <usize>load<i32>(at(pixt, m2)), xo + <usize>load<i32>(at(pixt, m3)), 16, C - cp * 8 > 4)
        }
      }
    }
    // each [Hp][Wp][C] -> dx[n] [C][H][W]: 4 pixels x 4 channels per 4x4 transpose
    for (let i = 0; i < g; i++) {
      const dxn = at(dx, (n0 + i) * C * H * W), xi = at(xcl, i * img)
      for (let c0 = 0; c0 < C; c0 += 4) for (let h = 0; h < H; h++) {
        const s0 = xi + <usize>(((h + PAD) * Wp + PAD) * C + c0) * 4, d0 = at(dxn, c0 * H * W + h * W)
        let x = 0
        for (; x + 4 <= W; x += 4) {
          transpose4x4(s0 + <usize>x * ps, ps, d0 + (<usize>x << 2), cs)
        }
        for (; x < W; x++) for (let j = 0; j < 4; j++) {
          store<f32>(d0 + cs * j + (<usize>x << 2), load<f32>(s0 + <usize>x * ps + (<usize>j << 2)))
        }
      }
    }
  }
}

export function conv2d_backward_input(dx: usize, dout: usize, w: usize, ws: usize, N: i32, C: i32, H: i32, W: i32,
  K: i32, R: i32, S: i32, P: i32, Q: i32, STRIDE: i32, PAD: i32): void {
  const Hp = H + 2 * PAD, Wp = W + 2 * PAD, CRS = C * R * S, PQ = P * Q, img = C * Hp * Wp
  if (isWholeImage(H, W, R, S, PAD)) {
    // the filter covers the whole image: dx [N][CRS] = dout [N][K] w [K][CRS]
    matmul(dx, dout, w, ws, N, K, CRS)
    return
  }
  const RS = R * S, CP = up8(C) >> 3
  const t = ws, tab0 = ws + 128, bp = at(ws, WS_HEADER), ap = at(bp, max(K * up8(CRS), RS * CP * 8 * K))
  const G = imageGroup(N, PQ), tapt = at(ap, up4(G * PQ) * K), pixt = at(tapt, up4(CRS)), xcl = at(pixt, up4(G * PQ))
  const dxp = at(xcl, G * Hp * Wp * C)
  // epilogue: whole 4-tap groups adjacent in dx (S % 4 == 0) added from the registers; else, with C % 4 == 0, the
  // channels-last path below; else the tile's scatter
  const isTapVec = S % 4 == 0
  if (!isTapVec && (C & 3) == 0) {
    backwardInputChannelsLast(dx, dout, w, bp, ap, pixt, xcl, N, C, H, W, K, R, S, P, Q, STRIDE, PAD)
    return
  }
  store<i32>(tab0, 0)
  for (let jp = 0; jp < up8(CRS) >> 3; jp++) packN(at(bp, jp * K * 8), w, K, CRS, CRS, jp)
  for (let i = 0; i < CRS; i++) store<i32>(at(tapt, i), ((i / (R * S)) * Hp + (i % (R * S)) / S) * Wp + i % S)
  // the group's pixels as one list (image g at g * img floats of the target)
  cornerTable(pixt, PQ, Q, STRIDE, Wp, 1, G, img)
  const target = PAD > 0 ? dxp : dx
  memory.fill(target, 0, <usize>(N * img) << 2)
  for (let n0 = 0; n0 < N; n0 += G) {
    const g = min(G, N - n0), M = g * PQ, MT = (M + 3) >> 2
    packPixelPanels(ap, at(dout, n0 * K * PQ), K, PQ, M)
    const xn = at(target, n0 * img)
    for (let jp = 0; jp < up8(CRS) >> 3; jp++) {
      const panel = at(bp, jp * K * 8), nj = min(8, CRS - jp * 8)
      if (isTapVec) {
        const o0 = <usize>load<i32>(at(tapt, jp * 8)) << 2
        const off1 = nj > 4 ? (<usize>load<i32>(at(tapt, jp * 8 + 4)) << 2) - o0 : 0
        for (let mt = 0; mt < MT; mt++) {
          // pixels past M have zero dout: point them at the last pixel (adds 0)
          const m = mt << 2, m1 = min(m + 1, M - 1), m2 = min(m + 2, M - 1), m3 = min(m + 3, M - 1), xo = xn + o0
          binTapVec(at(ap, m * K), K, panel, at(xo, load<i32>(at(pixt, m))), at(xo, load<i32>(at(pixt, m1))),
            at(xo, load<i32>(at(pixt, m2))), at(xo, load<i32>(at(pixt, m3))), off1, nj > 4)
        }
        continue
      }
      for (let m = 0; m < M; m += 4) {
        const a0 = at(ap, m * K)
        micro(t, a0, a0 + 4, a0 + 8, a0 + 12, tab0, 1, K, 16, panel, 32, 0, 0)
        // col2im fused into the store: tile[i][j] belongs to input pixel (pixel m+i's corner) + (tap jp*8+j)
        for (let i = 0; i < min(4, M - m); i++) {
          const base = at(xn, load<i32>(at(pixt, m + i))), tr = t + (<usize>i << 5)
          for (let j = 0; j < nj; j++) {
            const d = at(base, load<i32>(at(tapt, jp * 8 + j)))
            store<f32>(d, load<f32>(d) + load<f32>(at(tr, j)))
          }
        }
      }
    }
  }
  if (PAD > 0) {
    for (let i = 0; i < N * C; i++) for (let h = 0; h < H; h++) {
      memory.copy(at(dx, (i * H + h) * W), at(dxp, (i * Hp + h + PAD) * Wp + PAD), <usize>W << 2)
    }
  }
}
