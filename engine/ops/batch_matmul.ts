// batchMatmul: G independent products out[g] = op(a[g]) @ op(b[g]), op transposing where asked (kernel
// batch_matmul). Backward is the same kernel with other transposition flags: for out = A B, dA = g B^T and
// dB = A^T g, written for each of the four layouts (a transposed operand gets the transposed gradient).
import type { Tensor } from '../tensor.ts'
import { record } from '../tensor.ts'
import { run, sameBackend } from './run.ts'

/** a [G, M, K] (ta: [G, K, M]) times b [G, K, N] (tb: [G, N, K]) -> [G, M, N]. */
export function batchMatmul(a: Tensor, b: Tensor, ta = false, tb = false): Tensor {
  sameBackend([a, b], 'batchMatmul')
  const [G, a1, a2] = a.shape,
    [Gb, b1, b2] = b.shape
  const [M, K] = ta ? [a2, a1] : [a1, a2],
    [Kb, N] = tb ? [b2, b1] : [b1, b2]
  if (a.shape.length !== 3 || b.shape.length !== 3 || G !== Gb || K !== Kb) {
    throw new Error(`batchMatmul: shapes [${a.shape}]${ta ? '^T' : ''} and [${b.shape}]${tb ? '^T' : ''} do not multiply (need [G,M,K] @ [G,K,N])`)
  }
  const out = run('batch_matmul', [G, M, N], [a, b], { G, M, K, N, TA: +ta, TB: +tb })
  return record(out, [a, b], ([g]) => [
    a.requiresGrad ? (ta ? batchMatmul(b, g!, tb, true) : batchMatmul(g!, b, false, !tb)) : null,
    b.requiresGrad ? (tb ? batchMatmul(g!, a, true, ta) : batchMatmul(a, g!, !ta, false)) : null,
  ])
}
