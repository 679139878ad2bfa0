// conv2d_forward / conv2d_backward_input / conv2d_backward_weight: reference, NCHW, weights [K,C,R,S],
// any stride, zero padding PAD on every side. Output size P = (H + 2 PAD - R) / STRIDE + 1 (Q likewise).
// Input pixel of output (p, q) and filter tap (r, s): h = p*STRIDE - PAD + r, w = q*STRIDE - PAD + s; taps that
// land outside the image read zero. The backwards are the same loops with the accumulation moved.
import type { Float, Dims } from './types.ts'

export function conv2d_forward(out: Float, x: Float, w: Float, b: Float, d: Dims): void {
  const { N, C, H, W, K, R, S, P, Q, STRIDE, PAD } = d
  for (let n = 0; n < N; n++)
    for (let k = 0; k < K; k++)
      for (let p = 0; p < P; p++)
        for (let q = 0; q < Q; q++) {
          let acc = b[k]
          for (let c = 0; c < C; c++)
            for (let r = 0; r < R; r++)
              for (let s = 0; s < S; s++) {
                const h = p * STRIDE - PAD + r,
                  ww = q * STRIDE - PAD + s
                if (h < 0 || h >= H || ww < 0 || ww >= W) continue
                acc += x[((n * C + c) * H + h) * W + ww] * w[((k * C + c) * R + r) * S + s]
              }
          out[((n * K + k) * P + p) * Q + q] = acc
        }
}

export function conv2d_backward_input(dx: Float, dout: Float, w: Float, d: Dims): void {
  const { N, C, H, W, K, R, S, P, Q, STRIDE, PAD } = d
  dx.fill(0)
  for (let n = 0; n < N; n++)
    for (let k = 0; k < K; k++)
      for (let p = 0; p < P; p++)
        for (let q = 0; q < Q; q++) {
          const g = dout[((n * K + k) * P + p) * Q + q]
          for (let c = 0; c < C; c++)
            for (let r = 0; r < R; r++)
              for (let s = 0; s < S; s++) {
                const h = p * STRIDE - PAD + r,
                  ww = q * STRIDE - PAD + s
                if (h < 0 || h >= H || ww < 0 || ww >= W) continue
                dx[((n * C + c) * H + h) * W + ww] += g * w[((k * C + c) * R + r) * S + s]
              }
        }
}

export function conv2d_backward_weight(dw: Float, dout: Float, x: Float, d: Dims): void {
  const { N, C, H, W, K, R, S, P, Q, STRIDE, PAD } = d
  dw.fill(0)
  for (let n = 0; n < N; n++)
    for (let k = 0; k < K; k++)
      for (let p = 0; p < P; p++)
        for (let q = 0; q < Q; q++) {
          const g = dout[((n * K + k) * P + p) * Q + q]
          for (let c = 0; c < C; c++)
            for (let r = 0; r < R; r++)
              for (let s = 0; s < S; s++) {
                const h = p * STRIDE - PAD + r,
                  ww = q * STRIDE - PAD + s
                if (h < 0 || h >= H || ww < 0 || ww >= W) continue
                dw[((k * C + c) * R + r) * S + s] += g * x[((n * C + c) * H + h) * W + ww]
              }
        }
}
