// dnc_interface_forward / _backward in WGSL (spec: kernels/ref/dnc_interface.ts): one invocation per element of the
// interface vector xi [B, I], which finds its part by offset (kernels/index.ts dncInterfaceLayout); a read mode's
// invocation computes its head's 3-way softmax.
import { grid1d, type WgslKernel } from './prelude.ts'

const WG = 64

const ACT = `
fn sigmoid_(x: f32) -> f32 { return 1.0 / (1.0 + exp(-x)); }
fn oneplus_(x: f32) -> f32 { return 1.0 + max(x, 0.0) + log(1.0 + exp(-abs(x))); }`

// the interface layout (kernels/index.ts dncInterfaceLayout), e = flat index into xi [B, I]
const LAYOUT = `
  let e = flat(gid, nwg);
  let I = d.R * d.W + 3 * d.W + 5 * d.R + 3;
  if (e >= d.B * I) { return; }
  let b = e / I;
  let j = e % I;
  let br = d.R * d.W;
  let kw = br + d.R;
  let bw = kw + d.W;
  let ea = bw + 1;
  let v = ea + d.W;
  let f = v + d.W;
  let ga = f + d.R;
  let gw = ga + 1;
  let pi = gw + 1;
  let x = xi[e];`
// the softmax over the 3 read modes of element j's head (h0: its first logit in xi)
const MODES = `
  let hm = (j - pi) / 3;
  let m = (j - pi) % 3;
  let h0 = b * I + pi + 3 * hm;
  let mx = max(xi[h0], max(xi[h0 + 1], xi[h0 + 2]));
  let s = exp(xi[h0] - mx) + exp(xi[h0 + 1] - mx) + exp(xi[h0 + 2] - mx);
  let o = (b * d.R + hm) * 3;`

export const dnc_interface_forward: WgslKernel = {
  workgroup: [WG, 1, 1],
  helpers: ACT,
  body: `${LAYOUT}
  if (j < br) { read_keys[b * br + j] = x; }
  else if (j < kw) { read_strengths[b * d.R + j - br] = oneplus_(x); }
  else if (j < bw) { write_key[b * d.W + j - kw] = x; }
  else if (j == bw) { write_strength[b] = oneplus_(x); }
  else if (j < v) { erase[b * d.W + j - ea] = sigmoid_(x); }
  else if (j < f) { write_vec[b * d.W + j - v] = x; }
  else if (j < ga) { free[b * d.R + j - f] = sigmoid_(x); }
  else if (j == ga) { alloc_gate[b] = sigmoid_(x); }
  else if (j == gw) { write_gate[b] = sigmoid_(x); }
  else {${MODES}
    modes[o + m] = exp(x - mx) / s;
  }`,
  workgroups: (d) => grid1d(d.B * (d.R * d.W + 3 * d.W + 5 * d.R + 3), WG),
}

export const dnc_interface_backward: WgslKernel = {
  workgroup: [WG, 1, 1],
  helpers: ACT,
  body: `${LAYOUT}
  let sg = sigmoid_(x);
  if (j < br) { dxi[e] = d_read_keys[b * br + j]; }
  else if (j < kw) { dxi[e] = d_read_strengths[b * d.R + j - br] * sg; }
  else if (j < bw) { dxi[e] = d_write_key[b * d.W + j - kw]; }
  else if (j == bw) { dxi[e] = d_write_strength[b] * sg; }
  else if (j < v) { dxi[e] = d_erase[b * d.W + j - ea] * sg * (1.0 - sg); }
  else if (j < f) { dxi[e] = d_write_vec[b * d.W + j - v]; }
  else if (j < ga) { dxi[e] = d_free[b * d.R + j - f] * sg * (1.0 - sg); }
  else if (j == ga) { dxi[e] = d_alloc_gate[b] * sg * (1.0 - sg); }
  else if (j == gw) { dxi[e] = d_write_gate[b] * sg * (1.0 - sg); }
  else {${MODES}
    var dot = 0.0;
    for (var k = 0; k < 3; k++) { dot += exp(xi[h0 + k] - mx) / s * d_modes[o + k]; }
    dxi[e] = exp(x - mx) / s * (d_modes[o + m] - dot);
  }`,
  workgroups: (d) => grid1d(d.B * (d.R * d.W + 3 * d.W + 5 * d.R + 3), WG),
}
