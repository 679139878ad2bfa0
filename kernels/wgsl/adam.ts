// adam_step in WGSL: one invocation per parameter, p/m/v updated in place (read_write outputs), g read.
// m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; p -= lr_t m / (sqrt(v) + eps), g pre-scaled by grad_scale
// (Kingma & Ba, https://arxiv.org/abs/1412.6980; bias corrections folded into lr_t by the caller).
import { grid1d, type WgslKernel } from './prelude.ts'

const WG = 64
export const adam_step: WgslKernel = {
  workgroup: [WG, 1, 1],
  items: 16,
  body: `
  let i = flat(gid, nwg);
  if (i >= d.L) { return; }
  let gi = g[i] * d.grad_scale;
  let mi = d.beta1 * m[i] + (1.0 - d.beta1) * gi;
  let vi = d.beta2 * v[i] + (1.0 - d.beta2) * gi * gi;
  m[i] = mi;
  v[i] = vi;
  p[i] = p[i] - (d.lr_t * mi) / (sqrt(vi) + d.eps);`,
  workgroups: (d) => grid1d(d.L, WG),
}
