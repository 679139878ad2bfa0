// The DNC (engine/nn/dnc.ts, docs/dnc.md) on the ref backend: hand-worked cases of the allocation weighting (ties
// included), the link matrix and precedence after writes (dense and sparse), and read modes that select the
// backward, content or forward read in a full step; batching (B lanes at once give each lane's one-at-a-time
// result, bit for bit on ref); and f64 finite-difference gradient checks of one step from a random state (every
// input, state part and parameter) and of unrolled sequences from the zero state (dense and sparse link matrix).
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import {
  Tensor, RefBackend, Rng, DNC, DNC_STATE, scope, noGrad, backward, keep, tapeLength, sum, mul, add,
  allocationWeighting, linkUpdate, sparseTopK, type DncState, type DncSize,
} from '../../engine/index.ts'
import { close, randn, uniform, centralDifferences } from '../helpers.ts'

const test = suite('dnc')
const ref = new RefBackend(32)
const vals = (t: Tensor) => Array.from(t.readSync())

// ---------------------------------------------------------------------------------------------- allocation
const alloc = (u: number[]) => vals(allocationWeighting(Tensor.fromArray(ref, u, [1, u.length])))

test('allocation weighting: hand-worked, with ties broken toward the lower index', () => {
  // free list phi = [1, 3, 0, 2] (0.2 ties: slot 1 first; 0.5 ties: slot 0 first)
  // a[1] = 0.8, a[3] = 0.8 * 0.2, a[0] = 0.5 * 0.2 * 0.2, a[2] = 0.5 * 0.2 * 0.2 * 0.5
  close(alloc([0.5, 0.2, 0.5, 0.2]), [0.02, 0.8, 0.01, 0.16], { atol: 1e-7, rtol: 0 })
  // everything free: the first slot takes it all
  assert.equal(alloc([0, 0, 0]), [1, 0, 0])
  // a tie at 0: the lower free slot is allocated, the other gets (1 - 0) * 0
  assert.equal(alloc([0.3, 0, 0.6, 0]), [0, 1, 0, 0])
  // everything used: nothing can be allocated
  assert.equal(alloc([1, 1, 1]), [0, 0, 0])
  // two lanes at once, each on its own usage
  const two = vals(allocationWeighting(Tensor.fromArray(ref, [0.9, 0.1, 0.4, 0, 0, 0], [2, 3])))
  close(two, [0.1 * 0.04, 0.9, 0.6 * 0.1, 1, 0, 0], { atol: 1e-7, rtol: 0 })
})

// ---------------------------------------------------------------------------------------------- link matrix
test('link matrix and precedence after two writes and a third (dense): hand-worked', () => {
  const N = 3, t = (v: number[], s: number[]) => Tensor.fromArray(ref, v, s)
  const precedence = (p: number[], w: number[]) => { const sw = w.reduce((a, b) => a + b, 0); return p.map((v, i) => (1 - sw) * v + w[i]) }
  const w1 = [0.8, 0.1, 0], w2 = [0, 0.2, 0.7], w3 = [0.5, 0, 0]
  // L_1 = w1 p_0^T = 0 (nothing was written before); p_1 = w1
  const L1 = linkUpdate(t(new Array(9).fill(0), [1, N, N]), t(w1, [1, N]), t([0, 0, 0], [1, N]))
  assert.equal(vals(L1), new Array(9).fill(0))
  const p1 = precedence([0, 0, 0], w1)
  close(p1, [0.8, 0.1, 0], { atol: 1e-12 })
  // L_2[i,j] = w2[i] p1[j] off the diagonal (L_1 = 0): slot 1 after 0 (0.16), slot 2 after 0 (0.56) and 1 (0.07);
  // L_2[1,1] = 0.02 is a self-link: zeroed
  const L2 = linkUpdate(L1, t(w2, [1, N]), t(p1, [1, N]))
  close(vals(L2), [0, 0, 0, 0.16, 0, 0, 0.56, 0.07, 0], { atol: 1e-7, rtol: 0 })
  const p2 = precedence(p1, w2)
  close(p2, [0.08, 0.21, 0.7], { atol: 1e-12 })
  // a third write to slot 0 (0.5): links into slot 0 come from p2, links out of / into it are halved
  // L_3[0,1] = 0.5 * 0.21, L_3[0,2] = 0.5 * 0.7, L_3[1,0] = 0.5 * 0.16, L_3[2,0] = 0.5 * 0.56, L_3[2,1] = 0.07
  const L3 = linkUpdate(L2, t(w3, [1, N]), t(p2, [1, N]))
  close(vals(L3), [0, 0.105, 0.35, 0.08, 0, 0, 0.28, 0.07, 0], { atol: 1e-7, rtol: 0 })
})

test('sparse link matrix (K 1): top-K vectors renormalized, entries below 1/K zeroed: hand-worked', () => {
  const t = (v: number[]) => Tensor.fromArray(ref, v, [1, v.length])
  assert.equal(vals(sparseTopK(t([0.1, 0.6, 0.2, 0.6]), 1)), [0, 1, 0, 0]) // a tie: the lower index
  close(vals(sparseTopK(t([0.1, 0.6, 0.2, 0.3]), 2)), [0, 0.6 / 0.9, 0, 0.3 / 0.9], { atol: 1e-7, rtol: 0 })
  assert.equal(vals(sparseTopK(t([0, 0, 0]), 2)), [0, 0, 0]) // p_0 = 0: nothing to renormalize
  // the writes of the dense case: w1 -> [1,0,0], p_0 -> 0, so L_1 = 0; w2 -> [0,0,1], p_1 = w1 -> [1,0,0]:
  // L_2[2,0] = 1 (kept: not below 1/K = 1), everything else 0
  const L1 = linkUpdate(Tensor.zeros(ref, [1, 3, 3]), sparseTopK(t([0.8, 0.1, 0]), 1), sparseTopK(t([0, 0, 0]), 1), 1)
  assert.equal(vals(L1), new Array(9).fill(0))
  const L2 = linkUpdate(L1, sparseTopK(t([0, 0.2, 0.7]), 1), sparseTopK(t([0.8, 0.1, 0]), 1), 1)
  assert.equal(vals(L2), [0, 0, 0, 0, 0, 0, 1, 0, 0])
  // K 2 keeps entries >= 1/2 only: w = [0.5, 0.5, 0] after p = [0, 0, 1] links slots 0 and 1 after slot 2 (0.5
  // each: kept), while the old link L[2,0] = 0.8 decays to (1 - 0 - 0.5) 0.8 = 0.4: dropped
  const prev = Tensor.fromArray(ref, [0, 0, 0, 0, 0, 0, 0.8, 0, 0], [1, 3, 3])
  assert.equal(vals(linkUpdate(prev, t([0.5, 0.5, 0]), t([0, 0, 1]), 2)), [0, 0, 0.5, 0, 0, 0.5, 0, 0, 0])
  close(vals(linkUpdate(prev, t([0.5, 0.5, 0]), t([0, 0, 1]), 0)), [0, 0, 0.5, 0, 0, 0.5, 0.4, 0, 0], { atol: 1e-7, rtol: 0 })
})

// ---------------------------------------------------------------------------------------------- read modes
// A DNC whose interface ignores the controller (zero weights) and whose biases are set by hand: free gates and write
// gate at sigmoid(-50) ~ 2e-22 (no write, nothing freed), read keys along memory slot 3 with strength ~51, and the
// read mode logits 50 on one mode. Memory rows are orthogonal; the link matrix is the chain 0 -> 1 -> 2 -> 3
// (L[i+1, i] = 1); the previous read weighting sits on slot 1. Backward reads slot 0, forward slot 2, content slot 3.
function readModeCase(mode: 0 | 1 | 2): { reads: number[]; readW: number[] } {
  const size: DncSize = { N: 4, W: 4, R: 1, K: 0 }, { N, W } = size
  const dnc = new DNC(ref, 2, 3, size, new Rng(5))
  const bias = new Float32Array(dnc.iface.outDim)
  let o = 0
  bias.set([0, 0, 0, 1], o); o += W // read key: slot 3's direction
  bias[o++] = 50 // read strength: oneplus(50) ~ 51
  o += W + 1 + W + W // write key, write strength, erase, write vector: 0
  bias[o++] = -50 // free gate
  bias[o++] = 0 // allocation gate
  bias[o++] = -50 // write gate
  bias[o + mode] = 50 // read modes [backward, content, forward]
  dnc.iface.w.write(new Float32Array(dnc.iface.w.size))
  dnc.iface.b.write(bias)
  const s = dnc.initialState(1)
  const mem = [2, 0, 0, 0, 0, 3, 0, 0, 0, 0, 1.5, 0, 0, 0, 0, 4] // slot n = (n + 1)-ish e_n
  const link = new Array(N * N).fill(0)
  link[1 * N + 0] = link[2 * N + 1] = link[3 * N + 2] = 1
  s.memory.write(Float32Array.from(mem))
  s.link.write(Float32Array.from(link))
  s.readWeights.write(Float32Array.from([0, 1, 0, 0]))
  return noGrad(() => scope(() => {
    const r = dnc.step(Tensor.fromArray(ref, [0.3, -0.2], [1, 2]), s)
    return { reads: vals(r.state.reads), readW: vals(r.state.readWeights) }
  }))
}

test('read modes select the backward, content and forward reads of a whole step (hand-worked memory and links)', () => {
  const tol = { atol: 1e-6, rtol: 0 }
  const b = readModeCase(0), c = readModeCase(1), f = readModeCase(2)
  close(b.readW, [1, 0, 0, 0], tol, 'backward weighting: L^T w = slot 0 (written before slot 1)')
  close(b.reads, [2, 0, 0, 0], tol, 'backward read: memory row 0')
  close(c.readW, [0, 0, 0, 1], tol, 'content weighting: the key matches slot 3')
  close(c.reads, [0, 0, 0, 4], tol, 'content read: memory row 3')
  close(f.readW, [0, 0, 1, 0], tol, 'forward weighting: L w = slot 2 (written after slot 1)')
  close(f.reads, [0, 0, 1.5, 0], tol, 'forward read: memory row 2')
})

// ---------------------------------------------------------------------------------------------- batching
test('batching: 3 lanes at once equal each lane stepped alone (5 steps, K 0 and K 2, bitwise on ref)', () => {
  for (const K of [0, 2]) {
    const size = { N: 5, W: 3, R: 2, K }, B = 3, T = 5, X = 4
    const dnc = new DNC(ref, X, 6, size, new Rng(11))
    const xs = Array.from({ length: T }, (_, t) => randn(B * X, 200 + t))
    const run = (lanes: number[]) => noGrad(() => scope(() => {
      let s: DncState = dnc.initialState(lanes.length)
      const ys: number[][] = []
      for (let t = 0; t < T; t++) {
        const x = Tensor.fromArray(ref, Float32Array.from(lanes.flatMap((b) => Array.from(xs[t].subarray(b * X, (b + 1) * X)))), [lanes.length, X])
        const r = dnc.step(x, s)
        s = r.state
        ys.push(vals(r.y))
      }
      return { ys, state: DNC_STATE.map((k) => vals(s[k])) }
    }))
    const all = run([0, 1, 2])
    for (let b = 0; b < B; b++) {
      const one = run([b])
      for (let t = 0; t < T; t++) {
        const w = one.ys[t].length
        assert.equal(all.ys[t].slice(b * w, (b + 1) * w), one.ys[t], `K ${K} lane ${b} output at step ${t}`)
      }
      DNC_STATE.forEach((k, i) => {
        const w = one.state[i].length
        assert.equal(all.state[i].slice(b * w, (b + 1) * w), one.state[i], `K ${K} lane ${b} final ${k}`)
      })
    }
  }
})

// ---------------------------------------------------------------------------------------------- gradients
const be64 = new RefBackend(64)
const EPS = 1e-6

/** f64 tensor from values (write() would round to f32). */
function t64(data: ArrayLike<number>, shape: number[]): Tensor {
  const t = keep(Tensor.empty(be64, shape))
  be64.raw(t.buf).set(data)
  return t
}

/**
 * Check d loss / d leaf for every leaf against central differences, where loss = sum_t y_t . R_t + sum over the
 * final state parts of part . S_part (fixed random R, S), so every output and every state part carries gradient.
 */
function gradcheck(name: string, dnc: DNC, xs: Tensor[], s0: DncState, leaves: [string, Tensor][], tol = { atol: 1e-7, rtol: 1e-5 }) {
  test(name, () => {
    let weights: Tensor[] = []
    const lossOf = () => scope(() => {
      let s = s0
      const outs: Tensor[] = []
      for (const x of xs) {
        const r = dnc.step(x, s)
        outs.push(r.y)
        s = r.state
      }
      for (const k of DNC_STATE) outs.push(s[k])
      if (!weights.length) weights = outs.map((o, i) => t64(randn(o.size, 900 + i), [...o.shape]))
      const loss = outs.map((o, i) => sum(mul(o, weights[i]))).reduce((a, b) => add(a, b))
      backward(loss)
      return be64.raw(loss.buf)[0]
    })
    for (const [, t] of leaves) { t.grad?.dispose(); t.grad = null }
    lossOf()
    assert.is(tapeLength(), 0, 'the backward consumed the whole tape')
    let checked = 0
    for (const [what, t] of leaves) {
      assert.ok(t.grad, `${what} got a gradient`)
      const analytic = Float64Array.from(be64.raw(t.grad!.buf))
      const numeric = noGrad(() => centralDifferences(be64.raw(t.buf), lossOf, EPS))
      close(analytic, numeric, tol, `${name}: d loss / d ${what} [${t.shape}]`)
      checked += t.size
    }
    assert.ok(checked > 300, `${checked} values checked`)
  })
}

function leavesOf(dnc: DNC, xs: Tensor[], s0: DncState | null): [string, Tensor][] {
  const out: [string, Tensor][] = [...dnc.namedParameters(), ...xs.map((x, t) => [`x_${t + 1}`, x] as [string, Tensor])]
  if (s0) for (const k of DNC_STATE) out.push([`initial ${k}`, s0[k]])
  for (const [, t] of out) t.requiresGrad = true
  return out
}

{
  // one step from a random state: every state part holds valid values (weightings in [0, 1), distinct usages)
  const size = { N: 4, W: 3, R: 2, K: 0 }, B = 2, X = 3, H = 4
  const dnc = new DNC(be64, X, H, size, new Rng(21))
  const w = dnc.stateWidths()
  const s0 = Object.fromEntries(DNC_STATE.map((k, i) => {
    const n = B * w[k], isWeighting = ['usage', 'precedence', 'link', 'writeWeights', 'readWeights'].includes(k)
    const data = isWeighting ? uniform(n, 300 + i, 0.02, k === 'usage' ? 0.95 : 0.4) : randn(n, 300 + i)
    return [k, t64(data, [B, w[k]])]
  })) as DncState
  const xs = [t64(randn(B * X, 400), [B, X])]
  gradcheck('gradient of one DNC step (N 4, W 3, R 2, K 0, 2 lanes) from a random state: every input, state part and parameter',
    dnc, xs, s0, leavesOf(dnc, xs, s0))
}
for (const K of [0, 2]) {
  // an unrolled sequence from the zero state, as training runs it: usage, precedence and the link matrix are
  // written at steps 1-2 and read through (forward / backward weightings, allocation) at steps 3-5
  const size = { N: 5, W: 3, R: 2, K }, B = 2, X = 2, H = 3, T = 5
  const dnc = new DNC(be64, X, H, size, new Rng(31 + K))
  const xs = Array.from({ length: T }, (_, t) => t64(randn(B * X, 500 + t, 2), [B, X]))
  const s0 = Object.fromEntries(Object.entries(dnc.initialState(B)).map(([k, v]) => [k, keep(v)])) as DncState
  gradcheck(`gradient of ${T} unrolled DNC steps (N 5, W 3, R 2, K ${K}, 2 lanes) from the zero state: inputs and parameters`,
    dnc, xs, s0, leavesOf(dnc, xs, null))
}

test('an unrolled sequence moves usage, precedence and links (the gradient paths above are live)', () => {
  const dnc = new DNC(ref, 2, 3, { N: 5, W: 3, R: 2, K: 0 }, new Rng(31))
  const s = noGrad(() => scope(() => {
    let st: DncState = dnc.initialState(1)
    for (let t = 0; t < 3; t++) st = dnc.step(Tensor.fromArray(ref, randn(2, 500 + t, 2), [1, 2]), st).state
    return { u: vals(st.usage), p: vals(st.precedence), L: vals(st.link) }
  }))
  assert.ok(s.u.some((v) => v > 0.05), `usage ${s.u}`)
  assert.ok(s.p.some((v) => v > 0.05), `precedence ${s.p}`)
  assert.ok(s.L.some((v) => v > 0.01), `link ${s.L}`)
})

test.run()
