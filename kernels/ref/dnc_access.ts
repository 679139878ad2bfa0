// The DNC's memory-access equations, each fused into one kernel and its backward: reference (docs/dnc.md has the
// equations, kernels/index.ts the ABI): usage, write weighting and precedence, erase-then-write, read weightings.
// (The interface split is dnc_interface.ts.) Composed from elementwise ops these cost ~120 launches a step; fused, 8.
// Gates and strengths of one per lane are [B] (a [B, 1] tensor).
import type { Float, Dims } from './types.ts'

// psi[n] = prod_i (1 - f_i r_i[n]), u = (u' + w' - u' w') psi with u', w', r' the previous step's
export function dnc_usage_forward(usage: Float, usage_prev: Float, write_prev: Float, read_prev: Float, free: Float, { B, N, R }: Dims): void {
  for (let b = 0; b < B; b++)
    for (let n = 0; n < N; n++) {
      let psi = 1
      for (let i = 0; i < R; i++) psi *= 1 - free[b * R + i] * read_prev[(b * R + i) * N + n]
      const u = usage_prev[b * N + n],
        w = write_prev[b * N + n]
      usage[b * N + n] = (u + w - u * w) * psi
    }
}

export function dnc_usage_backward(
  dusage_prev: Float,
  dwrite_prev: Float,
  dread_prev: Float,
  dfree: Float,
  dusage: Float,
  usage_prev: Float,
  write_prev: Float,
  read_prev: Float,
  free: Float,
  { B, N, R }: Dims,
): void {
  dfree.fill(0, 0, B * R)
  for (let b = 0; b < B; b++)
    for (let n = 0; n < N; n++) {
      const keep = (i: number) => 1 - free[b * R + i] * read_prev[(b * R + i) * N + n]
      const u = usage_prev[b * N + n],
        w = write_prev[b * N + n],
        g = dusage[b * N + n],
        base = u + w - u * w
      let psi = 1
      for (let i = 0; i < R; i++) psi *= keep(i)
      dusage_prev[b * N + n] = g * psi * (1 - w)
      dwrite_prev[b * N + n] = g * psi * (1 - u)
      for (let i = 0; i < R; i++) {
        let others = 1 // prod over j != i, without dividing by keep(i) (which may be 0)
        for (let j = 0; j < R; j++) if (j !== i) others *= keep(j)
        dread_prev[(b * R + i) * N + n] = -g * base * free[b * R + i] * others
        dfree[b * R + i] -= g * base * read_prev[(b * R + i) * N + n] * others
      }
    }
}

// w^w = g^w (g^a a + (1 - g^a) c^w); p = (1 - sum w^w) p' + w^w
export function dnc_write_weighting_forward(
  write_w: Float,
  precedence: Float,
  alloc: Float,
  content: Float,
  alloc_gate: Float,
  write_gate: Float,
  precedence_prev: Float,
  { B, N }: Dims,
): void {
  for (let b = 0; b < B; b++) {
    const ga = alloc_gate[b],
      gw = write_gate[b]
    let s = 0
    for (let n = 0; n < N; n++) s += write_w[b * N + n] = gw * (ga * alloc[b * N + n] + (1 - ga) * content[b * N + n])
    for (let n = 0; n < N; n++) precedence[b * N + n] = (1 - s) * precedence_prev[b * N + n] + write_w[b * N + n]
  }
}

// the gradient reaching w^w[n]: dw[n] + dp[n] - sum_m dp[m] p'[m]; then through the gates
export function dnc_write_weighting_backward(
  dalloc: Float,
  dcontent: Float,
  dalloc_gate: Float,
  dwrite_gate: Float,
  dprecedence_prev: Float,
  dwrite_w: Float,
  dprecedence: Float,
  alloc: Float,
  content: Float,
  alloc_gate: Float,
  write_gate: Float,
  precedence_prev: Float,
  { B, N }: Dims,
): void {
  for (let b = 0; b < B; b++) {
    const ga = alloc_gate[b],
      gw = write_gate[b]
    let s = 0,
      dpp = 0
    for (let n = 0; n < N; n++) {
      s += gw * (ga * alloc[b * N + n] + (1 - ga) * content[b * N + n])
      dpp += dprecedence[b * N + n] * precedence_prev[b * N + n]
    }
    let dga = 0,
      dgw = 0
    for (let n = 0; n < N; n++) {
      const e = b * N + n,
        g = dwrite_w[e] + dprecedence[e] - dpp
      dprecedence_prev[e] = dprecedence[e] * (1 - s)
      dalloc[e] = g * gw * ga
      dcontent[e] = g * gw * (1 - ga)
      dga += g * gw * (alloc[e] - content[e])
      dgw += g * (ga * alloc[e] + (1 - ga) * content[e])
    }
    dalloc_gate[b] = dga
    dwrite_gate[b] = dgw
  }
}

// M = M' o (E - w e^T) + w v^T
export function dnc_write_forward(mem: Float, mem_prev: Float, w: Float, erase: Float, write_vec: Float, { B, N, W }: Dims): void {
  for (let b = 0; b < B; b++)
    for (let n = 0; n < N; n++)
      for (let k = 0; k < W; k++) {
        const wn = w[b * N + n],
          e = (b * N + n) * W + k
        mem[e] = mem_prev[e] * (1 - wn * erase[b * W + k]) + wn * write_vec[b * W + k]
      }
}

export function dnc_write_backward(
  dmem_prev: Float,
  dw: Float,
  derase: Float,
  dwrite_vec: Float,
  dmem: Float,
  mem_prev: Float,
  w: Float,
  erase: Float,
  write_vec: Float,
  { B, N, W }: Dims,
): void {
  dw.fill(0, 0, B * N)
  derase.fill(0, 0, B * W)
  dwrite_vec.fill(0, 0, B * W)
  for (let b = 0; b < B; b++)
    for (let n = 0; n < N; n++)
      for (let k = 0; k < W; k++) {
        const wn = w[b * N + n],
          e = (b * N + n) * W + k,
          g = dmem[e],
          ek = erase[b * W + k]
        dmem_prev[e] = g * (1 - wn * ek)
        dw[b * N + n] += g * (write_vec[b * W + k] - mem_prev[e] * ek)
        derase[b * W + k] -= g * mem_prev[e] * wn
        dwrite_vec[b * W + k] += g * wn
      }
}

// w^r_i = pi_i[0] b_i + pi_i[1] c_i + pi_i[2] f_i (backward, content, forward)
export function dnc_read_weights_forward(read_w: Float, modes: Float, bwd: Float, content: Float, fwd: Float, { B, R, N }: Dims): void {
  for (let h = 0; h < B * R; h++)
    for (let n = 0; n < N; n++) {
      const e = h * N + n
      read_w[e] = modes[h * 3] * bwd[e] + modes[h * 3 + 1] * content[e] + modes[h * 3 + 2] * fwd[e]
    }
}

export function dnc_read_weights_backward(
  dmodes: Float,
  dbwd: Float,
  dcontent: Float,
  dfwd: Float,
  dread_w: Float,
  modes: Float,
  bwd: Float,
  content: Float,
  fwd: Float,
  { B, R, N }: Dims,
): void {
  for (let h = 0; h < B * R; h++) {
    let d0 = 0,
      d1 = 0,
      d2 = 0
    for (let n = 0; n < N; n++) {
      const e = h * N + n,
        g = dread_w[e]
      dbwd[e] = g * modes[h * 3]
      dcontent[e] = g * modes[h * 3 + 1]
      dfwd[e] = g * modes[h * 3 + 2]
      d0 += g * bwd[e]
      d1 += g * content[e]
      d2 += g * fwd[e]
    }
    dmodes[h * 3] = d0
    dmodes[h * 3 + 1] = d1
    dmodes[h * 3 + 2] = d2
  }
}
