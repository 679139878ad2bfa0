// The wasm backend with kernel threads (cli/wasm_workers.ts + engine/backend/wasm_threads.ts): matmuls split by
// column blocks and conv forward / input gradient split over the batch give BITWISE the single-thread results (every output element is computed by
// the same code on the same inputs), for 2 and 3 threads, uneven splits (N = 3, 5 over 2 parts), N = 1 (not split),
// padding; the weight gradient (fixed parts) too; parts claimed by whichever thread is free (a worker that never
// runs leaves every part to the caller); calls too small to pay for a split stay whole; and the single-thread results match ref. Workers are terminated by
// destroy(), and a thread count below 2 is refused.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { readFileSync } from 'node:fs'
import { createThreadedWasmBackend } from '../../cli/wasm_workers.ts'
import { Dispatcher, controlBlock, WORKER_SPIN, LOAD_PROBE_MS } from '../../engine/backend/wasm_threads.ts'
import { machineLoad, othersBetween, MIN_INTERVAL_MS } from '../../cli/cpu_load.ts'
import { openBackend } from '../../cli/node_backend.ts'
import type { WasmBackend } from '../../engine/backend/wasm.ts'
import type { Backend } from '../../engine/backend/backend.ts'
import { REF } from '../../kernels/ref/index.ts'
import { convOut } from '../cases/shapes.ts'
import { close, randn } from '../helpers.ts'

const test = suite('wasm kernel threads')
// both kernels builds: SIMD128 (kernels.release / kernels.threads) and relaxed SIMD (kernels.relaxed /
// kernels.threads-relaxed, fused multiply-adds): within each, every thread count computes the same bits
const BUILDS = [
  { simd: 'simd128', file: 'kernels.threads.wasm' },
  { simd: 'relaxed', file: 'kernels.threads-relaxed.wasm' },
] as const
const threadsWasm = (file = 'kernels.threads.wasm') => new Uint8Array(readFileSync(new URL(`../../build/${file}`, import.meta.url)))
const sets: Record<string, { one: WasmBackend; two: WasmBackend; three: WasmBackend }> = {}
test.before(async () => {
  for (const b of BUILDS) {
    const one = (await openBackend('wasm', { simd: b.simd })) as WasmBackend
    const two = await createThreadedWasmBackend(threadsWasm(b.file), 2, {}, null)
    const three = await createThreadedWasmBackend(threadsWasm(b.file), 3, {}, null)
    // split every call, however small (by default calls under 2^23 multiply-adds stay on the calling thread)
    two.minSplitMacs = three.minSplitMacs = 0
    sets[b.simd] = { one, two, three }
  }
})
test.after(() => {
  for (const s of Object.values(sets)) for (const be of [s.one, s.two, s.three]) be.destroy()
})

const CASES = [
  { N: 5, C: 3, H: 17, W: 15, K: 6, R: 4, S: 4, STRIDE: 2, PAD: 0 },
  { N: 3, C: 4, H: 12, W: 12, K: 8, R: 3, S: 3, STRIDE: 1, PAD: 1 },
  { N: 1, C: 2, H: 9, W: 9, K: 4, R: 3, S: 3, STRIDE: 2, PAD: 0 },
  { N: 64, C: 32, H: 20, W: 20, K: 64, R: 4, S: 4, STRIDE: 2, PAD: 0 }, // the seed's second layer
  // 3x3 maps whose pixels meet in dx (4x4/2), in backward_input's image groups of 4: parts must start at multiples
  // of 4 (an even split at image 23, or at 15 and 31, would shift its tiles against the images)
  { N: 47, C: 8, H: 8, W: 8, K: 16, R: 4, S: 4, STRIDE: 2, PAD: 0 },
]

function runConv(
  be: Backend,
  name: 'conv2d_forward' | 'conv2d_backward_input' | 'conv2d_backward_weight',
  d: Record<string, number>,
  ins: Float32Array[],
  outLen: number,
): Float32Array {
  const bufs = ins.map((x) => {
      const b = be.alloc(x.length)
      be.write(b, x)
      return b
    }),
    out = be.alloc(outLen)
  be.run(name, [out], bufs, d)
  const got = (be as WasmBackend).readSync(out)
  ;[...bufs, out].forEach((b) => be.free(b))
  return got
}

test('descriptions say how many threads and which build', () => {
  const { one, two, three } = sets.simd128
  assert.match(one.description, /^WebAssembly SIMD128 kernels .*1 thread$/)
  assert.match(two.description, /2 threads/)
  assert.is(three.threads, 3)
  const r = sets.relaxed
  assert.match(r.one.description, /^WebAssembly relaxed SIMD \(fused multiply-add\) kernels .*1 thread$/)
  assert.match(r.two.description, /relaxed SIMD.*2 threads/)
  assert.equal([one.relaxed, two.relaxed, r.one.relaxed, r.two.relaxed, r.three.relaxed], [false, false, true, true, true])
})

// sum over k of a[k] * b[k] with a = [1, x], b = [-p, x], x = 1 + 2^-12, p = fl(x * x) = 1 + 2^-11 (x * x =
// 1 + 2^-11 + 2^-24 rounds to even): unfused, fl(x * x) - p = 0; fused, x * x - p = 2^-24 exactly
test('the relaxed build fuses the multiply-add (the low bits of a product survive), the SIMD128 build does not', () => {
  const x = 1 + 2 ** -12,
    p = 1 + 2 ** -11
  const M = 4,
    K = 2,
    N = 8
  const a = new Float32Array(M * K),
    b = new Float32Array(K * N)
  for (let i = 0; i < M; i++) a.set([1, x], i * K)
  for (let j = 0; j < N; j++) {
    b[j] = -p
    b[N + j] = x
  }
  const run = (be: WasmBackend) => {
    const A = be.alloc(a.length),
      B = be.alloc(b.length),
      O = be.alloc(M * N)
    be.write(A, a)
    be.write(B, b)
    be.run('matmul', [O], [A, B], { M, K, N })
    const got = be.readSync(O)
    ;[A, B, O].forEach((t) => be.free(t))
    return [...new Set(got)]
  }
  assert.equal(run(sets.simd128.one), [0])
  assert.equal(run(sets.relaxed.one), [2 ** -24])
  assert.equal(run(sets.relaxed.two), [2 ** -24])
})

for (const c of CASES) {
  const { P, Q } = convOut(c),
    d = { ...c, P, Q }
  const x = randn(c.N * c.C * c.H * c.W, 1),
    w = randn(c.K * c.C * c.R * c.S, 2, 0.2),
    bias = randn(c.K, 3),
    dout = randn(c.N * c.K * P * Q, 4)
  const kinds = [
    ['conv2d_forward', [x, w, bias], c.N * c.K * P * Q],
    ['conv2d_backward_input', [dout, w], x.length],
    ['conv2d_backward_weight', [dout, x], w.length],
  ] as const
  for (const [name, ins, len] of kinds) {
    test(`${name} N${c.N} C${c.C} ${c.H}x${c.W} k${c.K} ${c.R}x${c.S}/${c.STRIDE} p${c.PAD}, both builds: 2 and 3 threads == 1 thread bitwise; 1 thread == ref`, () => {
      for (const { simd } of BUILDS) {
        const { one, two, three } = sets[simd]
        const base = runConv(one, name, d, [...ins], len)
        for (const be of [two, three]) {
          const got = runConv(be, name, d, [...ins], len)
          const diff = got.findIndex((v, i) => !Object.is(v, base[i]))
          assert.is(diff, -1, `${simd}: ${be.threads} threads differ at ${diff}: ${got[diff]} vs ${base[diff]}`)
        }
        if (c.N > 8) continue // the seed-sized case: ref is slow, and the small ones cover the math
        const want = new Float32Array(len)
        ;(REF[name] as (...a: unknown[]) => void)(want, ...ins, d)
        close(base, want, { atol: 1e-4, rtol: 1e-4 }, `${simd} ${name} vs ref`)
      }
    })
  }
}

// matmuls split by column blocks of 8 (matmul_cols): N not a multiple of 8, M within one packed row block (lazy
// packing) and beyond it, K over several 128-deep slices; split (the tests' threshold is 0)
for (const { M, K, N } of [
  { M: 64, K: 300, N: 130 },
  { M: 100, K: 200, N: 250 },
  { M: 7, K: 3000, N: 101 },
]) {
  const a = randn(M * K, 5),
    b = randn(K * N, 6)
  for (const name of ['matmul', 'matmul_nt', 'matmul_tn'] as const) {
    test(`${name} ${M}x${K}x${N}, both builds: 2 and 3 threads == 1 thread bitwise; 1 thread == ref`, () => {
      const run = (be: Backend) => {
        const A = be.alloc(a.length),
          B = be.alloc(b.length),
          O = be.alloc(M * N)
        be.write(A, a)
        be.write(B, b)
        be.run(name, [O], [A, B], { M, K, N })
        const got = (be as WasmBackend).readSync(O)
        ;[A, B, O].forEach((x) => be.free(x))
        return got
      }
      const want = new Float32Array(M * N)
      REF[name](want, a, b, { M, K, N })
      for (const { simd } of BUILDS) {
        const { one, two, three } = sets[simd]
        const base = run(one)
        for (const be of [two, three]) {
          const got = run(be),
            diff = got.findIndex((v, i) => !Object.is(v, base[i]))
          assert.is(diff, -1, `${simd}: ${be.threads} threads differ at ${diff}: ${got[diff]} vs ${base[diff]}`)
        }
        close(base, want, { atol: 1e-3, rtol: 1e-4 }, `${simd} ${name} vs ref`)
      }
    })
  }
}

// batch_matmul (the DNC's, one thread: madd in both of its loops) in both builds against ref
for (const [TA, TB] of [
  [0, 0],
  [1, 0],
  [0, 1],
  [1, 1],
]) {
  test(`batch_matmul TA${TA} TB${TB}, both builds == ref`, () => {
    const G = 3,
      M = 5,
      K = 13,
      N = 11
    const a = randn(G * M * K, 7),
      b = randn(G * K * N, 8)
    const want = new Float32Array(G * M * N)
    REF.batch_matmul(want, a, b, { G, M, K, N, TA, TB })
    for (const { simd } of BUILDS) {
      const be = sets[simd].one
      const A = be.alloc(a.length),
        B = be.alloc(b.length),
        O = be.alloc(want.length)
      be.write(A, a)
      be.write(B, b)
      be.run('batch_matmul', [O], [A, B], { G, M, K, N, TA, TB })
      close(be.readSync(O), want, { atol: 1e-4, rtol: 1e-4 }, `${simd} batch_matmul vs ref`)
      ;[A, B, O].forEach((t) => be.free(t))
    }
  })
}

test('small calls stay whole by default: below 2^23 multiply-adds no part goes to a worker', async () => {
  const be = await createThreadedWasmBackend(threadsWasm(), 2, {}, null)
  const seen: number[] = []
  const workers = (be as unknown as { workers: { runAll: (c: unknown[], l: unknown) => void } }).workers
  const orig = workers.runAll.bind(workers)
  workers.runAll = (calls, local) => {
    seen.push(calls.length)
    orig(calls, local)
  }
  const c = { N: 4, C: 3, H: 9, W: 9, K: 4, R: 3, S: 3, STRIDE: 2, PAD: 0 } // 4 x 4 x 16 x 27 multiply-adds
  const { P, Q } = convOut(c),
    d = { ...c, P, Q }
  runConv(be, 'conv2d_forward', d, [randn(4 * 3 * 81, 1), randn(4 * 27, 2), randn(4, 3)], 4 * 4 * P * Q)
  assert.equal(seen, [])
  be.minSplitMacs = 0
  runConv(be, 'conv2d_forward', d, [randn(4 * 3 * 81, 1), randn(4 * 27, 2), randn(4, 3)], 4 * 4 * P * Q)
  assert.equal(seen, [2])
  be.destroy()
})

test('parts are claimed: with a worker that never runs, the caller runs every part itself, in order', () => {
  const d = new Dispatcher(controlBlock(), ['k0', 'k1'], 1) // one worker in the count, none serving
  const ran: string[] = []
  const calls = [
    { fn: 'k0', args: [1] },
    { fn: 'k1', args: [2, 3] },
    { fn: 'k0', args: [4] },
  ]
  d.runAll(calls, (c) => ran.push(`${c.fn}(${c.args.join(',')})`))
  assert.equal(ran, ['k0(1)', 'k1(2,3)', 'k0(4)'])
  d.runAll(calls.slice(1), (c) => ran.push(c.fn)) // the next generation starts clean
  assert.equal(ran.slice(3), ['k1', 'k0'])
  assert.throws(
    () =>
      d.runAll(
        Array.from({ length: 16 }, () => calls[0]),
        () => {},
      ),
    /16 parts in one call/,
  )
})

test('split calls that do not pay (no worker ever runs) are held back for a while, then tried again', () => {
  const d = new Dispatcher(controlBlock(), ['k0'], 1)
  const busy = () => {
    const t = performance.now()
    while (performance.now() - t < 0.2) {}
  }
  const calls = [
    { fn: 'k0', args: [] },
    { fn: 'k0', args: [] },
  ]
  let splits = 0
  while (d.worthSplitting() && splits < 100) {
    d.runAll(calls, busy) // the caller runs both parts: speedup ~1
    splits++
  }
  assert.is(splits, 16, 'judged after 16 split calls')
  let held = 1
  while (!d.worthSplitting()) held++
  assert.is(held, 64) // the first backoff, then a probe
  assert.is(d.heldBack, 64)
})

// the workers' spin budget between calls follows the judged speedup (observe: the caller's own time on its parts,
// the call's wall time): a caller that runs 1 of 2 parts in 1 ms of a 1 ms call judged a 2x speedup
const feed = (d: Dispatcher, speedup: number, calls: number) => {
  for (let i = 0; i < calls; i++) d.observe(1, 1, 2, 2 / speedup)
}
test('workers spin between calls while splits pay 1.2x or more, sleep at once below it, until 1.3x again', () => {
  const d = new Dispatcher(controlBlock(), ['k0'], 1)
  assert.is(d.workerSpin, WORKER_SPIN, 'spinning before any judgement')
  feed(d, 1.5, 40)
  assert.is(d.workerSpin, WORKER_SPIN)
  feed(d, 1.1, 40) // the decayed sums cross 1.2 on the way down
  assert.is(d.workerSpin, 0)
  assert.ok(d.worthSplitting(), 'still splitting: 1.1x pays')
  feed(d, 1.25, 60) // between 1.2 and 1.3: stays off
  assert.is(d.workerSpin, 0)
  feed(d, 1.6, 60)
  assert.is(d.workerSpin, WORKER_SPIN)
  assert.ok(d.quietSplits > 60 && d.quietSplits < 160, `${d.quietSplits} quiet split calls`)
})

test('with spinning off, spinning is judged again every 512 split calls; a backoff probes with spinning on', () => {
  const d = new Dispatcher(controlBlock(), ['k0'], 1)
  feed(d, 1.1, 16)
  assert.is(d.workerSpin, 0, 'off at the first judgement')
  feed(d, 1.1, 511)
  assert.is(d.workerSpin, 0)
  feed(d, 1.1, 1)
  assert.is(d.workerSpin, WORKER_SPIN, 'the 512th quiet call turns it on for a fresh judgement')
  feed(d, 1.1, 16)
  assert.is(d.workerSpin, 0, 'and the fresh judgement turns it off again')
  feed(d, 0.8, 16)
  assert.not.ok(d.worthSplitting(), 'below 1x: held back')
  assert.is(d.workerSpin, WORKER_SPIN, 'the probe after the backoff starts spinning')
})

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms))
test('other processes holding the cores: split calls run whole and the workers sleep, until the cores are free', async () => {
  let others: number | null = 0
  const probe = { cores: 2, others: () => others }
  const d = new Dispatcher(controlBlock(), ['k0'], 1, () => {}, probe) // 2 threads on 2 cores: loaded above 0.5 core
  others = 0.9
  assert.ok(d.worthSplitting(), 'not asked before LOAD_PROBE_MS')
  await sleep(LOAD_PROBE_MS + 20)
  assert.not.ok(d.worthSplitting())
  assert.ok(d.isLoaded)
  assert.is(d.workerSpin, 0)
  assert.not.ok(d.worthSplitting(), 'asked again only after LOAD_PROBE_MS')
  assert.is(d.loadHeld, 2)
  others = null // too short an interval: the last answer stands
  await sleep(LOAD_PROBE_MS + 20)
  assert.not.ok(d.worthSplitting())
  others = 0.4
  await sleep(LOAD_PROBE_MS + 20)
  assert.ok(d.worthSplitting())
  assert.is(d.workerSpin, WORKER_SPIN, 'free again: spinning, judged afresh')
  // 2 threads on 8 cores: loaded only when the others leave fewer than 2 free (above 6.5 cores)
  const wide = new Dispatcher(controlBlock(), ['k0'], 1, () => {}, { cores: 8, others: () => 6.4 })
  await sleep(LOAD_PROBE_MS + 20)
  assert.ok(wide.worthSplitting())
  assert.is(new Dispatcher(controlBlock(), ['k0'], 1).isLoaded, false, 'no probe (browsers): never loaded')
  const over = new Dispatcher(controlBlock(), ['k0'], 2, () => {}, { cores: 2, others: () => 2 }) // 3 threads, 2 cores
  await sleep(LOAD_PROBE_MS + 20)
  assert.ok(over.worthSplitting(), 'more threads than cores: asked for, never overridden')
})

test("the probe: the machine's busy time less this process's, per wall-clock ms, in cores", () => {
  const a = { t: 0, busyMs: 1000, ownMs: 300 }
  assert.is(othersBetween(a, { t: 500, busyMs: 1800, ownMs: 700 }), 0.8) // 800 ms busy, 400 of it ours, over 500 ms
  assert.is(othersBetween(a, { t: 500, busyMs: 1300, ownMs: 700 }), 0, 'never below 0 (tick rounding)')
  assert.is(othersBetween(a, { t: MIN_INTERVAL_MS - 1, busyMs: 2000, ownMs: 300 }), null)
  const samples = [a, { t: 50, busyMs: 1100, ownMs: 300 }, { t: 400, busyMs: 1400, ownMs: 300 }, { t: 800, busyMs: 1400, ownMs: 500 }]
  const p = machineLoad(() => samples.shift()!)
  assert.is(p.others(), null, '50 ms: too short, the interval goes on')
  assert.is(p.others(), 1, '0 .. 400: 400 ms busy, none ours')
  assert.is(p.others(), 0, '400 .. 800: ours only')
  // the real machine: a number of cores, and a load between 0 and all of them
  const real = machineLoad()
  const t = performance.now()
  while (performance.now() - t < MIN_INTERVAL_MS + 20) {}
  const o = real.others()
  assert.ok(real.cores >= 1 && o !== null && o >= 0 && o <= real.cores + 0.5, `${o} of ${real.cores}`)
})

test('workers that sleep at once (spin 0) still run their parts: a split conv gives the same bits', () => {
  const c = CASES[3],
    { P, Q } = convOut(c),
    d = { ...c, P, Q }
  const x = randn(c.N * c.C * c.H * c.W, 11),
    w = randn(c.K * c.C * c.R * c.S, 12, 0.2),
    bias = randn(c.K, 13)
  const { one, two } = sets.simd128
  const disp = (two as unknown as { workers: Dispatcher }).workers
  feed(disp, 1.1, 40)
  assert.is(disp.workerSpin, 0)
  const base = runConv(one, 'conv2d_forward', d, [x, w, bias], c.N * c.K * P * Q)
  for (let k = 0; k < 3; k++) {
    const got = runConv(two, 'conv2d_forward', d, [x, w, bias], c.N * c.K * P * Q)
    assert.is(
      got.findIndex((v, i) => !Object.is(v, base[i])),
      -1,
    )
  }
  feed(disp, 1.6, 60) // leave it spinning for the tests after this one
  assert.is(disp.workerSpin, WORKER_SPIN)
})

test('fewer than 2 threads is refused with a clear error', async () => {
  try {
    await createThreadedWasmBackend(threadsWasm(), 1)
    assert.unreachable('should throw')
  } catch (e) {
    assert.match((e as Error).message, /need 2 or more threads/)
  }
})

test.run()
