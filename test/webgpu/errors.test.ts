// Failures become clear errors naming the kernel, never hangs: WGSL that fails to compile, an output bound as an
// input, a missing dim, use after free, and a lost device.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { WebGPUBackend } from '../../engine/backend/webgpu.ts'
import { ELEMENTWISE } from '../../kernels/wgsl/elementwise.ts'
import { webgpuOrSkip, requireGpu } from './gpu.ts'

const test = suite('webgpu errors')
let gpu: WebGPUBackend | null = null
// relu replaced by a body that does not compile
const broken = { ...ELEMENTWISE.relu, body: 'let i = flat(gid, nwg); out[i] = undefined_thing(x[i]);' }
test.before(async () => {
  gpu = await webgpuOrSkip('error tests', { kernels: { relu: broken }, log: () => {} })
})
test.after(() => gpu?.destroy())
const it = (name: string, fn: (g: WebGPUBackend) => Promise<void> | void) =>
  test(name, async () => {
    if (requireGpu(gpu)) await fn(gpu)
  })

/** the rejection of p, failing if it takes longer than ms (a hang) */
async function rejection(p: Promise<unknown>, ms = 10000): Promise<Error> {
  const timeout = new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`no error within ${ms} ms`)), ms).unref())
  try {
    await Promise.race([p, timeout])
  } catch (e) {
    return e as Error
  }
  throw new Error('expected a rejection')
}

it('a WGSL compile error rejects the next sync() with the kernel name, once', async (g) => {
  const a = g.alloc(8),
    b = g.alloc(8)
  g.run('fill', [a], [], { L: 8, value: -1 })
  g.run('relu', [b], [a], { L: 8 })
  const e = await rejection(g.sync())
  assert.match(e.message, /relu/)
  assert.match(e.message, /undefined_thing/)
  // reported once; the backend still works for other kernels (the failed submit ran nothing, fill included)
  g.run('fill', [a], [], { L: 8, value: -1 })
  g.run('neg', [b], [a], { L: 8 })
  assert.equal([...(await g.read(b))], new Array(8).fill(1))
  g.free(a)
  g.free(b)
})

it('an output also bound as an input throws naming the kernel', (g) => {
  const a = g.alloc(4)
  assert.throws(() => g.run('neg', [a], [a], { L: 4 }), /neg: an output buffer is also bound/)
  g.free(a)
})

it('a missing dim throws naming the kernel and the dim', (g) => {
  const a = g.alloc(4),
    b = g.alloc(4),
    c = g.alloc(4)
  assert.throws(() => g.run('matmul', [c], [a, b], { M: 2, K: 2 }), /matmul: missing or invalid N/)
  g.free(a)
  g.free(b)
  g.free(c)
})

it('use after free and double free throw', (g) => {
  const a = g.alloc(4),
    b = g.alloc(4)
  g.free(a)
  assert.throws(() => g.run('neg', [b], [a], { L: 4 }), /neg: buffer used after free/)
  assert.throws(() => g.free(a), /freed twice/)
  g.free(b)
})

it('device loss rejects pending and later reads with a clear error (no hang)', async (g) => {
  const a = g.alloc(1 << 16)
  g.run('fill', [a], [], { L: 1 << 16, value: 2 })
  g.device.destroy()
  const e = await rejection(g.read(a))
  assert.match(e.message, /webgpu/)
  assert.throws(() => g.run('fill', [a], [], { L: 4, value: 0 }), /device lost|destroyed/)
})

test.run()
