// Movement kernels: reference. permute (rank-4 axis permutation), slice_axis / concat_part (a slab along the
// middle axis of an [O, D, I] view), gather_rows and its backward (scatter-add of rows by f32-stored indices).
import type { Float, Dims } from './types.ts'

/** out[i_P0, i_P1, i_P2, i_P3] = x[i0, i1, i2, i3]: output axis j is input axis Pj. */
export function permute(out: Float, x: Float, d: Dims): void {
  const D = [d.D0, d.D1, d.D2, d.D3],
    P = [d.P0, d.P1, d.P2, d.P3]
  const inStride = [D[1] * D[2] * D[3], D[2] * D[3], D[3], 1]
  const oD = P.map((p) => D[p]),
    oS = P.map((p) => inStride[p])
  let o = 0
  for (let a = 0; a < oD[0]; a++)
    for (let b = 0; b < oD[1]; b++)
      for (let c = 0; c < oD[2]; c++)
        for (let e = 0; e < oD[3]; e++) {
          out[o++] = x[a * oS[0] + b * oS[1] + c * oS[2] + e * oS[3]]
        }
}

export function slice_axis(out: Float, x: Float, { O, DX, I, START, DO }: Dims): void {
  for (let o = 0; o < O; o++)
    for (let j = 0; j < DO; j++)
      for (let i = 0; i < I; i++) {
        out[(o * DO + j) * I + i] = x[(o * DX + START + j) * I + i]
      }
}

export function concat_part(out: Float, x: Float, { O, DX, I, START, DO }: Dims): void {
  for (let o = 0; o < O; o++)
    for (let j = 0; j < DX; j++)
      for (let i = 0; i < I; i++) {
        out[(o * DO + START + j) * I + i] = x[(o * DX + j) * I + i]
      }
}

export function gather_rows(out: Float, x: Float, idx: Float, { N, D }: Dims): void {
  for (let n = 0; n < N; n++) for (let j = 0; j < D; j++) out[n * D + j] = x[idx[n] * D + j]
}

export function gather_rows_backward(dx: Float, dout: Float, idx: Float, { N, V, D }: Dims): void {
  dx.fill(0, 0, V * D)
  for (let n = 0; n < N; n++) for (let j = 0; j < D; j++) dx[idx[n] * D + j] += dout[n * D + j]
}
