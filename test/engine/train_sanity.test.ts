// A small conv + LSTM network learns a task that needs memory, on ref and on every backend, with loss curves that
// agree with ref. Task: each step shows a 1x8x8 frame with one bright pixel at place A (1,1) or place B (6,5); the
// target at step t is the place of the PREVIOUS step's pixel (so the answer must be carried in the LSTM state).
// Net: conv 1->4 k3 s2 p1, relu, conv 4->4 k3 s1 p1, relu, LSTM 64->16, linear 16->2, logSoftmax cross-entropy on steps 1..T-1, BPTT over T.
// Fresh batches from a seeded generator each update, so every backend sees the same data.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { Tensor, Adam, Rng, Conv2d, LSTM, Linear, Module, scope, backward, RefBackend, type Backend } from '../../engine/index.ts'
import * as E from '../../engine/index.ts'
import { backendNamed, BACKEND_NAMES } from './backends.ts'

const test = suite('train_sanity')
const N = 16,
  T = 5,
  STEPS = 80,
  LR = 0.02
/** the learned net must beat this mean cross-entropy (chance is ln 2 = 0.693) by the end */
const THRESHOLD = 0.1
/** backend vs ref at every one of the STEPS updates: |l_be - l_ref| < ATOL + RTOL |l_ref|. Both run f32 and differ
 * only in summation order and transcendental rounding; f64 ref stays within ~2e-7 of f32 ref over all 80 updates
 * (tested below), while each broken kernel below is caught within 2-5 updates. */
const ATOL = 1e-3,
  RTOL = 1e-2,
  CURVE_STEPS = STEPS
const PLACES = [
  [1, 1],
  [6, 5],
]

class Net extends Module {
  conv: Conv2d
  conv2: Conv2d
  lstm: LSTM
  head: Linear
  constructor(be: Backend) {
    super(be)
    const rng = new Rng(7)
    this.conv = this.child('conv', new Conv2d(be, 1, 4, 3, 2, rng, 1))
    this.conv2 = this.child('conv2', new Conv2d(be, 4, 4, 3, 1, rng, 1)) // its input gradient is exercised too
    this.lstm = this.child('lstm', new LSTM(be, 64, 16, rng))
    this.head = this.child('head', new Linear(be, 16, 2, rng))
  }
}

/** frames[t] [N,1,8,8] and one-hot targets[t] [N,2] (target of step t = place at t-1) for update `step`. */
function batch(step: number) {
  const rng = new Rng(1000 + step)
  const places = Array.from({ length: T }, () => Array.from({ length: N }, () => rng.int(2)))
  const frames = places.map((row) => {
    const f = new Float32Array(N * 64)
    row.forEach((p, n) => {
      f[n * 64 + PLACES[p][0] * 8 + PLACES[p][1]] = 1
    })
    return f
  })
  const targets = places.map((_, t) => {
    const y = new Float32Array(N * 2)
    if (t > 0)
      places[t - 1].forEach((p, n) => {
        y[n * 2 + p] = 1
      })
    return y
  })
  return { frames, targets }
}

function lossOf(net: Net, be: Backend, step: number): Tensor {
  const { frames, targets } = batch(step)
  let s = net.lstm.initialState(N)
  let total: Tensor | null = null
  for (let t = 0; t < T; t++) {
    const x = Tensor.fromArray(be, frames[t], [N, 1, 8, 8])
    const z = E.reshape(E.relu(net.conv2.forward(E.relu(net.conv.forward(x)))), [N, 64])
    s = net.lstm.step(z, s)
    if (t === 0) continue
    const logp = E.logSoftmax(net.head.forward(s.h))
    const ce = E.neg(E.sum(E.mul(logp, Tensor.fromArray(be, targets[t], [N, 2]))))
    total = total ? E.add(total, ce) : ce
  }
  return E.mulScalar(total!, 1 / (N * (T - 1)))
}

async function curve(be: Backend, steps: number): Promise<number[]> {
  const net = new Net(be)
  const opt = new Adam(net.parameters(), { lr: LR })
  const out: number[] = []
  for (let i = 0; i < steps; i++) {
    const loss = scope(() => {
      const l = lossOf(net, be, i)
      backward(l)
      return l
    })
    out.push((await loss.read())[0])
    loss.dispose()
    await opt.step()
    opt.zeroGrad()
  }
  opt.dispose()
  net.dispose()
  return out
}

/** Index and values of the first step where the curves disagree beyond the tolerance, or null. */
function firstDisagreement(a: number[], ref: number[]): string | null {
  for (let i = 0; i < Math.min(a.length, ref.length, CURVE_STEPS); i++) {
    if (!(Math.abs(a[i] - ref[i]) < ATOL + RTOL * Math.abs(ref[i]))) return `step ${i}: ${a[i]} vs ref ${ref[i]}`
  }
  return null
}
const tail = (c: number[]) => c.slice(-5).reduce((a, b) => a + b, 0) / 5

let refCurve: number[] = []

test(`conv+LSTM learns the previous-step task on ref: mean loss of the last 5 of ${STEPS} updates < ${THRESHOLD}`, async () => {
  const t0 = performance.now()
  refCurve = await curve(new RefBackend(32), STEPS)
  console.log(`  ref: loss ${refCurve[0].toFixed(4)} -> ${tail(refCurve).toFixed(4)} in ${STEPS} updates, ${((performance.now() - t0) / 1000).toFixed(1)} s`)
  assert.ok(Math.abs(refCurve[0] - Math.LN2) < 0.05, `starts near chance (${refCurve[0]})`)
  assert.ok(tail(refCurve) < THRESHOLD, `learned: final loss ${tail(refCurve)}`)
})

/** A ref backend with one kernel's output corrupted after it runs: the plausible bugs the comparison must catch. */
function brokenRef(kernel: string, corrupt: (o: Float32Array | Float64Array, d: Record<string, number>) => void): RefBackend {
  const be = new RefBackend(32)
  const run = be.run.bind(be)
  be.run = (name, outs, ins, d) => {
    run(name, outs, ins, d)
    if (name === kernel) corrupt(be.raw(outs[0]), d)
  }
  return be
}
const MUTANTS: [string, () => RefBackend][] = [
  // the filter gradient flipped in space (correlation vs convolution mix-up)
  [
    'conv2d_backward_weight flipped',
    () =>
      brokenRef('conv2d_backward_weight', (o, d) => {
        const c = Float64Array.from(o),
          { R, S } = d
        for (let i = 0; i < o.length; i++) {
          const base = i - (i % (R * S)),
            rs = i % (R * S)
          o[i] = c[base + R * S - 1 - rs]
        }
      }),
  ],
  // the input gradient missing its last row (an off-by-one bound)
  [
    'conv2d_backward_input last row dropped',
    () =>
      brokenRef('conv2d_backward_input', (o, d) => {
        const { H, W } = d
        for (let i = 0; i < o.length; i++) if (Math.floor(i / W) % H === H - 1) o[i] = 0
      }),
  ],
  // the LSTM cell state gradient not carried to the previous step
  [
    'lstm_cell_backward dc_prev zero',
    () => {
      const be = new RefBackend(32)
      const run = be.run.bind(be)
      be.run = (name, outs, ins, d) => {
        run(name, outs, ins, d)
        if (name === 'lstm_cell_backward') be.raw(outs[1]).fill(0)
      }
      return be
    },
  ],
]
for (const [what, make] of MUTANTS) {
  test(`the curve comparison catches a broken kernel: ${what}`, async () => {
    const c = await curve(make(), CURVE_STEPS)
    const bad = firstDisagreement(c, refCurve)
    console.log(`  ${what}: first disagreement ${bad}`)
    assert.ok(bad !== null, `${what} went unnoticed`)
  })
}

test('f64 ref agrees with f32 ref within the tolerance (a stand-in for summation-order differences)', async () => {
  const c = await curve(new RefBackend(64), CURVE_STEPS)
  const worst = c.reduce((m, v, i) => Math.max(m, Math.abs(v - refCurve[i])), 0)
  console.log(`  ref64 vs ref32: max |diff| ${worst.toExponential(2)}`)
  assert.is(firstDisagreement(c, refCurve), null)
})

for (const name of BACKEND_NAMES.filter((n) => n !== 'ref')) {
  test(`conv+LSTM training on ${name} learns and its loss curve matches ref at all ${CURVE_STEPS} updates`, async () => {
    const backend = await backendNamed(name)
    if (!backend) return
    const t0 = performance.now()
    const c = await curve(backend, STEPS)
    const worst = c.slice(0, CURVE_STEPS).reduce((m, v, i) => Math.max(m, Math.abs(v - refCurve[i])), 0)
    console.log(
      `  ${name}: loss ${c[0].toFixed(4)} -> ${tail(c).toFixed(4)}, max |diff| to ref over ${CURVE_STEPS} steps ${worst.toExponential(2)}, ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    )
    const bad = firstDisagreement(c, refCurve)
    assert.ok(bad === null, `${name} diverges from ref at ${bad}`)
    assert.ok(tail(c) < THRESHOLD, `${name} learned: final loss ${tail(c)}`)
  })
}

test.run()
