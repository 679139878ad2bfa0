// lstm_cell_forward / lstm_cell_backward: reference. pre [N, 4U] holds the gate pre-activations in BLOCKED
// order [a | i | f | o] (see kernels/index.ts); c = tanh(a) sig(i) + sig(f) c_prev, h = sig(o) tanh(c).
// gates [N, 4U] keeps the activated values for the backward pass.
import type { Float, Dims } from './types.ts'

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x))

export function lstm_cell_forward(h: Float, c: Float, gates: Float, pre: Float, c_prev: Float, { N, U }: Dims): void {
  for (let n = 0; n < N; n++)
    for (let u = 0; u < U; u++) {
      const row = n * 4 * U
      const a = Math.tanh(pre[row + u]),
        i = sigmoid(pre[row + U + u])
      const f = sigmoid(pre[row + 2 * U + u]),
        o = sigmoid(pre[row + 3 * U + u])
      gates[row + u] = a
      gates[row + U + u] = i
      gates[row + 2 * U + u] = f
      gates[row + 3 * U + u] = o
      const cn = a * i + f * c_prev[n * U + u]
      c[n * U + u] = cn
      h[n * U + u] = o * Math.tanh(cn)
    }
}

export function lstm_cell_backward(dpre: Float, dc_prev: Float, dh: Float, dc: Float, gates: Float, c: Float, c_prev: Float, { N, U }: Dims): void {
  for (let n = 0; n < N; n++)
    for (let u = 0; u < U; u++) {
      const row = n * 4 * U,
        k = n * U + u
      const a = gates[row + u],
        i = gates[row + U + u],
        f = gates[row + 2 * U + u],
        o = gates[row + 3 * U + u]
      const tc = Math.tanh(c[k])
      const dct = dc[k] + dh[k] * o * (1 - tc * tc) // total gradient reaching c
      dpre[row + u] = dct * i * (1 - a * a)
      dpre[row + U + u] = dct * a * i * (1 - i)
      dpre[row + 2 * U + u] = dct * c_prev[k] * f * (1 - f)
      dpre[row + 3 * U + u] = dh[k] * tc * o * (1 - o)
      dc_prev[k] = dct * f
    }
}
