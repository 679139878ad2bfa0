// conv2d bench: our wasm conv2d_forward / backward_input / backward_weight (v2 implicit GEMM; v1 scalar shown on
// the smallest layer's forward only: seconds per call elsewhere) against tfjs-wasm (NHWC conv2d,
// conv2dTranspose = Conv2DBackpropInput, and Conv3DBackpropFilterV2 on a depth-1 volume for the weight gradient),
// single thread, on the seed's three layers at batch 64 (test/cases CONV_SEED). Validated against ref once on
// the first 2 images (forward, backward_input) or a 2-image call (backward_weight) before timing.
import { openBackend } from '../cli/node_backend.ts'
import type { WasmBackend } from '../engine/backend/wasm.ts'
import { REF } from '../kernels/ref/index.ts'
import type { KernelName } from '../kernels/index.ts'
import { CONV_SEED, convOut } from '../test/cases/shapes.ts'
import type * as TF from '@tensorflow/tfjs-core'
import { tfjsWasm } from './tfjs_peer.ts'
import { timeIt, record, row, upload, check, randn } from './harness.ts'

// NCHW [N,C,H,W] -> NHWC, and [K,C,R,S] -> [R,S,C,K], for the peer
const nhwc = (x: Float32Array, N: number, C: number, H: number, W: number) => {
  const y = new Float32Array(x.length)
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let i = 0; i < H * W; i++) y[(n * H * W + i) * C + c] = x[(n * C + c) * H * W + i]
  return y
}

export async function run(opts: { json: any[] } = { json: [] }): Promise<void> {
  const be = (await openBackend('wasm')) as WasmBackend
  const { tf, description } = await tfjsWasm()
  console.log(`ours: ${be.description}; peer: ${description}`)
  for (const c of CONV_SEED) {
    const { P, Q } = convOut(c), { heavy: _, ...dims } = c, d = { ...dims, P, Q }, d2 = { ...d, N: 2 }
    const shape = `${c.N}x${c.C}x${c.H}x${c.W} k${c.K} ${c.R}x${c.S}/${c.STRIDE}`
    const flops = 2 * c.N * c.K * P * Q * c.C * c.R * c.S
    const x = randn(c.N * c.C * c.H * c.W, 1), w = randn(c.K * c.C * c.R * c.S, 2, 0.1), b = randn(c.K, 3)
    const dout = randn(c.N * c.K * P * Q, 4)
    const head = (a: Float32Array) => a.subarray(0, (a.length / c.N) * 2)
    const [X, Wt, B, D] = upload(be, x, w, b, dout)
    const Y = be.alloc(dout.length), DX = be.alloc(x.length), DW = be.alloc(w.length), DW2 = be.alloc(w.length)
    const [X2, D2] = upload(be, head(x), head(dout))
    // tfjs tensors in NHWC / [R,S,C,K]
    const tx = tf.tensor4d(nhwc(x, c.N, c.C, c.H, c.W), [c.N, c.H, c.W, c.C])
    const tw = tf.transpose(tf.tensor4d(nhwc(w, c.K, c.C, c.R, c.S), [c.K, c.R, c.S, c.C]), [1, 2, 3, 0]) as TF.Tensor4D
    const tdy = tf.tensor4d(nhwc(dout, c.N, c.K, P, Q), [c.N, P, Q, c.K])
    const s = c.STRIDE, tx5 = tf.reshape(tx, [c.N, 1, c.H, c.W, c.C]), tdy5 = tf.reshape(tdy, [c.N, 1, P, Q, c.K])
    const peers: Record<string, () => void> = {
      conv2d_forward: () => tf.conv2d(tx, tw, s, 'valid').dispose(),
      conv2d_backward_input: () => tf.conv2dTranspose(tdy, tw, [c.N, c.H, c.W, c.C], s, 'valid').dispose(),
      conv2d_backward_weight: () => (tf.engine().runKernel('Conv3DBackpropFilterV2',
        { x: tx5, dy: tdy5 },
        { strides: [1, s, s], pad: 'valid', filterShape: [1, c.R, c.S, c.C, c.K] }) as any).dispose(),
    }
    const cases: [KernelName, () => void, () => Float32Array, Float32Array][] = []
    {
      const want = new Float32Array(2 * c.K * P * Q); REF.conv2d_forward(want, head(x), w, b, d2)
      cases.push(['conv2d_forward', () => be.run('conv2d_forward', [Y], [X, Wt, B], d), () => be.readSync(Y), want])
    }
    {
      const want = new Float32Array(2 * c.C * c.H * c.W); REF.conv2d_backward_input(want, head(dout), w, d2)
      cases.push(['conv2d_backward_input', () => be.run('conv2d_backward_input', [DX], [D, Wt], d), () => be.readSync(DX), want])
    }
    {
      const want = new Float32Array(w.length); REF.conv2d_backward_weight(want, head(dout), head(x), d2)
      be.run('conv2d_backward_weight', [DW2], [D2, X2], d2)
      check(be.readSync(DW2), want, { atol: 1e-3, rtol: 1e-4 }, `conv2d_backward_weight ${shape} (2 images)`)
      cases.push(['conv2d_backward_weight', () => be.run('conv2d_backward_weight', [DW], [D, X], d), () => new Float32Array(0), new Float32Array(0)])
    }
    for (const [name, fn, got, want] of cases) {
      fn()
      check(got(), want, { atol: 1e-5 + 3e-7 * c.C * c.R * c.S * c.K, rtol: 1e-4 }, `${name} ${shape}`)
      const ours = record(opts.json, { kernel: name, shape, backend: 'wasm', library: 'rl-rnd', threads: 1, ms: timeIt(name, fn) }, flops)
      const pms = timeIt(`tfjs ${name}`, peers[name])
      const theirs = record(opts.json, { kernel: name, shape, backend: 'wasm', library: '@tensorflow/tfjs-backend-wasm', threads: 1, ms: pms }, flops)
      row(`${name} wasm`, shape, ours, theirs)
      if (name === 'conv2d_forward' && c.C === 64) {
        const v1 = () => be.run('conv2d_forward', [Y], [X, Wt, B], d, '_v1')
        v1(); check(be.readSync(Y), want, { atol: 1e-3, rtol: 1e-4 }, `conv2d_forward_v1 ${shape}`)
        row('conv2d_forward_v1 wasm', shape, record(opts.json, { kernel: 'conv2d_forward_v1', shape, backend: 'wasm', library: 'rl-rnd', threads: 1, ms: timeIt('v1', v1) }, flops))
      }
    }
    tf.dispose([tx, tw, tdy, tx5, tdy5])
    for (const buf of [X, Wt, B, D, Y, DX, DW, DW2, X2, D2]) be.free(buf)
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run()
