// conv2d_forward / conv2d_backward_input / conv2d_backward_weight (spec: kernels/ref/conv2d.ts): NCHW, weights
// [K,C,R,S], zero padding PAD, P = (H + 2 PAD - R) / STRIDE + 1. Input pixel of output (p, q), tap (r, s):
// h = p STRIDE - PAD + r, w = q STRIDE - PAD + s; taps outside the image read zero.
//
// v1 (conv2d_forward_v1, ..._v1): the direct scalar loops of the spec, the baseline the bench shows.

@inline function at(p: usize, i: i32): usize { return p + (<usize>i << 2) }

export function conv2d_forward_v1(out: usize, x: usize, w: usize, b: usize, N: i32, C: i32, H: i32, W: i32, K: i32,
  R: i32, S: i32, P: i32, Q: i32, STRIDE: i32, PAD: i32): void {
  for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) for (let p = 0; p < P; p++) for (let q = 0; q < Q; q++) {
    let acc = load<f32>(at(b, k))
    for (let c = 0; c < C; c++) for (let r = 0; r < R; r++) {
      const h = p * STRIDE - PAD + r
      if (h < 0 || h >= H) continue
      for (let s = 0; s < S; s++) {
        const ww = q * STRIDE - PAD + s
        if (ww < 0 || ww >= W) continue
        acc += load<f32>(at(x, ((n * C + c) * H + h) * W + ww)) * load<f32>(at(w, ((k * C + c) * R + r) * S + s))
      }
    }
    store<f32>(at(out, ((n * K + k) * P + p) * Q + q), acc)
  }
}

export function conv2d_backward_input_v1(dx: usize, dout: usize, w: usize, N: i32, C: i32, H: i32, W: i32, K: i32,
  R: i32, S: i32, P: i32, Q: i32, STRIDE: i32, PAD: i32): void {
  memory.fill(dx, 0, <usize>(N * C * H * W) << 2)
  for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) for (let p = 0; p < P; p++) for (let q = 0; q < Q; q++) {
    const g = load<f32>(at(dout, ((n * K + k) * P + p) * Q + q))
    for (let c = 0; c < C; c++) for (let r = 0; r < R; r++) {
      const h = p * STRIDE - PAD + r
      if (h < 0 || h >= H) continue
      for (let s = 0; s < S; s++) {
        const ww = q * STRIDE - PAD + s
        if (ww < 0 || ww >= W) continue
        const o = at(dx, ((n * C + c) * H + h) * W + ww)
        store<f32>(o, load<f32>(o) + g * load<f32>(at(w, ((k * C + c) * R + r) * S + s)))
      }
    }
  }
}

export function conv2d_backward_weight_v1(dw: usize, dout: usize, x: usize, N: i32, C: i32, H: i32, W: i32, K: i32,
  R: i32, S: i32, P: i32, Q: i32, STRIDE: i32, PAD: i32): void {
  memory.fill(dw, 0, <usize>(K * C * R * S) << 2)
  for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) for (let p = 0; p < P; p++) for (let q = 0; q < Q; q++) {
    const g = load<f32>(at(dout, ((n * K + k) * P + p) * Q + q))
    for (let c = 0; c < C; c++) for (let r = 0; r < R; r++) {
      const h = p * STRIDE - PAD + r
      if (h < 0 || h >= H) continue
      for (let s = 0; s < S; s++) {
        const ww = q * STRIDE - PAD + s
        if (ww < 0 || ww >= W) continue
        const o = at(dw, ((k * C + c) * R + r) * S + s)
        store<f32>(o, load<f32>(o) + g * load<f32>(at(x, ((n * C + c) * H + h) * W + ww)))
      }
    }
  }
}

export function conv2d_forward(out: usize, x: usize, w: usize, b: usize, N: i32, C: i32, H: i32, W: i32, K: i32,
  R: i32, S: i32, P: i32, Q: i32, STRIDE: i32, PAD: i32): void {
  conv2d_forward_v1(out, x, w, b, N, C, H, W, K, R, S, P, Q, STRIDE, PAD)
}
export function conv2d_backward_input(dx: usize, dout: usize, w: usize, N: i32, C: i32, H: i32, W: i32, K: i32,
  R: i32, S: i32, P: i32, Q: i32, STRIDE: i32, PAD: i32): void {
  conv2d_backward_input_v1(dx, dout, w, N, C, H, W, K, R, S, P, Q, STRIDE, PAD)
}
export function conv2d_backward_weight(dw: usize, dout: usize, x: usize, N: i32, C: i32, H: i32, W: i32, K: i32,
  R: i32, S: i32, P: i32, Q: i32, STRIDE: i32, PAD: i32): void {
  conv2d_backward_weight_v1(dw, dout, x, N, C, H, W, K, R, S, P, Q, STRIDE, PAD)
}
