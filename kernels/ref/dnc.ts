// The DNC's memory-addressing kernels: reference (the equations and their derivation are in docs/dnc.md; the ABI in
// kernels/index.ts). Every lane b < B has its own memory; loops run lane by lane.
import type { Float, Dims } from './types.ts'

/** |x| = sqrt(sum x^2 + NORM_EPS): an all-zero row (every row of M_0) has cosine 0 with any key, and a gradient. */
const NORM_EPS = 1e-6

export function dnc_cosine_forward(sim: Float, knorm: Float, mnorm: Float, mem: Float, keys: Float, { B, N, W, H }: Dims): void {
  const norm = (x: Float, o: number) => {
    let s = 0
    for (let w = 0; w < W; w++) s += x[o + w] * x[o + w]
    return Math.sqrt(s + NORM_EPS)
  }
  for (let b = 0; b < B; b++) {
    for (let n = 0; n < N; n++) mnorm[b * N + n] = norm(mem, (b * N + n) * W)
    for (let h = 0; h < H; h++) {
      const kh = (b * H + h) * W,
        kn = (knorm[b * H + h] = norm(keys, kh))
      for (let n = 0; n < N; n++) {
        let dot = 0
        for (let w = 0; w < W; w++) dot += keys[kh + w] * mem[(b * N + n) * W + w]
        sim[(b * H + h) * N + n] = dot / (kn * mnorm[b * N + n])
      }
    }
  }
}

// d cos / d k = m / (|k| |m|) - cos k / |k|^2, and symmetrically for m
export function dnc_cosine_backward(
  dmem: Float,
  dkeys: Float,
  dsim: Float,
  sim: Float,
  mem: Float,
  keys: Float,
  knorm: Float,
  mnorm: Float,
  { B, N, W, H }: Dims,
): void {
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++)
      for (let w = 0; w < W; w++) {
        const kh = b * H + h,
          kn = knorm[kh]
        let acc = 0
        for (let n = 0; n < N; n++) {
          const g = dsim[kh * N + n],
            m = b * N + n
          acc += g * (mem[m * W + w] / (kn * mnorm[m]) - (sim[kh * N + n] * keys[kh * W + w]) / (kn * kn))
        }
        dkeys[kh * W + w] = acc
      }
    for (let n = 0; n < N; n++)
      for (let w = 0; w < W; w++) {
        const m = b * N + n,
          mn = mnorm[m]
        let acc = 0
        for (let h = 0; h < H; h++) {
          const kh = b * H + h,
            g = dsim[kh * N + n]
          acc += g * (keys[kh * W + w] / (knorm[kh] * mn) - (sim[kh * N + n] * mem[m * W + w]) / (mn * mn))
        }
        dmem[m * W + w] = acc
      }
  }
}

export function dnc_allocation_forward(alloc: Float, order: Float, usage: Float, { B, N }: Dims): void {
  for (let b = 0; b < B; b++) {
    const u = (n: number) => usage[b * N + n]
    // the free list: ascending usage, ties to the lower index (Array.prototype.sort is stable)
    const phi = [...Array(N).keys()].sort((i, j) => u(i) - u(j))
    let prod = 1
    phi.forEach((n, j) => {
      order[b * N + j] = n
      alloc[b * N + n] = (1 - u(n)) * prod
      prod *= u(n)
    })
  }
}

// In sorted order s_j = u[phi[j]], a_j = (1 - s_j) P_j with P_j = prod_{i<j} s_i, so
// du_k = P_k (G_k - da_k) with G_k = sum_{j>k} da_j (1 - s_j) prod_{k<i<j} s_i = da_{k+1} (1 - s_{k+1}) + s_{k+1} G_{k+1}
// (no division by s_k, which is often 0).
export function dnc_allocation_backward(dusage: Float, dalloc: Float, usage: Float, order: Float, { B, N }: Dims): void {
  for (let b = 0; b < B; b++) {
    const phi = (j: number) => b * N + order[b * N + j]
    const P = new Float64Array(N)
    for (let j = 0, prod = 1; j < N; j++) {
      P[j] = prod
      prod *= usage[phi(j)]
    }
    let G = 0
    for (let j = N - 1; j >= 0; j--) {
      dusage[phi(j)] = P[j] * (G - dalloc[phi(j)])
      const s = usage[phi(j)]
      G = dalloc[phi(j)] * (1 - s) + s * G
    }
  }
}

/** The link update before the diagonal and the 1/K threshold. */
const linkRaw = (Lp: Float, w: Float, p: Float, b: number, N: number, i: number, j: number) =>
  (1 - w[b * N + i] - w[b * N + j]) * Lp[(b * N + i) * N + j] + w[b * N + i] * p[b * N + j]
/** Whether entry (i, j) survives: off the diagonal and, with K > 0, at least 1/K. */
const isKept = (raw: number, i: number, j: number, K: number) => i !== j && !(K > 0 && raw < 1 / K)

export function dnc_link_forward(link: Float, link_prev: Float, w: Float, p: Float, { B, N, K }: Dims): void {
  for (let b = 0; b < B; b++)
    for (let i = 0; i < N; i++)
      for (let j = 0; j < N; j++) {
        const raw = linkRaw(link_prev, w, p, b, N, i, j)
        link[(b * N + i) * N + j] = isKept(raw, i, j, K) ? raw : 0
      }
}

export function dnc_link_backward(dlink_prev: Float, dw: Float, dp: Float, dlink: Float, link_prev: Float, w: Float, p: Float, { B, N, K }: Dims): void {
  dw.fill(0, 0, B * N)
  dp.fill(0, 0, B * N)
  for (let b = 0; b < B; b++)
    for (let i = 0; i < N; i++)
      for (let j = 0; j < N; j++) {
        const e = (b * N + i) * N + j
        const g = isKept(linkRaw(link_prev, w, p, b, N, i, j), i, j, K) ? dlink[e] : 0
        dlink_prev[e] = g * (1 - w[b * N + i] - w[b * N + j])
        dw[b * N + i] += g * (p[b * N + j] - link_prev[e])
        dw[b * N + j] -= g * link_prev[e]
        dp[b * N + j] += g * w[b * N + i]
      }
}

/** The K largest entries of lane b (ties: lower index first), and their sum. */
function topK(x: Float, b: number, N: number, K: number): { kept: Uint8Array; sum: number } {
  const idx = [...Array(N).keys()].sort((i, j) => x[b * N + j] - x[b * N + i])
  const kept = new Uint8Array(N)
  let sum = 0
  for (const n of idx.slice(0, K)) {
    kept[n] = 1
    sum += x[b * N + n]
  }
  return { kept, sum }
}

export function dnc_sparse_forward(y: Float, x: Float, { B, N, K }: Dims): void {
  for (let b = 0; b < B; b++) {
    const { kept, sum } = topK(x, b, N, K)
    for (let n = 0; n < N; n++) y[b * N + n] = kept[n] && sum > 0 ? x[b * N + n] / sum : 0
  }
}

// y_n = x_n / S over the kept set: dx_n = (dy_n - sum_kept dy_i y_i) / S for kept n, else 0
export function dnc_sparse_backward(dx: Float, dy: Float, x: Float, { B, N, K }: Dims): void {
  for (let b = 0; b < B; b++) {
    const { kept, sum } = topK(x, b, N, K)
    let dot = 0
    for (let n = 0; n < N; n++) if (kept[n] && sum > 0) dot += (dy[b * N + n] * x[b * N + n]) / sum
    for (let n = 0; n < N; n++) dx[b * N + n] = kept[n] && sum > 0 ? (dy[b * N + n] - dot) / sum : 0
  }
}
