// dnc_interface_forward / _backward (spec: kernels/ref/dnc_interface.ts): the interface vector split and activated,
// lane by lane. The layout is kernels/index.ts dncInterfaceLayout's.

@inline function at(p: usize, i: i32): usize { return p + (<usize>i << 2) }
@inline function ld(p: usize, i: i32): f32 { return load<f32>(at(p, i)) }
@inline function st(p: usize, i: i32, v: f32): void { store<f32>(at(p, i), v) }
@inline function sigm(x: f32): f32 { return 1 / (1 + Mathf.exp(-x)) }
/** 1 + log(1 + e^x) without overflow */
@inline function oneplus(x: f32): f32 { return 1 + Mathf.max(x, 0) + Mathf.log1p(Mathf.exp(-Mathf.abs(x))) }

// offsets of the interface parts (dncInterfaceLayout): kr 0, br RW, kw RW+R, bw kw+W, e bw+1, v e+W, f v+W, ga f+R,
// gw ga+1, pi gw+1, I = pi + 3R
@inline function layoutI(W: i32, R: i32): i32 { return R * W + 3 * W + 5 * R + 3 }

export function dnc_interface_forward(read_keys: usize, read_strengths: usize, write_key: usize, write_strength: usize,
  erase: usize, write_vec: usize, free: usize, alloc_gate: usize, write_gate: usize, modes: usize, xi: usize,
  B: i32, W: i32, R: i32): void {
  const I = layoutI(W, R), br = R * W, kw = br + R, bw = kw + W, e = bw + 1, v = e + W, f = v + W, ga = f + R, gw = ga + 1, pi = gw + 1
  for (let b = 0; b < B; b++) {
    const x = at(xi, b * I)
    memory.copy(at(read_keys, b * R * W), x, <usize>(R * W) << 2)
    memory.copy(at(write_key, b * W), at(x, kw), <usize>W << 2)
    memory.copy(at(write_vec, b * W), at(x, v), <usize>W << 2)
    for (let i = 0; i < R; i++) {
      st(read_strengths, b * R + i, oneplus(ld(x, br + i)))
      st(free, b * R + i, sigm(ld(x, f + i)))
      const p0 = ld(x, pi + 3 * i), p1 = ld(x, pi + 3 * i + 1), p2 = ld(x, pi + 3 * i + 2), mx = Mathf.max(p0, Mathf.max(p1, p2))
      const e0 = Mathf.exp(p0 - mx), e1 = Mathf.exp(p1 - mx), e2 = Mathf.exp(p2 - mx), s = e0 + e1 + e2, o = (b * R + i) * 3
      st(modes, o, e0 / s); st(modes, o + 1, e1 / s); st(modes, o + 2, e2 / s)
    }
    for (let k = 0; k < W; k++) st(erase, b * W + k, sigm(ld(x, e + k)))
    st(write_strength, b, oneplus(ld(x, bw)))
    st(alloc_gate, b, sigm(ld(x, ga)))
    st(write_gate, b, sigm(ld(x, gw)))
  }
}

@inline function dsigAt(dxi: usize, xi: usize, i: i32, g: f32): void { const s = sigm(ld(xi, i)); st(dxi, i, g * s * (1 - s)) }

export function dnc_interface_backward(dxi: usize, d_read_keys: usize, d_read_strengths: usize, d_write_key: usize,
  d_write_strength: usize, d_erase: usize, d_write_vec: usize, d_free: usize, d_alloc_gate: usize, d_write_gate: usize,
  d_modes: usize, xi: usize, B: i32, W: i32, R: i32): void {
  const I = layoutI(W, R), br = R * W, kw = br + R, bw = kw + W, e = bw + 1, v = e + W, f = v + W, ga = f + R, gw = ga + 1, pi = gw + 1
  for (let b = 0; b < B; b++) {
    const x = at(xi, b * I), d = at(dxi, b * I)
    memory.copy(d, at(d_read_keys, b * R * W), <usize>(R * W) << 2)
    memory.copy(at(d, kw), at(d_write_key, b * W), <usize>W << 2)
    memory.copy(at(d, v), at(d_write_vec, b * W), <usize>W << 2)
    for (let i = 0; i < R; i++) {
      st(d, br + i, ld(d_read_strengths, b * R + i) * sigm(ld(x, br + i)))
      dsigAt(d, x, f + i, ld(d_free, b * R + i))
      const p0 = ld(x, pi + 3 * i), p1 = ld(x, pi + 3 * i + 1), p2 = ld(x, pi + 3 * i + 2), mx = Mathf.max(p0, Mathf.max(p1, p2))
      const e0 = Mathf.exp(p0 - mx), e1 = Mathf.exp(p1 - mx), e2 = Mathf.exp(p2 - mx), s = e0 + e1 + e2
      const y0 = e0 / s, y1 = e1 / s, y2 = e2 / s, o = (b * R + i) * 3
      const g0 = ld(d_modes, o), g1 = ld(d_modes, o + 1), g2 = ld(d_modes, o + 2), dot = y0 * g0 + y1 * g1 + y2 * g2
      st(d, pi + 3 * i, y0 * (g0 - dot)); st(d, pi + 3 * i + 1, y1 * (g1 - dot)); st(d, pi + 3 * i + 2, y2 * (g2 - dot))
    }
    for (let k = 0; k < W; k++) dsigAt(d, x, e + k, ld(d_erase, b * W + k))
    st(d, bw, ld(d_write_strength, b) * sigm(ld(x, bw)))
    dsigAt(d, x, ga, ld(d_alloc_gate, b))
    dsigAt(d, x, gw, ld(d_write_gate, b))
  }
}
