// The wasm backend itself: every registry kernel is exported by the module, the allocator reuses blocks so
// alloc/free cycles keep reservedBytes flat, memory.grow keeps data and refreshes views, reads are copies, and a
// missing kernel or a freed buffer is a clear error.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { KERNEL_NAMES } from '../../kernels/index.ts'
import { openBackend } from '../../cli/node_backend.ts'
import type { WasmBackend } from '../../engine/backend/wasm.ts'
import { Arena, sizeClass } from '../../engine/backend/wasm_memory.ts'
import { randn } from '../helpers.ts'

const test = suite('wasm_backend')
const open = async () => (await openBackend('wasm', { initialMB: 1 })) as WasmBackend

test('every registry kernel is exported by build/kernels.release.wasm', async () => {
  const be = await open()
  const missing = KERNEL_NAMES.filter((n) => typeof (be.instance.exports as any)[n] !== 'function')
  assert.equal(missing, [], `missing exports: ${missing.join(', ')}`)
})

test('size classes: 16-byte aligned, at most 25% waste, monotone', () => {
  let prev = 0
  for (let b = 1; b < 1 << 20; b = Math.ceil(b * 1.37)) {
    const c = sizeClass(b)
    assert.ok(c % 16 === 0 && c >= b && c >= prev && (c <= 64 || c <= b * 1.25 + 16), `class of ${b} = ${c}`)
    prev = c
  }
})

test('alloc/free cycles of a training-step pattern keep reservedBytes and liveBuffers flat', async () => {
  const be = await open()
  const sizes = [64 * 4 * 84 * 84, 64 * 32 * 400, 3136 * 512, 512, 7, 1, 64 * 1024, 33]
  const step = () => {
    const bufs = sizes.map((n) => be.alloc(n))
    const tmp = sizes.slice(0, 4).map((n) => be.alloc(n + 3)) // a nearby size shares the class
    for (const b of tmp) be.free(b)
    for (const b of bufs.reverse()) be.free(b)
  }
  step()
  const after1 = be.memory()
  for (let i = 0; i < 50; i++) step()
  const m = be.memory()
  assert.is(m.reservedBytes, after1.reservedBytes)
  assert.is(m.liveBuffers, 0)
  assert.is(m.liveBytes, 0)
})

test('memory.grow keeps contents and refreshes views; reads are copies; buffers are 16-byte aligned', async () => {
  const be = await open()
  const a = be.alloc(1001),
    data = randn(1001, 3)
  be.write(a, data)
  const big = be.alloc(8 << 20) // 32 MiB: forces memory.grow past the 1 MiB start
  const got = be.readSync(a)
  assert.equal(Array.from(got), Array.from(data))
  got[0] = 42
  assert.is.not(be.readSync(a)[0], 42)
  be.write(big, new Float32Array([1, 2, 3]), (8 << 20) - 3)
  assert.equal(Array.from(be.readSync(big).subarray(-3)), [1, 2, 3])
  for (const b of [a, big, be.alloc(3), be.alloc(5)]) assert.is((b as any).ptr % 16, 0)
})

test('the arena grows the memory ahead by an eighth of its size, and only by the need near its maximum', () => {
  const PAGE = 65536
  const memory = new WebAssembly.Memory({ initial: 16, maximum: 64 })
  const grows: number[] = []
  const grow = memory.grow.bind(memory)
  memory.grow = (n: number) => (grows.push(n), grow(n))
  const arena = new Arena(memory, 0)
  // batch sizes that vary step by step keep meeting new size classes; growing by the exact need paid a grow each time
  for (let i = 0; i < 200; i++) arena.alloc(2048 + 64 * i)
  const reserved = arena.reservedBytes
  assert.ok(memory.buffer.byteLength >= reserved, 'the memory holds every block')
  assert.ok(grows.length <= 12, `${grows.length} grows for ${(reserved / PAGE).toFixed(1)} pages of blocks`)
  assert.ok(
    grows.every((n) => n >= 2),
    `each grow at least an eighth of 16+ pages: ${grows.join(',')}`,
  )
  // near the maximum (64 pages) the eighth no longer fits: only the need is taken, up to the last page
  while (arena.reservedBytes + 4 * PAGE <= 64 * PAGE) arena.alloc(4 * PAGE - 16)
  assert.is(memory.buffer.byteLength, 64 * PAGE)
  const top = arena.reservedBytes
  assert.throws(() => arena.alloc(4 * PAGE), /./)
  // a failed grow leaves the arena as it was: what still fits below the maximum is still allocated
  assert.is(arena.reservedBytes, top)
  if (64 * PAGE - top >= 64) assert.is(arena.alloc(64).ptr, top)
})

test('clear errors: unknown kernel, stale module, freed buffer, wrong arity', async () => {
  const be = await open()
  const x = be.alloc(4)
  assert.throws(() => be.run('nope' as any, [x], [x], {}), /no registry entry named 'nope'/)
  assert.throws(() => be.kernel('matmul_v9'), /no kernel 'matmul_v9'.*npm run build:wasm/)
  assert.throws(() => be.run('relu', [x], [], { L: 4 }), /takes 1 outputs and 1 inputs/)
  be.free(x)
  assert.throws(() => be.readSync(x), /freed buffer/)
})

test.run()
