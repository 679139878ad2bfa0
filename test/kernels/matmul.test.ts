// matmul, matmul_nt, matmul_tn: every non-ref backend (and the wasm _v1 baselines) against ref on the shared
// cases. Tolerance: f32 accumulation over depth K differs from the ref's double accumulation by ~eps K |x|^2 at
// worst, so atol grows with K (1e-5 + 3e-7 K), rtol 1e-4.
import { suite } from 'uvu'
import { MATMUL } from '../cases/shapes.ts'
import { randn } from '../helpers.ts'
import { parity } from './parity.ts'

const test = suite('matmul')

for (const { M, K, N } of MATMUL) {
  const tol = { atol: 1e-5 + 3e-7 * K, rtol: 1e-4 }
  for (const name of ['matmul', 'matmul_nt', 'matmul_tn'] as const) {
    parity(
      test,
      name,
      `${M}x${K}x${N}`,
      () => ({
        inputs: [randn(M * K, M + K), randn(K * N, N + 7)],
        outLens: [M * N],
        d: { M, K, N },
      }),
      tol,
      { variants: ['', '_v1'] },
    )
  }
}

test.run()
