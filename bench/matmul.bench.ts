// matmul bench: our wasm matmul (v2: packed 4x8 f32x4 micro-kernel) and the scalar matmul_v1 (small cases only)
// against tfjs-wasm's matMul, single thread, on test/cases MATMUL_BENCH. Each variant is validated against the ref
// kernel once (on the first 64 rows: rows are independent) before it is timed.
import { REF } from '../kernels/ref/index.ts'
import { MATMUL_BENCH } from '../test/cases/shapes.ts'
import { tfjsWasm } from './tfjs_peer.ts'
import { timeIt, record, row, upload, check, randn, openBuilds, buildLabel } from './harness.ts'

export async function run(opts: { json: any[] } = { json: [] }): Promise<void> {
  const bes = await openBuilds()
  const peer = await tfjsWasm()
  for (const be of bes) console.log(`ours: ${be.description}`)
  console.log(`peer: ${peer.description}`)
  for (const { M, K, N } of MATMUL_BENCH) {
    const shape = `${M}x${K}x${N}`,
      flops = 2 * M * K * N,
      d = { M, K, N }
    const a = randn(M * K, 1),
      b = randn(K * N, 2)
    const m = Math.min(M, 64),
      want = new Float32Array(m * N)
    REF.matmul(want, a.subarray(0, m * K), b, { M: m, K, N })
    // the peer, validated and timed once, beside each build of ours
    const { tf } = peer,
      ta = tf.tensor2d(a, [M, K]),
      tb = tf.tensor2d(b, [K, N])
    check(
      tf
        .matMul(ta, tb)
        .dataSync()
        .subarray(0, m * N) as Float32Array,
      want,
      { atol: 1e-5 + 3e-7 * K, rtol: 1e-4 },
      `tfjs ${shape}`,
    )
    const pms = timeIt('tfjs matMul', () => tf.matMul(ta, tb).dispose())
    const theirs = record(opts.json, { kernel: 'matmul', shape, backend: 'wasm', library: '@tensorflow/tfjs-backend-wasm', threads: 1, ms: pms }, flops)
    tf.dispose([ta, tb])
    for (const [bi, be] of bes.entries()) {
      const build = buildLabel(be)
      const [A, B] = upload(be, a, b),
        O = be.alloc(M * N)
      for (const v of bi === 0 ? ['', '_v1'] : ['']) {
        if (v === '_v1' && flops > 1e8) {
          row(`matmul_v1 wasm`, shape, null)
          continue
        } // scalar: seconds per call
        be.run('matmul', [O], [A, B], d, v)
        check(be.readSync(O), want, { atol: 1e-5 + 3e-7 * K, rtol: 1e-4 }, `matmul${v} ${shape} (${build})`)
        const ms = timeIt(`matmul${v}`, () => be.run('matmul', [O], [A, B], d, v))
        const ours = record(opts.json, { kernel: `matmul${v}`, shape, backend: `wasm ${build}`, library: 'rl-rnd', threads: 1, ms }, flops)
        row(v ? `matmul${v} wasm` : `matmul ${build}`, shape, ours, v ? null : theirs)
      }
      for (const x of [A, B, O]) be.free(x)
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run()
