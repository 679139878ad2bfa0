// Elementwise kernels against ref: the six broadcasting binary ops and where on the shared broadcast pairs;
// every unary op and its backward on the shared lengths; fill. Tolerances: exact-rounding ops (add, mul, sqrt,
// relu...) atol 1e-7 rtol 1e-6; transcendentals (exp log tanh sigmoid softplus) rtol 2e-6 (the < 1 ulp Mathf ports
// vs Math in double then rounded).
import { suite } from 'uvu'
import { BINARY_OPS, UNARY_OPS, type UnaryOp, type KernelName } from '../../kernels/index.ts'
import { BROADCAST, LENGTHS } from '../cases/shapes.ts'
import { randn, uniform } from '../helpers.ts'
import { parity, bcastDims, size, runOn, ref } from './parity.ts'

const test = suite('elementwise')
const tol = { atol: 1e-7, rtol: 2e-6 }

for (const [sa, sb] of BROADCAST) {
  const { d, out } = bcastDims(sa, sb),
    shape = `${sa.join('x')} ${sb.join('x')}`
  for (const op of BINARY_OPS) {
    // div: keep b away from 0; maximum/minimum: include ties
    const b = () => (op === 'div' ? uniform(size(sb), 9, 0.5, 2) : randn(size(sb), 9).map((v, i) => (i % 5 ? v : 0)))
    const a = () => randn(size(sa), 8).map((v, i) => (i % 7 ? v : 0))
    parity(test, op, shape, () => ({ inputs: [a(), b()], outLens: [size(out)], d }), tol)
  }
  const cond = () => randn(size(sa), 10).map((v) => (v > 0 ? 1 : 0))
  parity(test, 'where', shape, () => ({ inputs: [cond(), randn(size(sa), 11), randn(size(sb), 12)], outLens: [size(out)], d }), tol)
}

const PARAMS: Record<string, number> = { alpha: 0.02, lo: -0.5, hi: 0.7 }
const domain = (op: UnaryOp, L: number, seed: number) => (op === 'log' || op === 'sqrt' ? uniform(L, seed, 0.05, 4) : uniform(L, seed, -6, 6))

for (const L of LENGTHS) {
  for (const op of Object.keys(UNARY_OPS) as UnaryOp[]) {
    const d = { L, ...PARAMS }
    parity(test, op, `${L}`, () => ({ inputs: [domain(op, L, L)], outLens: [L], d }), tol)
    const bname = `${op}_backward` as KernelName
    let call: { inputs: Float32Array[]; outLens: number[]; d: typeof d } | undefined
    parity(test, bname, `${L}`, () => call!, tol)
    // the backward's y input is the ref forward of x: computed before the first backward test runs
    test.before(async () => {
      const x = domain(op, L, L + 1)
      const [y] = await runOn(ref, op, { inputs: [x], outLens: [L], d })
      call = { inputs: [randn(L, L + 2), x, y], outLens: [L], d }
    })
  }
  parity(test, 'fill', `${L}`, () => ({ inputs: [], outLens: [L], d: { L, value: -1.25 } }), tol)
}

test.run()
