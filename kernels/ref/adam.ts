// adam_step: reference fused Adam update over L parameters, in place (Kingma & Ba, arXiv:1412.6980, as Chainer
// applies it: bias corrections folded into lr_t = lr sqrt(1 - b2^t) / (1 - b1^t) by the caller, eps not corrected).
// g is multiplied by grad_scale first (global-norm gradient clipping passes its factor here, 1 otherwise).
import type { Float, Dims } from './types.ts'

export function adam_step(p: Float, m: Float, v: Float, g: Float, d: Dims): void {
  const { L, lr_t, beta1, beta2, eps, grad_scale } = d
  for (let i = 0; i < L; i++) {
    const gi = g[i] * grad_scale
    m[i] = beta1 * m[i] + (1 - beta1) * gi
    v[i] = beta2 * v[i] + (1 - beta2) * gi * gi
    p[i] -= (lr_t * m[i]) / (Math.sqrt(v[i]) + eps)
  }
}
