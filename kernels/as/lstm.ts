// lstm_cell_forward / lstm_cell_backward (spec: kernels/ref/lstm.ts). pre [N, 4U] holds the gate pre-activations
// in BLOCKED order [a | i | f | o] (kernels/index.ts): a = tanh, i f o = sigmoid; c = a i + f c_prev,
// h = o tanh(c). gates [N, 4U] saves the activated a, i, f, o for the backward. One invocation does all N x U
// units; the matmuls that produce pre are separate kernels.
// Transcendentals: f32x4 over 4 units at a time with expv (Cephes expf: round x/ln2 to n, reduce by n ln2 in two
// parts, degree-6 polynomial on |r| <= ln2/2, scale by 2^n through the exponent bits; ~1e-7 relative) and
// sigmoid = 1 / (1 + exp(-x)), tanh = Cephes tanhf (odd polynomial below |x| 0.625, where 1 - 2 / (exp(2x) + 1)
// would cancel; that form above). The scalar tail (U % 4 units) uses Mathf (musl ports, < 1 ulp).

@inline function at(p: usize, i: i32): usize { return p + (<usize>i << 2) }
@inline function sigm(x: f32): f32 { return 1 / (1 + Mathf.exp(-x)) }

@inline function expv(x: v128): v128 {
  x = f32x4.min(f32x4.max(x, f32x4.splat(-87.3)), f32x4.splat(88.7))
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.44269504089)))
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375))), f32x4.mul(n, f32x4.splat(-2.12194440e-4)))
  let p = f32x4.add(f32x4.mul(f32x4.splat(1.9875691500e-4), r), f32x4.splat(1.3981999507e-3))
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3))
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2))
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1))
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1))
  p = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1))
  // * 2^n: add n to the exponent field (n in [-126, 128]; 2^128 overflows to inf as exp should)
  return i32x4.add(p, i32x4.shl(i32x4.trunc_sat_f32x4_s(n), 23))
}
@inline function sigmv(x: v128): v128 {
  const one = f32x4.splat(1)
  return f32x4.div(one, f32x4.add(one, expv(f32x4.neg(x))))
}
@inline function tanhv(x: v128): v128 {
  const ax = f32x4.abs(x), z = f32x4.mul(x, x)
  let p = f32x4.add(f32x4.mul(f32x4.splat(-5.70498872745e-3), z), f32x4.splat(2.06390887954e-2))
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-5.37397155531e-2))
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.33314422036e-1))
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-3.33332819422e-1))
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z), x), x)
  const one = f32x4.splat(1)
  const big = f32x4.sub(one, f32x4.div(f32x4.splat(2), f32x4.add(expv(f32x4.add(ax, ax)), one)))
  // sign of x onto the large-|x| form
  const bigSigned = v128.or(big, v128.and(x, f32x4.splat(-0.0)))
  return v128.bitselect(small, bigSigned, f32x4.lt(ax, f32x4.splat(0.625)))
}

export function lstm_cell_forward(h: usize, c: usize, gates: usize, pre: usize, c_prev: usize, N: i32, U: i32): void {
  for (let n = 0; n < N; n++) {
    const row = n * 4 * U
    let u = 0
    for (; u + 4 <= U; u += 4) {
      const a = tanhv(v128.load(at(pre, row + u))), i = sigmv(v128.load(at(pre, row + U + u)))
      const f = sigmv(v128.load(at(pre, row + 2 * U + u))), o = sigmv(v128.load(at(pre, row + 3 * U + u)))
      v128.store(at(gates, row + u), a)
      v128.store(at(gates, row + U + u), i)
      v128.store(at(gates, row + 2 * U + u), f)
      v128.store(at(gates, row + 3 * U + u), o)
      const k = n * U + u
      const cn = f32x4.add(f32x4.mul(a, i), f32x4.mul(f, v128.load(at(c_prev, k))))
      v128.store(at(c, k), cn)
      v128.store(at(h, k), f32x4.mul(o, tanhv(cn)))
    }
    for (; u < U; u++) {
      const a = Mathf.tanh(load<f32>(at(pre, row + u))), i = sigm(load<f32>(at(pre, row + U + u)))
      const f = sigm(load<f32>(at(pre, row + 2 * U + u))), o = sigm(load<f32>(at(pre, row + 3 * U + u)))
      store<f32>(at(gates, row + u), a)
      store<f32>(at(gates, row + U + u), i)
      store<f32>(at(gates, row + 2 * U + u), f)
      store<f32>(at(gates, row + 3 * U + u), o)
      const k = n * U + u
      const cn = a * i + f * load<f32>(at(c_prev, k))
      store<f32>(at(c, k), cn)
      store<f32>(at(h, k), o * Mathf.tanh(cn))
    }
  }
}

export function lstm_cell_backward(dpre: usize, dc_prev: usize, dh: usize, dc: usize, gates: usize, c: usize,
  c_prev: usize, N: i32, U: i32): void {
  for (let n = 0; n < N; n++) {
    const row = n * 4 * U
    for (let u = 0; u < U; u++) {
      const k = n * U + u
      const a = load<f32>(at(gates, row + u)), i = load<f32>(at(gates, row + U + u))
      const f = load<f32>(at(gates, row + 2 * U + u)), o = load<f32>(at(gates, row + 3 * U + u))
      const tc = Mathf.tanh(load<f32>(at(c, k))), g = load<f32>(at(dh, k))
      const dct = load<f32>(at(dc, k)) + g * o * (1 - tc * tc) // total gradient reaching c
      store<f32>(at(dpre, row + u), dct * i * (1 - a * a))
      store<f32>(at(dpre, row + U + u), dct * a * i * (1 - i))
      store<f32>(at(dpre, row + 2 * U + u), dct * load<f32>(at(c_prev, k)) * f * (1 - f))
      store<f32>(at(dpre, row + 3 * U + u), g * tc * o * (1 - o))
      store<f32>(at(dc_prev, k), dct * f)
    }
  }
}
