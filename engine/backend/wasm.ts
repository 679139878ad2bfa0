// The wasm backend: the AssemblyScript kernels of kernels/as compiled to one WebAssembly module (SIMD128),
// instantiated from bytes it is HANDED (the engine does no I/O: cli/node_backend.ts reads the file in Node, the
// browser fetches it). JavaScript owns the memory; kernels take pointers and sizes and never allocate.
// run() calls the export named like the registry entry with (output ptrs, input ptrs, [workspace ptr], dims,
// params) in the ABI order of kernels/index.ts. Work is synchronous: read() resolves at once.
import { KERNELS, abiArgs, convImageGroup, type KernelName, type Dims } from '../../kernels/index.ts'
import type { Backend, Buffer, MemoryStats } from './backend.ts'
import { Arena } from './wasm_memory.ts'
import type { WasmWorkers } from './wasm_threads.ts'

class WasmBuffer implements Buffer {
  freed = false
  constructor(
    readonly ptr: number,
    readonly length: number,
    readonly cls: number,
  ) {}
}

export interface WasmOptions {
  /** initial memory in MiB (default 16); the memory grows on demand */
  initialMB?: number
  /** upper bound on the memory in MiB (default 4096, wasm32's limit) */
  maximumMB?: number
}

/** The matmuls split over column blocks of out (matmul_cols modes). */
const BY_COLUMNS: Partial<Record<KernelName, number>> = { matmul: 0, matmul_nt: 1, matmul_tn: 2 }
/**
 * Below this many multiply-adds a split call costs more than it saves: here MiniGrid's calls of 2^21 (0.1-0.2 ms)
 * ran 0.8-1.2x split over two threads, the 36-pixel PixelCopter convs of 2^23-2^24 ~1.5x, the seed's ~1.8x.
 * Elementwise kernels, Adam and sum_squares are never split: memory-bound, they ran 0.8-1.06x split into ranges.
 */
const MIN_SPLIT_MACS = 1 << 23
/** Multiply-adds of a kernel call (the matmuls' and convs'), to decide whether splitting it pays. */
function macs(name: KernelName, d: Dims): number {
  return name.startsWith('conv2d') ? d.N * d.K * d.P * d.Q * d.C * d.R * d.S : d.M * d.K * d.N
}
/**
 * The convs split over the batch: floats per image of each pointer argument (outputs then inputs; 0 = the whole
 * buffer goes to every part). Images are independent in the forward and input-gradient convs, so with worker
 * threads every output element is computed exactly as on one thread: results are bitwise the same for any thread
 * count. The weight gradient sums over the images, so it always runs in WEIGHT_GRAD_PARTS fixed parts
 * (runWeightGrad): 4 parts of 16 images ran as fast as one of 64.
 */
const BY_BATCH: Partial<Record<KernelName, (d: Dims) => number[]>> = {
  conv2d_forward: (d) => [d.K * d.P * d.Q, d.C * d.H * d.W, 0, 0],
  conv2d_backward_input: (d) => [d.C * d.H * d.W, d.K * d.P * d.Q, 0],
  conv2d_backward_weight: (d) => [0, d.K * d.P * d.Q, d.C * d.H * d.W],
}
/**
 * Batch splits cut these at multiples of this many images: backward_input's results depend on where its image groups
 * start (kernels/index.ts convImageGroup); the others split at any image.
 */
const BATCH_UNIT: Partial<Record<KernelName, (d: Dims) => number>> = { conv2d_backward_input: convImageGroup }
const WEIGHT_GRAD_PARTS = 4

type Kernel = (...args: number[]) => void
/** One thread's share of a split kernel: args = [...pre, its workspace pointer, ...post]. */
interface Part {
  fn: string
  pre: number[]
  post: number[]
  /** floats of its workspace, whose pointer goes between pre and post */
  wsFloats: number
}

export class WasmBackend implements Backend {
  readonly name = 'wasm' as const
  readonly description: string
  /** the relaxed-SIMD build (kernels/as/madd.ts): its GEMMs fuse each multiply-add */
  readonly relaxed: boolean
  private heap: Float32Array
  private readonly arena: Arena

  /** workers: kernel threads over the same (shared) memory, for the kernels in BY_COLUMNS / BY_BATCH (wasm_threads.ts) */
  constructor(
    readonly instance: WebAssembly.Instance,
    readonly wasmMemory: WebAssembly.Memory,
    private readonly workers?: WasmWorkers,
  ) {
    const ex = instance.exports as Record<string, unknown>
    const heapBase = typeof ex.heap_base === 'function' ? (ex.heap_base as () => number)() : 65536
    this.arena = new Arena(wasmMemory, heapBase)
    this.heap = new Float32Array(wasmMemory.buffer)
    const threads = 1 + (workers?.size ?? 0)
    this.relaxed = typeof ex.relaxed_simd === 'function' && (ex.relaxed_simd as () => number)() === 1
    const simd = this.relaxed ? 'relaxed SIMD (fused multiply-add)' : 'SIMD128'
    this.description = `WebAssembly ${simd} kernels (AssemblyScript), ${threads} thread${threads > 1 ? 's (matmuls split by columns, convs by the batch)' : ''}`
  }

  /**
   * Calls below this many multiply-adds run whole on the calling thread: waking a worker costs more than the
   * second core saves (tests set 0 to split every call).
   */
  minSplitMacs = MIN_SPLIT_MACS

  /** The registry kernels' exports, looked up once. */
  private readonly kernels: Partial<Record<KernelName, Kernel>> = {}

  /** Threads that run kernels: the calling one plus the workers. */
  get threads(): number {
    return 1 + (this.workers?.size ?? 0)
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
      throw new Error(
        `wasm backend: ${name} takes ${sig.outputs.length} outputs and ${sig.inputs.length} inputs, ` + `got ${outputs.length} and ${inputs.length}`,
      )
    }
    const fn = variant === '' ? (this.kernels[name] ??= this.kernel(name)) : this.kernel(name + variant)
    const ptrs: number[] = []
    for (const b of outputs) ptrs.push(this.live(b).ptr)
    for (const b of inputs) ptrs.push(this.live(b).ptr)
    if (name === 'conv2d_backward_weight' && variant === '' && d.N >= 2) return this.runWeightGrad(ptrs, d)
    const mode = BY_COLUMNS[name]
    if (this.workers && variant === '' && macs(name, d) >= this.minSplitMacs) {
      if (BY_BATCH[name] && d.N >= 2) {
        const unit = BATCH_UNIT[name]?.(d) ?? 1
        if (d.N >= 2 * unit) return this.runParts(this.batchParts(name, ptrs, d, Math.min(this.threads, Math.floor(d.N / unit)), unit))
      }
      if (mode !== undefined && d.N > 8) return this.runByColumns(name, mode, ptrs, d)
    }
    const wsFloats = sig.workspace ? sig.workspace(d) : 0
    if (wsFloats > 0) {
      const ws = this.arena.alloc(wsFloats * 4)
      ptrs.push(ws.ptr)
      try {
        fn(...abiArgs(name, d, ptrs))
      } finally {
        this.arena.release(ws.ptr, ws.cls)
      }
    } else {
      if (sig.workspace) ptrs.push(0)
      fn(...abiArgs(name, d, ptrs))
    }
  }

  /**
   * A conv (BY_BATCH) as `parts` runs of consecutive images, each with its images' slices of the batched pointers;
   * every run but the last holds a multiple of `unit` images.
   */
  private batchParts(name: KernelName, ptrs: number[], d: Dims, parts: number, unit = 1): Part[] {
    const per = BY_BATCH[name]!(d),
      calls: Part[] = []
    for (let p = 0, n0 = 0; p < parts; p++) {
      const end = p === parts - 1 ? d.N : Math.floor((d.N * (p + 1)) / parts / unit) * unit,
        n = end - n0,
        dp = { ...d, N: n }
      calls.push({ fn: name, pre: ptrs.map((ptr, i) => ptr + n0 * per[i] * 4), post: abiArgs(name, dp), wsFloats: KERNELS[name].workspace!(dp) })
      n0 += n
    }
    return calls
  }

  /**
   * matmul / _nt / _tn over column blocks of out (multiples of 8, the packed panels' width) through the module's
   * matmul_cols: each part packs only its columns of b, and every element is computed as in the whole product.
   */
  private runByColumns(name: KernelName, mode: number, ptrs: number[], d: Dims): void {
    const blocks = Math.ceil(d.N / 8),
      parts = Math.min(this.threads, blocks),
      calls: Part[] = []
    const [out, a, b] = ptrs
    for (let p = 0; p < parts; p++) {
      const n0 = Math.floor((blocks * p) / parts) * 8,
        n1 = Math.min(d.N, Math.floor((blocks * (p + 1)) / parts) * 8),
        n = n1 - n0
      const bp = mode === 1 ? b + n0 * d.K * 4 : b + n0 * 4
      calls.push({ fn: 'matmul_cols', pre: [out + n0 * 4, a, bp], post: [d.M, d.K, n, d.N, mode], wsFloats: KERNELS[name].workspace!({ ...d, N: n }) })
    }
    this.runParts(calls)
  }

  /**
   * The weight gradient sums over the batch, so its parts are FIXED (min(WEIGHT_GRAD_PARTS, N) runs of consecutive
   * images, whatever the thread count: on one thread they run one after another), each into its own partial, added
   * in order. Splitting it by thread count would tie the sum's rounding to the machine's cores.
   */
  private runWeightGrad(ptrs: number[], d: Dims): void {
    const calls = this.batchParts('conv2d_backward_weight', ptrs, d, Math.min(WEIGHT_GRAD_PARTS, d.N))
    const outFloats = d.K * d.C * d.R * d.S,
      partials: { ptr: number; cls: number }[] = []
    try {
      for (const c of calls.slice(1)) {
        const part = this.arena.alloc(outFloats * 4)
        partials.push(part)
        c.pre[0] = part.ptr
      }
      this.runParts(calls, macs('conv2d_backward_weight', d) >= this.minSplitMacs) // small: all on this thread
      // the partials added into dw in order by the module's add (f32x4; the same float32 sums as a scalar loop)
      const add = (this.kernels.add ??= this.kernel('add'))
      for (const part of partials) add(ptrs[0], ptrs[0], part.ptr, 1, 1, 1, outFloats, 0, 0, 0, 1, 0, 0, 0, 1)
    } finally {
      for (const b of partials) this.arena.release(b.ptr, b.cls)
    }
  }

  /**
   * Run the parts, each with its own workspace, on whichever threads claim them (no workers: one after another on
   * this thread, or when isShared is false); returns when all are done.
   */
  private runParts(parts: Part[], isShared = true): void {
    const blocks: { ptr: number; cls: number }[] = []
    try {
      const calls = parts.map((p) => {
        const ws = this.arena.alloc(p.wsFloats * 4)
        blocks.push(ws)
        return { fn: p.fn, args: [...p.pre, ws.ptr, ...p.post] }
      })
      const local = (c: { fn: string; args: number[] }) => this.kernel(c.fn)(...c.args)
      if (this.workers && parts.length > 1 && isShared && this.workers.worthSplitting()) this.workers.runAll(calls, local)
      else for (const c of calls) local(c)
    } finally {
      for (const b of blocks) this.arena.release(b.ptr, b.cls)
    }
  }

  copy(dst: Buffer, src: Buffer, length: number, dstOffset = 0, srcOffset = 0): void {
    const d = this.live(dst),
      s = this.live(src)
    if (dstOffset + length > d.length || srcOffset + length > s.length) throw new Error('wasm backend: copy out of bounds')
    const from = s.ptr / 4 + srcOffset
    this.f32.copyWithin(d.ptr / 4 + dstOffset, from, from + length)
  }

  async sync(): Promise<void> {}

  memory(): MemoryStats {
    return { liveBuffers: this.arena.liveBlocks, liveBytes: this.arena.liveBytes, reservedBytes: this.arena.reservedBytes }
  }

  destroy(): void {
    this.workers?.terminate()
    this.heap = new Float32Array(0)
  }
}

/**
 * A module whose one function is f32x4.relaxed_madd: it validates where relaxed SIMD is on (browsers ship it; Node
 * 20's V8 needs --experimental-wasm-relaxed-simd, which cli/node_backend.ts sets).
 */
const RELAXED_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 8, 1, 96, 3, 123, 123, 123, 1, 123, 3, 2, 1, 0, 10, 13, 1, 11, 0, 32, 0, 32, 1, 32, 2, 253, 133, 2, 11,
])
export const relaxedSimdValidates = (): boolean => WebAssembly.validate(RELAXED_PROBE)

/** Instantiate the kernels module from its bytes (build/kernels.release.wasm) over a fresh growable memory. */
export async function createWasmBackend(bytes: BufferSource, opts: WasmOptions = {}): Promise<WasmBackend> {
  const memory = kernelMemory(opts)
  const { instance } = await WebAssembly.instantiate(bytes, wasmImports(memory))
  return new WasmBackend(instance, memory)
}

/** The kernels' memory for opts; shared (for the threads build, build/kernels.threads.wasm) when asked. */
export function kernelMemory(opts: WasmOptions, shared = false): WebAssembly.Memory {
  const MB = 16 // pages per MiB
  return new WebAssembly.Memory({ initial: (opts.initialMB ?? 16) * MB, maximum: (opts.maximumMB ?? 4096) * MB - 1, shared })
}

/** The imports of the kernels module (every thread's instance): the memory and AssemblyScript's abort. */
export function wasmImports(memory: WebAssembly.Memory): WebAssembly.Imports {
  return { env: { memory, abort: wasmAbort } }
}

// AssemblyScript's abort(message, file, line, column) import (debug builds with asserts on).
function wasmAbort(_msg: number, _file: number, line: number, col: number): never {
  throw new Error(`wasm kernel aborted at line ${line}:${col}`)
}
