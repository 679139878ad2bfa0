// The DNC's addressing kernels against ref on the shared cases: dnc_cosine_forward / _backward, dnc_allocation_forward /
// _backward, dnc_link_forward / _backward (dense, and thresholded at 1/K), dnc_sparse_forward / _backward. Inputs
// are valid DNC values: usages in [0, 1) with exact ties and zeros (the tie rule must agree), weightings in [0, 0.3),
// link entries in [0, 1) nudged away from 1/K (a threshold flip from rounding would not be a bug), top-K inputs with
// ties. Backward inputs come from the ref forward. Tolerance atol 1e-5, rtol 1e-4 (f32 sums of up to N terms, and
// the WGSL allocation multiplies its usages in index order rather than sorted order).
import { suite } from 'uvu'
import { DNC } from '../cases/shapes.ts'
import { randn, uniform } from '../helpers.ts'
import { parity, runOn, ref, type Call } from './parity.ts'

const test = suite('dnc kernels')
const tol = { atol: 1e-5, rtol: 1e-4 }

/** values in [lo, hi) with every 5th equal to its neighbour (exact ties) and every 7th 0 */
const withTies = (n: number, seed: number, lo: number, hi: number) => uniform(n, seed, lo, hi).map((v, i, a) => (i % 7 === 3 ? 0 : i % 5 === 4 ? a[i - 1] : v))

/** link_prev in [0, 1), with every entry whose update lands within 1e-4 of 1/K moved off it */
function linkInputs(B: number, N: number, K: number, seed: number): Float32Array[] {
  const L = uniform(B * N * N, seed, 0, 1),
    w = uniform(B * N, seed + 1, 0, 0.3),
    p = uniform(B * N, seed + 2, 0, 0.3)
  if (K > 0) {
    for (let b = 0; b < B; b++)
      for (let i = 0; i < N; i++)
        for (let j = 0; j < N; j++) {
          const e = (b * N + i) * N + j,
            f = 1 - w[b * N + i] - w[b * N + j]
          const raw = f * L[e] + w[b * N + i] * p[b * N + j]
          if (Math.abs(raw - 1 / K) < 1e-4) L[e] += 3e-4 / Math.max(f, 0.1)
        }
  }
  return [L, w, p]
}

for (const { B, N, W, H, K } of DNC) {
  const shape = `B ${B} N ${N} W ${W} H ${H} K ${K}`
  const cos = { B, N, W, H },
    lanes = { B, N },
    link = { B, N, K }
  // cosine: one memory row of each lane is all zeros (as in M_0)
  const mem = () => randn(B * N * W, N + W).map((v, i) => (Math.floor(i / W) % N === 0 ? 0 : v))
  parity(test, 'dnc_cosine_forward', shape, () => ({ inputs: [mem(), randn(B * H * W, H)], outLens: [B * H * N, B * H, B * N], d: cos }), tol)
  let cosBack: Call | undefined
  parity(test, 'dnc_cosine_backward', shape, () => cosBack!, tol)
  parity(test, 'dnc_allocation_forward', shape, () => ({ inputs: [withTies(B * N, N, 0, 1)], outLens: [B * N, B * N], d: lanes }), tol)
  let allocBack: Call | undefined
  parity(test, 'dnc_allocation_backward', shape, () => allocBack!, tol)
  for (const k of [0, K]) {
    parity(
      test,
      'dnc_link_forward',
      `${shape} (threshold K ${k})`,
      () => ({ inputs: linkInputs(B, N, k, 40), outLens: [B * N * N], d: { ...link, K: k } }),
      tol,
    )
    parity(
      test,
      'dnc_link_backward',
      `${shape} (threshold K ${k})`,
      () => ({
        inputs: [randn(B * N * N, 41), ...linkInputs(B, N, k, 40)],
        outLens: [B * N * N, B * N, B * N],
        d: { ...link, K: k },
      }),
      tol,
    )
  }
  parity(test, 'dnc_sparse_forward', shape, () => ({ inputs: [withTies(B * N, 50, 0, 0.3)], outLens: [B * N], d: link }), tol)
  parity(test, 'dnc_sparse_backward', shape, () => ({ inputs: [randn(B * N, 51), withTies(B * N, 50, 0, 0.3)], outLens: [B * N], d: link }), tol)
  test.before(async () => {
    const m = mem(),
      k = randn(B * H * W, H + 1)
    const [sim, kn, mn] = await runOn(ref, 'dnc_cosine_forward', { inputs: [m, k], outLens: [B * H * N, B * H, B * N], d: cos })
    cosBack = { inputs: [randn(B * H * N, 7), sim, m, k, kn, mn], outLens: [B * N * W, B * H * W], d: cos }
    const u = withTies(B * N, N + 1, 0, 1)
    const [, order] = await runOn(ref, 'dnc_allocation_forward', { inputs: [u], outLens: [B * N, B * N], d: lanes })
    allocBack = { inputs: [randn(B * N, 8), u, order], outLens: [B * N], d: lanes }
  })
}

test.run()
