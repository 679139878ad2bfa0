// conv2d_forward / backward_input / backward_weight: every non-ref backend (and the wasm _v1 baselines) against
// ref on the shared cases, plus the seed's three layers at batch 64 (heavy: the ref runs forward and
// backward_input on the first 2 images only, comparing those rows; backward_weight sums over the batch, so its
// ref runs on all 64 once). Heavy cases skip software GPU adapters (SwiftShader), which are a CPU. Tolerance: atol 1e-5 + 3e-7 x (reduction depth), rtol 1e-4.
import { suite } from 'uvu'
import { CONV, CONV_SEED, convOut, type ConvCase } from '../cases/shapes.ts'
import { randn } from '../helpers.ts'
import { parity, type Call } from './parity.ts'

const test = suite('conv2d')

function calls(c: ConvCase, rows = c.N) {
  const { P, Q } = convOut(c),
    { heavy: _, ...dims } = c
  const d = { ...dims, N: rows, P, Q }
  const x = randn(c.N * c.C * c.H * c.W, 1),
    w = randn(c.K * c.C * c.R * c.S, 2, 0.1)
  const b = randn(c.K, 3),
    dout = randn(c.N * c.K * P * Q, 4)
  const head = (a: Float32Array, n: number) => a.subarray(0, (a.length / c.N) * n)
  return {
    fwd: { inputs: [head(x, rows), w, b], outLens: [rows * c.K * P * Q], d } as Call,
    bin: { inputs: [head(dout, rows), w], outLens: [rows * c.C * c.H * c.W], d } as Call,
    bw: { inputs: [head(dout, rows), head(x, rows)], outLens: [c.K * c.C * c.R * c.S], d } as Call,
    depth: { fwd: c.C * c.R * c.S, bin: c.K * c.R * c.S, bw: rows * P * Q },
  }
}
const tol = (depth: number) => ({ atol: 1e-5 + 3e-7 * depth, rtol: 1e-4 })
const label = (c: ConvCase) => `${c.N},${c.C},${c.H},${c.W} k${c.K} ${c.R}x${c.S} s${c.STRIDE} p${c.PAD}`
const v = ['', '_v1']

for (const c of CONV) {
  const lazy = () => (cache ??= calls(c))
  let cache: ReturnType<typeof calls> | undefined
  parity(test, 'conv2d_forward', label(c), () => lazy().fwd, tol(c.C * c.R * c.S), { variants: v })
  parity(test, 'conv2d_backward_input', label(c), () => lazy().bin, tol(c.K * c.R * c.S), { variants: v })
  parity(test, 'conv2d_backward_weight', label(c), () => lazy().bw, tol(c.N * convOut(c).P * convOut(c).Q), { variants: v })
}

// heavy: batch 64 on the fast kernels; the batch-independent kernels compare the first 2 images against ref
for (const c of CONV_SEED) {
  let full: ReturnType<typeof calls> | undefined, few: ReturnType<typeof calls> | undefined
  const F = () => (full ??= calls(c)),
    S = () => (few ??= calls(c, 2))
  const { P, Q } = convOut(c)
  parity(test, 'conv2d_forward', label(c), () => ({ ...F().fwd, compareLens: [2 * c.K * P * Q] }), tol(c.C * c.R * c.S), {
    refCall: () => S().fwd,
    heavy: true,
  })
  parity(test, 'conv2d_backward_input', label(c), () => ({ ...F().bin, compareLens: [2 * c.C * c.H * c.W] }), tol(c.K * c.R * c.S), {
    refCall: () => S().bin,
    heavy: true,
  })
  parity(test, 'conv2d_backward_weight', label(c), () => F().bw, tol(c.N * P * Q), { heavy: true })
}

test.run()
