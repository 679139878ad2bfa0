// The WebGPU device and execution model: adapter description, one submit per readback, write-after-use ordering
// against the open encoder, dispatches past the 65535-workgroup limit, copies, concurrent reads.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { isSoftwareAdapter, type WebGPUBackend } from '../../engine/backend/webgpu.ts'
import { webgpuOrSkip, requireGpu } from './gpu.ts'
import { close, randn } from '../helpers.ts'

const test = suite('webgpu device')
let gpu: WebGPUBackend | null = null
test.before(async () => {
  gpu = await webgpuOrSkip('device tests')
})
test.after(() => gpu?.destroy())

const it = (name: string, fn: (g: WebGPUBackend) => Promise<void> | void) =>
  test(name, async () => {
    if (requireGpu(gpu)) await fn(gpu)
  })

it('adapter is described (vendor, architecture, description) and classified', (g) => {
  assert.match(g.description, /^webgpu: \S/)
  assert.is(g.isSoftware, isSoftwareAdapter(g.info) || g.isSoftware)
  if (/swiftshader/i.test(g.description)) assert.ok(g.isSoftware, 'SwiftShader is a software adapter')
  assert.ok(isSoftwareAdapter({ vendor: 'google', architecture: 'swiftshader', device: '', description: '' } as GPUAdapterInfo))
  assert.not.ok(isSoftwareAdapter({ vendor: 'nvidia', architecture: 'ampere', device: '', description: 'RTX' } as GPUAdapterInfo))
})

it('a chain of kernels is one submit, made by the read that needs it [1000]', async (g) => {
  const x = randn(1000, 1),
    a = g.alloc(1000),
    b = g.alloc(1000)
  g.write(a, x)
  const before = { ...g.counters }
  for (let i = 0; i < 10; i++) {
    g.run('neg', [b], [a], { L: 1000 })
    g.run('neg', [a], [b], { L: 1000 })
  }
  assert.is(g.counters.submits, before.submits, 'nothing submitted before the read')
  close(await g.read(a), x, { atol: 0, rtol: 0 }, 'neg^20')
  assert.is(g.counters.submits, before.submits + 1)
  assert.is(g.counters.dispatches, before.dispatches + 20)
  g.free(a)
  g.free(b)
})

it('write() to a buffer the open encoder still reads lands after those reads', async (g) => {
  const n = 37,
    a = g.alloc(n),
    b = g.alloc(n),
    c = g.alloc(n)
  g.run('fill', [a], [], { L: n, value: 1 })
  g.run('add', [b], [a, a], bdims(n))
  g.write(a, new Float32Array(n).fill(5)) // must not overtake the add above
  g.run('add', [c], [a, a], bdims(n))
  close(await g.read(b), new Float32Array(n).fill(2), {}, 'b = 1 + 1')
  close(await g.read(c), new Float32Array(n).fill(10), {}, 'c = 5 + 5')
  g.free(a)
  g.free(b)
  g.free(c)
})

it('a 1D kernel past 65535 workgroups is folded into 2D [4.5M]', async (g) => {
  const n = 64 * 70000 + 13,
    a = g.alloc(n)
  g.run('fill', [a], [], { L: n, value: 3 })
  const out = await g.read(a)
  assert.is(out.length, n)
  assert.is(out[0], 3)
  assert.is(out[n - 1], 3)
  assert.is(out[n >> 1], 3)
  assert.ok(out.every((v) => v === 3))
  g.free(a)
})

it('copy with offsets, within one buffer, and zero-length reads', async (g) => {
  const x = randn(10, 2),
    a = g.alloc(10),
    b = g.alloc(10)
  g.write(a, x)
  g.run('fill', [b], [], { L: 10, value: 0 })
  g.copy(b, a, 4, 6, 1) // b[6..10] = a[1..5]
  g.copy(a, a, 5, 0, 5) // a[0..5] = a[5..10]
  const eb = new Float32Array(10)
  eb.set(x.subarray(1, 5), 6)
  const ea = Float32Array.from(x)
  ea.set(x.subarray(5, 10), 0)
  close(await g.read(b), eb, { atol: 0, rtol: 0 }, 'b')
  close(await g.read(a), ea, { atol: 0, rtol: 0 }, 'a')
  const z = g.alloc(0)
  assert.is((await g.read(z)).length, 0)
  g.free(a)
  g.free(b)
  g.free(z)
})

it('concurrent reads resolve with their own data; memory() counts live buffers', async (g) => {
  const live = g.memory().liveBuffers
  const bufs = [1, 2, 3, 4].map((v) => {
    const b = g.alloc(100 * v)
    g.run('fill', [b], [], { L: 100 * v, value: v })
    return b
  })
  assert.is(g.memory().liveBuffers, live + 4)
  const outs = await Promise.all(bufs.map((b) => g.read(b)))
  outs.forEach((o, i) => {
    assert.is(o.length, 100 * (i + 1))
    assert.ok(o.every((v) => v === i + 1))
  })
  bufs.forEach((b) => g.free(b))
  assert.is(g.memory().liveBuffers, live)
  await g.sync()
})

it('cached bind groups: kernels of one layout with different Dims sizes on the same buffers', async (g) => {
  // matmul (3 dims, 16-byte uniform) then add (12 dims, 48 bytes): same 1-out/2-in layout, same buffers
  const a = g.alloc(4),
    b = g.alloc(4),
    c = g.alloc(4)
  g.write(a, new Float32Array([1, 2, 3, 4]))
  g.write(b, new Float32Array([1, 0, 0, 1]))
  g.run('matmul', [c], [a, b], { M: 2, K: 2, N: 2 })
  close(await g.read(c), new Float32Array([1, 2, 3, 4]), {}, 'a @ I')
  g.run('add', [c], [a, b], bdims(4))
  close(await g.read(c), new Float32Array([2, 2, 3, 5]), {}, 'a + b')
  g.free(a)
  g.free(b)
  g.free(c)
})

function bdims(n: number) {
  return { D0: 1, D1: 1, D2: 1, D3: n, SA0: 0, SA1: 0, SA2: 0, SA3: 1, SB0: 0, SB1: 0, SB2: 0, SB3: 1 }
}

test.run()
