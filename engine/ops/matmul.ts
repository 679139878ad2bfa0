// matmul (2-D): out[M,N] = a[M,K] @ b[K,N]; backward uses the transposed kernels (da = g b^T, db = a^T g).
// linear(x, w, b) = x @ w + b with w [in, out].
import type { Tensor } from '../tensor.ts'
import { record } from '../tensor.ts'
import { run, sameBackend } from './run.ts'
import { add } from './elementwise.ts'

export function matmul(a: Tensor, b: Tensor): Tensor {
  sameBackend([a, b], 'matmul')
  if (a.shape.length !== 2 || b.shape.length !== 2 || a.shape[1] !== b.shape[0]) {
    throw new Error(`matmul: shapes [${a.shape}] and [${b.shape}] do not multiply (need [M,K] @ [K,N])`)
  }
  const [M, K] = a.shape,
    N = b.shape[1]
  const out = run('matmul', [M, N], [a, b], { M, K, N })
  return record(out, [a, b], ([g]) => [
    a.requiresGrad ? run('matmul_nt', [M, K], [g!, b], { M, K: N, N: K }) : null,
    b.requiresGrad ? run('matmul_tn', [K, N], [a, g!], { M: K, K: M, N }) : null,
  ])
}

/** x [N, in] @ w [in, out] + b [out] */
export function linear(x: Tensor, w: Tensor, b: Tensor | null): Tensor {
  const y = matmul(x, w)
  return b ? add(y, b) : y
}
