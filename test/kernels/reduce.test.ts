// sum_reduce, max_reduce, max_reduce_backward (with ties: dout goes to the first maximum) and sum_squares against
// ref on the shared [O, R, I] views. Tolerance: atol 1e-5 + 1e-7 R (f32 accumulation when I > 1), rtol 1e-5.
import { suite } from 'uvu'
import { REDUCE, LENGTHS } from '../cases/shapes.ts'
import { backendByName, randn } from '../helpers.ts'
import { parity, runOn, ref, TARGETS } from './parity.ts'

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
  parity(test, 'sum_squares', `${L}`, () => ({ inputs: [randn(L, L)], outLens: [1], d: { L, scale: 1 } }), { atol: 1e-5, rtol: 1e-5 })
  parity(test, 'sum_squares', `${L} scale 0.5`, () => ({ inputs: [randn(L, L + 1)], outLens: [1], d: { L, scale: 0.5 } }), { atol: 1e-5, rtol: 1e-5 })
}

// scale 0 is the optimizer's finite check, worked by hand: 0 when every element is finite (1e30 included: its
// square overflows float32, 0 x 1e30 does not), NaN when one element is NaN or infinite, wherever it sits (the
// wasm kernel's 8-wide body or its scalar tail); scale 1 over 1..11 is 506
const FINITE_CASES: [string, number[], number, number][] = [
  ['1..11', Array.from({ length: 11 }, (_, i) => i + 1), 1, 506],
  ['1..11 scale 0', Array.from({ length: 11 }, (_, i) => i + 1), 0, 0],
  ['1e30 in the body, scale 0', [1, 2, 1e30, 4, 5, 6, 7, 8, 9], 0, 0],
  ['1e30, scale 1', [1e30, 1], 1, Infinity],
  ['Infinity in the body', [1, 2, 3, -Infinity, 5, 6, 7, 8, 9], 0, NaN],
  ['NaN in the tail', [1, 2, 3, 4, 5, 6, 7, 8, NaN], 0, NaN],
  ['NaN in the body, scale 1', [NaN, 2, 3, 4, 5, 6, 7, 8], 1, NaN],
]
for (const bn of ['ref', ...TARGETS]) {
  test(`sum_squares ${bn}: hand-worked finite checks`, async () => {
    const be = bn === 'ref' ? ref : await backendByName(bn)
    if (!be) return // backends() printed the SKIPPED line (and threw under CI)
    for (const [what, xs, scale, want] of FINITE_CASES) {
      const [got] = await runOn(be, 'sum_squares', { inputs: [new Float32Array(xs)], outLens: [1], d: { L: xs.length, scale } })
      if (!Object.is(got[0], want)) throw new Error(`sum_squares ${bn} [${what}]: ${got[0]}, want ${want}`)
    }
  })
}

test.run()
