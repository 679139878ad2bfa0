// dnc_interface_forward / _backward: reference. The DNC's interface vector xi [B, I] split in the paper's order
// (kernels/index.ts dncInterfaceLayout) and activated: oneplus read and write strengths, sigmoid erase, free gates
// and the two gates, softmax over each head's 3 read modes; the rest as is. The backward recomputes the activations
// from xi (docs/dnc.md).
import type { Float, Dims } from './types.ts'
import { dncInterfaceLayout as interfaceLayout } from '../index.ts'

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x))
const oneplus = (x: number) => 1 + Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)))

export function dnc_interface_forward(
  read_keys: Float,
  read_strengths: Float,
  write_key: Float,
  write_strength: Float,
  erase: Float,
  write_vec: Float,
  free: Float,
  alloc_gate: Float,
  write_gate: Float,
  modes: Float,
  xi: Float,
  { B, W, R }: Dims,
): void {
  const o = interfaceLayout(W, R)
  for (let b = 0; b < B; b++) {
    const x = (i: number) => xi[b * o.I + i]
    for (let j = 0; j < R * W; j++) read_keys[b * R * W + j] = x(o.kr + j)
    for (let i = 0; i < R; i++) {
      read_strengths[b * R + i] = oneplus(x(o.br + i))
      free[b * R + i] = sigmoid(x(o.f + i))
      const p = [0, 1, 2].map((m) => x(o.pi + 3 * i + m)),
        mx = Math.max(...p),
        ex = p.map((v) => Math.exp(v - mx))
      const s = ex[0] + ex[1] + ex[2]
      for (let m = 0; m < 3; m++) modes[(b * R + i) * 3 + m] = ex[m] / s
    }
    for (let k = 0; k < W; k++) {
      write_key[b * W + k] = x(o.kw + k)
      erase[b * W + k] = sigmoid(x(o.e + k))
      write_vec[b * W + k] = x(o.v + k)
    }
    write_strength[b] = oneplus(x(o.bw))
    alloc_gate[b] = sigmoid(x(o.ga))
    write_gate[b] = sigmoid(x(o.gw))
  }
}

// oneplus' = sigmoid, sigmoid' = s (1 - s), softmax' = y (dy - sum dy y); activations recomputed from xi
export function dnc_interface_backward(
  dxi: Float,
  d_read_keys: Float,
  d_read_strengths: Float,
  d_write_key: Float,
  d_write_strength: Float,
  d_erase: Float,
  d_write_vec: Float,
  d_free: Float,
  d_alloc_gate: Float,
  d_write_gate: Float,
  d_modes: Float,
  xi: Float,
  { B, W, R }: Dims,
): void {
  const o = interfaceLayout(W, R)
  for (let b = 0; b < B; b++) {
    const at = (i: number) => b * o.I + i
    const dsig = (i: number, g: number) => {
      const s = sigmoid(xi[at(i)])
      dxi[at(i)] = g * s * (1 - s)
    }
    for (let j = 0; j < R * W; j++) dxi[at(o.kr + j)] = d_read_keys[b * R * W + j]
    for (let i = 0; i < R; i++) {
      dxi[at(o.br + i)] = d_read_strengths[b * R + i] * sigmoid(xi[at(o.br + i)])
      dsig(o.f + i, d_free[b * R + i])
      const p = [0, 1, 2].map((m) => xi[at(o.pi + 3 * i + m)]),
        mx = Math.max(...p),
        ex = p.map((v) => Math.exp(v - mx))
      const s = ex[0] + ex[1] + ex[2],
        y = ex.map((v) => v / s),
        dy = [0, 1, 2].map((m) => d_modes[(b * R + i) * 3 + m])
      const dot = y[0] * dy[0] + y[1] * dy[1] + y[2] * dy[2]
      for (let m = 0; m < 3; m++) dxi[at(o.pi + 3 * i + m)] = y[m] * (dy[m] - dot)
    }
    for (let k = 0; k < W; k++) {
      dxi[at(o.kw + k)] = d_write_key[b * W + k]
      dsig(o.e + k, d_erase[b * W + k])
      dxi[at(o.v + k)] = d_write_vec[b * W + k]
    }
    dxi[at(o.bw)] = d_write_strength[b] * sigmoid(xi[at(o.bw)])
    dsig(o.ga, d_alloc_gate[b])
    dsig(o.gw, d_write_gate[b])
  }
}
