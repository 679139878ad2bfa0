// 2x2 max pooling with stride 2 over x [N, C, H, W] -> out [N, C, P, Q], P = floor(H / 2), Q = floor(W / 2): reference.
// Forward: Math.max of the window (NaN when any element is NaN; +0 over -0). Backward: dout goes to the FIRST element
// of the window, in row-major order, that equals y (so -0 and +0 tie; a window whose y is NaN passes nothing), 0
// elsewhere, including an odd last row or column that no window covers. This is what the former composition of two
// max reductions (columns, then rows, each routing to its first maximum) selected; test/engine/pool.test.ts checks it.
import type { Float, Dims } from './types.ts'

export function max_pool2(out: Float, x: Float, { N, C, H, W }: Dims): void {
  const P = Math.floor(H / 2),
    Q = Math.floor(W / 2)
  for (let p = 0; p < N * C; p++)
    for (let i = 0; i < P; i++)
      for (let j = 0; j < Q; j++) {
        const t = (p * H + 2 * i) * W + 2 * j
        out[(p * P + i) * Q + j] = Math.max(x[t], x[t + 1], x[t + W], x[t + W + 1])
      }
}

export function max_pool2_backward(dx: Float, dout: Float, x: Float, y: Float, { N, C, H, W }: Dims): void {
  const P = Math.floor(H / 2),
    Q = Math.floor(W / 2)
  dx.fill(0)
  for (let p = 0; p < N * C; p++)
    for (let i = 0; i < P; i++)
      for (let j = 0; j < Q; j++) {
        const t = (p * H + 2 * i) * W + 2 * j,
          o = (p * P + i) * Q + j
        const hit = [t, t + 1, t + W, t + W + 1].find((k) => x[k] === y[o])
        if (hit !== undefined) dx[hit] = dout[o]
      }
}
