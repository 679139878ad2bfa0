// The DNC's fused memory-access kernels (spec: kernels/ref/dnc_access.ts; equations in docs/dnc.md), lane by lane,
// scalar loops (a few hundred elements per lane).

@inline function at(p: usize, i: i32): usize { return p + (<usize>i << 2) }
@inline function ld(p: usize, i: i32): f32 { return load<f32>(at(p, i)) }
@inline function st(p: usize, i: i32, v: f32): void { store<f32>(at(p, i), v) }

@inline function keepOf(free: usize, read_prev: usize, b: i32, i: i32, n: i32, N: i32, R: i32): f32 {
  return 1 - ld(free, b * R + i) * ld(read_prev, (b * R + i) * N + n)
}

export function dnc_usage_forward(usage: usize, usage_prev: usize, write_prev: usize, read_prev: usize, free: usize, B: i32, N: i32, R: i32): void {
  for (let b = 0; b < B; b++) for (let n = 0; n < N; n++) {
    let psi: f32 = 1
    for (let i = 0; i < R; i++) psi *= keepOf(free, read_prev, b, i, n, N, R)
    const u = ld(usage_prev, b * N + n), w = ld(write_prev, b * N + n)
    st(usage, b * N + n, (u + w - u * w) * psi)
  }
}

export function dnc_usage_backward(dusage_prev: usize, dwrite_prev: usize, dread_prev: usize, dfree: usize, dusage: usize,
  usage_prev: usize, write_prev: usize, read_prev: usize, free: usize, B: i32, N: i32, R: i32): void {
  memory.fill(dfree, 0, <usize>(B * R) << 2)
  for (let b = 0; b < B; b++) for (let n = 0; n < N; n++) {
    const u = ld(usage_prev, b * N + n), w = ld(write_prev, b * N + n), g = ld(dusage, b * N + n), base = u + w - u * w
    let psi: f32 = 1
    for (let i = 0; i < R; i++) psi *= keepOf(free, read_prev, b, i, n, N, R)
    st(dusage_prev, b * N + n, g * psi * (1 - w))
    st(dwrite_prev, b * N + n, g * psi * (1 - u))
    for (let i = 0; i < R; i++) {
      let others: f32 = 1 // the product over j != i, without dividing by a factor that may be 0
      for (let j = 0; j < R; j++) if (j != i) others *= keepOf(free, read_prev, b, j, n, N, R)
      const r = (b * R + i) * N + n
      st(dread_prev, r, -g * base * ld(free, b * R + i) * others)
      st(dfree, b * R + i, ld(dfree, b * R + i) - g * base * ld(read_prev, r) * others)
    }
  }
}

export function dnc_write_weighting_forward(write_w: usize, precedence: usize, alloc: usize, content: usize, alloc_gate: usize,
  write_gate: usize, precedence_prev: usize, B: i32, N: i32): void {
  for (let b = 0; b < B; b++) {
    const ga = ld(alloc_gate, b), gw = ld(write_gate, b)
    let s: f32 = 0
    for (let n = 0; n < N; n++) {
      const w = gw * (ga * ld(alloc, b * N + n) + (1 - ga) * ld(content, b * N + n))
      st(write_w, b * N + n, w)
      s += w
    }
    for (let n = 0; n < N; n++) st(precedence, b * N + n, (1 - s) * ld(precedence_prev, b * N + n) + ld(write_w, b * N + n))
  }
}

export function dnc_write_weighting_backward(dalloc: usize, dcontent: usize, dalloc_gate: usize, dwrite_gate: usize,
  dprecedence_prev: usize, dwrite_w: usize, dprecedence: usize, alloc: usize, content: usize, alloc_gate: usize,
  write_gate: usize, precedence_prev: usize, B: i32, N: i32): void {
  for (let b = 0; b < B; b++) {
    const ga = ld(alloc_gate, b), gw = ld(write_gate, b)
    let s: f32 = 0, dpp: f32 = 0
    for (let n = 0; n < N; n++) {
      s += gw * (ga * ld(alloc, b * N + n) + (1 - ga) * ld(content, b * N + n))
      dpp += ld(dprecedence, b * N + n) * ld(precedence_prev, b * N + n)
    }
    let dga: f32 = 0, dgw: f32 = 0
    for (let n = 0; n < N; n++) {
      const e = b * N + n, a = ld(alloc, e), c = ld(content, e), dp = ld(dprecedence, e), g = ld(dwrite_w, e) + dp - dpp
      st(dprecedence_prev, e, dp * (1 - s))
      st(dalloc, e, g * gw * ga)
      st(dcontent, e, g * gw * (1 - ga))
      dga += g * gw * (a - c)
      dgw += g * (ga * a + (1 - ga) * c)
    }
    st(dalloc_gate, b, dga)
    st(dwrite_gate, b, dgw)
  }
}

export function dnc_write_forward(mem: usize, mem_prev: usize, w: usize, erase: usize, write_vec: usize, B: i32, N: i32, W: i32): void {
  for (let b = 0; b < B; b++) for (let n = 0; n < N; n++) {
    const wn = ld(w, b * N + n), row = (b * N + n) * W
    for (let k = 0; k < W; k++) {
      st(mem, row + k, ld(mem_prev, row + k) * (1 - wn * ld(erase, b * W + k)) + wn * ld(write_vec, b * W + k))
    }
  }
}

export function dnc_write_backward(dmem_prev: usize, dw: usize, derase: usize, dwrite_vec: usize, dmem: usize, mem_prev: usize,
  w: usize, erase: usize, write_vec: usize, B: i32, N: i32, W: i32): void {
  memory.fill(derase, 0, <usize>(B * W) << 2)
  memory.fill(dwrite_vec, 0, <usize>(B * W) << 2)
  for (let b = 0; b < B; b++) for (let n = 0; n < N; n++) {
    const wn = ld(w, b * N + n), row = (b * N + n) * W
    let dwn: f32 = 0
    for (let k = 0; k < W; k++) {
      const g = ld(dmem, row + k), ek = ld(erase, b * W + k), mp = ld(mem_prev, row + k)
      st(dmem_prev, row + k, g * (1 - wn * ek))
      dwn += g * (ld(write_vec, b * W + k) - mp * ek)
      st(derase, b * W + k, ld(derase, b * W + k) - g * mp * wn)
      st(dwrite_vec, b * W + k, ld(dwrite_vec, b * W + k) + g * wn)
    }
    st(dw, b * N + n, dwn)
  }
}

export function dnc_read_weights_forward(read_w: usize, modes: usize, bwd: usize, content: usize, fwd: usize, B: i32, R: i32, N: i32): void {
  for (let h = 0; h < B * R; h++) {
    const m0 = ld(modes, h * 3), m1 = ld(modes, h * 3 + 1), m2 = ld(modes, h * 3 + 2)
    for (let n = 0; n < N; n++) {
      const e = h * N + n
      st(read_w, e, m0 * ld(bwd, e) + m1 * ld(content, e) + m2 * ld(fwd, e))
    }
  }
}

export function dnc_read_weights_backward(dmodes: usize, dbwd: usize, dcontent: usize, dfwd: usize, dread_w: usize, modes: usize,
  bwd: usize, content: usize, fwd: usize, B: i32, R: i32, N: i32): void {
  for (let h = 0; h < B * R; h++) {
    const m0 = ld(modes, h * 3), m1 = ld(modes, h * 3 + 1), m2 = ld(modes, h * 3 + 2)
    let d0: f32 = 0, d1: f32 = 0, d2: f32 = 0
    for (let n = 0; n < N; n++) {
      const e = h * N + n, g = ld(dread_w, e)
      st(dbwd, e, g * m0); st(dcontent, e, g * m1); st(dfwd, e, g * m2)
      d0 += g * ld(bwd, e); d1 += g * ld(content, e); d2 += g * ld(fwd, e)
    }
    st(dmodes, h * 3, d0); st(dmodes, h * 3 + 1, d1); st(dmodes, h * 3 + 2, d2)
  }
}
