// WebGPU bench: our WGSL kernels beside @tensorflow/tfjs-backend-webgpu on the same adapter, in one run.
// Rows: matmul, matmul_nt, matmul_tn (test/cases MATMUL_BENCH; naive v1 beside the bound matmul), the seed's three conv layers at batch 64
// (forward, backward input, backward weight), lstm_cell_forward N 64 U 256, and the per-dispatch overhead (a chain of
// 1000 tiny elementwise kernels, one submit). Every kernel is checked against ref once before it is timed;
// pipelines are compiled and warmed first. benchmark.js {defer: true}: enqueue, await the queue, resolve.
// Standalone: `npx tsx bench/webgpu.bench.ts`.
import Benchmark from 'benchmark'
import { cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import { createWebGPUBackend, type WebGPUBackend } from '../engine/backend/webgpu.ts'
import { REF } from '../kernels/ref/index.ts'
import type { KernelName } from '../kernels/index.ts'
import { MATMUL_BENCH, CONV_SEED, LSTM, convOut } from '../test/cases/shapes.ts'
import { tfjsWebGPU, type Peer } from './webgpu_peer.ts'

interface Rec {
  kernel: string
  shape: string
  backend: 'webgpu'
  library: string
  threads: number
  ms: number
  gflops: number | null
  us_per_dispatch?: number
}
const THREADS = cpus().length
const OPTS = { defer: true, minSamples: 3, maxTime: 1.5, initCount: 1 }

function randn(n: number, seed: number): Float32Array {
  let s = seed >>> 0
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 1) / 4294967297
  return Float32Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()))
}

/** ms per call of an async fn: benchmark.js deferred mode, fn enqueues and awaits the device. */
function time(name: string, fn: () => Promise<void>): Promise<number> {
  return new Promise((resolve, reject) => {
    new Benchmark(name, {
      ...OPTS,
      fn: (dfd: any) => {
        fn().then(() => dfd.resolve(), reject)
      },
    })
      .on('complete', function (this: any) {
        resolve(this.stats.mean * 1000)
      })
      .on('error', function (this: any) {
        reject(this.error)
      })
      .run()
  })
}

function maxRelErr(a: Float32Array, b: Float32Array): number {
  let m = 0,
    s = 0
  for (let i = 0; i < b.length; i++) {
    m = Math.max(m, Math.abs(a[i] - b[i]))
    s = Math.max(s, Math.abs(b[i]))
  }
  return m / Math.max(s, 1e-6)
}

/** Upload inputs, check the kernel (version) against ref once, and return a timed runner. */
async function prepare(g: WebGPUBackend, name: KernelName, version: string, d: Record<string, number>, outs: number[], ins: Float32Array[]) {
  const gi = ins.map((x) => {
    const b = g.alloc(x.length)
    g.write(b, x)
    return b
  })
  const go = outs.map((n) => g.alloc(n))
  const run = () => (version === name ? g.run(name, go, gi, d) : g.runVersion(version, name, go, gi, d))
  run()
  const got = await g.read(go[0])
  const want = outs.map((n) => new Float32Array(n))
  REF[name](...want, ...ins, d)
  const err = maxRelErr(got, want[0])
  if (!(err < 1e-4)) throw new Error(`${version} ${JSON.stringify(d)}: differs from ref (max err ${err} of max |ref|)`)
  return {
    run: async () => {
      run()
      await g.sync()
    },
    free: () => [...gi, ...go].forEach((b) => g.free(b)),
  }
}

export async function run(opts: { json: Record<string, unknown>[] }): Promise<void> {
  const g = await createWebGPUBackend()
  console.log(`ours: ${g.description}`)
  let peer: Peer | null = null
  try {
    peer = await tfjsWebGPU()
    console.log(`peer: ${peer.description}`)
  } catch (e) {
    console.log(`peer: tfjs-webgpu unavailable (${(e as Error).message})`)
  }
  const rows: Rec[] = []
  const emit = (r: Rec) => {
    rows.push(r)
    opts.json.push({ ...r })
    console.log(
      `${r.kernel.padEnd(24)} ${r.shape.padEnd(22)} ${r.library.padEnd(32)} ${r.ms.toFixed(2).padStart(9)} ms ${r.gflops === null ? '' : `${r.gflops.toFixed(2).padStart(7)} GFLOP/s`}${r.us_per_dispatch ? `${r.us_per_dispatch.toFixed(1)} us/dispatch` : ''}`,
    )
  }
  const rec = (kernel: string, shape: string, library: string, ms: number, flop: number | null): Rec => ({
    kernel,
    shape,
    backend: 'webgpu',
    library,
    threads: THREADS,
    ms,
    gflops: flop === null ? null : flop / ms / 1e6,
  })

  // ---- matmul
  for (const { M, K, N } of MATMUL_BENCH) {
    const shape = `${M}x${K}x${N}`,
      flop = 2 * M * K * N
    const a = randn(M * K, 1),
      b = randn(K * N, 2)
    // the transposed forms read the same arrays as b [N,K] (_nt) and a [K,M] (_tn)
    for (const [name, version] of [
      ['matmul', 'matmul_v1'],
      ['matmul', 'matmul'],
      ['matmul_nt', 'matmul_nt'],
      ['matmul_tn', 'matmul_tn'],
    ] as const) {
      if (version === 'matmul_v1' && flop > 1e9) continue // the naive baseline takes ~20 s there
      const k = await prepare(g, name, version, { M, K, N }, [M * N], [a, b])
      emit(rec(version, shape, 'rl-rnd', await time(`${version} ${shape}`, k.run), flop))
      k.free()
    }
    if (peer) {
      const { tf } = peer
      const ta = tf.tensor2d(a, [M, K]),
        tb = tf.tensor2d(b, [K, N])
      const check = tf.matMul(ta, tb)
      const want = new Float32Array(M * N)
      REF.matmul(want, a, b, { M, K, N })
      if (!(maxRelErr((await check.data()) as Float32Array, want) < 1e-4)) throw new Error('tfjs matmul differs from ref')
      check.dispose()
      emit(
        rec(
          'matmul',
          shape,
          '@tensorflow/tfjs-backend-webgpu',
          await time(`tfjs matmul ${shape}`, async () => {
            const y = tf.matMul(ta, tb)
            await peer!.sync()
            y.dispose()
          }),
          flop,
        ),
      )
      const tbT = tf.tensor2d(b, [N, K]),
        taT = tf.tensor2d(a, [K, M])
      emit(
        rec(
          'matmul_nt',
          shape,
          '@tensorflow/tfjs-backend-webgpu',
          await time(`tfjs matmul_nt ${shape}`, async () => {
            const y = tf.matMul(ta, tbT, false, true)
            await peer!.sync()
            y.dispose()
          }),
          flop,
        ),
      )
      emit(
        rec(
          'matmul_tn',
          shape,
          '@tensorflow/tfjs-backend-webgpu',
          await time(`tfjs matmul_tn ${shape}`, async () => {
            const y = tf.matMul(taT, tb, true, false)
            await peer!.sync()
            y.dispose()
          }),
          flop,
        ),
      )
      ta.dispose()
      tb.dispose()
      tbT.dispose()
      taT.dispose()
    }
  }

  // ---- conv2d at the seed's sizes (batch 64)
  for (const c of CONV_SEED) {
    const { P, Q } = convOut(c)
    const d = { N: c.N, C: c.C, H: c.H, W: c.W, K: c.K, R: c.R, S: c.S, STRIDE: c.STRIDE, PAD: c.PAD, P, Q }
    const shape = `${c.C}x${c.H}x${c.W}->${c.K} ${c.R}x${c.S}s${c.STRIDE}`,
      flop = 2 * c.N * c.K * P * Q * c.C * c.R * c.S
    const x = randn(c.N * c.C * c.H * c.W, 3),
      w = randn(c.K * c.C * c.R * c.S, 4),
      bias = randn(c.K, 5),
      dout = randn(c.N * c.K * P * Q, 6)
    const kinds: [KernelName, number, Float32Array[]][] = [
      ['conv2d_forward', c.N * c.K * P * Q, [x, w, bias]],
      ['conv2d_backward_input', x.length, [dout, w]],
      ['conv2d_backward_weight', w.length, [dout, x]],
    ]
    for (const [name, outLen, ins] of kinds) {
      const k = await prepare(g, name, name, d, [outLen], ins)
      emit(rec(name, shape, 'rl-rnd', await time(`${name} ${shape}`, k.run), flop))
      k.free()
    }
    if (peer) {
      const { tf } = peer
      const xt = tf.transpose(tf.tensor4d(x, [c.N, c.C, c.H, c.W]), [0, 2, 3, 1]) as TF4,
        wt = tf.transpose(tf.tensor4d(w, [c.K, c.C, c.R, c.S]), [2, 3, 1, 0]) as TF4
      const dy = tf.transpose(tf.tensor4d(dout, [c.N, c.K, P, Q]), [0, 2, 3, 1]) as TF4,
        bt = tf.tensor1d(bias)
      const conv = { strides: c.STRIDE, pad: 'valid' as const, dataFormat: 'NHWC', dilations: 1, dimRoundingMode: undefined } as unknown as TF.NamedAttrMap
      const peerOps: [string, () => unknown][] = [
        ['conv2d_forward', () => tf.add(tf.conv2d(xt, wt, c.STRIDE, 'valid'), bt)],
        [
          'conv2d_backward_input',
          () => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: wt }, { ...conv, inputShape: xt.shape } as unknown as TF.NamedAttrMap),
        ],
        [
          'conv2d_backward_weight',
          () => tf.engine().runKernel('Conv2DBackpropFilter', { x: xt, dy }, { ...conv, filterShape: wt.shape } as unknown as TF.NamedAttrMap),
        ],
      ]
      for (const [name, op] of peerOps) {
        emit(
          rec(
            name,
            shape,
            '@tensorflow/tfjs-backend-webgpu',
            await time(`tfjs ${name} ${shape}`, async () => {
              const y = tf.tidy(op as () => TF.Tensor)
              await peer!.sync()
              y.dispose()
            }),
            flop,
          ),
        )
      }
      ;[xt, wt, dy, bt].forEach((t) => t.dispose())
    }
  }

  // ---- LSTM cell (elementwise gates), N 64, U 256
  const { N, U } = LSTM[LSTM.length - 1]
  {
    const pre = randn(N * 4 * U, 7),
      cPrev = randn(N * U, 8)
    const k = await prepare(g, 'lstm_cell_forward', 'lstm_cell_forward', { N, U }, [N * U, N * U, N * 4 * U], [pre, cPrev])
    emit(rec('lstm_cell_forward', `N${N} U${U}`, 'rl-rnd', await time('lstm', k.run), null))
    k.free()
    if (peer) {
      const { tf } = peer
      const p = tf.tensor2d(pre, [N, 4 * U]),
        cp = tf.tensor2d(cPrev, [N, U])
      const cell = () => {
        const [a, i, f, o] = tf.split(p, 4, 1)
        const c = tf.add(tf.mul(tf.tanh(a), tf.sigmoid(i)), tf.mul(tf.sigmoid(f), cp))
        return tf.concat([tf.mul(tf.sigmoid(o), tf.tanh(c)), c], 1)
      }
      emit(
        rec(
          'lstm_cell_forward',
          `N${N} U${U}`,
          '@tensorflow/tfjs-backend-webgpu',
          await time('tfjs lstm', async () => {
            const y = tf.tidy(cell)
            await peer!.sync()
            y.dispose()
          }),
          null,
        ),
      )
      p.dispose()
      cp.dispose()
    }
  }

  // ---- per-dispatch overhead: 1000 chained tiny elementwise kernels, one submit
  {
    const L = 256,
      a = g.alloc(L),
      b = g.alloc(L)
    g.run('fill', [a], [], { L, value: 1 })
    const chain = async () => {
      for (let i = 0; i < 500; i++) {
        g.run('neg', [b], [a], { L })
        g.run('neg', [a], [b], { L })
      }
      await g.sync()
    }
    await chain()
    const ms = await time('dispatch chain', chain)
    emit({ ...rec('dispatch_overhead', `1000 x neg L${L}`, 'rl-rnd', ms, null), us_per_dispatch: ms })
    g.free(a)
    g.free(b)
    if (peer) {
      const { tf } = peer
      // tfjs-webgpu runs small ops whose inputs are on the CPU on the CPU (WEBGPU_CPU_FORWARD, below 1000 elements):
      // turned off here, or this row would time tfjs's CPU kernels instead of its dispatches
      const cpuForward = tf.env().getBool('WEBGPU_CPU_FORWARD')
      tf.env().set('WEBGPU_CPU_FORWARD', false)
      const x = tf.ones([L])
      const pchain = async () => {
        const y = tf.tidy(() => {
          let t: TF.Tensor = x
          for (let i = 0; i < 1000; i++) t = tf.neg(t)
          return t
        })
        await peer!.sync()
        y.dispose()
      }
      await pchain()
      const pms = await time('tfjs dispatch chain', pchain)
      emit({ ...rec('dispatch_overhead', `1000 x neg L${L}`, '@tensorflow/tfjs-backend-webgpu', pms, null), us_per_dispatch: pms })
      x.dispose()
      tf.env().set('WEBGPU_CPU_FORWARD', cpuForward)
    }
  }

  // ---- summary: ours / peer per row
  if (peer) {
    console.log('\nspeedup of rl-rnd over tfjs-webgpu (peer ms / our ms):')
    for (const r of rows.filter((r) => r.library === 'rl-rnd' && r.kernel !== 'matmul_v1')) {
      const p = rows.find((q) => q.library !== 'rl-rnd' && q.shape === r.shape && q.kernel === r.kernel)
      if (p) console.log(`  ${r.kernel.padEnd(24)} ${r.shape.padEnd(22)} ${(p.ms / r.ms).toFixed(2)}x`)
    }
  }
  g.destroy()
}
type TF4 = import('@tensorflow/tfjs-core').Tensor4D
import type * as TF from '@tensorflow/tfjs-core'

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const json: Record<string, unknown>[] = []
  await run({ json })
}
