// softmax_forward/backward and log_softmax_forward/backward on the last axis of x [N, D]: reference.
// Forward subtracts the row max for stability. Backward uses the forward output y:
// softmax: dx = y * (dy - sum(dy * y)); log_softmax: dx = dy - exp(y) * sum(dy).
import type { Float, Dims } from './types.ts'

export function softmax_forward(y: Float, x: Float, { N, D }: Dims): void {
  for (let n = 0; n < N; n++) {
    let mx = -Infinity,
      s = 0
    for (let j = 0; j < D; j++) mx = Math.max(mx, x[n * D + j])
    for (let j = 0; j < D; j++) s += y[n * D + j] = Math.exp(x[n * D + j] - mx)
    for (let j = 0; j < D; j++) y[n * D + j] /= s
  }
}

export function softmax_backward(dx: Float, dy: Float, y: Float, { N, D }: Dims): void {
  for (let n = 0; n < N; n++) {
    let dot = 0
    for (let j = 0; j < D; j++) dot += dy[n * D + j] * y[n * D + j]
    for (let j = 0; j < D; j++) dx[n * D + j] = y[n * D + j] * (dy[n * D + j] - dot)
  }
}

export function log_softmax_forward(y: Float, x: Float, { N, D }: Dims): void {
  for (let n = 0; n < N; n++) {
    let mx = -Infinity,
      s = 0
    for (let j = 0; j < D; j++) mx = Math.max(mx, x[n * D + j])
    for (let j = 0; j < D; j++) s += Math.exp(x[n * D + j] - mx)
    const lse = mx + Math.log(s)
    for (let j = 0; j < D; j++) y[n * D + j] = x[n * D + j] - lse
  }
}

export function log_softmax_backward(dx: Float, dy: Float, y: Float, { N, D }: Dims): void {
  for (let n = 0; n < N; n++) {
    let s = 0
    for (let j = 0; j < D; j++) s += dy[n * D + j]
    for (let j = 0; j < D; j++) dx[n * D + j] = dy[n * D + j] - Math.exp(y[n * D + j]) * s
  }
}
