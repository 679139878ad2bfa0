// A training loop at steady state allocates nothing new: 100 updates of a small conv+linear+LSTM net with Adam
// (global-norm clipping on, so gradNorm's temporaries are included), each update inside scope(), the LSTM state
// carried between updates (detached and kept, as truncated BPTT does). After a warm-up, backend.memory()'s
// liveBuffers and reservedBytes (the wasm arena's high-water mark, the webgpu pool) must not move.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { Tensor, Adam, Rng, Conv2d, LSTM, Linear, Module, scope, keep, backward, type Backend, type LSTMState } from '../../engine/index.ts'
import * as E from '../../engine/index.ts'
import { backendNamed, BACKEND_NAMES } from './backends.ts'
import { randn } from '../helpers.ts'

const test = suite('memory')
const N = 4,
  STEPS = 100,
  WARMUP = 10

class Net extends Module {
  conv: Conv2d
  fc: Linear
  lstm: LSTM
  head: Linear
  constructor(be: Backend) {
    super(be)
    const rng = new Rng(5)
    this.conv = this.child('conv', new Conv2d(be, 2, 4, 4, 2, rng)) // [N,2,10,10] -> [N,4,4,4]
    this.fc = this.child('fc', new Linear(be, 64, 16, rng))
    this.lstm = this.child('lstm', new LSTM(be, 16, 8, rng))
    this.head = this.child('head', new Linear(be, 8, 3, rng))
  }
}

for (const name of BACKEND_NAMES) {
  test(`steady-state training allocates nothing: conv+linear+LSTM+Adam, ${STEPS} updates on ${name} [N=${N}]`, async () => {
    const be = await backendNamed(name)
    if (!be) return
    const baseline = be.memory()
    const net = new Net(be)
    const opt = new Adam(net.parameters(), { lr: 1e-3 })
    let state: LSTMState = { h: keep(Tensor.zeros(be, [N, 8])), c: keep(Tensor.zeros(be, [N, 8])) }
    const x = keep(Tensor.fromArray(be, randn(N * 200, 3), [N, 2, 10, 10]))
    const target = keep(Tensor.fromArray(be, randn(N * 3, 4), [N, 3]))
    const mask = keep(Tensor.fromArray(be, [1, 0, 1, 1], [N, 1]))
    const samples: { live: number; reserved: number }[] = []
    for (let i = 0; i < STEPS; i++) {
      const { loss, next } = scope(() => {
        let s = E.resetRows(state, mask)
        let total: Tensor | null = null
        for (let t = 0; t < 3; t++) {
          const z = E.relu(net.fc.forward(E.reshape(E.relu(net.conv.forward(x)), [N, 64])))
          s = net.lstm.step(z, s)
          const l = E.mean(E.square(E.sub(net.head.forward(s.h), target)))
          total = total ? E.add(total, l) : l
        }
        backward(total!)
        return { loss: total!, next: { h: E.detach(s.h), c: E.detach(s.c) } }
      })
      await loss.read()
      loss.dispose()
      state.h.dispose()
      state.c.dispose()
      state = { h: keep(next.h), c: keep(next.c) }
      await opt.step(0.5)
      opt.zeroGrad()
      await be.sync()
      const m = be.memory()
      samples.push({ live: m.liveBuffers, reserved: m.reservedBytes })
    }
    const steady = samples.slice(WARMUP)
    const first = steady[0],
      last = samples[samples.length - 1]
    console.log(`  ${name}: live buffers ${first.live} -> ${last.live}, reserved bytes ${first.reserved} -> ${last.reserved}`)
    steady.forEach((s, i) => {
      assert.is(s.live, first.live, `liveBuffers moved at update ${WARMUP + i}`)
      assert.is(s.reserved, first.reserved, `reservedBytes moved at update ${WARMUP + i}`)
    })
    for (const t of [x, target, mask, state.h, state.c]) t.dispose()
    opt.dispose()
    net.dispose()
    assert.is(be.memory().liveBuffers, baseline.liveBuffers, 'everything freed at the end')
  })
}

test.run()
