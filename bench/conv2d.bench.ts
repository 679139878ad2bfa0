// conv2d bench: our wasm conv2d_forward / backward_input / backward_weight (v2 implicit GEMM; v1 scalar shown on
// the smallest layer's forward only: seconds per call elsewhere) against tfjs-wasm, single thread, on the seed's
// three layers at batch 64 (test/cases CONV_SEED) and the whole-loop bench's two 36-pixel encoders at batch 512
// (LAYERS below). The peer runs in its own layout (NHWC, filters [R,S,C,K]):
//   forward:          tf.conv2d
//   backward_input:   tf.conv2dTranspose (Conv2DBackpropInput)
//   backward_weight:  COMPOSED, as tfjs-wasm has no 2-D filter-gradient kernel (and its Conv3DBackpropFilterV2 on a
//                     depth-1 volume returns wrong values for stride > 1 in 4.22): transpose x -> x^T [C,H,W,N],
//                     dy -> dy^T [P,Q,N,K], conv2d(x^T, dy^T, stride 1, dilation = stride) -> [C,R',S',K], slice
//                     to R x S, transpose to [R,S,C,K]; the same composition as bench/train_step.bench.ts, its
//                     transposes included in the time.
// Validation before timing, ours and the peer alike, against ref: forward and backward_input on the first 2
// images of the timed call, backward_weight on a 2-image call.
// Second peer (issue #12): PyTorch CPU's own kernels on the same layers (bench/torch_peer/conv.py, one thread, its
// results on 2 images held against ref too), beside the machine's WebAssembly SIMD peak measured in this run: where
// PyTorch's GFLOP/s pass the wasm peak, no wasm kernel can match it on this CPU with the same arithmetic.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { REF } from '../kernels/ref/index.ts'
import type { KernelName } from '../kernels/index.ts'
import { CONV_SEED, convOut, type ConvCase } from '../test/cases/shapes.ts'
import type * as TF from '@tensorflow/tfjs-core'
import { tfjsWasm } from './tfjs_peer.ts'
import { timeIt, record, row, upload, check, randn, openBuilds, buildLabel, type Rec } from './harness.ts'
import { runTorchConv, INSTALL_HINT } from './torch_peer.ts'
import { simdPeak } from './simd_peak.ts'

// NCHW [N,C,H,W] -> NHWC, and [K,C,R,S] -> [R,S,C,K], for the peer
const nhwc = (x: Float32Array, N: number, C: number, H: number, W: number) => {
  const y = new Float32Array(x.length)
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let i = 0; i < H * W; i++) y[(n * H * W + i) * C + c] = x[(n * C + c) * H * W + i]
  return y
}

/** Permute a dense row-major array of shape `shape` so out axis i is input axis perm[i]. */
function tr(a: Float32Array, shape: number[], perm: number[]): Float32Array {
  const out = new Float32Array(a.length),
    os = perm.map((p) => shape[p]),
    st = [0, 0, 0, 0]
  for (let i = 3, m = 1; i >= 0; i--) {
    st[i] = m
    m *= shape[i]
  }
  let o = 0
  for (let i0 = 0; i0 < os[0]; i0++)
    for (let i1 = 0; i1 < os[1]; i1++)
      for (let i2 = 0; i2 < os[2]; i2++)
        for (let i3 = 0; i3 < os[3]; i3++) {
          out[o++] = a[i0 * st[perm[0]] + i1 * st[perm[1]] + i2 * st[perm[2]] + i3 * st[perm[3]]]
        }
  return out
}

/**
 * The peer's conv2d weight gradient (as bench/train_step.bench.ts composes it): dW[r,s,c,k] = sum_{n,p,q}
 * x[n, p st + r, q st + s, c] dy[n,p,q,k], a conv over x^T [C,H,W,N] (the batch as channels) with dy^T [P,Q,N,K] as
 * the filter, dilated by the stride -> [C,R',S',K] (R' = H - (P-1) st >= R), sliced to R x S -> [R,S,C,K].
 */
function peerDW(tf: typeof TF, x: TF.Tensor4D, dy: TF.Tensor4D, R: number, S: number, st: number): TF.Tensor4D {
  const xt = tf.transpose(x, [3, 1, 2, 0]) as TF.Tensor4D,
    dyt = tf.transpose(dy, [1, 2, 0, 3]) as TF.Tensor4D
  const out = tf.conv2d(xt, dyt, 1, 'valid', 'NHWC', st)
  const f = R === out.shape[1] && S === out.shape[2] ? out : tf.slice(out, [0, 0, 0, 0], [-1, R, S, -1])
  return tf.transpose(f, [1, 2, 0, 3]) as TF.Tensor4D
}

/**
 * The seed's three layers (batch 64), then the two 36-pixel encoders of the whole-loop bench at a training batch of
 * 512 records: learn_config's nature CNN on 2 stacked frames (8x8/4, 4x4/2, 3x3) and issue #14's fine encoder (4x4/2,
 * 4x4/2, 3x3).
 */
const LAYERS: ConvCase[] = [
  ...CONV_SEED,
  { N: 512, C: 2, H: 36, W: 36, K: 32, R: 8, S: 8, STRIDE: 4, PAD: 0 },
  { N: 512, C: 32, H: 8, W: 8, K: 64, R: 4, S: 4, STRIDE: 2, PAD: 0 },
  { N: 512, C: 64, H: 3, W: 3, K: 64, R: 3, S: 3, STRIDE: 1, PAD: 0 },
  { N: 512, C: 2, H: 36, W: 36, K: 16, R: 4, S: 4, STRIDE: 2, PAD: 0 },
  { N: 512, C: 16, H: 17, W: 17, K: 32, R: 4, S: 4, STRIDE: 2, PAD: 0 },
  { N: 512, C: 32, H: 7, W: 7, K: 32, R: 3, S: 3, STRIDE: 1, PAD: 0 },
]

export async function run(opts: { json: any[] } = { json: [] }): Promise<void> {
  const bes = await openBuilds()
  const { tf, description } = await tfjsWasm()
  for (const be of bes) console.log(`ours: ${be.description}`)
  console.log(`peer: ${description}`)
  console.log(
    'peer conv2d_backward_weight: composed, transpose + conv2d(x^T [C,H,W,N], dy^T [P,Q,N,K], dilation = stride)' +
      ' + slice + transpose (tfjs-wasm has no 2-D filter gradient; its Conv3DBackpropFilterV2 is wrong for stride > 1);' +
      ' every peer validated against our ref before timing',
  )
  const peak = { simd128: await simdPeak(false), relaxed: await simdPeak(true) }
  console.log(
    `machine limit: wasm SIMD peak per thread ${peak.simd128?.toFixed(1)} GFLOP/s (SIMD128), ${peak.relaxed?.toFixed(1) ?? 'n/a'} (relaxed fused multiply-add)`,
  )
  const data = (c: ConvCase) => {
    const { P, Q } = convOut(c)
    return {
      x: randn(c.N * c.C * c.H * c.W, 1),
      w: randn(c.K * c.C * c.R * c.S, 2, 0.1),
      b: randn(c.K, 3),
      dout: randn(c.N * c.K * P * Q, 4),
      head: (a: Float32Array) => a.subarray(0, (a.length / c.N) * 2),
    }
  }
  // PyTorch: its results on the 2-image inputs (checked per layer below), then its timings, before any of ours
  const layerData = LAYERS.map(data)
  const dir = mkdtempSync(join(tmpdir(), 'rl-rnd-conv-'))
  layerData.forEach((t, i) => {
    for (const [k, a] of Object.entries({ x: t.head(t.x), w: t.w, b: t.b, dy: t.head(t.dout) })) writeFileSync(join(dir, `${k}_${i}.f32`), a)
  })
  const torch = runTorchConv(
    LAYERS.map(({ heavy: _, PAD: __, ...l }) => l),
    1,
    dir,
  )
  if ('error' in torch) console.log(`PyTorch peer skipped: ${torch.error} (${INSTALL_HINT})`)
  else console.log(`peer: PyTorch ${torch.version} CPU, 1 thread (bench/torch_peer/conv.py: F.conv2d, aten.convolution_backward)`)
  for (const [li, c] of LAYERS.entries()) {
    const { P, Q } = convOut(c),
      { heavy: _, ...dims } = c,
      d = { ...dims, P, Q },
      d2 = { ...d, N: 2 }
    const shape = `${c.N}x${c.C}x${c.H}x${c.W} k${c.K} ${c.R}x${c.S}/${c.STRIDE}`
    const flops = 2 * c.N * c.K * P * Q * c.C * c.R * c.S
    const { x, w, b, dout, head } = layerData[li]
    // tfjs tensors in NHWC / [R,S,C,K]
    const tx = tf.tensor4d(nhwc(x, c.N, c.C, c.H, c.W), [c.N, c.H, c.W, c.C])
    const tw = tf.transpose(tf.tensor4d(nhwc(w, c.K, c.C, c.R, c.S), [c.K, c.R, c.S, c.C]), [1, 2, 3, 0]) as TF.Tensor4D
    const tdy = tf.tensor4d(nhwc(dout, c.N, c.K, P, Q), [c.N, P, Q, c.K])
    const s = c.STRIDE
    // each peer returns its result in NHWC / [R,S,C,K] (validated once, then disposed when timed)
    const peerOf: Record<string, (n: number) => TF.Tensor> = {
      conv2d_forward: (n) => tf.conv2d(n === c.N ? tx : tf.slice(tx, 0, n), tw, s, 'valid'),
      conv2d_backward_input: (n) => tf.conv2dTranspose(n === c.N ? tdy : tf.slice(tdy, 0, n), tw, [n, c.H, c.W, c.C], s, 'valid'),
      conv2d_backward_weight: (n) => tf.tidy(() => peerDW(tf, n === c.N ? tx : tf.slice(tx, 0, n), n === c.N ? tdy : tf.slice(tdy, 0, n), c.R, c.S, s)),
    }
    // the peer against ref on 2 images, in our layout (NCHW / [K,C,R,S])
    const checkPeer = (name: string, want: Float32Array) => {
      const t = tf.tidy(() => peerOf[name](2)),
        a = t.dataSync() as Float32Array,
        [d0, d1, d2, d3] = t.shape
      t.dispose()
      // [d0, d1, d2, d3] -> [d0, d3, d1, d2] for activations; [R,S,C,K] -> [K,C,R,S] for the weight gradient
      const got = name === 'conv2d_backward_weight' ? tr(a, [d0, d1, d2, d3], [3, 2, 0, 1]) : tr(a, [d0, d1, d2, d3], [0, 3, 1, 2])
      check(got, want, { atol: 1e-3, rtol: 1e-4 }, `tfjs ${name} ${shape} (2 images)`)
    }
    const wantFwd = new Float32Array(2 * c.K * P * Q)
    REF.conv2d_forward(wantFwd, head(x), w, new Float32Array(c.K), d2)
    checkPeer('conv2d_forward', wantFwd) // tf.conv2d has no bias: checked against the bias-free ref
    REF.conv2d_forward(wantFwd, head(x), w, b, d2)
    const wantBin = new Float32Array(2 * c.C * c.H * c.W)
    REF.conv2d_backward_input(wantBin, head(dout), w, d2)
    checkPeer('conv2d_backward_input', wantBin)
    const wantBw = new Float32Array(w.length)
    REF.conv2d_backward_weight(wantBw, head(dout), head(x), d2)
    checkPeer('conv2d_backward_weight', wantBw)
    const torchOut = (k: string) => new Float32Array(new Uint8Array(readFileSync(join(dir, `${k}_${li}.f32`))).buffer)
    if (!('error' in torch)) {
      check(torchOut('fwd'), wantFwd, { atol: 1e-3, rtol: 1e-4 }, `PyTorch conv2d_forward ${shape} (2 images)`)
      check(torchOut('dx'), wantBin, { atol: 1e-3, rtol: 1e-4 }, `PyTorch conv2d_backward_input ${shape} (2 images)`)
      check(torchOut('dw'), wantBw, { atol: 1e-3, rtol: 1e-4 }, `PyTorch conv2d_backward_weight ${shape} (2 images)`)
    }
    // the peer timed once per kernel, beside each build of ours
    const peerRecs: Record<string, Rec> = {}
    const peerRec = (name: string) =>
      (peerRecs[name] ??= record(
        opts.json,
        {
          kernel: name,
          shape,
          backend: 'wasm',
          threads: 1,
          ms: timeIt(`tfjs ${name}`, () => peerOf[name](c.N).dispose()),
          library: '@tensorflow/tfjs-backend-wasm' + (name === 'conv2d_backward_weight' ? ' (composed: transposes + dilated conv2d)' : ''),
        },
        flops,
      ))
    for (const [bi, be] of bes.entries()) {
      const build = buildLabel(be)
      const [X, Wt, B, D] = upload(be, x, w, b, dout)
      const Y = be.alloc(dout.length),
        DX = be.alloc(x.length),
        DW = be.alloc(w.length),
        DW2 = be.alloc(w.length)
      const [X2, D2] = upload(be, head(x), head(dout))
      be.run('conv2d_backward_weight', [DW2], [D2, X2], d2)
      check(be.readSync(DW2), wantBw, { atol: 1e-3, rtol: 1e-4 }, `conv2d_backward_weight ${shape} (2 images, ${build})`)
      const cases: [KernelName, () => void, () => Float32Array, Float32Array][] = [
        ['conv2d_forward', () => be.run('conv2d_forward', [Y], [X, Wt, B], d), () => be.readSync(Y), wantFwd],
        ['conv2d_backward_input', () => be.run('conv2d_backward_input', [DX], [D, Wt], d), () => be.readSync(DX), wantBin],
        ['conv2d_backward_weight', () => be.run('conv2d_backward_weight', [DW], [D, X], d), () => new Float32Array(0), new Float32Array(0)],
      ]
      for (const [name, fn, got, want] of cases) {
        fn()
        check(got(), want, { atol: 1e-5 + 3e-7 * c.C * c.R * c.S * c.K, rtol: 1e-4 }, `${name} ${shape} (${build})`)
        const ours = record(opts.json, { kernel: name, shape, backend: `wasm ${build}`, library: 'rl-rnd', threads: 1, ms: timeIt(name, fn) }, flops)
        row(`${name} ${build}`, shape, ours, peerRec(name))
        if (name === 'conv2d_forward' && c.C === 64 && c.N === 64 && bi === 0) {
          const v1 = () => be.run('conv2d_forward', [Y], [X, Wt, B], d, '_v1')
          v1()
          check(be.readSync(Y), want, { atol: 1e-3, rtol: 1e-4 }, `conv2d_forward_v1 ${shape}`)
          row(
            'conv2d_forward_v1 wasm',
            shape,
            record(opts.json, { kernel: 'conv2d_forward_v1', shape, backend: 'wasm', library: 'rl-rnd', threads: 1, ms: timeIt('v1', v1) }, flops),
          )
        }
      }
      for (const buf of [X, Wt, B, D, Y, DX, DW, DW2, X2, D2]) be.free(buf)
    }
    if (!('error' in torch)) {
      for (const [kernel, ms] of Object.entries(torch.ms[li])) {
        const r = record(opts.json, { kernel, shape, backend: 'cpu', library: `PyTorch ${torch.version}`, threads: 1, ms }, flops)
        const share = peak.relaxed ? ` = ${((100 * r.gflops) / peak.relaxed).toFixed(0)}% of the relaxed wasm peak` : ''
        console.log(
          `${`${kernel} PyTorch`.padEnd(34)} | ${shape.padEnd(22)} | ${ms.toFixed(3).padStart(9)} ms | ${r.gflops.toFixed(1).padStart(5)} GFLOP/s${share}`,
        )
      }
    }
    tf.dispose([tx, tw, tdy])
  }
  rmSync(dir, { recursive: true, force: true })
}

if (import.meta.url === `file://${process.argv[1]}`) await run()
