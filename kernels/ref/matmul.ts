// matmul, matmul_nt, matmul_tn: reference. out[M,N] = a @ b with a [M,K] b [K,N]; _nt: b is [N,K] (out = a b^T);
// _tn: a is [K,M] (out = a^T b). One invocation computes the whole product with a plain triple loop.
import type { Float, Dims } from './types.ts'

export function matmul(out: Float, a: Float, b: Float, { M, K, N }: Dims): void {
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let acc = 0
      for (let k = 0; k < K; k++) acc += a[i * K + k] * b[k * N + j]
      out[i * N + j] = acc
    }
}

export function matmul_nt(out: Float, a: Float, b: Float, { M, K, N }: Dims): void {
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let acc = 0
      for (let k = 0; k < K; k++) acc += a[i * K + k] * b[j * K + k]
      out[i * N + j] = acc
    }
}

export function matmul_tn(out: Float, a: Float, b: Float, { M, K, N }: Dims): void {
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let acc = 0
      for (let k = 0; k < K; k++) acc += a[k * M + i] * b[k * N + j]
      out[i * N + j] = acc
    }
}
