// conv2d_forward / conv2d_backward_input / conv2d_backward_weight in WGSL: NCHW, weights [K,C,R,S], any stride,
// zero padding PAD (kernels/ref/conv2d.ts is the spec). Input pixel of output (p, q) and tap (r, s):
// h = p*STRIDE - PAD + r, w = q*STRIDE - PAD + s; taps outside the image read zero.
// v1 (naive): one invocation per element written, each a plain loop over its reduction:
//   forward: out (n,k,p,q) sums over (c,r,s); backward_input: dx (n,c,h,w) sums over (k,r,s) with the p, q that
//   reach h, w (p = (h + PAD - r) / STRIDE when divisible); backward_weight: dw (k,c,r,s) sums over (n,p,q).
import { grid1d, type WgslKernel } from './prelude.ts'

const WG = 64

export const conv2d_forward_v1: WgslKernel = {
  workgroup: [WG, 1, 1],
  body: `
  let i = flat(gid, nwg);
  if (i >= d.N * d.K * d.P * d.Q) { return; }
  let q = i % d.Q;
  let p = (i / d.Q) % d.P;
  let k = (i / (d.Q * d.P)) % d.K;
  let n = i / (d.Q * d.P * d.K);
  var acc = b[k];
  for (var c = 0; c < d.C; c++) {
    for (var r = 0; r < d.R; r++) {
      let h = p * d.STRIDE - d.PAD + r;
      if (h < 0 || h >= d.H) { continue; }
      for (var s = 0; s < d.S; s++) {
        let ww = q * d.STRIDE - d.PAD + s;
        if (ww < 0 || ww >= d.W) { continue; }
        acc += x[((n * d.C + c) * d.H + h) * d.W + ww] * w[((k * d.C + c) * d.R + r) * d.S + s];
      }
    }
  }
  out[i] = acc;`,
  workgroups: (d) => grid1d(d.N * d.K * d.P * d.Q, WG),
}

export const conv2d_backward_input_v1: WgslKernel = {
  workgroup: [WG, 1, 1],
  body: `
  let i = flat(gid, nwg);
  if (i >= d.N * d.C * d.H * d.W) { return; }
  let ww = i % d.W;
  let h = (i / d.W) % d.H;
  let c = (i / (d.W * d.H)) % d.C;
  let n = i / (d.W * d.H * d.C);
  var acc = 0.0;
  for (var r = 0; r < d.R; r++) {
    let ph = h + d.PAD - r;                      // = p * STRIDE when tap r of output row p lands on h
    if (ph < 0 || ph % d.STRIDE != 0 || ph / d.STRIDE >= d.P) { continue; }
    let p = ph / d.STRIDE;
    for (var s = 0; s < d.S; s++) {
      let qw = ww + d.PAD - s;
      if (qw < 0 || qw % d.STRIDE != 0 || qw / d.STRIDE >= d.Q) { continue; }
      let q = qw / d.STRIDE;
      for (var k = 0; k < d.K; k++) {
        acc += dout[((n * d.K + k) * d.P + p) * d.Q + q] * w[((k * d.C + c) * d.R + r) * d.S + s];
      }
    }
  }
  dx[i] = acc;`,
  workgroups: (d) => grid1d(d.N * d.C * d.H * d.W, WG),
}

export const conv2d_backward_weight_v1: WgslKernel = {
  workgroup: [WG, 1, 1],
  body: `
  let i = flat(gid, nwg);
  if (i >= d.K * d.C * d.R * d.S) { return; }
  let s = i % d.S;
  let r = (i / d.S) % d.R;
  let c = (i / (d.S * d.R)) % d.C;
  let k = i / (d.S * d.R * d.C);
  var acc = 0.0;
  for (var n = 0; n < d.N; n++) {
    for (var p = 0; p < d.P; p++) {
      let h = p * d.STRIDE - d.PAD + r;
      if (h < 0 || h >= d.H) { continue; }
      for (var q = 0; q < d.Q; q++) {
        let ww = q * d.STRIDE - d.PAD + s;
        if (ww < 0 || ww >= d.W) { continue; }
        acc += dout[((n * d.K + k) * d.P + p) * d.Q + q] * x[((n * d.C + c) * d.H + h) * d.W + ww];
      }
    }
  }
  dw[i] = acc;`,
  workgroups: (d) => grid1d(d.K * d.C * d.R * d.S, WG),
}

export const conv2d_forward = conv2d_forward_v1
export const conv2d_backward_input = conv2d_backward_input_v1
export const conv2d_backward_weight = conv2d_backward_weight_v1
