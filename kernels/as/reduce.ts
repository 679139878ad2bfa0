// Reductions over the middle axis of x viewed [O, R, I] -> out [O, I] (spec: kernels/ref/reduce.ts):
// sum_reduce, max_reduce, max_reduce_backward (dout routed to the FIRST maximum of each reduced row, zeros
// elsewhere) and sum_squares (out[0] = sum x^2 over L, for global-norm clipping).
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

export function sum_squares(out: usize, x: usize, L: i32): void {
  let s: f64 = 0
  for (let i = 0; i < L; i++) {
    const v = <f64>load<f32>(at(x, i))
    s += v * v
  }
  store<f32>(out, <f32>s)
}
