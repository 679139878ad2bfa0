// The WebGPU backend (tinygrad-style small pieces, each in its own file): device acquisition (webgpu_device.ts, the
// one file that touches navigator.gpu / Dawn), the buffer pool (webgpu_pool.ts), compiled pipelines and bind groups
// (webgpu_pipelines.ts), the open batch of commands with its uniform chunks (webgpu_batch.ts), and error/device-loss
// reporting (webgpu_errors.ts). This file is the Backend itself: buffers (alloc, free, write, read), run() binding a
// registry kernel to its WGSL version (kernels/wgsl: its one kernel, or the version its selector picks), composite
// versions, copies and sync.
// Nothing is submitted until a caller needs data (read), asks for it (sync), or a write() targets a buffer the open
// batch still uses; a WGSL or validation error, or device loss, is thrown by the next read()/sync() (or run()).
import { KERNELS, type KernelName, type KernelSig, type Dims } from '../../kernels/index.ts'
import { WGSL, WGSL_VERSIONS, WGSL_COMPOSITE, WGSL_INTERNAL, versionFor, type WgslKernel, type Composite, type DeviceCaps } from '../../kernels/wgsl/index.ts'
import type { Backend, Buffer, MemoryStats } from './backend.ts'
import { BufferPool } from './webgpu_pool.ts'
import { acquireDevice, describeAdapter } from './webgpu_device.ts'
import { DeviceErrors } from './webgpu_errors.ts'
import { CommandBatch, CHUNK_SLOTS, SLOT } from './webgpu_batch.ts'
import { PipelineCache } from './webgpu_pipelines.ts'

export { findAdapter, isSoftwareAdapter, describeAdapter, type AdapterChoice } from './webgpu_device.ts'

// GPUBufferUsage values (WebGPU spec), local so Node needs no globals installed
const MAP_READ = 1,
  COPY_SRC = 4,
  COPY_DST = 8,
  STORAGE = 128
const MAX_GROUPS = 65535

class GpuBuffer implements Buffer {
  isFreed = false
  /** bytes bound for this buffer: its length rounded up to 16 (vec4 views; pool classes are multiples of 256) */
  readonly bound: number
  constructor(
    readonly length: number,
    readonly gpu: GPUBuffer,
    readonly size: number,
    readonly id: number,
  ) {
    this.bound = Math.ceil(Math.max(4, length * 4) / 16) * 16
  }
}

export interface WebGPUOptions {
  /** replace kernels by registry name (tests, experiments): run instead of the kernel's binding, selector included */
  kernels?: Partial<Record<string, WgslKernel>>
  log?: (msg: string) => void
  /** use subgroup quad kernels when the device has them (default true; false binds the plain versions) */
  subgroups?: boolean
}

/** Per-backend counters (the bench reads them for us per dispatch). */
export interface WebGPUCounters {
  dispatches: number
  submits: number
  reads: number
  writes: number
  pipelines: number
}

export class WebGPUBackend implements Backend {
  readonly name = 'webgpu' as const
  readonly description: string
  readonly counters: WebGPUCounters = { dispatches: 0, submits: 0, reads: 0, writes: 0, pipelines: 0 }
  private readonly pool: BufferPool
  private readonly staging: BufferPool
  private readonly errors: DeviceErrors
  private readonly batch: CommandBatch
  private readonly pipelines: PipelineCache
  /** a small id per pooled GPUBuffer (the pool hands the same GPUBuffer out again, so ids recur) */
  private readonly bufferIds = new WeakMap<GPUBuffer, number>()
  private nextBufferId = 1
  private readonly kernels: Record<string, WgslKernel>
  private liveBytes = 0

  constructor(
    readonly device: GPUDevice,
    readonly info: GPUAdapterInfo,
    readonly isSoftware: boolean,
    opts: WebGPUOptions = {},
    readonly caps: DeviceCaps = { quads: false, software: isSoftware },
  ) {
    this.description = `webgpu: ${describeAdapter(info)}${isSoftware ? ' [software adapter]' : ''}${caps.quads ? ', subgroup quads' : ''}`
    this.kernels = { ...WGSL, ...(opts.kernels as Record<string, WgslKernel>) }
    this.pool = new BufferPool((size) => device.createBuffer({ size, usage: STORAGE | COPY_SRC | COPY_DST }))
    this.staging = new BufferPool((size) => device.createBuffer({ size, usage: MAP_READ | COPY_DST }))
    this.errors = new DeviceErrors(device, () => this.batch.recent())
    this.batch = new CommandBatch(device, this.errors, this.counters)
    this.pipelines = new PipelineCache(device, this.errors, this.counters)
  }

  // ---- memory
  alloc(length: number): Buffer {
    this.errors.check()
    const { buffer, size } = this.pool.acquire(Math.max(4, length * 4))
    this.liveBytes += length * 4
    let id = this.bufferIds.get(buffer)
    if (id === undefined) this.bufferIds.set(buffer, (id = this.nextBufferId++))
    return new GpuBuffer(length, buffer, size, id)
  }

  free(buf: Buffer): void {
    const b = buf as GpuBuffer
    if (b.isFreed) throw new Error('webgpu: buffer freed twice')
    b.isFreed = true
    this.liveBytes -= b.length * 4
    this.pool.release(b.gpu, b.size)
  }

  write(buf: Buffer, data: Float32Array, offset = 0): void {
    this.errors.check()
    const b = this.live(buf, 'write')
    if (offset + data.length > b.length) throw new Error(`webgpu write: ${data.length} values at ${offset} overflow a buffer of ${b.length}`)
    if (!(data instanceof Float32Array)) data = Float32Array.from(data as ArrayLike<number>)
    if (this.batch.uses(b.gpu)) this.batch.flush() // the open encoder uses b: its commands must run before this write
    this.device.queue.writeBuffer(b.gpu, offset * 4, data.buffer, data.byteOffset, data.byteLength)
    this.counters.writes++
  }

  async read(buf: Buffer): Promise<Float32Array> {
    this.errors.check()
    const b = this.live(buf, 'read')
    if (b.length === 0) return new Float32Array(0)
    const bytes = b.length * 4
    const st = this.staging.acquire(bytes)
    this.batch.copy(b.gpu, 0, st.buffer, 0, bytes)
    this.batch.flush()
    this.counters.reads++
    await this.errors.wait(st.buffer.mapAsync(1 /* GPUMapMode.READ */, 0, bytes), (e) => new Error(`webgpu read: ${e.message}`))
    const out = new Float32Array(st.buffer.getMappedRange(0, bytes).slice(0))
    st.buffer.unmap()
    this.staging.release(st.buffer, st.size)
    await this.errors.settle()
    return out
  }

  // ---- execution
  /** Run registry kernel `name`: the version its selector picks for d on this device, its one kernel, or an override. */
  run(name: KernelName, outputs: Buffer[], inputs: Buffer[], d: Dims): void {
    this.runVersion(this.kernels[name] ? name : versionFor(name, d, this.caps), name, outputs, inputs, d)
  }

  /**
   * Run a specific version (e.g. 'matmul_v1') under the signature of registry kernel `name` (the bench, the version
   * tests); `name` itself is its one kernel (or its override).
   */
  runVersion(version: string, name: KernelName, outputs: Buffer[], inputs: Buffer[], d: Dims): void {
    const c = WGSL_COMPOSITE[version]
    if (c) return this.runComposite(version, c, name, outputs, inputs, d)
    const k = version === name ? this.kernels[name] : WGSL_VERSIONS[version]
    if (!k) throw new Error(`webgpu: no kernel version ${version}`)
    this.runKernel(version, name, k, outputs, inputs, d)
  }

  /**
   * A version made of several dispatches (kernels/wgsl WGSL_COMPOSITE): buffers are named by the registry call's
   * outputs and inputs plus pooled scratch, freed once the steps are recorded (later users of a pooled buffer are
   * recorded after these dispatches, so they run after them).
   */
  private runComposite(version: string, c: Composite, name: KernelName, outputs: Buffer[], inputs: Buffer[], d: Dims): void {
    this.errors.check()
    const sig = KERNELS[name]
    if (outputs.length !== sig.outputs.length || inputs.length !== sig.inputs.length) {
      throw new Error(`webgpu ${name}: expected ${sig.outputs.length} outputs and ${sig.inputs.length} inputs, got ${outputs.length} and ${inputs.length}`)
    }
    const dd = { ...d, ...c.dims(d) }
    const bufs: Record<string, Buffer> = {}
    sig.outputs.forEach((n, i) => (bufs[n] = outputs[i]))
    sig.inputs.forEach((n, i) => (bufs[n] = inputs[i]))
    const scratch = Object.entries(c.scratch(dd)).map(([n, len]) => (bufs[n] = this.alloc(len)))
    try {
      for (const st of c.steps) {
        const ik = WGSL_INTERNAL[st.kernel]
        this.runKernel(
          `${version}:${st.kernel}`,
          ik.sig,
          ik.kernel,
          st.outputs.map((n) => bufs[n]),
          st.inputs.map((n) => bufs[n]),
          dd,
        )
      }
    } finally {
      for (const b of scratch) this.free(b)
    }
  }

  private runKernel(label: string, name: KernelName | KernelSig, k: WgslKernel | undefined, outputs: Buffer[], inputs: Buffer[], d: Dims): void {
    this.errors.check()
    const sig0 = typeof name === 'string' ? KERNELS[name] : name
    const nm = typeof name === 'string' ? name : label
    if (!k || !sig0) throw new Error(`webgpu: no kernel named ${nm}`)
    if (k.subgroups && !this.caps.quads) throw new Error(`webgpu ${label}: needs subgroup quad operations, which this device lacks (or they were turned off)`)
    const p = this.pipelines.get(label, sig0, k)
    const sig = p.sig,
      no = outputs.length,
      ni = inputs.length
    if (no !== sig.outputs.length || ni !== sig.inputs.length) {
      throw new Error(`webgpu ${nm}: expected ${sig.outputs.length} outputs and ${sig.inputs.length} inputs, got ${no} and ${ni}`)
    }
    for (let i = 0; i < no + ni; i++) this.live(i < no ? outputs[i] : inputs[i - no], nm)
    for (let i = 0; i < no; i++) {
      // WebGPU forbids a buffer bound writable and read-only (or writable twice) in one dispatch
      const o = outputs[i]
      for (let j = 0; j < no + ni; j++)
        if (j !== i && (j < no ? outputs[j] : inputs[j - no]) === o) throw new Error(`webgpu ${nm}: an output buffer is also bound as another argument`)
    }
    const keys = p.keys
    for (let i = 0; i < keys.length; i++) {
      const v = d[keys[i]]
      if (typeof v !== 'number' || Number.isNaN(v)) throw new Error(`kernel ${nm}: missing or invalid ${keys[i]} (${v})`)
    }
    let [x, y, z] = k.workgroups(d)
    if (k.items) x = Math.ceil(x / k.items) // each invocation takes `items` elements (prelude.ts)
    if (x === 0 || y === 0 || z === 0) return
    if (x > MAX_GROUPS) {
      if (y !== 1 || z !== 1) throw new Error(`webgpu ${nm}: ${x} x ${y} x ${z} workgroups exceed the 65535 limit`)
      y = Math.ceil(x / MAX_GROUPS)
      x = Math.ceil(x / y) // flat() in the prelude maps (x, y) back to a linear index
    }
    if (y > MAX_GROUPS || z > MAX_GROUPS) throw new Error(`webgpu ${nm}: ${x} x ${y} x ${z} workgroups exceed the 65535 limit`)

    // Dims into this dispatch's uniform slot (i32 dims then f32 params), bound at the slot's offset in its chunk
    const slot = this.batch.writeDims(keys, p.ints, d),
      ci = Math.floor(slot / CHUNK_SLOTS)
    const outs = outputs as GpuBuffer[],
      ins = inputs as GpuBuffer[]
    const group = this.pipelines.bindGroup(label, p, outs, ins, ci, this.batch.uniform(ci))
    this.batch.dispatch(label, p.pipeline, group, slot, x, y, z, outs, ins)
  }

  copy(dst: Buffer, src: Buffer, length: number, dstOffset = 0, srcOffset = 0): void {
    this.errors.check()
    const s = this.live(src, 'copy'),
      t = this.live(dst, 'copy')
    if (srcOffset + length > s.length || dstOffset + length > t.length) throw new Error('webgpu copy: range out of bounds')
    if (length === 0) return
    if (s === t) {
      // a buffer can't be both source and destination of one copy: bounce through a temporary
      const tmp = this.alloc(length)
      this.copy(tmp, src, length, 0, srcOffset)
      this.copy(dst, tmp, length, dstOffset, 0)
      this.free(tmp)
      return
    }
    this.batch.copy(s.gpu, srcOffset * 4, t.gpu, dstOffset * 4, length * 4)
  }

  async sync(): Promise<void> {
    this.errors.check()
    this.batch.flush()
    await this.errors.wait(this.device.queue.onSubmittedWorkDone())
    await this.errors.settle()
  }

  memory(): MemoryStats {
    return {
      liveBuffers: this.pool.liveBuffers,
      liveBytes: this.liveBytes,
      reservedBytes: this.pool.reservedBytes + this.staging.reservedBytes + this.batch.uniformChunks * SLOT * CHUNK_SLOTS,
    }
  }

  /** Pool details for tests and the bench. */
  poolStats() {
    return {
      created: this.pool.created,
      reservedBytes: this.pool.reservedBytes,
      idleBytes: this.pool.idleBytes(),
      staging: this.staging.reservedBytes,
      uniformChunks: this.batch.uniformChunks,
    }
  }

  destroy(): void {
    if (this.errors.isDestroyed) return
    this.errors.isDestroyed = true
    this.batch.drop()
    this.pipelines.clearBindGroups()
    this.pool.trim()
    this.staging.trim()
    this.device.destroy()
  }

  private live(buf: Buffer, what: string): GpuBuffer {
    const b = buf as GpuBuffer
    if (!(b instanceof GpuBuffer)) throw new Error(`webgpu ${what}: not a webgpu buffer`)
    if (b.isFreed) throw new Error(`webgpu ${what}: buffer used after free`)
    return b
  }
}

/** Acquire an adapter and device (webgpu_device.ts) and return the backend; throws when there is no adapter. */
export async function createWebGPUBackend(opts: WebGPUOptions = {}): Promise<WebGPUBackend> {
  const { device, info, isSoftware, caps } = await acquireDevice(opts)
  return new WebGPUBackend(device, info, isSoftware, opts, caps)
}
