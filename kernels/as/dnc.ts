// The DNC's memory-addressing kernels (spec: kernels/ref/dnc.ts; equations in docs/dnc.md), lane by lane. Scalar
// loops: the sizes are small (N <= a few hundred slots, W <= 64) and these kernels are a small share of a DNC step
// next to the matmuls. No workspace: the allocation sorts its free list in its `order` output, and the top-K
// kernels mark the chosen entries in their output before writing it.

@inline function at(p: usize, i: i32): usize { return p + (<usize>i << 2) }
@inline function ld(p: usize, i: i32): f32 { return load<f32>(at(p, i)) }
@inline function st(p: usize, i: i32, v: f32): void { store<f32>(at(p, i), v) }

/** |x| = sqrt(sum x^2 + NORM_EPS), as the ref */
const NORM_EPS: f32 = 1e-6

@inline function norm(x: usize, o: i32, W: i32): f32 {
  let s: f32 = 0
  for (let w = 0; w < W; w++) { const v = ld(x, o + w); s += v * v }
  return Mathf.sqrt(s + NORM_EPS)
}

export function dnc_cosine_forward(sim: usize, knorm: usize, mnorm: usize, mem: usize, keys: usize, B: i32, N: i32, W: i32, H: i32): void {
  for (let b = 0; b < B; b++) {
    for (let n = 0; n < N; n++) st(mnorm, b * N + n, norm(mem, (b * N + n) * W, W))
    for (let h = 0; h < H; h++) {
      const kh = (b * H + h) * W, kn = norm(keys, kh, W)
      st(knorm, b * H + h, kn)
      for (let n = 0; n < N; n++) {
        const m = (b * N + n) * W
        let dot: f32 = 0
        for (let w = 0; w < W; w++) dot += ld(keys, kh + w) * ld(mem, m + w)
        st(sim, (b * H + h) * N + n, dot / (kn * ld(mnorm, b * N + n)))
      }
    }
  }
}

export function dnc_cosine_backward(dmem: usize, dkeys: usize, dsim: usize, sim: usize, mem: usize, keys: usize,
  knorm: usize, mnorm: usize, B: i32, N: i32, W: i32, H: i32): void {
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const kh = b * H + h, kn = ld(knorm, kh)
      for (let w = 0; w < W; w++) {
        let acc: f32 = 0
        for (let n = 0; n < N; n++) {
          const m = b * N + n, e = kh * N + n
          acc += ld(dsim, e) * (ld(mem, m * W + w) / (kn * ld(mnorm, m)) - (ld(sim, e) * ld(keys, kh * W + w)) / (kn * kn))
        }
        st(dkeys, kh * W + w, acc)
      }
    }
    for (let n = 0; n < N; n++) {
      const m = b * N + n, mn = ld(mnorm, m)
      for (let w = 0; w < W; w++) {
        let acc: f32 = 0
        for (let h = 0; h < H; h++) {
          const kh = b * H + h, e = kh * N + n
          acc += ld(dsim, e) * (ld(keys, kh * W + w) / (ld(knorm, kh) * mn) - (ld(sim, e) * ld(mem, m * W + w)) / (mn * mn))
        }
        st(dmem, m * W + w, acc)
      }
    }
  }
}

export function dnc_allocation_forward(alloc: usize, order: usize, usage: usize, B: i32, N: i32): void {
  for (let b = 0; b < B; b++) {
    const u = at(usage, b * N), phi = at(order, b * N)
    // the free list by a stable insertion sort (ascending usage, ties keep the lower index first)
    for (let j = 0; j < N; j++) {
      const v = ld(u, j)
      let i = j
      while (i > 0 && ld(u, <i32>ld(phi, i - 1)) > v) { st(phi, i, ld(phi, i - 1)); i-- }
      st(phi, i, <f32>j)
    }
    let prod: f32 = 1
    for (let j = 0; j < N; j++) {
      const n = <i32>ld(phi, j), un = ld(u, n)
      st(alloc, b * N + n, (1 - un) * prod)
      prod *= un
    }
  }
}

// du_j = P_j (G_j - da_j) in sorted order (kernels/ref/dnc.ts): G from the end, then P from the start
export function dnc_allocation_backward(dusage: usize, dalloc: usize, usage: usize, order: usize, B: i32, N: i32): void {
  for (let b = 0; b < B; b++) {
    const phi = at(order, b * N), u = at(usage, b * N), da = at(dalloc, b * N), du = at(dusage, b * N)
    let G: f32 = 0
    for (let j = N - 1; j >= 0; j--) {
      const n = <i32>ld(phi, j), s = ld(u, n), d = ld(da, n)
      st(du, n, G - d)
      G = d * (1 - s) + s * G
    }
    let P: f32 = 1
    for (let j = 0; j < N; j++) {
      const n = <i32>ld(phi, j)
      st(du, n, P * ld(du, n))
      P *= ld(u, n)
    }
  }
}

/** the link update before the diagonal and threshold */
@inline function linkRaw(Lp: usize, w: usize, p: usize, b: i32, N: i32, i: i32, j: i32): f32 {
  const wi = ld(w, b * N + i)
  return (1 - wi - ld(w, b * N + j)) * ld(Lp, (b * N + i) * N + j) + wi * ld(p, b * N + j)
}
@inline function isKept(raw: f32, i: i32, j: i32, K: i32): bool { return i != j && !(K > 0 && raw < 1 / <f32>K) }

export function dnc_link_forward(link: usize, link_prev: usize, w: usize, p: usize, B: i32, N: i32, K: i32): void {
  for (let b = 0; b < B; b++) for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) {
    const raw = linkRaw(link_prev, w, p, b, N, i, j)
    st(link, (b * N + i) * N + j, isKept(raw, i, j, K) ? raw : 0)
  }
}

export function dnc_link_backward(dlink_prev: usize, dw: usize, dp: usize, dlink: usize, link_prev: usize, w: usize,
  p: usize, B: i32, N: i32, K: i32): void {
  memory.fill(dw, 0, <usize>(B * N) << 2)
  memory.fill(dp, 0, <usize>(B * N) << 2)
  for (let b = 0; b < B; b++) for (let i = 0; i < N; i++) {
    const wi = ld(w, b * N + i)
    let dwi: f32 = 0
    for (let j = 0; j < N; j++) {
      const e = (b * N + i) * N + j
      const g = isKept(linkRaw(link_prev, w, p, b, N, i, j), i, j, K) ? ld(dlink, e) : 0
      const lp = ld(link_prev, e)
      st(dlink_prev, e, g * (1 - wi - ld(w, b * N + j)))
      dwi += g * (ld(p, b * N + j) - lp)
      st(dw, b * N + j, ld(dw, b * N + j) - g * lp)
      st(dp, b * N + j, ld(dp, b * N + j) + g * wi)
    }
    st(dw, b * N + i, ld(dw, b * N + i) + dwi)
  }
}

/** Mark the K largest entries of x's lane (ties: lower index) with 1 in out (others 0); returns their sum. */
@inline function markTopK(out: usize, x: usize, N: i32, K: i32): f32 {
  memory.fill(out, 0, <usize>N << 2)
  let sum: f32 = 0
  for (let k = 0; k < K; k++) {
    let best = -1
    for (let n = 0; n < N; n++) if (ld(out, n) == 0 && (best < 0 || ld(x, n) > ld(x, best))) best = n
    st(out, best, 1)
    sum += ld(x, best)
  }
  return sum
}

export function dnc_sparse_forward(y: usize, x: usize, B: i32, N: i32, K: i32): void {
  for (let b = 0; b < B; b++) {
    const yb = at(y, b * N), xb = at(x, b * N), sum = markTopK(yb, xb, N, K)
    for (let n = 0; n < N; n++) st(yb, n, ld(yb, n) != 0 && sum > 0 ? ld(xb, n) / sum : 0)
  }
}

export function dnc_sparse_backward(dx: usize, dy: usize, x: usize, B: i32, N: i32, K: i32): void {
  for (let b = 0; b < B; b++) {
    const g = at(dx, b * N), xb = at(x, b * N), dyb = at(dy, b * N), sum = markTopK(g, xb, N, K)
    let dot: f32 = 0
    for (let n = 0; n < N; n++) if (ld(g, n) != 0 && sum > 0) dot += (ld(dyb, n) * ld(xb, n)) / sum
    for (let n = 0; n < N; n++) st(g, n, ld(g, n) != 0 && sum > 0 ? (ld(dyb, n) - dot) / sum : 0)
  }
}
