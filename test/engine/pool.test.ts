// maxPool2 (2x2 max-pool, stride 2, the fused max_pool2 kernel pair) on hand-worked arrays: values, the gradient
// routed to each window's maximum, ties going to the first element in row-major order (as PyTorch's MaxPool2d).
// Then its gradient against central differences in f64 on ref, and on every backend against the composition it
// replaced (two max reductions over views, columns then rows, each routing to its first maximum), run on ref: the
// same values and the same element chosen in every window, on inputs full of ties and of NaN, +-Inf and +-0.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { Tensor, RefBackend, backward, noGrad, scope, maxPool2, max, mul, reshape, sum, tapeLength, type Backend } from '../../engine/index.ts'
import { backends, centralDifferences, close, randn, rng, same } from '../helpers.ts'

const be = new RefBackend(32)
const test = suite('maxPool2')

test('values and gradient routing, [1, 2, 2, 4] (two channels: one window each of 2x2 x 2)', () => {
  // channel 0: [[1, 5, 2, 2], [3, 4, 8, -1]] -> [5, 8]; channel 1: all 2 (ties) except a -7 -> [2, 2]
  const x = Tensor.fromArray(be, [1, 5, 2, 2, 3, 4, 8, -1, 2, 2, 2, -7, 2, 2, 2, 2], [1, 2, 2, 4])
  x.requiresGrad = true
  // read inside a scope that backwards nothing: entries recorded outside one would stay on the global tape
  const [shape, values] = noGrad(() =>
    scope(() => {
      const y = maxPool2(x)
      return [y.shape, [...y.readSync()]]
    }),
  )
  assert.equal(shape, [1, 2, 1, 2])
  assert.equal(values, [5, 8, 2, 2])
  const g = Tensor.fromArray(be, [1, 10, 100, 1000], [1, 2, 1, 2])
  scope(() => backward(sum(mul(maxPool2(x), g))))
  assert.equal([...x.grad!.readSync()], [0, 1, 0, 0, 0, 0, 10, 0, 100, 0, 1000, 0, 0, 0, 0, 0])
  assert.is(tapeLength(), 0, 'nothing left on the tape for the suites after this one')
})

test('odd sides are refused with one line', () => {
  assert.throws(() => maxPool2(Tensor.zeros(be, [1, 1, 3, 4])), /even H and W, got \[1,1,3,4\]/)
})

test('gradient == central differences, f64 on ref [2, 3, 4, 6]', () => {
  const be64 = new RefBackend(64),
    L = 2 * 3 * 4 * 6
  const x = Tensor.empty(be64, [2, 3, 4, 6])
  be64.raw(x.buf).set(Float64Array.from(randn(L, 11))) // distinct values: every window has one maximum
  x.requiresGrad = true
  const r = Tensor.empty(be64, [2, 3, 2, 3])
  be64.raw(r.buf).set(Float64Array.from(randn(18, 12)))
  const lossOf = () =>
    scope(() => {
      const loss = sum(mul(maxPool2(x), r))
      if (!x.grad) backward(loss)
      return be64.raw(loss.buf)[0]
    })
  lossOf()
  const numeric = noGrad(() => centralDifferences(be64.raw(x.buf), lossOf, 1e-6))
  close(Float64Array.from(be64.raw(x.grad!.buf)), numeric, { atol: 1e-7, rtol: 1e-6 }, 'maxPool2 d/dx')
  assert.is(numeric.filter((v) => v !== 0).length, 18, 'one element in each of the 18 windows carries the gradient')
})

/** The former maxPool2: max over the column pair of each window, then over the row pair (engine/ops/reduce.ts). */
function composed(x: Tensor): Tensor {
  const [N, C, H, W] = x.shape
  const cols = max(reshape(x, [N * C * (H / 2), 2, W / 2, 2]), 3)
  return reshape(max(cols, 1), [N, C, H / 2, W / 2])
}

/** pool(x) and d sum(pool(x) * g) / dx on backend be, read back to host arrays */
async function poolAndGrad(be: Backend, pool: (x: Tensor) => Tensor, x: Float32Array, shape: number[], g: Float32Array) {
  const xt = Tensor.fromArray(be, x, shape)
  xt.requiresGrad = true
  const y = await scope(() => {
    const y = pool(xt)
    backward(sum(mul(y, Tensor.fromArray(be, g, y.shape))))
    return y
  }).read()
  const dx = await xt.grad!.read()
  xt.dispose()
  return { y, dx }
}

const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 1, 2]
const INPUTS: [string, (n: number, r: () => number) => number[]][] = [
  ['ties {0, 1, 2}', (n, r) => Array.from({ length: n }, () => Math.floor(r() * 3))],
  ['NaN, +-Inf, +-0, 1, 2', (n, r) => Array.from({ length: n }, () => SPECIAL[Math.floor(r() * SPECIAL.length)])],
]
const oldRef = new RefBackend(32)
for (const shape of [
  [4, 16, 6, 6],
  [3, 2, 8, 10],
  [2, 3, 2, 2],
]) {
  for (const [kind, gen] of INPUTS) {
    test(`maxPool2 == the former composition (on ref) on every backend, ${kind} [${shape}]`, async () => {
      const n = shape.reduce((a, b) => a * b, 1),
        r = rng(n + kind.length)
      const x = Float32Array.from(gen(n, r)),
        g = Float32Array.from(randn(n / 4, 5)).map((v) => v + 3) // no zero: a routed gradient is never 0
      const want = await poolAndGrad(oldRef, composed, x, shape, g)
      // the rule made explicit, on the host: each window's gradient sits on its first element (row-major) equal to
      // y, none when y is NaN, and y is Math.max of the window
      const W = shape[3]
      const expectDx = new Float32Array(n)
      want.y.forEach((m, o) => {
        const q = W / 2,
          t = Math.floor(o / q) * 2 * W + (o % q) * 2
        const win = [t, t + 1, t + W, t + W + 1]
        assert.ok(Object.is(m, Math.max(...win.map((k) => x[k]))), `window ${o}: y`)
        const k = win.find((k) => x[k] === m)
        if (k !== undefined) expectDx[k] = g[o]
      })
      same(want.dx, expectDx, true, 'the composition vs first-equal-in-row-major')
      for (const { name, backend } of await backends()) {
        const got = await poolAndGrad(backend, maxPool2, x, shape, g)
        // WGSL's max() need not order -0 and +0; wasm's f32.max and the ref's Math.max both take +0
        same(got.y, want.y, name !== 'webgpu', `${name} values`)
        same(got.dx, want.dx, true, `${name} gradient`)
      }
    })
  }
}

test.run()
