// Gradients of the value, PPO and RND losses (rl/losses.ts) against central finite differences, in f64 on the ref
// backend, with padded rows masked out; plus a check through a whole (tiny) network's parameters.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { RefBackend, Tensor, backward, noGrad, scope, softmax } from '../../engine/index.ts'
import { valueLoss, policyLoss, rndLoss, surrogateBound, P_MIN, P_MAX } from '../../rl/losses.ts'
import { Net, encoderOutSize } from '../../rl/networks.ts'
import { Rng } from '../../engine/index.ts'
import { close, randn, uniform } from '../helpers.ts'

const test = suite('rl: losses')
const be = new RefBackend(64)
const raw = (t: Tensor) => be.raw(t.buf) as Float64Array

function leaf(data: ArrayLike<number>, shape: number[]): Tensor {
  const t = Tensor.fromArray(be, Float32Array.from(data), shape)
  raw(t).set(Float64Array.from(data)) // full f64 values
  t.requiresGrad = true
  return t
}
const constant = (data: ArrayLike<number>, shape: number[]) => {
  const t = Tensor.fromArray(be, Float32Array.from(data), shape)
  raw(t).set(Float64Array.from(data))
  return t
}

/** Analytic gradient of loss() w.r.t. each input vs central differences. */
function gradcheck(inputs: Tensor[], loss: () => Tensor, what: string, h = 1e-6) {
  scope(() => backward(loss()))
  for (const [k, x] of inputs.entries()) {
    const g = Float64Array.from(raw(x.grad!)),
      num = new Float64Array(x.size),
      xs = raw(x)
    for (let i = 0; i < x.size; i++) {
      const v = xs[i]
      xs[i] = v + h
      const lp = noGrad(() => scope(() => raw(loss())[0]))
      xs[i] = v - h
      const lm = noGrad(() => scope(() => raw(loss())[0]))
      xs[i] = v
      num[i] = (lp - lm) / (2 * h)
    }
    close(g, num, { atol: 1e-7, rtol: 1e-5 }, `${what} input ${k}`)
    x.grad!.dispose()
    x.grad = null
  }
}

const N = 6,
  mask = [1, 1, 1, 1, 1, 0],
  count = 5 // the last row is padding

test('value loss: gradient == finite differences, padding ignored', () => {
  const v = leaf(randn(N * 2, 1), [N, 2])
  const target = constant(randn(N * 2, 2), [N, 2]),
    m = constant(mask, [N, 1])
  gradcheck([v], () => valueLoss(v, target, m, count), 'value')
  const expect = [...Array(count * 2).keys()].reduce((s, i) => s + (raw(v)[i] - raw(target)[i]) ** 2, 0) / count
  close([raw(scope(() => valueLoss(v, target, m, count)))[0]], [expect], { atol: 1e-12 }, 'value loss')
})

test('RND loss (2 output dims): gradient == finite differences', () => {
  const pred = leaf(randn(N * 2, 3), [N, 2])
  const target = constant(randn(N * 2, 4), [N, 2]),
    m = constant(mask, [N, 1])
  gradcheck([pred], () => rndLoss(pred, target, m, count), 'rnd')
})

/** PPO's clipped objective as the paper writes it, per record, as a loss: max(-A r, -A clip(r, 1 - eps, 1 + eps)). */
const ppoLoss = (adv: number, r: number, eps: number) => Math.max(-adv * r, -adv * Math.min(1 + eps, Math.max(1 - eps, r)))

test('surrogateBound: min(r A, bound) is the clipped objective, both signs of A, r inside and outside the band', () => {
  const eps = 0.2
  // [A, r]: A > 0 and A < 0, each with r below, inside and above [0.8, 1.2]; and A = 0
  const cases = [
    [1.5, 0.5],
    [1.5, 1.1],
    [1.5, 1.7],
    [-2, 0.5],
    [-2, 0.9],
    [-2, 1.7],
    [0, 3],
  ]
  for (const [adv, r] of cases) {
    close([Math.min(r * adv, surrogateBound(adv, eps))], [-ppoLoss(adv, r, eps)], { atol: 1e-15 }, `A ${adv}, r ${r}`)
  }
  // by hand: A 1.5, r 1.7 -> 1.5 * 1.2 = 1.8; A -2, r 0.5 -> -2 * 0.8 = -1.6; A -2, r 1.7 -> -3.4 (unclipped)
  assert.equal(
    [ppoLoss(1.5, 1.7, eps), ppoLoss(-2, 0.5, eps), ppoLoss(-2, 1.7, eps)].map((x) => +x.toFixed(12)),
    [-1.8, 1.6, 3.4],
  )
})

test('PPO loss: clipped and unclipped records, entropy bonus; gradient == finite differences', () => {
  const A = 3,
    eps = 0.1,
    beta = 0.01
  const logitsData = randn(N * A, 5)
  const actions = [0, 2, 1, 1, 0, 2]
  // ratios 2 (A > 0: clipped), 0.6 (A > 0, below the band: unclipped), 0.5 (A < 0: clipped), 1.5 (A < 0, above the
  // band: unclipped), 1.02 (inside the band); the last row is padding
  const factor = [2, 0.6, 0.5, 1.5, 1.02, 1]
  const advData = [0.7, 0.4, -0.9, -0.3, 0.5, 0.8]
  const logits = leaf(logitsData, [N, A])
  const p = noGrad(() => scope(() => Float64Array.from(raw(softmax(logits)))))
  const onehot = new Float64Array(N * A),
    pOld = new Float64Array(N),
    bound = new Float64Array(N)
  for (let n = 0; n < N; n++) {
    onehot[n * A + actions[n]] = 1
    pOld[n] = Math.min(P_MAX, Math.max(P_MIN, p[n * A + actions[n]] / factor[n]))
    bound[n] = surrogateBound(advData[n], eps)
  }
  const args = [constant(onehot, [N, A]), constant(pOld, [N, 1]), constant(advData, [N, 1]), constant(bound, [N, 1]), constant(mask, [N, 1])] as const
  gradcheck([logits], () => policyLoss(logits, ...args, count, beta).loss, 'policy')
  // the value itself, from the paper's formulation (not from the bound given to the loss)
  let loss = 0
  for (let n = 0; n < count; n++) {
    const pa = p[n * A + actions[n]],
      ratio = pa / pOld[n]
    let ent = 0
    for (let k = 0; k < A; k++) ent -= p[n * A + k] * Math.log(p[n * A + k])
    loss += ppoLoss(advData[n], ratio, eps) - beta * ent
  }
  const got = scope(() => raw(policyLoss(logits, ...args, count, beta).loss)[0])
  close([got], [loss / count], { atol: 1e-12 }, 'policy loss value')
  // clipped records carry no surrogate gradient: with beta 0 their rows of the gradient are zero
  scope(() => backward(policyLoss(logits, ...args, count, 0).loss))
  const g = raw(logits.grad!)
  for (const n of [0, 2, 5])
    assert.ok(
      [0, 1, 2].every((k) => g[n * A + k] === 0),
      `row ${n} should have no gradient`,
    )
  for (const n of [1, 3, 4])
    assert.ok(
      [0, 1, 2].some((k) => g[n * A + k] !== 0),
      `unclipped row ${n} has a gradient`,
    )
})

test('value loss through a tiny network: parameter gradients == finite differences', () => {
  const net = new Net(
    be,
    { encoder: 'nature', inChannels: 2, frame: 36, zDim: 3, rnnLayers: 1, rnnHidden: 3, finalLayers: 1, finalHidden: 4, outDim: 2 },
    new Rng(7),
  )
  const x = constant(uniform(2 * 2 * 36 * 36, 3, 0, 1), [2, 2, 36, 36])
  const target = constant([1, -1, 0.5, 2], [2, 2]),
    m = constant([1, 1], [2, 1])
  const params = net
    .namedParameters()
    .filter(([n]) => ['fc.b', 'lstm0.b', 'hidden0.W', 'out.b', 'conv3.b'].includes(n))
    .map(([, t]) => t)
  gradcheck(
    params,
    () => {
      const st = [Tensor.zeros(be, [2, 3]), Tensor.zeros(be, [2, 3])] // h and c, scope-owned: backward reads c
      return valueLoss(net.step(x, st).y, target, m, 2)
    },
    'net',
  )
  net.zeroGrad()
})

test('grid encoder (7x7: 2x2 conv, 2x2 max-pool, two 2x2 convs, no LSTM): shapes and parameter gradients == finite differences', () => {
  const net = new Net(
    be,
    { encoder: 'grid', inChannels: 3, frame: 7, zDim: 5, rnnLayers: 0, rnnHidden: 0, finalLayers: 1, finalHidden: 4, outDim: 2 },
    new Rng(11),
  )
  assert.equal(
    net.conv.map((c) => [c.inCh, c.outCh, c.k, c.stride]),
    [
      [3, 16, 2, 1],
      [16, 32, 2, 1],
      [32, 64, 2, 1],
    ],
  )
  assert.is(net.flat, 64) // 7 -> 6 -> pool 3 -> 2 -> 1
  // MiniGrid-like integer codes: object 0..10, colour 0..5, state 0..2
  const x = constant(uniform(2 * 3 * 49, 5, 0, 10).map(Math.round), [2, 3, 7, 7])
  const target = constant([1, -1, 0.5, 2], [2, 2]),
    m = constant([1, 1], [2, 1])
  const params = net
    .namedParameters()
    .filter(([n]) => ['conv1.W', 'conv2.W', 'conv3.b', 'fc.W', 'out.W'].includes(n))
    .map(([, t]) => t)
  gradcheck(params, () => valueLoss(net.step(x, []).y, target, m, 2), 'grid net')
  net.zeroGrad()
})

test('fine encoder (4x4/2, 4x4/2, 3x3/1; 22 pixels to a 2x2 map, 36 to 5x5): shapes, map sides and parameter gradients == finite differences', () => {
  const net = new Net(
    be,
    { encoder: 'fine', inChannels: 2, frame: 22, zDim: 3, rnnLayers: 0, rnnHidden: 0, finalLayers: 0, finalHidden: 0, outDim: 2 },
    new Rng(12),
  )
  assert.equal(
    net.conv.map((c) => [c.inCh, c.outCh, c.k, c.stride]),
    [
      [2, 16, 4, 2],
      [16, 32, 4, 2],
      [32, 32, 3, 1],
    ],
  )
  assert.is(net.flat, 32 * 2 * 2) // 22 -> 10 -> 4 -> 2
  // worked by hand: 36 -> 17 -> 7 -> 5; 48 -> 23 -> 10 -> 8; 84 -> 41 -> 19 -> 17; 18 -> 8 -> 3 -> 1; 17 -> 7 -> 2 -> too small
  assert.equal(
    [36, 48, 84, 18, 17].map((s) => encoderOutSize('fine', s)),
    [5, 8, 17, 1, 0],
  )
  assert.equal(
    [36, 35, 84].map((s) => encoderOutSize('nature', s)),
    [1, 0, 7],
  )
  assert.equal(
    [7, 36].map((s) => encoderOutSize('grid', s)),
    [1, 15],
  )
  const x = constant(uniform(2 * 2 * 22 * 22, 6, 0, 1), [2, 2, 22, 22])
  const target = constant([1, -1, 0.5, 2], [2, 2]),
    m = constant([1, 1], [2, 1])
  const params = net
    .namedParameters()
    .filter(([n]) => ['conv1.W', 'conv2.b', 'conv3.W', 'fc.W'].includes(n))
    .map(([, t]) => t)
  gradcheck(params, () => valueLoss(net.step(x, []).y, target, m, 2), 'fine net')
  net.zeroGrad()
})

test.run()
