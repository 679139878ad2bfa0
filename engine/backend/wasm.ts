// The wasm backend: the AssemblyScript kernels of kernels/as compiled to one WebAssembly module (SIMD128),
// instantiated from bytes it is HANDED (the engine does no I/O: cli/node_backend.ts reads the file in Node, the
// browser fetches it). JavaScript owns the memory; kernels take pointers and sizes and never allocate.
// run() calls the export named like the registry entry with (output ptrs, input ptrs, [workspace ptr], dims,
// params) in the ABI order of kernels/index.ts. Work is synchronous: read() resolves at once.
import { KERNELS, abiArgs, type KernelName, type Dims } from '../../kernels/index.ts'
import type { Backend, Buffer, MemoryStats } from './backend.ts'
import { Arena } from './wasm_memory.ts'

class WasmBuffer implements Buffer {
  freed = false
  constructor(readonly ptr: number, readonly length: number, readonly cls: number) {}
}

export interface WasmOptions {
  /** initial memory in MiB (default 16); the memory grows on demand */
  initialMB?: number
  /** upper bound on the memory in MiB (default 4096, wasm32's limit) */
  maximumMB?: number
}

type Kernel = (...args: number[]) => void

export class WasmBackend implements Backend {
  readonly name = 'wasm' as const
  readonly description: string
  private heap: Float32Array
  private readonly arena: Arena

  constructor(readonly instance: WebAssembly.Instance, readonly wasmMemory: WebAssembly.Memory) {
    const ex = instance.exports as Record<string, unknown>
    const heapBase = typeof ex.heap_base === 'function' ? (ex.heap_base as () => number)() : 65536
    this.arena = new Arena(wasmMemory, heapBase)
    this.heap = new Float32Array(wasmMemory.buffer)
    this.description = 'WebAssembly SIMD128 kernels (AssemblyScript), 1 thread'
  }

  /** The f32 view of the memory, refreshed after memory.grow detached the old one. */
  private get f32(): Float32Array {
    if (this.heap.buffer !== this.wasmMemory.buffer) this.heap = new Float32Array(this.wasmMemory.buffer)
    return this.heap
  }

  private live(buf: Buffer): WasmBuffer {
    const b = buf as WasmBuffer
    if (!(b instanceof WasmBuffer)) throw new Error('wasm backend: buffer belongs to another backend')
    if (b.freed) throw new Error('wasm backend: use of a freed buffer')
    return b
  }

  alloc(length: number): Buffer {
    if (!(length >= 0) || !Number.isInteger(length)) throw new Error(`wasm backend: bad buffer length ${length}`)
    const { ptr, cls } = this.arena.alloc(length * 4)
    return new WasmBuffer(ptr, length, cls)
  }

  free(buf: Buffer): void {
    const b = this.live(buf)
    b.freed = true
    this.arena.release(b.ptr, b.cls)
  }

  write(buf: Buffer, data: Float32Array | Float64Array, offset = 0): void {
    const b = this.live(buf)
    if (offset < 0 || offset + data.length > b.length) {
      throw new Error(`wasm backend: write of ${data.length} at ${offset} overflows a buffer of ${b.length}`)
    }
    this.f32.set(data, b.ptr / 4 + offset)
  }

  async read(buf: Buffer): Promise<Float32Array> {
    return this.readSync(buf)
  }

  readSync(buf: Buffer): Float32Array {
    const b = this.live(buf)
    return this.f32.slice(b.ptr / 4, b.ptr / 4 + b.length)
  }

  /** The export `name + variant` (e.g. 'matmul' + '_v1'): benches time numbered versions through this. */
  kernel(name: string): Kernel {
    const fn = (this.instance.exports as Record<string, unknown>)[name]
    if (typeof fn !== 'function') {
      throw new Error(`wasm backend: the module has no kernel '${name}' (stale build? run \`npm run build:wasm\`)`)
    }
    return fn as Kernel
  }

  run(name: KernelName, outputs: Buffer[], inputs: Buffer[], d: Dims, variant = ''): void {
    const sig = KERNELS[name]
    if (!sig) throw new Error(`wasm backend: no registry entry named '${name}'`)
    if (outputs.length !== sig.outputs.length || inputs.length !== sig.inputs.length) {
      throw new Error(`wasm backend: ${name} takes ${sig.outputs.length} outputs and ${sig.inputs.length} inputs, ` +
        `got ${outputs.length} and ${inputs.length}`)
    }
    const fn = this.kernel(name + variant)
    const ptrs = [...outputs, ...inputs].map((b) => this.live(b).ptr)
    const args = abiArgs(name, d)
    const wsFloats = sig.workspace ? sig.workspace(d) : 0
    if (wsFloats > 0) {
      const ws = this.arena.alloc(wsFloats * 4)
      try {
        fn(...ptrs, ws.ptr, ...args)
      } finally {
        this.arena.release(ws.ptr, ws.cls)
      }
    } else {
      fn(...ptrs, ...(sig.workspace ? [0] : []), ...args)
    }
  }

  copy(dst: Buffer, src: Buffer, length: number, dstOffset = 0, srcOffset = 0): void {
    const d = this.live(dst), s = this.live(src)
    if (dstOffset + length > d.length || srcOffset + length > s.length) throw new Error('wasm backend: copy out of bounds')
    const from = s.ptr / 4 + srcOffset
    this.f32.copyWithin(d.ptr / 4 + dstOffset, from, from + length)
  }

  async sync(): Promise<void> {}

  memory(): MemoryStats {
    return { liveBuffers: this.arena.liveBlocks, liveBytes: this.arena.liveBytes, reservedBytes: this.arena.reservedBytes }
  }

  destroy(): void {
    this.heap = new Float32Array(0)
  }
}

/** Instantiate the kernels module from its bytes (build/kernels.release.wasm) over a fresh growable memory. */
export async function createWasmBackend(bytes: BufferSource, opts: WasmOptions = {}): Promise<WasmBackend> {
  const MB = 16 // pages per MiB
  const memory = new WebAssembly.Memory({ initial: (opts.initialMB ?? 16) * MB, maximum: (opts.maximumMB ?? 4096) * MB - 1 })
  const { instance } = await WebAssembly.instantiate(bytes, { env: { memory, abort: wasmAbort } })
  return new WasmBackend(instance, memory)
}

// AssemblyScript's abort(message, file, line, column) import (debug builds with asserts on).
function wasmAbort(_msg: number, _file: number, line: number, col: number): never {
  throw new Error(`wasm kernel aborted at line ${line}:${col}`)
}
