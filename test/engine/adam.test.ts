// Adam against a hand-computed f64 update (Chainer's formula: lr_t = lr sqrt(1-b2^t) / (1-b1^t),
// m = b1 m + (1-b1) g, v = b2 v + (1-b2) g^2, p -= lr_t m / (sqrt(v) + eps)), global-norm gradient clipping, and
// gradNorm. RefBackend(64) so the engine and the hand computation agree to ~1e-15; tolerance rtol 1e-12.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { Tensor, RefBackend, Adam, backward, scope, keep } from '../../engine/index.ts'
import * as E from '../../engine/index.ts'
import { close, randn } from '../helpers.ts'

const be = new RefBackend(64)
const test = suite('adam')
const TOL = { atol: 1e-14, rtol: 1e-12 }
const raw = (t: Tensor) => Float64Array.from(be.raw(t.buf))

function param(data: ArrayLike<number>, shape: number[]): Tensor {
  const t = keep(Tensor.empty(be, shape))
  be.raw(t.buf).set(data)
  t.requiresGrad = true
  return t
}
function setGrad(p: Tensor, g: ArrayLike<number>): void {
  p.grad?.dispose()
  p.grad = keep(Tensor.empty(be, p.shape))
  be.raw(p.grad.buf).set(g)
}

/** Chainer's Adam in plain f64, on host arrays, in place. */
function hostAdam(
  p: Float64Array,
  m: Float64Array,
  v: Float64Array,
  g: ArrayLike<number>,
  t: number,
  { lr = 1e-3, b1 = 0.9, b2 = 0.999, eps = 1e-8, scale = 1 } = {},
) {
  const lrT = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t)
  for (let i = 0; i < p.length; i++) {
    const gi = g[i] * scale
    m[i] = b1 * m[i] + (1 - b1) * gi
    v[i] = b2 * v[i] + (1 - b2) * gi * gi
    p[i] -= (lrT * m[i]) / (Math.sqrt(v[i]) + eps)
  }
}

test('adam_step ref64: 3 steps match the hand-computed Chainer update, grads from backward [3,4]+[5]', async () => {
  const a0 = Float64Array.from(randn(12, 1)),
    b0 = Float64Array.from(randn(5, 2))
  const a = param(a0, [3, 4]),
    b = param(b0, [5])
  const cA = Tensor.fromArray(be, randn(12, 3), [3, 4]),
    cB = Tensor.fromArray(be, randn(5, 4), [5])
  const opts = { lr: 0.01, beta1: 0.8, beta2: 0.95, eps: 1e-6 }
  const opt = new Adam([a, b], opts)
  const host = [a0, b0].map((x) => ({ p: Float64Array.from(x), m: new Float64Array(x.length), v: new Float64Array(x.length) }))
  const cs = [raw(cA), raw(cB)]
  for (let t = 1; t <= 3; t++) {
    opt.zeroGrad()
    // loss = sum(c_a * a^3) + sum(c_b * b^2): d/da = 3 c_a a^2, d/db = 2 c_b b (grads change with the params)
    scope(() => backward(E.add(E.sum(E.mul(cA, E.mul(a, E.square(a)))), E.sum(E.mul(cB, E.square(b))))))
    const gs = [host[0].p.map((x, i) => 3 * cs[0][i] * x * x), host[1].p.map((x, i) => 2 * cs[1][i] * x)]
    close(raw(a.grad!), gs[0], TOL, `grad a step ${t}`)
    host.forEach((h, k) => hostAdam(h.p, h.m, h.v, gs[k], t, { lr: opts.lr, b1: opts.beta1, b2: opts.beta2, eps: opts.eps }))
    const ret = await opt.step()
    assert.ok(Number.isNaN(ret), 'no clip: no norm readback')
    assert.is(opt.t, t)
    close(raw(a), host[0].p, TOL, `a after step ${t}`)
    close(raw(b), host[1].p, TOL, `b after step ${t}`)
    close(raw(opt.m[0]), host[0].m, TOL, `m_a after step ${t}`)
    close(raw(opt.v[1]), host[1].v, TOL, `v_b after step ${t}`)
  }
  opt.dispose()
  a.dispose()
  b.dispose()
  cA.dispose()
  cB.dispose()
})

test('adam_step ref64: Chainer defaults (lr 1e-3, 0.9, 0.999, 1e-8), first step moves each param by lr [6]', async () => {
  const p0 = [1, -2, 3, 0.5, -0.25, 4]
  const p = param(p0, [6])
  const opt = new Adam([p])
  assert.equal([opt.lr, opt.beta1, opt.beta2, opt.eps], [1e-3, 0.9, 0.999, 1e-8])
  setGrad(p, [0.3, -5, 1e-3, 2, -0.7, 100])
  await opt.step()
  // t = 1: m = 0.1 g, v = 0.001 g^2, lr_t = lr sqrt(0.001) / 0.1  =>  step = lr g / (|g| + eps / sqrt(0.001))
  const want = p0.map((x, i) => {
    const g = [0.3, -5, 1e-3, 2, -0.7, 100][i]
    return x - (1e-3 * g) / (Math.abs(g) + 1e-8 / Math.sqrt(0.001))
  })
  close(raw(p), want, TOL, 'p')
  opt.dispose()
  p.dispose()
})

test('adam ref64: parameters without a gradient are left untouched [2]', async () => {
  const p = param([1, 2], [2]),
    q = param([3, 4], [2])
  const opt = new Adam([p, q])
  setGrad(p, [1, 1])
  await opt.step()
  close(raw(q), [3, 4], TOL, 'q unchanged')
  assert.ok(raw(p)[0] < 1)
  opt.dispose()
  p.dispose()
  q.dispose()
})

test('gradNorm ref64 equals sqrt(sum of all squared grads) [3,4]+[7]', async () => {
  const g1 = randn(12, 11),
    g2 = randn(7, 12, 3)
  const p = param(new Float64Array(12), [3, 4]),
    q = param(new Float64Array(7), [7]),
    r = param([0], [1])
  setGrad(p, g1)
  setGrad(q, g2) // r has no grad: skipped
  const opt = new Adam([p, q, r])
  let ss = 0
  for (const v of [...g1, ...g2]) ss += v * v
  // the norm comes back through read(), which is f32 on every backend: rtol 1e-7
  close([await opt.gradNorm()], [Math.sqrt(ss)], { atol: 0, rtol: 1e-7 }, 'norm')
  assert.is(await new Adam([r]).gradNorm(), 0)
  opt.dispose()
  p.dispose()
  q.dispose()
  r.dispose()
})

test('clipping ref64: grad norm > c gives Adam on grads scaled by c/norm, 3 steps [4,3]+[5]', async () => {
  const c = 0.5
  const init = [Float64Array.from(randn(12, 21)), Float64Array.from(randn(5, 22))]
  const clipped = [param(init[0], [4, 3]), param(init[1], [5])]
  const manual = [param(init[0], [4, 3]), param(init[1], [5])]
  const plain = [param(init[0], [4, 3]), param(init[1], [5])]
  const o1 = new Adam(clipped, { lr: 0.05 }),
    o2 = new Adam(manual, { lr: 0.05 }),
    o3 = new Adam(plain, { lr: 0.05 })
  for (let t = 1; t <= 3; t++) {
    // a different norm each step, so clipping changes the update (Adam is invariant to one constant scale)
    const gs = [randn(12, 30 + t, 2 * t * t), randn(5, 40 + t, 2 * t * t)]
    let ss = 0
    for (const g of gs) for (const v of g) ss += v * v
    const norm = Math.sqrt(ss)
    assert.ok(norm > c, 'the test needs a norm above the threshold')
    clipped.forEach((p, k) => setGrad(p, gs[k]))
    const ret = await o1.step(c)
    // the norm is read back as f32 (rtol 1e-7); the update must then be exactly Adam on g * c / norm
    close([ret], [norm], { atol: 0, rtol: 1e-7 }, 'step returns the pre-clip norm')
    manual.forEach((p, k) =>
      setGrad(
        p,
        Float64Array.from(gs[k], (v) => v * (c / ret)),
      ),
    )
    await o2.step()
    plain.forEach((p, k) => setGrad(p, gs[k]))
    await o3.step()
    clipped.forEach((p, k) => close(raw(p), raw(manual[k]), TOL, `param ${k} step ${t}`))
  }
  const d = Math.max(...raw(clipped[0]).map((v, i) => Math.abs(v - raw(plain[0])[i])))
  assert.ok(d > 1e-4, `clipping changed the trajectory (max diff to unclipped ${d})`)
  for (const p of [...clipped, ...manual, ...plain]) p.dispose()
  o1.dispose()
  o2.dispose()
  o3.dispose()
})

test('clipping ref64: a known norm (read by the caller) gives the same update as the norm Adam reads itself [4,3]', async () => {
  const init = Float64Array.from(randn(12, 51)),
    g = randn(12, 52, 3)
  const a = param(init, [4, 3]),
    b = param(init, [4, 3]),
    wrong = param(init, [4, 3])
  const [oa, ob, ow] = [new Adam([a], { lr: 0.05 }), new Adam([b], { lr: 0.05 }), new Adam([wrong], { lr: 0.05 })]
  for (const p of [a, b, wrong]) setGrad(p, g)
  const norm = await ob.gradNorm()
  await oa.step(0.5)
  assert.is(await ob.step(0.5, norm), norm)
  await ow.step(0.5, 2 * norm) // a different norm must give a different update: the known norm is really used
  assert.equal(raw(b), raw(a))
  assert.ok(raw(wrong).some((v, i) => v !== raw(a)[i]))
  for (const p of [a, b, wrong]) p.dispose()
  for (const o of [oa, ob, ow]) o.dispose()
})

test('clipping ref64: grad norm <= c leaves the update unchanged [6]', async () => {
  const init = Float64Array.from(randn(6, 50))
  const p1 = param(init, [6]),
    p2 = param(init, [6])
  const o1 = new Adam([p1], { lr: 0.1 }),
    o2 = new Adam([p2], { lr: 0.1 })
  const g = randn(6, 51, 0.1)
  setGrad(p1, g)
  setGrad(p2, g)
  const n = await o1.step(100)
  await o2.step()
  assert.ok(n < 100)
  close(raw(p1), raw(p2), { atol: 0, rtol: 0 }, 'identical')
  o1.dispose()
  o2.dispose()
  p1.dispose()
  p2.dispose()
})

test('adam f32 ref: update matches the f64 hand computation to f32 precision [8]', async () => {
  const be32 = new RefBackend(32)
  const p0 = randn(8, 60),
    g = randn(8, 61)
  const p = keep(Tensor.fromArray(be32, p0))
  p.requiresGrad = true
  p.grad = keep(Tensor.fromArray(be32, g))
  const opt = new Adam([p], { lr: 0.01 })
  const h = { p: Float64Array.from(p0), m: new Float64Array(8), v: new Float64Array(8) }
  for (let t = 1; t <= 3; t++) {
    await opt.step()
    hostAdam(h.p, h.m, h.v, g, t, { lr: 0.01 })
  }
  close(p.readSync(), h.p, { atol: 1e-6, rtol: 1e-6 }, 'p')
  opt.dispose()
  p.dispose()
})

test.run()
