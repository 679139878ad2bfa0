// A whole DNC (engine/nn/dnc.ts) on wasm and webgpu against the ref backend: the same weights (built from the same
// seed), 4 lanes stepped 6 times from a random state, then one backward. (From the zero state, slots written alike
// have usages equal up to the last bit, and which of them the free list puts first may differ between backends by
// rounding: the same contents then land in other slots. A random memory and usage make such near-ties unlikely.) Every step's output, every final state part
// (memory, usage, precedence, link matrix, weightings, reads, controller) and every parameter gradient must match
// ref, for the dense link matrix and the sparse one (K 3). Both sides run f32; they differ in summation order and
// transcendental rounding, carried through 6 steps (atol 2e-5 + rtol 2e-4 on values, atol 1e-4 on gradients).
import { suite } from 'uvu'
import { Tensor, Rng, DNC, DNC_STATE, RefBackend, scope, backward, sum, mul, add, type Backend, type DncState } from '../../engine/index.ts'
import { close, randn, uniform } from '../helpers.ts'
import { backendNamed } from './backends.ts'

const test = suite('dnc on every backend')
const B = 4,
  T = 6,
  X = 5,
  HIDDEN = 8

interface Result {
  ys: Float32Array[]
  state: Float32Array[]
  grads: Float32Array[]
}

async function run(be: Backend, K: number): Promise<Result> {
  const dnc = new DNC(be, X, HIDDEN, { N: 9, W: 5, R: 2, K }, new Rng(3))
  const out = await scope(async () => {
    const w = dnc.stateWidths()
    let s = Object.fromEntries(
      DNC_STATE.map((k, i) => {
        const isWeighting = ['usage', 'precedence', 'link', 'writeWeights', 'readWeights'].includes(k)
        const data = isWeighting ? uniform(B * w[k], 30 + i, 0, k === 'usage' ? 1 : 0.3) : randn(B * w[k], 30 + i)
        return [k, Tensor.fromArray(be, data, [B, w[k]])]
      }),
    ) as DncState
    const ys: Tensor[] = []
    for (let t = 0; t < T; t++) {
      const r = dnc.step(Tensor.fromArray(be, randn(B * X, 60 + t, 1.5), [B, X]), s)
      ys.push(r.y)
      s = r.state
    }
    const parts = [...ys, ...DNC_STATE.map((k) => s[k])]
    backward(parts.map((p, i) => sum(mul(p, Tensor.fromArray(be, randn(p.size, 700 + i), [...p.shape])))).reduce((a, b) => add(a, b)))
    return {
      ys: await Promise.all(ys.map((y) => y.read())),
      state: await Promise.all(DNC_STATE.map((k) => s[k].read())),
      grads: await Promise.all(dnc.parameters().map((p) => p.grad!.read())),
    }
  })
  dnc.dispose()
  return out
}

for (const K of [0, 3]) {
  let want: Promise<Result> | undefined
  for (const name of ['wasm', 'webgpu']) {
    test(`DNC ${T} steps + backward on ${name} == ref (4 lanes, N 9, W 5, R 2, K ${K})`, async () => {
      const be = await backendNamed(name)
      if (!be) return
      const [got, exp] = [await run(be, K), await (want ??= run(new RefBackend(32), K))]
      const tol = { atol: 2e-5, rtol: 2e-4 }
      got.ys.forEach((y, t) => close(y, exp.ys[t], tol, `${name} output at step ${t + 1}`))
      got.state.forEach((v, i) => close(v, exp.state[i], tol, `${name} final ${DNC_STATE[i]}`))
      got.grads.forEach((g, i) => close(g, exp.grads[i], { atol: 1e-4, rtol: 1e-3 }, `${name} gradient of parameter ${i}`))
    })
  }
}

test.run()
