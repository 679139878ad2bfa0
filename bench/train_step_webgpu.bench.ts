// train_step on WebGPU: the seed's Nature-CNN classifier step of bench/train_step.bench.ts (batch 64 of 4x84x84:
// conv 32 8x8/4, 64 4x4/2, 64 3x3/1, leaky_relu 0.2, Linear(3136, 512), Linear(512, 2), softmax cross-entropy,
// backward, Adam lr 1e-3) with our engine on openBackend('webgpu'), beside the same step on
// @tensorflow/tfjs-backend-webgpu on the same Dawn adapter (bench/webgpu_peer.ts). The peer's backward is written out
// with tfjs ops (tfjs-core registers no gradients in Node): matMul with transposes, where for leaky_relu',
// Conv2DBackpropInput / Conv2DBackpropFilter kernels, sums for biases, tf.train.adam.
// Validation before timing: from the same weights and batch, the loss before and after one update agrees between
// ours on webgpu, ours on wasm (which train_step.bench.ts checks against ref) and the peer.
// Timing: best of STEPS single steps, each enqueued and waited for (device idle), wall clock; the machine is shared,
// so compare ours and the peer within one run. Records {kernel: 'train_step', shape, backend: 'webgpu', library,
// threads, ms, steps_per_s}. `--profile`: per-kernel GPU time of our step (each kernel flushed and timed alone).
import { cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import { openBackend } from '../cli/node_backend.ts'
import type { Backend } from '../engine/backend/backend.ts'
import type { KernelName, Dims } from '../kernels/index.ts'
import type { WebGPUBackend } from '../engine/backend/webgpu.ts'
import { Tensor, Adam, scope, backward } from '../engine/index.ts'
import type * as TF from '@tensorflow/tfjs-core'
import { tfjsWebGPU } from './webgpu_peer.ts'
import { check } from './harness.ts'

import { N, C, HW, CLASSES, LR, ALPHA, SHAPE, Net, batch, toNHWC, toRSCK } from './nature_cnn.ts'

const STEPS = Number(process.env.TRAIN_STEPS ?? 5)

function ours(be: Backend) {
  const net = new Net(be),
    opt = new Adam(net.parameters(), { lr: LR })
  const { x, onehot } = batch()
  const tx = Tensor.fromArray(be, x, [N, C, HW, HW]),
    ty = Tensor.fromArray(be, onehot, [N, CLASSES])
  const enqueue = (): void =>
    scope(() => {
      backward(net.loss(tx, ty))
      void opt.step()
      opt.zeroGrad()
    })
  const step = async () => {
    enqueue()
    await be.sync()
  }
  const lossNow = async () => scope(async () => (await net.loss(tx, ty).read())[0])
  return { net, step, lossNow }
}

/** The same step on tfjs-webgpu (NHWC), from our net's initial weights; backward written out with tfjs ops. */
function peer(tf: typeof TF, net: Net, weights: Float32Array[], sync: () => Promise<void>) {
  const [w1, b1, w2, b2, w3, b3, fw, fb, ow, ob] = weights
  const v = (t: TF.Tensor, name: string) => tf.variable(t, true, `tsg_${name}`)
  const convs = net.conv.map((c, i) => ({
    w: v(tf.tensor4d(toRSCK([w1, w2, w3][i], c.outCh, c.inCh, c.k * c.k), [c.k, c.k, c.inCh, c.outCh]), `w${i}`) as unknown as TF.Tensor4D,
    b: v(tf.tensor1d([b1, b2, b3][i]), `b${i}`),
    stride: c.stride,
    k: c.k,
  }))
  // our flatten is (c, h, w); NHWC flattens (h, w, c): permute fc's rows so the same weights mean the same net
  const fwp = new Float32Array(fw.length)
  for (let c = 0; c < 64; c++) for (let p = 0; p < 49; p++) fwp.set(fw.subarray((c * 49 + p) * 512, (c * 49 + p + 1) * 512), (p * 64 + c) * 512)
  const fcW = v(tf.tensor2d(fwp, [3136, 512]), 'fcW') as unknown as TF.Tensor2D,
    fcB = v(tf.tensor1d(fb), 'fcB')
  const oW = v(tf.tensor2d(ow, [512, CLASSES]), 'oW') as unknown as TF.Tensor2D,
    oB = v(tf.tensor1d(ob), 'oB')
  const { x, onehot } = batch()
  const tx = tf.tensor4d(toNHWC(x, N, C, HW * HW), [N, HW, HW, C]),
    ty = tf.tensor2d(onehot, [N, CLASSES])
  const leakyGrad = (g: TF.Tensor, z: TF.Tensor) => tf.where(tf.greaterEqual(z, 0), g, tf.mul(g, ALPHA))
  const forward = () => {
    const acts: TF.Tensor4D[] = [tx],
      zs: TF.Tensor4D[] = []
    for (const c of convs) {
      zs.push(tf.add(tf.conv2d(acts[acts.length - 1], c.w, c.stride, 'valid'), c.b) as TF.Tensor4D)
      acts.push(tf.leakyRelu(zs[zs.length - 1], ALPHA) as TF.Tensor4D)
    }
    const f = tf.reshape(acts[3], [N, 3136]) as TF.Tensor2D
    const z4 = tf.add(tf.matMul(f, fcW), fcB) as TF.Tensor2D,
      a4 = tf.leakyRelu(z4, ALPHA) as TF.Tensor2D
    const logits = tf.add(tf.matMul(a4, oW), oB) as TF.Tensor2D
    const loss = tf.mul(tf.sum(tf.mul(tf.logSoftmax(logits), ty)), -1 / N)
    return { acts, zs, f, z4, a4, logits, loss }
  }
  const conv = (st: number) => ({ strides: st, pad: 'valid', dataFormat: 'NHWC', dilations: 1, dimRoundingMode: undefined }) as unknown as TF.NamedAttrMap
  const opt = tf.train.adam(LR, 0.9, 0.999, 1e-8)
  const enqueue = () =>
    tf.tidy(() => {
      const { acts, zs, f, z4, a4, logits } = forward()
      const g: Record<string, TF.Tensor> = {}
      const dl = tf.div(tf.sub(tf.softmax(logits), ty), N)
      g.tsg_oW = tf.matMul(a4, dl, true, false)
      g.tsg_oB = tf.sum(dl, 0)
      const dz4 = leakyGrad(tf.matMul(dl, oW, false, true), z4) as TF.Tensor2D
      g.tsg_fcW = tf.matMul(f, dz4, true, false)
      g.tsg_fcB = tf.sum(dz4, 0)
      let da = tf.reshape(tf.matMul(dz4, fcW, false, true), acts[3].shape) as TF.Tensor4D
      for (let i = 2; i >= 0; i--) {
        const c = convs[i],
          dz = leakyGrad(da, zs[i]) as TF.Tensor4D
        g[`tsg_w${i}`] = tf.engine().runKernel('Conv2DBackpropFilter', { x: acts[i], dy: dz }, { ...conv(c.stride), filterShape: c.w.shape }) as TF.Tensor
        g[`tsg_b${i}`] = tf.sum(dz, [0, 1, 2])
        if (i > 0) da = tf.engine().runKernel('Conv2DBackpropInput', { dy: dz, filter: c.w }, { ...conv(c.stride), inputShape: acts[i].shape }) as TF.Tensor4D
      }
      opt.applyGradients(g as unknown as Parameters<typeof opt.applyGradients>[0])
    })
  const step = async () => {
    enqueue()
    await sync()
  }
  const lossNow = async () => {
    const l = tf.tidy(() => forward().loss)
    const v = (await l.data())[0]
    l.dispose()
    return v
  }
  return { step, lossNow }
}

/** Best-of-n ms of an async step (wall clock; the machine is shared). */
async function bestOf(n: number, step: () => Promise<void>): Promise<number> {
  let best = Infinity
  for (let i = 0; i < n; i++) {
    const t = performance.now()
    await step()
    best = Math.min(best, performance.now() - t)
  }
  return best
}

export async function run(opts: { json: Record<string, unknown>[] } = { json: [] }): Promise<void> {
  const isProfile = process.argv.includes('--profile')
  const gpu = (await openBackend('webgpu')) as WebGPUBackend,
    wasm = await openBackend('wasm')
  const threads = cpus().length
  console.log(`ours: ${gpu.description}`)
  const G = ours(gpu),
    Wm = ours(wasm)
  const weights = Wm.net.parameters().map((p) => p.readSync())
  let P: ReturnType<typeof peer> | null = null
  try {
    const p = await tfjsWebGPU()
    console.log(`peer: ${p.description}`)
    P = peer(p.tf, Wm.net, weights, p.sync)
  } catch (e) {
    console.log(`peer: tfjs-webgpu unavailable (${(e as Error).message})`)
  }

  // ---- validation: loss before and after one update (same weights, same batch)
  const l0 = [await G.lossNow(), await Wm.lossNow(), P ? await P.lossNow() : NaN]
  await G.step()
  await Wm.step()
  if (P) await P.step()
  const l1 = [await G.lossNow(), await Wm.lossNow(), P ? await P.lossNow() : NaN]
  console.log(
    `loss before/after one step: webgpu ${l0[0].toFixed(6)} -> ${l1[0].toFixed(6)}, wasm ${l0[1].toFixed(6)} -> ${l1[1].toFixed(6)}` +
      (P ? `, tfjs-webgpu ${l0[2].toFixed(6)} -> ${l1[2].toFixed(6)}` : ''),
  )
  check(new Float32Array([l0[0], l1[0]]), new Float32Array([l0[1], l1[1]]), { atol: 1e-4, rtol: 1e-3 }, 'train_step webgpu vs wasm')
  if (P) check(new Float32Array([l0[2], l1[2]]), new Float32Array([l0[1], l1[1]]), { atol: 1e-4, rtol: 1e-3 }, 'train_step tfjs-webgpu vs wasm')
  Wm.net.dispose()

  // ---- timing: best of STEPS, ours and the peer interleaved
  let ms = Infinity,
    pms = Infinity
  for (let i = 0; i < STEPS; i++) {
    ms = Math.min(ms, await bestOf(1, G.step))
    if (P) pms = Math.min(pms, await bestOf(1, P.step))
  }
  const rec = (library: string, t: number) => {
    const r = { kernel: 'train_step', shape: SHAPE, backend: 'webgpu', library, threads, ms: t, steps_per_s: 1000 / t }
    opts.json.push(r)
    console.log(`train_step ${library.padEnd(32)} | ${SHAPE} | ${t.toFixed(1).padStart(8)} ms | ${(1000 / t).toFixed(3).padStart(7)} steps/s`)
  }
  rec('rl-rnd', ms)
  if (P) {
    rec('@tensorflow/tfjs-backend-webgpu', pms)
    console.log(`ours faster x${(pms / ms).toFixed(2)} (best of ${STEPS}, wall clock)`)
  }
  if (isProfile) await profile(gpu, G.step, ms)
  G.net.dispose()
}

/** Per-kernel time of our step: record its dispatches, then replay each distinct one alone (fresh buffers of the same
 * lengths, run + sync, best of 3) and sum by kernel name; "outside" = step time minus that sum. */
async function profile(be: WebGPUBackend, step: () => Promise<void>, stepMs: number): Promise<void> {
  const orig = be.run.bind(be),
    seen = new Map<string, { name: KernelName; outs: number[]; ins: number[]; d: Dims; calls: number }>()
  be.run = (name, outs, ins, d) => {
    const key = `${name} ${JSON.stringify(d)}`
    const e = seen.get(key)
    if (e) e.calls++
    else seen.set(key, { name, outs: outs.map((b) => (b as any).length), ins: ins.map((b) => (b as any).length), d: { ...d }, calls: 1 })
    orig(name, outs, ins, d)
  }
  await step()
  be.run = orig
  const byName = new Map<string, { ms: number; calls: number }>()
  for (const { name, outs, ins, d, calls } of seen.values()) {
    const o = outs.map((n) => be.alloc(n)),
      i = ins.map((n) => {
        const b = be.alloc(n)
        be.write(b, new Float32Array(n).fill(0.5))
        return b
      })
    let best = Infinity
    for (let r = 0; r < 3; r++) {
      const t = performance.now()
      be.run(name, o, i, d)
      await be.sync()
      best = Math.min(best, performance.now() - t)
    }
    const e = byName.get(name) ?? { ms: 0, calls: 0 }
    e.ms += best * calls
    e.calls += calls
    byName.set(name, e)
    ;[...o, ...i].forEach((b) => be.free(b))
  }
  const rows = [...byName].sort((a, b) => b[1].ms - a[1].ms),
    inKernels = rows.reduce((s, [, e]) => s + e.ms, 0)
  console.log(`\nprofile (ours): step ${stepMs.toFixed(0)} ms; kernels replayed alone sum to ${inKernels.toFixed(0)} ms (each includes a submit + wait)`)
  for (const [k, e] of rows)
    console.log(`  ${k.padEnd(26)} ${e.ms.toFixed(1).padStart(8)} ms ${((100 * e.ms) / inKernels).toFixed(1).padStart(5)}%  ${e.calls} calls`)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await run()
