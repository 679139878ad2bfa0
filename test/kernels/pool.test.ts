// max_pool2 and max_pool2_backward against ref on test/cases POOL (every path of the wasm kernel, odd sides), with
// inputs from {0, 1, 2} (most windows tie, so the first-maximum rule is exercised) and from a normal; exact
// (tolerance 0: a max and a routed copy round nothing). Then windows of special values (NaN, +-Inf, +-0) with NaN
// compared as equal to NaN: bitwise on wasm, and on WebGPU with -0 == +0 (WGSL's max() need not order the zeros).
import { suite } from 'uvu'
import { POOL } from '../cases/shapes.ts'
import { backendByName, randn, rng, same } from '../helpers.ts'
import { parity, ref, runOn, TARGETS, type Call } from './parity.ts'

const test = suite('pool')
const exact = { atol: 0, rtol: 0 }
const ties = (n: number, seed: number) => {
  const r = rng(seed)
  return Float32Array.from({ length: n }, () => Math.floor(r() * 3))
}

for (const { N, C, H, W } of POOL) {
  const d = { N, C, H, W },
    L = N * C * H * W,
    O = N * C * (H >> 1) * (W >> 1)
  for (const [kind, x] of [
    ['ties', () => ties(L, L)],
    ['randn', () => randn(L, L + 1)],
  ] as const) {
    const shape = `${N},${C},${H},${W} ${kind}`
    parity(test, 'max_pool2', shape, () => ({ inputs: [x()], outLens: [O], d }), exact)
    let call: Call | undefined
    parity(test, 'max_pool2_backward', shape, () => call!, exact)
    test.before(async () => {
      const xs = x()
      const [y] = await runOn(ref, 'max_pool2', { inputs: [xs], outLens: [O], d })
      call = { inputs: [randn(O, O + 7), xs, y], outLens: [L], d }
    })
  }
}

const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 1, -1]
for (const d of [
  { N: 2, C: 3, H: 6, W: 6 },
  { N: 1, C: 2, H: 9, W: 17 },
  { N: 3, C: 1, H: 4, W: 4 },
]) {
  for (const bn of TARGETS) {
    test(`max_pool2 and backward ${bn} == ref on NaN, +-Inf, +-0 [${d.N},${d.C},${d.H},${d.W}]`, async () => {
      const be = await backendByName(bn)
      if (!be) return
      const L = d.N * d.C * d.H * d.W,
        O = d.N * d.C * (d.H >> 1) * (d.W >> 1),
        r = rng(L)
      // 2 in 3 elements special: windows with NaN beside +Inf, -Inf beside -0, +0 beside -0, ...
      const x = Float32Array.from({ length: L }, (_, i) => (i % 3 ? SPECIAL[Math.floor(r() * SPECIAL.length)] : Math.floor(r() * 3) - 1))
      const fwd = { inputs: [x], outLens: [O], d }
      const [y] = await runOn(ref, 'max_pool2', fwd)
      same((await runOn(be, 'max_pool2', fwd))[0], y, bn === 'wasm', `max_pool2 ${bn}`)
      const bwd = { inputs: [randn(O, 3), x, y], outLens: [L], d }
      same((await runOn(be, 'max_pool2_backward', bwd))[0], (await runOn(ref, 'max_pool2_backward', bwd))[0], true, `max_pool2_backward ${bn}`)
    })
  }
}

test.run()
