// batch_matmul against ref on the shared cases, in all four layouts (TA, TB). Tolerance atol 1e-5 + 1e-6 K, rtol
// 1e-5 (f32 sums of K products against the ref's double sums).
import { suite } from 'uvu'
import { BATCH_MATMUL } from '../cases/shapes.ts'
import { randn } from '../helpers.ts'
import { parity } from './parity.ts'

const test = suite('batch_matmul')

for (const { G, M, K, N } of BATCH_MATMUL) {
  for (const [TA, TB] of [
    [0, 0],
    [1, 0],
    [0, 1],
    [1, 1],
  ]) {
    parity(
      test,
      'batch_matmul',
      `${G}x${M}x${K}x${N} TA ${TA} TB ${TB}`,
      () => ({
        inputs: [randn(G * M * K, M + K), randn(G * K * N, K + N + 1)],
        outLens: [G * M * N],
        d: { G, M, K, N, TA, TB },
      }),
      { atol: 1e-5 + 1e-6 * K, rtol: 1e-5 },
    )
  }
}

test.run()
