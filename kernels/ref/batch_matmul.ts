// batch_matmul: reference. G independent products out[g] = op(a[g]) @ op(b[g]), op transposing a when TA is 1 and
// b when TB is 1: a [G,M,K] (TA: [G,K,M]), b [G,K,N] (TB: [G,N,K]), out [G,M,N]. A plain triple loop per product.
import type { Float, Dims } from './types.ts'

export function batch_matmul(out: Float, a: Float, b: Float, { G, M, K, N, TA, TB }: Dims): void {
  for (let g = 0; g < G; g++) {
    const ao = g * M * K,
      bo = g * K * N,
      oo = g * M * N
    for (let i = 0; i < M; i++)
      for (let j = 0; j < N; j++) {
        let acc = 0
        for (let k = 0; k < K; k++) acc += a[ao + (TA ? k * M + i : i * K + k)] * b[bo + (TB ? j * K + k : k * N + j)]
        out[oo + i * N + j] = acc
      }
  }
}
