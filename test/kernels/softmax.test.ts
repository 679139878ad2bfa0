// softmax / log_softmax forward and backward against ref on the shared row cases (x spread over +-8 so the
// max-subtraction matters). Tolerance atol 1e-6, rtol 1e-5 (sums of D exps, f64-accumulated on both sides).
import { suite } from 'uvu'
import { ROWS } from '../cases/shapes.ts'
import { randn } from '../helpers.ts'
import { parity, runOn, ref } from './parity.ts'

const test = suite('softmax')
const tol = { atol: 1e-6, rtol: 1e-5 }

for (const { N, D } of ROWS) {
  const d = { N, D }
  for (const kind of ['softmax', 'log_softmax'] as const) {
    parity(test, `${kind}_forward`, `${N}x${D}`, () => ({ inputs: [randn(N * D, D, 4)], outLens: [N * D], d }), tol)
    let call: { inputs: Float32Array[]; outLens: number[]; d: typeof d } | undefined
    parity(test, `${kind}_backward`, `${N}x${D}`, () => call!, tol)
    test.before(async () => {
      const [y] = await runOn(ref, `${kind}_forward`, { inputs: [randn(N * D, D + 1, 4)], outLens: [N * D], d })
      call = { inputs: [randn(N * D, D + 2), y], outLens: [N * D], d }
    })
  }
}

test.run()
