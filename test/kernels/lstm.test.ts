// lstm_cell_forward / lstm_cell_backward against ref on the shared cases (pre-activations spread over +-4 so the
// gates saturate somewhere). Tolerance atol 1e-6, rtol 1e-5 (tanh / sigmoid chains).
import { suite } from 'uvu'
import { LSTM } from '../cases/shapes.ts'
import { randn } from '../helpers.ts'
import { parity, runOn, ref } from './parity.ts'

const test = suite('lstm')
const tol = { atol: 1e-6, rtol: 1e-5 }

for (const { N, U } of LSTM) {
  const d = { N, U },
    shape = `${N}x${U}`
  parity(
    test,
    'lstm_cell_forward',
    shape,
    () => ({
      inputs: [randn(N * 4 * U, U, 2), randn(N * U, U + 1)],
      outLens: [N * U, N * U, N * 4 * U],
      d,
    }),
    tol,
  )
  let call: { inputs: Float32Array[]; outLens: number[]; d: typeof d } | undefined
  parity(test, 'lstm_cell_backward', shape, () => call!, tol)
  test.before(async () => {
    const cPrev = randn(N * U, U + 3)
    const [, c, gates] = await runOn(ref, 'lstm_cell_forward', { inputs: [randn(N * 4 * U, U + 2, 2), cPrev], outLens: [N * U, N * U, N * 4 * U], d })
    call = { inputs: [randn(N * U, 1), randn(N * U, 2), gates, c, cPrev], outLens: [N * 4 * U, N * U], d }
  })
}

test.run()
