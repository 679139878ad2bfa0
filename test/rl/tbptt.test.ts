// The recurrent training path: chunks of several episodes side by side (planChunks lanes, time-major padded batch,
// Net.sequence, state reset with maskState, carried with detachState) gives the same outputs and the same parameter
// gradients as stepping each episode alone one step at a time, with the state detached every L steps; for the LSTM
// stack and for the DNC core (dense and sparse link matrix), whose memory, usage, links and weightings are state too.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { RefBackend, Tensor, Rng, backward, scope, sum, mul, concat, reshape } from '../../engine/index.ts'
import { Net, detachState, maskState, disposeState, type RecState } from '../../rl/networks.ts'
import { planChunks } from '../../rl/train_loop.ts'
import { close, uniform } from '../helpers.ts'

const test = suite('rl: tbptt')
const be = new RefBackend(64)
const raw = (t: Tensor) => be.raw(t.buf) as Float64Array
const base = { encoder: 'nature' as const, inChannels: 1, frame: 36, zDim: 4, rnnLayers: 2, rnnHidden: 3, finalLayers: 1, finalHidden: 5, outDim: 2 }
const SPECS = [
  ['2 LSTM layers', base],
  ['DNC 5,3,2,0', { ...base, dnc: { N: 5, W: 3, R: 2, K: 0 } }],
  ['DNC 5,3,2,2', { ...base, dnc: { N: 5, W: 3, R: 2, K: 2 } }],
] as const
const HW = 36 * 36
const lengths = [5, 3, 4, 1],
  B = 2,
  L = 2
const frames = lengths.map((T, e) => uniform(T * HW, 10 + e, 0, 1))
const weights = lengths.map((T, e) => uniform(T * 2, 20 + e, -1, 1)) // loss = sum_t w_t . y_t

const grads = (net: Net) => net.parameters().map((p) => Float64Array.from(raw(p.grad!)))

test('planChunks: lanes walk episodes in order, chunks of L, idle lanes null', () => {
  const plan = planChunks([0, 1, 2, 3], lengths, B, L)
  const fmt = plan.map((row) => row.map((c) => (c ? `${c.ep}:${c.off}+${c.len}${c.isStart ? 's' : ''}` : '-')).join(' '))
  assert.equal(fmt, ['0:0+2s 1:0+2s', '0:2+2 1:2+1', '0:4+1 2:0+2s', '3:0+1s 2:2+2'])
})

for (const [core, spec] of SPECS)
  test(`${core}: lane-batched TBPTT (padded and packed) == per-episode step-by-step unroll (outputs and gradients)`, () => {
    const net = new Net(be, spec, new Rng(3))
    // reference: each episode alone, one step at a time, state detached every L steps
    const refOut: number[][] = lengths.map(() => [])
    for (const [e, T] of lengths.entries()) {
      let st: RecState = net.initialState(1)
      for (let c0 = 0; c0 < T; c0 += L) {
        const next = scope(() => {
          let s = st
          const terms: Tensor[] = []
          for (let t = c0; t < Math.min(T, c0 + L); t++) {
            const x = Tensor.fromArray(be, frames[e].subarray(t * HW, (t + 1) * HW), [1, 1, 36, 36])
            const r = net.step(x, s)
            s = r.state
            refOut[e].push(...raw(r.y))
            const w = Tensor.fromArray(be, weights[e].subarray(t * 2, t * 2 + 2), [1, 2])
            terms.push(reshape(sum(mul(r.y, w)), [1]))
          }
          backward(sum(concat(terms, 0)))
          return detachState(s)
        })
        disposeState(st)
        st = next
      }
      disposeState(st)
    }
    const gRef = grads(net)
    net.zeroGrad()

    for (const isPacked of [false, true]) {
      // batched: lanes side by side, time-major rows t * B + b, padding masked out (padded) or never computed (packed)
      const gotOut: number[][] = lengths.map((T) => new Array(T * 2).fill(NaN))
      let carried: RecState = net.initialState(B)
      for (const row of planChunks([0, 1, 2, 3], lengths, B, L)) {
        const T = Math.max(...row.map((c) => c?.len ?? 0))
        const x = new Float32Array(T * B * HW),
          w = new Float32Array(T * B * 2),
          keepRow = new Float32Array(B)
        const padIdx: number[] = [],
          realIdx: number[] = [],
          where: [number, number][] = [] // (episode, step) per row
        let R = 0
        row.forEach((c, b) => {
          keepRow[b] = c && !c.isStart ? 1 : 0
          if (!c) return
          for (let t = 0; t < c.len; t++) {
            const r = isPacked ? R++ : t * B + b
            padIdx[t * B + b] = r
            realIdx.push(t * B + b)
            where[r] = [c.ep, c.off + t]
            x.set(frames[c.ep].subarray((c.off + t) * HW, (c.off + t + 1) * HW), r * HW)
            w.set(weights[c.ep].subarray((c.off + t) * 2, (c.off + t) * 2 + 2), r * 2)
          }
        })
        const rows = isPacked ? R : T * B
        for (let k = 0; k < T * B; k++) padIdx[k] ??= R
        const next = scope(() => {
          const st = maskState(carried, Tensor.fromArray(be, keepRow, [B, 1]))
          const pack = isPacked ? { B, padIdx: Tensor.fromArray(be, padIdx, [T * B]), realIdx: Tensor.fromArray(be, realIdx, [R]) } : undefined
          const r = net.sequence(Tensor.fromArray(be, x.subarray(0, rows * HW), [rows, 1, 36, 36]), T, st, pack)
          assert.equal(r.y.shape, [rows, 2])
          const y = raw(r.y)
          where.forEach((ws, k) => {
            if (ws) gotOut[ws[0]].splice(ws[1] * 2, 2, y[k * 2], y[k * 2 + 1])
          })
          backward(sum(mul(r.y, Tensor.fromArray(be, w.subarray(0, rows * 2), [rows, 2]))))
          return detachState(r.state)
        })
        disposeState(carried)
        carried = next
      }
      disposeState(carried)
      const mode = isPacked ? 'packed' : 'padded'
      for (const e of lengths.keys()) close(gotOut[e], refOut[e], { atol: 1e-12 }, `${mode} outputs of episode ${e}`)
      const gGot = grads(net)
      net.parameters().forEach((p, i) => close(gGot[i], gRef[i], { atol: 1e-10, rtol: 1e-8 }, `${mode} grad ${net.namedParameters()[i][0]}`))
      net.zeroGrad()
    }
  })

test.run()
