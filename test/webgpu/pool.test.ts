// The buffer pool under a real training loop: 1000 steps of a small MLP with Adam on webgpu (forward, backward,
// update, one loss readback per step; kept small because SwiftShader costs ~4 ms per submit, see the bench). After warm-up the pool creates no buffer and
// reserved bytes stay flat; live buffers return to the parameter/optimizer set each step; the loss goes down.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as E from '../../engine/index.ts'
import type { WebGPUBackend } from '../../engine/backend/webgpu.ts'
import { sizeClass } from '../../engine/backend/webgpu_pool.ts'
import { webgpuOrSkip, requireGpu } from './gpu.ts'
import { randn } from '../helpers.ts'

const test = suite('webgpu pool')
let gpu: WebGPUBackend | null = null
test.before(async () => {
  gpu = await webgpuOrSkip('pool tests')
})
test.after(() => gpu?.destroy())

test('size classes: powers of two to 64 KiB, then eighths; never smaller than asked', () => {
  assert.is(sizeClass(4), 256)
  assert.is(sizeClass(257), 512)
  assert.is(sizeClass(65536), 65536)
  assert.is(sizeClass(65537), 65536 + 16384)
  for (const n of [1, 255, 1000, 70000, 1e6, 3e7]) {
    const c = sizeClass(n)
    assert.ok(c >= n && c <= Math.max(256, n * 2), `class ${c} for ${n}`)
    if (n > 65536) assert.ok(c <= n * 1.25, `waste at ${n}`)
  }
})

test('1000 training steps keep the pool flat [MLP 8 -> 32 -> 3, batch 16]', async () => {
  if (!requireGpu(gpu)) return
  const g = gpu
  const rng = new E.Rng(5)
  const l1 = new E.Linear(g, 8, 32, rng)
  const head = new E.Linear(g, 32, 3, rng)
  const params = [...l1.parameters(), ...head.parameters()]
  const opt = new E.Adam(params, { lr: 3e-3 })
  const N = 16
  const x = E.keep(E.Tensor.fromArray(g, randn(N * 8, 1), [N, 8]))
  const target = E.keep(E.Tensor.fromArray(g, randn(N * 3, 2, 0.5), [N, 3]))
  const losses: number[] = []
  let reservedAt50 = 0,
    createdAt50 = 0,
    liveAt50 = 0
  for (let step = 1; step <= 1000; step++) {
    const loss = E.scope(() => {
      const err = E.sub(head.forward(E.tanh(l1.forward(x))), target)
      const l = E.mean(E.square(err))
      E.backward(l)
      return l
    })
    await opt.step()
    opt.zeroGrad()
    losses.push((await loss.read())[0])
    loss.dispose()
    if (step === 50) ({ reservedBytes: reservedAt50, liveBuffers: liveAt50 } = g.memory()), (createdAt50 = g.poolStats().created)
  }
  const m = g.memory(),
    p = g.poolStats()
  assert.is(m.reservedBytes, reservedAt50, `reserved bytes grew: ${reservedAt50} -> ${m.reservedBytes}`)
  assert.is(p.created, createdAt50, 'no buffer created after warm-up')
  assert.is(m.liveBuffers, liveAt50, 'live buffers back to parameters + optimizer state')
  assert.ok(losses[999] < losses[0] * 0.5, `loss ${losses[0]} -> ${losses[999]}`)
  assert.ok(Number.isFinite(losses[999]))
  x.dispose()
  target.dispose()
  opt.dispose()
  l1.dispose()
  head.dispose()
})

test.run()
