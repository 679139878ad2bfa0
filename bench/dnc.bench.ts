// DNC step bench (engine/nn/dnc.ts, docs/dnc.md): ms per step, forward alone and forward + backward, on wasm (one
// thread) and WebGPU, for 32 lanes of N 64, W 16, R 2 and the seed's example 256,64,4,0 at 1 and 32 lanes; the
// controller as the seed's defaults make it (z_dim 32 in, rnn_hidden_dim 256). The step starts from a random state
// (valid weightings), so the link matrix and usage are in play. Every configuration's step output is checked against
// the ref backend before it is timed. No peer: tfjs has no DNC. Standalone: `npx tsx bench/dnc.bench.ts`.
import Benchmark from 'benchmark'
import { fileURLToPath } from 'node:url'
import { openBackend } from '../cli/node_backend.ts'
import { Tensor, Rng, DNC, DNC_STATE, RefBackend, scope, noGrad, backward, sum, mul, type Backend, type DncState, type DncSize } from '../engine/index.ts'
import { randn, check } from './harness.ts'

const Z = 32,
  H = 256
const CASES: (DncSize & { B: number })[] = [
  { B: 32, N: 64, W: 16, R: 2, K: 0 },
  { B: 1, N: 256, W: 64, R: 4, K: 0 },
  { B: 32, N: 256, W: 64, R: 4, K: 0 },
]

/** ms per call of an async fn (benchmark.js deferred: the fn enqueues and waits for the device). */
function time(name: string, fn: () => Promise<void>): Promise<number> {
  return new Promise((resolve, reject) => {
    new Benchmark(name, {
      defer: true,
      minSamples: 5,
      maxTime: 1.5,
      initCount: 1,
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

function setup(be: Backend, c: DncSize & { B: number }) {
  const dnc = new DNC(be, Z, H, c, new Rng(1))
  const w = dnc.stateWidths()
  const state = Object.fromEntries(
    DNC_STATE.map((k, i) => {
      const isWeighting = ['usage', 'precedence', 'link', 'writeWeights', 'readWeights'].includes(k)
      const v = randn(c.B * w[k], 10 + i)
      return [k, Tensor.fromArray(be, isWeighting ? v.map((x) => Math.min(1, Math.abs(x)) / (k === 'usage' ? 1 : c.N)) : v, [c.B, w[k]])]
    }),
  ) as DncState
  const x = Tensor.fromArray(be, randn(c.B * Z, 3), [c.B, Z]),
    r = Tensor.fromArray(be, randn(c.B * H, 4), [c.B, H])
  return {
    dnc,
    state,
    x,
    r,
    dispose: () => {
      dnc.dispose()
      for (const t of [...Object.values(state), x, r]) t.dispose()
    },
  }
}

export async function run(opts: { json: Record<string, unknown>[] } = { json: [] }): Promise<void> {
  const ref = new RefBackend(32)
  for (const name of ['wasm', 'webgpu'] as const) {
    let be: Backend
    try {
      be = await openBackend(name, { threads: 1, log: () => {} })
    } catch (e) {
      console.log(`${name}: unavailable (${(e as Error).message})`)
      continue
    }
    console.log(`\n${be.description}; controller ${Z} -> ${H}`)
    console.log(`${'case'.padEnd(28)} | forward ms | fwd+bwd ms`)
    for (const c of CASES) {
      const shape = `B ${c.B} N ${c.N} W ${c.W} R ${c.R} K ${c.K}`
      const s = setup(be, c),
        want = setup(ref, c)
      check(
        await noGrad(() => scope(() => s.dnc.step(s.x, s.state).y.read())),
        noGrad(() => scope(() => want.dnc.step(want.x, want.state).y.readSync())),
        { atol: 1e-4, rtol: 1e-3 },
        `${name} ${shape}`,
      )
      want.dispose()
      const fwd = await time(`${shape} fwd`, () =>
        noGrad(() =>
          scope(async () => {
            s.dnc.step(s.x, s.state)
            await be.sync()
          }),
        ),
      )
      const both = await time(`${shape} fwd+bwd`, () =>
        scope(async () => {
          backward(sum(mul(s.dnc.step(s.x, s.state).y, s.r)))
          await be.sync()
          s.dnc.zeroGrad()
        }),
      )
      for (const [kernel, ms] of [
        ['dnc_step_forward', fwd],
        ['dnc_step_forward_backward', both],
      ] as const) {
        opts.json.push({ kernel, shape, backend: name, library: 'rl-rnd', threads: 1, ms })
      }
      console.log(`${shape.padEnd(28)} | ${fwd.toFixed(2).padStart(10)} | ${both.toFixed(2).padStart(10)}`)
      s.dispose()
    }
    be.destroy()
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await run()
