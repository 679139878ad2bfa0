// train_step bench: one full training step of the seed's Nature-CNN classifier, batch 64 of 4x84x84:
//   conv 32 8x8/4 -> leaky_relu -> conv 64 4x4/2 -> leaky_relu -> conv 64 3x3/1 -> leaky_relu -> flatten (3136)
//   -> Linear(3136, 512) -> leaky_relu -> Linear(512, 2) -> softmax cross-entropy (logSoftmax . one-hot, mean)
//   -> backward -> Adam (lr 1e-3, Chainer defaults), leaky_relu slope 0.2 (Chainer's).
// Rows: ours on wasm (1 thread), the same step on tfjs-backend-wasm (SIMD, 1 thread), and a single step on the ref
// backend (sanity row). Validation before timing: from the same initial weights and batch, the loss before and
// after one update must agree between wasm and ref, and between tfjs-wasm and ref.
// The peer's backward is written out with tfjs ops (tfjs-core's node bundle registers no gradients): conv dx by
// conv2dTranspose (Conv2DBackpropInput); conv dW, as tfjs-wasm has no Conv2DBackpropFilter kernel, by the classic
// transposed conv: conv2d of x^T [C,H,W,N] (batch as channels) with dy^T [P,Q,N,K] as the filter at dilation =
// stride -> [C,R,S,K], transposed to [R,S,C,K]. That dW is checked against our ref conv2d_backward_weight on all
// three layers.
// (Its Conv3DBackpropFilterV2 kernel on a depth-1 volume returns wrong values for stride > 1 in
// tfjs-backend-wasm 4.22: it matches the ref only at stride 1, so neither bench uses it.)
// `--profile`: time every backend.run by kernel name over a few steps (ours) and print where the step goes.
import { openBackend } from '../cli/node_backend.ts'
import { printKernelRows, timeKernels } from './kernel_profile.ts'
import type { WasmBackend } from '../engine/backend/wasm.ts'
import type { Backend } from '../engine/backend/backend.ts'
import { Tensor, Adam, scope, backward } from '../engine/index.ts'
import { REF } from '../kernels/ref/index.ts'
import type * as TF from '@tensorflow/tfjs-core'
import { tfjsWasm } from './tfjs_peer.ts'
import { timeIt, check, randn } from './harness.ts'

import { N, C, HW, CLASSES, LR, ALPHA, SHAPE, Net, batch, toNHWC, toRSCK } from './nature_cnn.ts'

/** Our step on backend `be`: the net (its initial weights seed the peer), a step, and the current loss. */
function ours(be: Backend) {
  const net = new Net(be),
    opt = new Adam(net.parameters(), { lr: LR })
  const { x, onehot } = batch()
  const tx = Tensor.fromArray(be, x, [N, C, HW, HW]),
    ty = Tensor.fromArray(be, onehot, [N, CLASSES])
  // synchronous: Adam.step without clipping does its updates before its first await, and wasm/ref run at once
  const step = (): void =>
    scope(() => {
      backward(net.loss(tx, ty))
      void opt.step()
      opt.zeroGrad()
    })
  const lossNow = async () => scope(async () => (await net.loss(tx, ty).read())[0])
  return { net, step, lossNow }
}

/**
 * The peer's conv2d weight gradient: dW[r,s,c,k] = sum_{n,p,q} x[n, p st + r, q st + s, c] dy[n,p,q,k], a conv over
 * x^T [C,H,W,N] (the batch as channels) with dy^T [P,Q,N,K] as the filter, dilated by the stride -> [C,R,S,K].
 */
function peerDW(tf: typeof TF, x: TF.Tensor4D, dy: TF.Tensor4D, R: number, S: number, st: number): TF.Tensor4D {
  const xt = tf.transpose(x, [3, 1, 2, 0]) as TF.Tensor4D,
    dyt = tf.transpose(dy, [1, 2, 0, 3]) as TF.Tensor4D
  const out = tf.conv2d(xt, dyt, 1, 'valid', 'NHWC', st) // [C, R', S', K]; R' = H - (P-1) st >= R
  const f = R === out.shape[1] && S === out.shape[2] ? out : tf.slice(out, [0, 0, 0, 0], [-1, R, S, -1])
  return tf.transpose(f, [1, 2, 0, 3]) as TF.Tensor4D
}

/**
 * The same step on tfjs-wasm, from our net's initial weights. tfjs-core's node bundle registers no gradients (and
 * tfjs-wasm has no Conv2DBackpropFilter), so the backward is written out with its ops, as autograd would run it:
 * dlogits = (softmax - onehot) / N, matMul with transposes for the linears, leaky_relu' by where, conv dx by
 * conv2dTranspose (Conv2DBackpropInput), conv dW by peerDW, biases by sum; then tf.train.adam.applyGradients.
 */
function peer(tf: typeof TF, net: Net, weights: Float32Array[]) {
  const [w1, b1, w2, b2, w3, b3, fw, fb, ow, ob] = weights
  const v = (t: TF.Tensor, name: string) => tf.variable(t, true, `ts_${name}`)
  const convs = net.conv.map((c, i) => ({
    w: v(tf.tensor4d(toRSCK([w1, w2, w3][i], c.outCh, c.inCh, c.k * c.k), [c.k, c.k, c.inCh, c.outCh]), `w${i}`),
    b: v(tf.tensor1d([b1, b2, b3][i]), `b${i}`),
    stride: c.stride,
    k: c.k,
  }))
  // our flatten is (c, h, w); NHWC flattens (h, w, c): permute fc's rows so the same weights mean the same net
  const fwp = new Float32Array(fw.length)
  for (let c = 0; c < 64; c++) for (let p = 0; p < 49; p++) fwp.set(fw.subarray((c * 49 + p) * 512, (c * 49 + p + 1) * 512), (p * 64 + c) * 512)
  const fcW = v(tf.tensor2d(fwp, [3136, 512]), 'fcW'),
    fcB = v(tf.tensor1d(fb), 'fcB')
  const oW = v(tf.tensor2d(ow, [512, CLASSES]), 'oW'),
    oB = v(tf.tensor1d(ob), 'oB')
  const { x, onehot } = batch()
  const tx = tf.tensor4d(toNHWC(x, N, C, HW * HW), [N, HW, HW, C]),
    ty = tf.tensor2d(onehot, [N, CLASSES])
  const leaky = (z: TF.Tensor) => tf.leakyRelu(z, ALPHA)
  const leakyGrad = (g: TF.Tensor, z: TF.Tensor) => tf.where(tf.greaterEqual(z, 0), g, tf.mul(g, ALPHA))
  const forward = () => {
    const acts: TF.Tensor4D[] = [tx],
      zs: TF.Tensor4D[] = []
    for (const c of convs) {
      zs.push(tf.add(tf.conv2d(acts[acts.length - 1], c.w as TF.Tensor4D, c.stride, 'valid'), c.b) as TF.Tensor4D)
      acts.push(leaky(zs[zs.length - 1]) as TF.Tensor4D)
    }
    const f = tf.reshape(acts[3], [N, 3136]) as TF.Tensor2D
    const z4 = tf.add(tf.matMul(f, fcW as TF.Tensor2D), fcB) as TF.Tensor2D,
      a4 = leaky(z4) as TF.Tensor2D
    const logits = tf.add(tf.matMul(a4, oW as TF.Tensor2D), oB) as TF.Tensor2D
    const loss = tf.mul(tf.sum(tf.mul(tf.logSoftmax(logits), ty)), -1 / N)
    return { acts, zs, f, z4, a4, logits, loss }
  }
  const opt = tf.train.adam(LR, 0.9, 0.999, 1e-8)
  const step = () => {
    tf.tidy(() => {
      const { acts, zs, f, z4, a4, logits } = forward()
      const g: Record<string, TF.Tensor> = {}
      const dl = tf.div(tf.sub(tf.softmax(logits), ty), N)
      g.ts_oW = tf.matMul(a4, dl, true, false)
      g.ts_oB = tf.sum(dl, 0)
      const dz4 = leakyGrad(tf.matMul(dl, oW as TF.Tensor2D, false, true), z4)
      g.ts_fcW = tf.matMul(f, dz4 as TF.Tensor2D, true, false)
      g.ts_fcB = tf.sum(dz4, 0)
      let da = tf.reshape(tf.matMul(dz4 as TF.Tensor2D, fcW as TF.Tensor2D, false, true), acts[3].shape) as TF.Tensor4D
      for (let i = 2; i >= 0; i--) {
        const c = convs[i],
          dz = leakyGrad(da, zs[i]) as TF.Tensor4D
        g[`ts_w${i}`] = peerDW(tf, acts[i], dz, c.k, c.k, c.stride)
        g[`ts_b${i}`] = tf.sum(dz, [0, 1, 2])
        if (i > 0) da = tf.conv2dTranspose(dz, c.w as TF.Tensor4D, acts[i].shape, c.stride, 'valid')
      }
      opt.applyGradients(g as unknown as Parameters<typeof opt.applyGradients>[0]) // tf accepts plain gradient tensors here
    })
  }
  const lossNow = () => tf.tidy(() => forward().loss.dataSync()[0])
  return { step, lossNow }
}

/** The peer's composed dW against our ref conv2d_backward_weight, on the three layers at batch 2. */
function checkPeerDW(tf: typeof TF): void {
  for (const [c, h, k, r, st] of [
    [4, 84, 32, 8, 4],
    [32, 20, 64, 4, 2],
    [64, 9, 64, 3, 1],
  ]) {
    const n = 2,
      p = (h - r) / st + 1
    const x = randn(n * c * h * h, 5),
      dy = randn(n * k * p * p, 6),
      want = new Float32Array(k * c * r * r)
    REF.conv2d_backward_weight(want, dy, x, { N: n, C: c, H: h, W: h, K: k, R: r, S: r, P: p, Q: p, STRIDE: st, PAD: 0 })
    const got = tf.tidy(
      () =>
        peerDW(tf, tf.tensor4d(toNHWC(x, n, c, h * h), [n, h, h, c]), tf.tensor4d(toNHWC(dy, n, k, p * p), [n, p, p, k]), r, r, st).dataSync() as Float32Array,
    )
    check(got, toRSCK(want, k, c, r * r), { atol: 1e-3, rtol: 1e-4 }, `tfjs composed conv2d weight gradient C${c} ${r}x${r}/${st}`)
  }
}

const rowOf = (name: string, ms: number, extra = '') =>
  console.log(`${name.padEnd(34)} | ${SHAPE.padEnd(12)} | ${ms.toFixed(1).padStart(8)} ms | ${(1000 / ms).toFixed(2).padStart(6)} steps/s${extra}`)

export async function run(opts: { json: any[] } = { json: [] }): Promise<void> {
  const isProfile = process.argv.includes('--profile')
  const be = (await openBackend('wasm')) as WasmBackend
  const ref = await openBackend('ref')
  const { tf, description } = await tfjsWasm()
  console.log(`ours: ${be.description}; peer: ${description}`)
  console.log('peer conv2d weight gradient: conv2d(x^T [C,H,W,N], dy^T [P,Q,N,K], dilation = stride) (validated against our ref)')
  checkPeerDW(tf)

  // ---- validation: loss before and after one update, wasm vs ref vs tfjs-wasm, from the same weights and batch
  const W = ours(be),
    R = ours(ref)
  const weights = W.net.parameters().map((p) => p.readSync())
  const P = peer(tf, W.net, weights)
  const l0 = [await W.lossNow(), await R.lossNow(), P.lossNow()]
  const t0 = performance.now()
  R.step()
  const refMs = performance.now() - t0
  W.step()
  P.step()
  const l1 = [await W.lossNow(), await R.lossNow(), P.lossNow()]
  console.log(
    `loss before/after one step: wasm ${l0[0].toFixed(6)} -> ${l1[0].toFixed(6)}, ref ${l0[1].toFixed(6)} -> ` +
      `${l1[1].toFixed(6)}, tfjs-wasm ${l0[2].toFixed(6)} -> ${l1[2].toFixed(6)}`,
  )
  for (const [i, who] of [
    [0, 'wasm'],
    [2, 'tfjs-wasm'],
  ] as const) {
    check(new Float32Array([l0[i], l1[i]]), new Float32Array([l0[1], l1[1]]), { atol: 1e-4, rtol: 1e-3 }, `train_step ${who} vs ref`)
  }
  R.net.dispose()

  // ---- timing (benchmark.js mean; the machine is shared, so compare the ratio within one run)
  const rec = (library: string, ms: number) => {
    const r = {
      kernel: 'train_step',
      shape: SHAPE,
      backend: library === 'rl-rnd (ref)' ? 'ref' : 'wasm',
      threads: 1,
      library: library === 'rl-rnd (ref)' ? 'rl-rnd' : library,
      ms,
      steps_per_s: 1000 / ms,
    }
    opts.json.push(r)
    return r
  }
  const ms = timeIt('train_step wasm', W.step)
  const pms = timeIt('train_step tfjs-wasm', () => {
    P.step()
  })
  rec('rl-rnd', ms)
  rec('@tensorflow/tfjs-backend-wasm', pms)
  rec('rl-rnd (ref)', refMs)
  rowOf('train_step wasm (ours)', ms, ` || tfjs-wasm ${pms.toFixed(1)} ms | ${(1000 / pms).toFixed(2)} steps/s | ours faster x${(pms / ms).toFixed(2)}`)
  rowOf('train_step tfjs-wasm', pms)
  rowOf('train_step ref (1 step)', refMs)

  // ---- the same step with kernel threads (conv forward / input gradient split over the batch; results bitwise the
  // same as one thread, checked here on the loss after one more step from equal weights). The peer stays at one
  // thread: tfjs-backend-wasm reports WASM_HAS_MULTITHREAD_SUPPORT false in Node (its threaded build is for
  // cross-origin-isolated browsers), so no threaded peer runs here.
  const be2 = (await openBackend('wasm', { threads: 0 })) as WasmBackend,
    threads = be2.threads // one per core
  if (threads > 1) {
    const W2 = ours(be2)
    W2.net.parameters().forEach((p, i) => p.write(weights[i]))
    const W1 = ours(be)
    W1.net.parameters().forEach((p, i) => p.write(weights[i]))
    W1.step()
    W2.step()
    const [a, b] = [await W1.lossNow(), await W2.lossNow()]
    if (!Object.is(a, b)) throw new Error(`train_step with ${threads} threads: loss ${b} after a step, ${a} on one thread (must be bitwise equal)`)
    W1.net.dispose()
    const tms = timeIt(`train_step wasm ${threads} threads`, W2.step)
    opts.json.push({ kernel: 'train_step', shape: SHAPE, backend: 'wasm', threads, library: 'rl-rnd', ms: tms, steps_per_s: 1000 / tms })
    rowOf(
      `train_step wasm, ${threads} threads (ours)`,
      tms,
      ` || x${(ms / tms).toFixed(2)} over 1 thread, x${(pms / tms).toFixed(2)} over tfjs-wasm (1 thread)`,
    )
    if (isProfile) profile(be2, W2.step)
    W2.net.dispose()
  }
  be2.destroy()

  if (isProfile) profile(be, W.step)
  W.net.dispose()
}

/** Per-kernel time of our step (bench/kernel_profile.ts) over a few steps. */
function profile(be: WasmBackend, step: () => void): void {
  const STEPS = 5
  step()
  const timer = timeKernels(be),
    t0 = performance.now()
  for (let i = 0; i < STEPS; i++) step()
  const total = (performance.now() - t0) / STEPS
  const rows = timer.stop().map((r) => ({ ...r, ms: r.ms / STEPS, calls: r.calls / STEPS, flops: r.flops / STEPS }))
  printKernelRows(`profile (ours, ${be.threads} thread${be.threads > 1 ? 's' : ''}, mean of ${STEPS} steps)`, rows, total)
}

if (import.meta.url === `file://${process.argv[1]}`) await run()
