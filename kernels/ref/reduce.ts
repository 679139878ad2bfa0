// Reductions over the middle axis of x viewed as [O, R, I] -> out [O, I]: reference. sum_reduce, max_reduce,
// max_reduce_backward (dout goes to the FIRST maximal element of each reduced row), and sum_squares (out[0] =
// sum of (scale x)^2 over L elements, in double: the squared L2 norm used by global-norm gradient clipping with
// scale 1; with scale 0, 0 when every element is finite and NaN otherwise).
import type { Float, Dims } from './types.ts'

export function sum_reduce(out: Float, x: Float, { O, R, I }: Dims): void {
  for (let o = 0; o < O; o++)
    for (let i = 0; i < I; i++) {
      let acc = 0
      for (let r = 0; r < R; r++) acc += x[(o * R + r) * I + i]
      out[o * I + i] = acc
    }
}

export function max_reduce(out: Float, x: Float, { O, R, I }: Dims): void {
  for (let o = 0; o < O; o++)
    for (let i = 0; i < I; i++) {
      let m = -Infinity
      for (let r = 0; r < R; r++) m = Math.max(m, x[(o * R + r) * I + i])
      out[o * I + i] = m
    }
}

export function max_reduce_backward(dx: Float, dout: Float, x: Float, y: Float, { O, R, I }: Dims): void {
  for (let o = 0; o < O; o++)
    for (let i = 0; i < I; i++) {
      let hit = false
      for (let r = 0; r < R; r++) {
        const j = (o * R + r) * I + i
        const isMax = !hit && x[j] === y[o * I + i]
        if (isMax) hit = true
        dx[j] = isMax ? dout[o * I + i] : 0
      }
    }
}

export function sum_squares(out: Float, x: Float, { L, scale }: Dims): void {
  let acc = 0
  for (let i = 0; i < L; i++) {
    const v = scale * x[i]
    acc += v * v
  }
  out[0] = acc
}
