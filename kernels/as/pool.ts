// 2x2 max pooling with stride 2, x [N, C, H, W] -> out [N, C, P, Q], P = H / 2, Q = W / 2 floored (spec:
// kernels/ref/pool.ts): max_pool2 and max_pool2_backward (dout to the first element of its window, row-major, equal
// to y; zeros elsewhere). One output row at a time: its two input rows are contiguous runs of 2Q floats.
// - Q >= 4: 8 input columns (4 windows) per step: two f32x4 loads per row, shuffles deinterleave even and odd
//   columns. The last step is moved back to end at column 2Q (it overlaps the one before and rewrites the same
//   values), so there is no scalar tail.
// - Q == 3 (W = 6, 7: the MiniGrid encoder's [N, 16, 6, 6]): two overlapping loads per row, columns 0-3 and 2-5.
// - Q < 3: scalar windows.
// f32x4.max and Mathf.max are wasm's max: NaN if either operand is NaN, +0 over -0, like the ref's Math.max; f32
// equality (f32x4.eq, ==) is IEEE's, so -0 == +0 and NaN equals nothing, like the ref's ===.

@inline function at(p: usize, i: i32): usize { return p + (<usize>i << 2) }

@inline function deinterleave(a: v128, b: v128, odd: bool): v128 {
  return odd ? v128.shuffle<f32>(a, b, 1, 3, 5, 7) : v128.shuffle<f32>(a, b, 0, 2, 4, 6)
}

export function max_pool2(out: usize, x: usize, N: i32, C: i32, H: i32, W: i32): void {
  const P = H >> 1, Q = W >> 1
  for (let p = 0; p < N * C; p++) for (let i = 0; i < P; i++) {
    const top = at(x, (p * H + 2 * i) * W), bot = at(top, W), o = at(out, (p * P + i) * Q)
    if (Q >= 4) {
      for (let j = 0; ; j += 4) {
        const jj = min(j, Q - 4), c = 2 * jj
        const v0 = f32x4.max(v128.load(at(top, c)), v128.load(at(bot, c)))
        const v1 = f32x4.max(v128.load(at(top, c + 4)), v128.load(at(bot, c + 4)))
        v128.store(at(o, jj), f32x4.max(deinterleave(v0, v1, false), deinterleave(v0, v1, true)))
        if (jj == Q - 4) break
      }
    } else if (Q == 3) {
      const v0 = f32x4.max(v128.load(top), v128.load(bot)) // columns 0-3
      const v1 = f32x4.max(v128.load(at(top, 2)), v128.load(at(bot, 2))) // columns 2-5
      const m = f32x4.max(v128.shuffle<f32>(v0, v1, 0, 2, 6, 6), v128.shuffle<f32>(v0, v1, 1, 3, 7, 7))
      v128.store64_lane(o, m, 0)
      v128.store32_lane(o, m, 2, 8)
    } else {
      for (let j = 0; j < Q; j++) {
        const t = at(top, 2 * j), b = at(bot, 2 * j)
        store<f32>(at(o, j), Mathf.max(Mathf.max(load<f32>(t), load<f32>(t, 4)), Mathf.max(load<f32>(b), load<f32>(b, 4))))
      }
    }
  }
}

/** Lane mask of v == y where no earlier element of the window (mask `taken`) was. */
@inline function nextEq(v: v128, y: v128, taken: v128): v128 { return v128.andnot(f32x4.eq(v, y), taken) }

/**
 * Routes g (lanes: windows) to the first of a, b (top row), c, d (bottom row) equal to y and stores the dx of the two
 * rows, interleaved back into columns: windows 0-1 at `dtop`/`dbot`, then windows 2-3 at column 4 (wide) or windows
 * 1-2 at column 2 (Q == 3: columns 2 and 3 are written twice, with equal values).
 */
@inline function route(dtop: usize, dbot: usize, a: v128, b: v128, c: v128, d: v128, y: v128, g: v128, wide: bool): void {
  const ma = f32x4.eq(a, y), mb = nextEq(b, y, ma), mab = v128.or(ma, mb), mc = nextEq(c, y, mab), md = nextEq(d, y, v128.or(mab, mc))
  // and with a mask keeps g's bits or gives +0, the ref's 0
  const da = v128.and(g, ma), db = v128.and(g, mb), dc = v128.and(g, mc), dd = v128.and(g, md)
  v128.store(dtop, v128.shuffle<f32>(da, db, 0, 4, 1, 5))
  v128.store(dbot, v128.shuffle<f32>(dc, dd, 0, 4, 1, 5))
  if (wide) {
    v128.store(at(dtop, 4), v128.shuffle<f32>(da, db, 2, 6, 3, 7))
    v128.store(at(dbot, 4), v128.shuffle<f32>(dc, dd, 2, 6, 3, 7))
  } else {
    v128.store(at(dtop, 2), v128.shuffle<f32>(da, db, 1, 5, 2, 6))
    v128.store(at(dbot, 2), v128.shuffle<f32>(dc, dd, 1, 5, 2, 6))
  }
}

export function max_pool2_backward(dx: usize, dout: usize, x: usize, y: usize, N: i32, C: i32, H: i32, W: i32): void {
  const P = H >> 1, Q = W >> 1
  // an odd last row or column belongs to no window: clear everything once, the windows overwrite the rest
  if ((H | W) & 1) memory.fill(dx, 0, <usize>N * C * H * W * 4)
  for (let p = 0; p < N * C; p++) for (let i = 0; i < P; i++) {
    const r0 = (p * H + 2 * i) * W, o = (p * P + i) * Q
    const top = at(x, r0), bot = at(top, W), dtop = at(dx, r0), dbot = at(dtop, W), yo = at(y, o), go = at(dout, o)
    if (Q >= 4) {
      for (let j = 0; ; j += 4) {
        const jj = min(j, Q - 4), c = 2 * jj
        const t0 = v128.load(at(top, c)), t1 = v128.load(at(top, c + 4)), b0 = v128.load(at(bot, c)), b1 = v128.load(at(bot, c + 4))
        const a = deinterleave(t0, t1, false), b = deinterleave(t0, t1, true)
        route(at(dtop, c), at(dbot, c), a, b, deinterleave(b0, b1, false), deinterleave(b0, b1, true), v128.load(at(yo, jj)), v128.load(at(go, jj)), true)
        if (jj == Q - 4) break
      }
    } else if (Q == 3) {
      const t0 = v128.load(top), t1 = v128.load(at(top, 2)), b0 = v128.load(bot), b1 = v128.load(at(bot, 2))
      // the 3 windows' y and dout in lanes 0-2 (lane 3 is 0 and never stored)
      const yv = v128.load32_lane(yo, v128.load64_zero(yo), 2, 8), gv = v128.load32_lane(go, v128.load64_zero(go), 2, 8)
      const a = v128.shuffle<f32>(t0, t1, 0, 2, 6, 6), b = v128.shuffle<f32>(t0, t1, 1, 3, 7, 7)
      route(dtop, dbot, a, b, v128.shuffle<f32>(b0, b1, 0, 2, 6, 6), v128.shuffle<f32>(b0, b1, 1, 3, 7, 7), yv, gv, false)
    } else {
      for (let j = 0; j < Q; j++) {
        const m = load<f32>(at(yo, j)), g = load<f32>(at(go, j)), t = at(top, 2 * j), b = at(bot, 2 * j)
        const a0 = load<f32>(t) == m, a1 = !a0 && load<f32>(t, 4) == m
        const a2 = !(a0 || a1) && load<f32>(b) == m, a3 = !(a0 || a1 || a2) && load<f32>(b, 4) == m
        store<f32>(at(dtop, 2 * j), a0 ? g : 0)
        store<f32>(at(dtop, 2 * j + 1), a1 ? g : 0)
        store<f32>(at(dbot, 2 * j), a2 ? g : 0)
        store<f32>(at(dbot, 2 * j + 1), a3 ? g : 0)
      }
    }
  }
}
