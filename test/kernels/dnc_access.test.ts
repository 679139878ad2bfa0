// The DNC's fused memory-access kernels against ref on the shared DNC cases (H read heads as R): dnc_usage_*,
// dnc_write_weighting_*, dnc_write_* and dnc_read_weights_* on valid values (weightings and gates in [0, 1)).
// Tolerance atol 1e-5, rtol 1e-4 (f32 sums of up to N or W terms against the ref's doubles).
import { suite } from 'uvu'
import { DNC } from '../cases/shapes.ts'
import { randn, uniform } from '../helpers.ts'
import { parity } from './parity.ts'

const test = suite('dnc access kernels')
const tol = { atol: 1e-5, rtol: 1e-4 }

for (const { B, N, W, H: R } of DNC) {
  const shape = `B ${B} N ${N} W ${W} R ${R}`
  const w01 = (n: number, seed: number, hi = 1) => uniform(n, seed, 0, hi)
  const usage = () => [w01(B * N, 1), w01(B * N, 2, 0.5), w01(B * R * N, 3, 0.5), w01(B * R, 4)]
  parity(test, 'dnc_usage_forward', shape, () => ({ inputs: usage(), outLens: [B * N], d: { B, N, R } }), tol)
  parity(test, 'dnc_usage_backward', shape, () => ({ inputs: [randn(B * N, 5), ...usage()], outLens: [B * N, B * N, B * R * N, B * R], d: { B, N, R } }), tol)
  const ww = () => [w01(B * N, 6, 0.3), w01(B * N, 7, 0.3), w01(B, 8), w01(B, 9), w01(B * N, 10, 0.2)]
  parity(test, 'dnc_write_weighting_forward', shape, () => ({ inputs: ww(), outLens: [B * N, B * N], d: { B, N } }), tol)
  parity(
    test,
    'dnc_write_weighting_backward',
    shape,
    () => ({
      inputs: [randn(B * N, 11), randn(B * N, 12), ...ww()],
      outLens: [B * N, B * N, B, B, B * N],
      d: { B, N },
    }),
    tol,
  )
  const write = () => [randn(B * N * W, 13), w01(B * N, 14, 0.5), w01(B * W, 15), randn(B * W, 16)]
  parity(test, 'dnc_write_forward', shape, () => ({ inputs: write(), outLens: [B * N * W], d: { B, N, W } }), tol)
  parity(
    test,
    'dnc_write_backward',
    shape,
    () => ({
      inputs: [randn(B * N * W, 17), ...write()],
      outLens: [B * N * W, B * N, B * W, B * W],
      d: { B, N, W },
    }),
    tol,
  )
  const reads = () => [w01(B * R * 3, 18), w01(B * R * N, 19, 0.3), w01(B * R * N, 20, 0.3), w01(B * R * N, 21, 0.3)]
  parity(test, 'dnc_read_weights_forward', shape, () => ({ inputs: reads(), outLens: [B * R * N], d: { B, R, N } }), tol)
  parity(
    test,
    'dnc_read_weights_backward',
    shape,
    () => ({
      inputs: [randn(B * R * N, 22), ...reads()],
      outLens: [B * R * 3, B * R * N, B * R * N, B * R * N],
      d: { B, R, N },
    }),
    tol,
  )
}

test.run()
