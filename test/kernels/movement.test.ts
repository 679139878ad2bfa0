// permute, slice_axis, concat_part (the rest of the output must stay as it was), gather_rows and its
// scatter-add backward (repeated indices) against ref. Exact: tolerance 0 except gather_rows_backward (sums).
import { suite } from 'uvu'
import { randn, rng } from '../helpers.ts'
import { parity } from './parity.ts'

const test = suite('movement')
const exact = { atol: 0, rtol: 0 }

const PERMS: [number[], number[]][] = [
  [
    [2, 3, 4, 5],
    [0, 1, 3, 2],
  ],
  [
    [2, 3, 4, 5],
    [3, 2, 1, 0],
  ],
  [
    [1, 7, 1, 9],
    [0, 3, 2, 1],
  ],
  [
    [4, 1, 6, 3],
    [2, 0, 3, 1],
  ],
  [
    [64, 3, 5, 7],
    [1, 0, 2, 3],
  ],
]
for (const [D, P] of PERMS) {
  const d = { D0: D[0], D1: D[1], D2: D[2], D3: D[3], P0: P[0], P1: P[1], P2: P[2], P3: P[3] }
  const L = D[0] * D[1] * D[2] * D[3]
  parity(test, 'permute', `${D.join('x')} (${P.join(',')})`, () => ({ inputs: [randn(L, L)], outLens: [L], d }), exact)
}

const SLABS = [
  { O: 1, DX: 5, I: 1, START: 2, DO: 3 },
  { O: 3, DX: 7, I: 5, START: 0, DO: 7 },
  { O: 4, DX: 9, I: 3, START: 4, DO: 2 },
]
for (const s of SLABS) {
  parity(test, 'slice_axis', JSON.stringify(s), () => ({ inputs: [randn(s.O * s.DX * s.I, 3)], outLens: [s.O * s.DO * s.I], d: s }), exact)
  // concat_part writes x [O, DO, I] into out [O, DX, I] at START (here DX is the OUTPUT's axis: swap the roles)
  const c = { O: s.O, DX: s.DO, I: s.I, START: s.START, DO: s.DX }
  parity(
    test,
    'concat_part',
    JSON.stringify(c),
    () => ({
      inputs: [randn(c.O * c.DX * c.I, 4)],
      outLens: [c.O * c.DO * c.I],
      d: c,
      outInit: [randn(c.O * c.DO * c.I, 5)],
    }),
    exact,
  )
}

for (const { N, V, D } of [
  { N: 1, V: 1, D: 1 },
  { N: 9, V: 4, D: 5 },
  { N: 64, V: 10, D: 33 },
]) {
  const r = rng(N)
  const idx = () => Float32Array.from({ length: N }, () => Math.floor(r() * V))
  parity(test, 'gather_rows', `${N},${V},${D}`, () => ({ inputs: [randn(V * D, 6), idx()], outLens: [N * D], d: { N, V, D } }), exact)
  parity(test, 'gather_rows_backward', `${N},${V},${D}`, () => ({ inputs: [randn(N * D, 7), idx()], outLens: [V * D], d: { N, V, D } }), {
    atol: 1e-6,
    rtol: 1e-6,
  })
}

test.run()
