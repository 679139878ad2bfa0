// lstm_cell_forward / lstm_cell_backward (spec: kernels/ref/lstm.ts). pre [N, 4U] holds the gate pre-activations
// in BLOCKED order [a | i | f | o] (kernels/index.ts): a = tanh, i f o = sigmoid; c = a i + f c_prev,
// h = o tanh(c). gates [N, 4U] saves the activated a, i, f, o for the backward. One invocation does all N x U
// units; the matmuls that produce pre are separate kernels. Transcendentals: Mathf (musl ports, < 1 ulp).

@inline function at(p: usize, i: i32): usize { return p + (<usize>i << 2) }
@inline function sigm(x: f32): f32 { return 1 / (1 + Mathf.exp(-x)) }

export function lstm_cell_forward(h: usize, c: usize, gates: usize, pre: usize, c_prev: usize, N: i32, U: i32): void {
  for (let n = 0; n < N; n++) {
    const row = n * 4 * U
    for (let u = 0; u < U; u++) {
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
