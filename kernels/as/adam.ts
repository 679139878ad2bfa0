// adam_step: fused Adam update in place over L parameters (spec: kernels/ref/adam.ts; Kingma & Ba,
// arXiv:1412.6980). Bias corrections are folded into lr_t by the caller; g is scaled by grad_scale first.
// m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; p -= lr_t m / (sqrt(v) + eps). f32x4 main loop, scalar tail.

@inline function at(p: usize, i: i32): usize { return p + (<usize>i << 2) }

export function adam_step(p: usize, m: usize, v: usize, g: usize, L: i32, lr_t: f32, beta1: f32, beta2: f32, eps: f32,
  grad_scale: f32): void {
  const b1 = f32x4.splat(beta1), b2 = f32x4.splat(beta2), c1 = f32x4.splat(1 - beta1), c2 = f32x4.splat(1 - beta2)
  const lr = f32x4.splat(lr_t), ep = f32x4.splat(eps), gs = f32x4.splat(grad_scale)
  let i = 0
  for (; i + 4 <= L; i += 4) {
    const gi = f32x4.mul(v128.load(at(g, i)), gs)
    const mi = f32x4.add(f32x4.mul(b1, v128.load(at(m, i))), f32x4.mul(c1, gi))
    const vi = f32x4.add(f32x4.mul(b2, v128.load(at(v, i))), f32x4.mul(f32x4.mul(c2, gi), gi))
    v128.store(at(m, i), mi)
    v128.store(at(v, i), vi)
    v128.store(at(p, i), f32x4.sub(v128.load(at(p, i)), f32x4.div(f32x4.mul(lr, mi), f32x4.add(f32x4.sqrt(vi), ep))))
  }
  for (; i < L; i++) {
    const gi = load<f32>(at(g, i)) * grad_scale
    const mi = beta1 * load<f32>(at(m, i)) + (1 - beta1) * gi
    const vi = beta2 * load<f32>(at(v, i)) + (1 - beta2) * gi * gi
    store<f32>(at(m, i), mi)
    store<f32>(at(v, i), vi)
    store<f32>(at(p, i), load<f32>(at(p, i)) - (lr_t * mi) / (Mathf.sqrt(vi) + eps))
  }
}
