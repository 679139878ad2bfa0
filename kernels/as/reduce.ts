// Reductions over the middle axis of x viewed [O, R, I] -> out [O, I] (spec: kernels/ref/reduce.ts):
// sum_reduce, max_reduce, max_reduce_backward (dout routed to the FIRST maximum of each reduced row, zeros
// elsewhere) and sum_squares (out[0] = sum (scale x)^2 over L: global-norm clipping, and the finite check with scale 0).
// When I == 1 (reducing the last axis) a row is contiguous: sum in f64 (matching the ref's double accumulation).
// When I > 1 the out row [I] accumulates R rows of x with an f32x4 main loop and a scalar tail.

@inline function at(p: usize, i: i32): usize { return p + (<usize>i << 2) }

export function sum_reduce(out: usize, x: usize, O: i32, R: i32, I: i32): void {
  for (let o = 0; o < O; o++) {
    const xo = at(x, o * R * I), oo = at(out, o * I)
    if (I == 1) {
      let s: f64 = 0
      for (let r = 0; r < R; r++) s += load<f32>(at(xo, r))
      store<f32>(oo, <f32>s)
      continue
    }
    for (let i = 0; i < I; i++) store<f32>(at(oo, i), 0)
    for (let r = 0; r < R; r++) {
      const xr = at(xo, r * I)
      let i = 0
      for (; i + 4 <= I; i += 4) v128.store(at(oo, i), f32x4.add(v128.load(at(oo, i)), v128.load(at(xr, i))))
      for (; i < I; i++) store<f32>(at(oo, i), load<f32>(at(oo, i)) + load<f32>(at(xr, i)))
    }
  }
}

export function max_reduce(out: usize, x: usize, O: i32, R: i32, I: i32): void {
  for (let o = 0; o < O; o++) {
    const xo = at(x, o * R * I), oo = at(out, o * I)
    for (let i = 0; i < I; i++) store<f32>(at(oo, i), -Infinity)
    for (let r = 0; r < R; r++) {
      const xr = at(xo, r * I)
      let i = 0
      for (; i + 4 <= I; i += 4) v128.store(at(oo, i), f32x4.max(v128.load(at(oo, i)), v128.load(at(xr, i))))
      for (; i < I; i++) store<f32>(at(oo, i), Mathf.max(load<f32>(at(oo, i)), load<f32>(at(xr, i))))
    }
  }
}

export function max_reduce_backward(dx: usize, dout: usize, x: usize, y: usize, O: i32, R: i32, I: i32): void {
  for (let o = 0; o < O; o++) for (let i = 0; i < I; i++) {
    const m = load<f32>(at(y, o * I + i)), g = load<f32>(at(dout, o * I + i))
    let hit = false
    for (let r = 0; r < R; r++) {
      const j = (o * R + r) * I + i
      const isMax = !hit && load<f32>(at(x, j)) == m
      if (isMax) hit = true
      store<f32>(at(dx, j), isMax ? g : 0)
    }
  }
}

export function sum_squares(out: usize, x: usize, L: i32, scale: f32): void {
  // (scale x)^2 in f64 like the ref (exact: a float32 product squared fits a double's mantissa), summed in 4 f64x2
  // accumulators (8 independent chains instead of one: the scalar loop was bound by the f64 add's latency); the
  // order differs from the ref's, by double rounding only
  const s = f64x2.splat(<f64>scale)
  let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0)
  let i = 0
  for (; i + 8 <= L; i += 8) {
    const p = at(x, i)
    const v0 = f64x2.mul(f64x2.promote_low_f32x4(v128.load64_zero(p)), s)
    const v1 = f64x2.mul(f64x2.promote_low_f32x4(v128.load64_zero(p, 8)), s)
    const v2 = f64x2.mul(f64x2.promote_low_f32x4(v128.load64_zero(p, 16)), s)
    const v3 = f64x2.mul(f64x2.promote_low_f32x4(v128.load64_zero(p, 24)), s)
    a0 = f64x2.add(a0, f64x2.mul(v0, v0))
    a1 = f64x2.add(a1, f64x2.mul(v1, v1))
    a2 = f64x2.add(a2, f64x2.mul(v2, v2))
    a3 = f64x2.add(a3, f64x2.mul(v3, v3))
  }
  const t = f64x2.add(f64x2.add(a0, a1), f64x2.add(a2, a3))
  let acc = f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1)
  for (; i < L; i++) {
    const v = <f64>scale * <f64>load<f32>(at(x, i))
    acc += v * v
  }
  store<f32>(out, <f32>acc)
}
