// sum_reduce, max_reduce, max_reduce_backward (with ties: dout goes to the first maximum) and sum_squares against
// ref on the shared [O, R, I] views. Tolerance: atol 1e-5 + 1e-7 R (f32 accumulation when I > 1), rtol 1e-5.
import { suite } from 'uvu'
import { REDUCE, LENGTHS } from '../cases/shapes.ts'
import { randn } from '../helpers.ts'
import { parity, runOn, ref } from './parity.ts'

const test = suite('reduce')

for (const { O, R, I } of REDUCE) {
  const d = { O, R, I },
    shape = `${O},${R},${I}`,
    tol = { atol: 1e-5 + 1e-7 * R, rtol: 1e-5 }
  // rounded to quarters so maxima tie often
  const x = () => randn(O * R * I, R + I).map((v) => Math.round(v * 4) / 4)
  parity(test, 'sum_reduce', shape, () => ({ inputs: [x()], outLens: [O * I], d }), tol)
  parity(test, 'max_reduce', shape, () => ({ inputs: [x()], outLens: [O * I], d }), tol)
  let call: { inputs: Float32Array[]; outLens: number[]; d: typeof d } | undefined
  parity(test, 'max_reduce_backward', shape, () => call!, tol)
  test.before(async () => {
    const xs = x()
    const [y] = await runOn(ref, 'max_reduce', { inputs: [xs], outLens: [O * I], d })
    call = { inputs: [randn(O * I, 5), xs, y], outLens: [O * R * I], d }
  })
}
for (const L of [...LENGTHS, 100003]) {
  parity(test, 'sum_squares', `${L}`, () => ({ inputs: [randn(L, L)], outLens: [1], d: { L } }), { atol: 1e-5, rtol: 1e-5 })
}

test.run()
