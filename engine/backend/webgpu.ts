// The WebGPU backend: the one file that acquires a GPU (navigator.gpu in a browser, Dawn through the npm `webgpu`
// package in Node). Kernels come from kernels/wgsl (body + consts) behind a prelude generated from the registry
// signature; pipelines are cached by kernel name + consts.
// Execution model: run() and copy() record into ONE open command encoder (dispatches share a compute pass);
// nothing is submitted until a caller needs data (read), asks for it (sync), or a write() targets a buffer the
// open encoder still uses. Each dispatch gets a 256-byte slot of a uniform chunk for its Dims; chunks are filled
// on the CPU and written just before the submit (queue order makes reusing them on the next submit safe).
// Errors: WGSL compile and validation errors (error scopes) and device loss become an Error naming the kernel(s),
// thrown by the next read()/sync() (or run()), never a hang.
import { KERNELS, type KernelName, type KernelSig, type Dims } from '../../kernels/index.ts'
import { WGSL, WGSL_VERSIONS, WGSL_SELECT, WGSL_COMPOSITE, WGSL_INTERNAL, wgslSource, cacheKey, dimsBytes, type WgslKernel, type Composite, type DeviceCaps } from '../../kernels/wgsl/index.ts'
import type { Backend, Buffer, MemoryStats } from './backend.ts'
import { BufferPool } from './webgpu_pool.ts'
import { probeQuads } from './webgpu_quads.ts'

// GPUBufferUsage / GPUMapMode values (WebGPU spec), local so Node needs no globals installed
const MAP_READ = 1, COPY_SRC = 4, COPY_DST = 8, UNIFORM = 64, STORAGE = 128
const SLOT = 256 // bytes per uniform slot (minUniformBufferOffsetAlignment is at most 256)
const CHUNK_SLOTS = 256 // uniform slots per chunk buffer
const MAX_GROUPS = 65535
const MAX_BATCH = 4096 // dispatches per submit before an automatic flush (bounds the uniform chunks; a step is far fewer)
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json'
/**
 * Dawn in Node runs only our own kernels (every body starts with a bounds guard and the parity suite checks them), so
 * Tint's robustness transform (an index clamp on every storage access) is turned off there: ~30% on SwiftShader's
 * matmul/conv (CPU-time normalised, 3.3 -> 4.3 GFLOP/s on matmul 256^3). Browsers keep robustness.
 */
const NODE_DAWN_FLAGS = ['enable-dawn-features=allow_unsafe_apis,disable_robustness']

// ---------------------------------------------------------------------------------------------------------------
// Device acquisition
// ---------------------------------------------------------------------------------------------------------------
export interface AdapterChoice { adapter: GPUAdapter; info: GPUAdapterInfo; isSoftware: boolean }

/** SwiftShader, llvmpipe, WARP and friends: a CPU pretending to be a GPU (auto prefers wasm over these). */
export function isSoftwareAdapter(info: GPUAdapterInfo & { isFallbackAdapter?: boolean }): boolean {
  const s = `${info.vendor} ${info.architecture} ${info.device} ${info.description}`
  return !!info.isFallbackAdapter || /swiftshader|llvmpipe|lavapipe|softpipe|software|basic render/i.test(s)
}

export function describeAdapter(info: GPUAdapterInfo): string {
  const parts = [info.vendor, info.architecture, info.device].filter(Boolean).join(' ')
  return `${parts || 'unknown adapter'}${info.description ? ` (${info.description})` : ''}`
}

let nodeGPU: Promise<GPU> | undefined
let choice: Promise<AdapterChoice | null> | undefined
const adaptersUsed = new WeakSet<GPUAdapter>()

/** A new adapter from the same GPU instance findAdapter settled on (after its SwiftShader retry, if any). */
async function freshAdapter(): Promise<GPUAdapter | null> {
  const nav = (globalThis as any).navigator as Navigator | undefined
  const gpu = nav?.gpu ?? (nodeGPU ? await nodeGPU : undefined)
  if (!gpu) return null
  // SwiftShader answers only a request without a power preference (as in findAdapter's retry)
  return (await gpu.requestAdapter({ powerPreference: 'high-performance' })) ?? (await gpu.requestAdapter())
}

async function createNodeGPU(log: (m: string) => void): Promise<GPU> {
  // Dawn through the npm `webgpu` package; imported only here and only outside browsers
  const { create } = await import('webgpu')
  return create(NODE_DAWN_FLAGS)
}

/**
 * Find an adapter (cached for the process). In Node on Linux with no adapter, retry with SwiftShader from the
 * Debian chromium package by pointing the Vulkan loader at its ICD (VK_ICD_FILENAMES is read when Dawn starts,
 * so a second Dawn instance is created). Returns null, with the reason logged, when there is none.
 */
export function findAdapter(log: (m: string) => void = (m) => console.error(m)): Promise<AdapterChoice | null> {
  return (choice ??= (async () => {
    const nav = (globalThis as any).navigator as Navigator | undefined
    let adapter: GPUAdapter | null = null
    if (nav?.gpu) {
      adapter = await nav.gpu.requestAdapter({ powerPreference: 'high-performance' })
    } else {
      const proc = (globalThis as any).process
      if (!proc?.versions?.node) { log('webgpu: no navigator.gpu in this environment'); return null }
      adapter = await (nodeGPU ??= createNodeGPU(log)).then((g) => g.requestAdapter({ powerPreference: 'high-performance' }))
      const fs = proc.getBuiltinModule?.('node:fs')
      if (!adapter && proc.platform === 'linux' && !proc.env.VK_ICD_FILENAMES && fs?.existsSync(SWIFTSHADER_ICD)) {
        log(`webgpu: no GPU adapter; using SwiftShader (VK_ICD_FILENAMES=${SWIFTSHADER_ICD})`)
        proc.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD
        nodeGPU = createNodeGPU(log)
        adapter = await (await nodeGPU).requestAdapter()
      }
    }
    if (!adapter) { log('webgpu: no adapter found'); return null }
    const info = adapter.info
    return { adapter, info, isSoftware: isSoftwareAdapter(info) || !!(adapter as any).isFallbackAdapter }
  })())
}

// ---------------------------------------------------------------------------------------------------------------
// Buffers and pipelines
// ---------------------------------------------------------------------------------------------------------------
class GpuBuffer implements Buffer {
  isFreed = false
  /** bytes bound for this buffer: its length rounded up to 16 (vec4 views; pool classes are multiples of 256) */
  readonly bound: number
  constructor(readonly length: number, readonly gpu: GPUBuffer, readonly size: number, readonly id: number) {
    this.bound = Math.ceil(Math.max(4, length * 4) / 16) * 16
  }
}

/** A compiled kernel plus what its dispatches need, precomputed once (the hot path builds no strings or arrays). */
interface Pipeline {
  pipeline: GPUComputePipeline; layout: GPUBindGroupLayout; layoutId: number; sig: KernelSig
  /** Dims fields in ABI order (dims then params), how many are i32, and the uniform's bound size */
  keys: readonly string[]; ints: number; dimsBytes: number
}
const MAX_BIND_GROUPS = 8192 // cached bind groups before the cache is dropped (a training step reuses a fixed set)

export interface WebGPUOptions {
  /** replace kernels by name (tests, experiments) */
  kernels?: Partial<Record<string, WgslKernel>>
  log?: (msg: string) => void
  /** use subgroup quad kernels when the device has them (default true; false binds the plain versions) */
  subgroups?: boolean
}

/** Per-backend counters (the bench reads them for us per dispatch). */
export interface WebGPUCounters { dispatches: number; submits: number; reads: number; writes: number; pipelines: number }

export class WebGPUBackend implements Backend {
  readonly name = 'webgpu' as const
  readonly description: string
  readonly counters: WebGPUCounters = { dispatches: 0, submits: 0, reads: 0, writes: 0, pipelines: 0 }
  private readonly pool: BufferPool
  private readonly staging: BufferPool
  private readonly pipelines = new Map<string, Pipeline>()
  /** pipeline per kernel object and label: skips building the cacheKey string on every dispatch */
  private readonly byKernel = new WeakMap<WgslKernel, Map<string, Pipeline>>()
  private readonly layouts = new Map<string, { layout: GPUBindGroupLayout; id: number }>()
  /** bind groups by layout, Dims size, buffer ids + bound sizes and uniform chunk (pooled buffers recur every step) */
  private bindGroups = new Map<string, GPUBindGroup>()
  /** a small id per pooled GPUBuffer (the pool hands the same GPUBuffer out again, so ids recur) */
  private readonly bufferIds = new WeakMap<GPUBuffer, number>()
  private nextBufferId = 1
  private readonly kernels: Record<string, WgslKernel>
  private readonly isOverridden: Set<string>
  private encoder: GPUCommandEncoder | null = null
  private pass: GPUComputePassEncoder | null = null
  /** GPU buffers referenced by the open encoder: a write() to one of them must submit first */
  private readonly pending = new Set<GPUBuffer>()
  private batch: string[] = []
  private readonly chunks: { gpu: GPUBuffer; cpu: ArrayBuffer; i32: Int32Array; f32: Float32Array }[] = []
  private slots = 0
  /** a validation error waiting to be thrown (once) by the next call; device loss is sticky instead */
  private error: Error | null = null
  private lostError: Error | null = null
  private scopes: Promise<void>[] = []
  private isDestroyed = false
  private readonly lost: Promise<never>
  private liveBytes = 0

  constructor(readonly device: GPUDevice, readonly info: GPUAdapterInfo, readonly isSoftware: boolean, opts: WebGPUOptions = {},
    readonly caps: DeviceCaps = { quads: false, software: isSoftware }) {
    this.description = `webgpu: ${describeAdapter(info)}${isSoftware ? ' [software adapter]' : ''}${caps.quads ? ', subgroup quads' : ''}`
    this.kernels = { ...WGSL, ...(opts.kernels as Record<string, WgslKernel>) }
    this.isOverridden = new Set(Object.keys(opts.kernels ?? {}))
    this.pool = new BufferPool((size) => device.createBuffer({ size, usage: STORAGE | COPY_SRC | COPY_DST }))
    this.staging = new BufferPool((size) => device.createBuffer({ size, usage: MAP_READ | COPY_DST }))
    device.onuncapturederror = (e: any) => this.fail(new Error(`webgpu: uncaptured error (last kernels: ${this.recent()}): ${e.error?.message ?? e}`))
    this.lost = device.lost.then((info) => {
      this.lostError ??= new Error(this.isDestroyed ? 'webgpu: backend destroyed' : `webgpu: device lost (${info.reason}): ${info.message} (last kernels: ${this.recent()})`)
      throw this.lostError
    })
    this.lost.catch(() => {}) // observed by waits only
  }

  // ---- memory
  alloc(length: number): Buffer {
    this.check()
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
    this.check()
    const b = this.live(buf, 'write')
    if (offset + data.length > b.length) throw new Error(`webgpu write: ${data.length} values at ${offset} overflow a buffer of ${b.length}`)
    if (!(data instanceof Float32Array)) data = Float32Array.from(data as ArrayLike<number>)
    if (this.pending.has(b.gpu)) this.flush() // the open encoder uses b: its commands must run before this write
    this.device.queue.writeBuffer(b.gpu, offset * 4, data.buffer, data.byteOffset, data.byteLength)
    this.counters.writes++
  }

  async read(buf: Buffer): Promise<Float32Array> {
    this.check()
    const b = this.live(buf, 'read')
    if (b.length === 0) return new Float32Array(0)
    const bytes = b.length * 4
    const st = this.staging.acquire(bytes)
    this.endPass()
    this.enc().copyBufferToBuffer(b.gpu, 0, st.buffer, 0, bytes)
    this.flush()
    this.counters.reads++
    try {
      await Promise.race([st.buffer.mapAsync(1 /* GPUMapMode.READ */, 0, bytes), this.lost])
    } catch (e) {
      throw this.lostError ?? new Error(`webgpu read: ${(e as Error).message}`)
    }
    const out = new Float32Array(st.buffer.getMappedRange(0, bytes).slice(0))
    st.buffer.unmap()
    this.staging.release(st.buffer, st.size)
    await this.settle()
    return out
  }

  // ---- execution
  run(name: KernelName, outputs: Buffer[], inputs: Buffer[], d: Dims): void {
    const version = this.isOverridden.has(name) ? undefined : WGSL_SELECT[name]?.(d, this.caps)
    if (version) this.runVersion(version, name, outputs, inputs, d)
    else this.runKernel(name, name, this.kernels[name], outputs, inputs, d)
  }

  /** Run a specific version (e.g. 'matmul_v1') under the signature of registry kernel `name`: for the bench. */
  runVersion(version: string, name: KernelName, outputs: Buffer[], inputs: Buffer[], d: Dims): void {
    const c = WGSL_COMPOSITE[version]
    if (c) return this.runComposite(version, c, name, outputs, inputs, d)
    const k = WGSL_VERSIONS[version] ?? (version === name ? this.kernels[name] : undefined)
    if (!k) throw new Error(`webgpu: no kernel version ${version}`)
    this.runKernel(version, name, k, outputs, inputs, d)
  }

  /**
   * A version made of several dispatches (kernels/wgsl WGSL_COMPOSITE): buffers are named by the registry call's
   * outputs and inputs plus pooled scratch, freed once the steps are recorded (later users of a pooled buffer are
   * recorded after these dispatches, so they run after them).
   */
  private runComposite(version: string, c: Composite, name: KernelName, outputs: Buffer[], inputs: Buffer[], d: Dims): void {
    this.check()
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
        this.runKernel(`${version}:${st.kernel}`, ik.sig, ik.kernel, st.outputs.map((n) => bufs[n]), st.inputs.map((n) => bufs[n]), dd)
      }
    } finally {
      for (const b of scratch) this.free(b)
    }
  }

  private runKernel(label: string, name: KernelName | KernelSig, k: WgslKernel | undefined, outputs: Buffer[], inputs: Buffer[], d: Dims): void {
    this.check()
    const sig0 = typeof name === 'string' ? KERNELS[name] : name
    const nm = typeof name === 'string' ? name : label
    if (!k || !sig0) throw new Error(`webgpu: no kernel named ${nm}`)
    if (k.subgroups && !this.caps.quads) throw new Error(`webgpu ${label}: needs subgroup quad operations, which this device lacks (or they were turned off)`)
    const p = this.pipeline(label, sig0, k)
    const sig = p.sig, no = outputs.length, ni = inputs.length
    if (no !== sig.outputs.length || ni !== sig.inputs.length) {
      throw new Error(`webgpu ${nm}: expected ${sig.outputs.length} outputs and ${sig.inputs.length} inputs, got ${no} and ${ni}`)
    }
    for (let i = 0; i < no + ni; i++) this.live(i < no ? outputs[i] : inputs[i - no], nm)
    for (let i = 0; i < no; i++) {
      // WebGPU forbids a buffer bound writable and read-only (or writable twice) in one dispatch
      const o = outputs[i]
      for (let j = 0; j < no + ni; j++) if (j !== i && (j < no ? outputs[j] : inputs[j - no]) === o) throw new Error(`webgpu ${nm}: an output buffer is also bound as another argument`)
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

    // Dims into this dispatch's uniform slot: i32 dims then f32 params
    const slot = this.slots++, ci = Math.floor(slot / CHUNK_SLOTS), chunk = this.chunk(ci), off = (slot % CHUNK_SLOTS) * SLOT
    const w = off >> 2
    for (let i = 0; i < keys.length; i++) { if (i < p.ints) chunk.i32[w + i] = d[keys[i]]; else chunk.f32[w + i] = d[keys[i]] }

    const pass = this.beginPass()
    pass.setPipeline(p.pipeline)
    pass.setBindGroup(0, this.bindGroup(label, p, outputs as GpuBuffer[], inputs as GpuBuffer[], ci), [off])
    pass.dispatchWorkgroups(x, y, z)
    for (let i = 0; i < no; i++) this.pending.add((outputs[i] as GpuBuffer).gpu)
    for (let i = 0; i < ni; i++) this.pending.add((inputs[i] as GpuBuffer).gpu)
    this.batch.push(label)
    this.counters.dispatches++
    if (this.slots >= MAX_BATCH) this.flush()
  }

  /** The bind group of (outputs, inputs, uniform chunk ci) for p's layout: cached by buffer ids and bound sizes. */
  private bindGroup(label: string, p: Pipeline, outs: GpuBuffer[], ins: GpuBuffer[], ci: number): GPUBindGroup {
    let key = `${p.layoutId}:${p.dimsBytes}:${ci}`
    for (let i = 0; i < outs.length; i++) key += `,${outs[i].id}/${outs[i].bound}`
    for (let i = 0; i < ins.length; i++) key += `,${ins[i].id}/${ins[i].bound}`
    let g = this.bindGroups.get(key)
    if (g) return g
    const entries: GPUBindGroupEntry[] = []
    for (const b of outs) entries.push({ binding: entries.length, resource: { buffer: b.gpu, size: b.bound } })
    for (const b of ins) entries.push({ binding: entries.length, resource: { buffer: b.gpu, size: b.bound } })
    entries.push({ binding: entries.length, resource: { buffer: this.chunks[ci].gpu, offset: 0, size: p.dimsBytes } })
    g = this.device.createBindGroup({ label, layout: p.layout, entries })
    if (this.bindGroups.size >= MAX_BIND_GROUPS) this.bindGroups = new Map()
    this.bindGroups.set(key, g)
    return g
  }

  copy(dst: Buffer, src: Buffer, length: number, dstOffset = 0, srcOffset = 0): void {
    this.check()
    const s = this.live(src, 'copy'), t = this.live(dst, 'copy')
    if (srcOffset + length > s.length || dstOffset + length > t.length) throw new Error('webgpu copy: range out of bounds')
    if (length === 0) return
    if (s === t) { // a buffer can't be both source and destination of one copy: bounce through a temporary
      const tmp = this.alloc(length)
      this.copy(tmp, src, length, 0, srcOffset)
      this.copy(dst, tmp, length, dstOffset, 0)
      this.free(tmp)
      return
    }
    this.endPass()
    this.enc().copyBufferToBuffer(s.gpu, srcOffset * 4, t.gpu, dstOffset * 4, length * 4)
    this.pending.add(s.gpu).add(t.gpu)
  }

  async sync(): Promise<void> {
    this.check()
    this.flush()
    try {
      await Promise.race([this.device.queue.onSubmittedWorkDone(), this.lost])
    } catch (e) {
      throw this.lostError ?? e
    }
    await this.settle()
  }

  memory(): MemoryStats {
    return {
      liveBuffers: this.pool.liveBuffers,
      liveBytes: this.liveBytes,
      reservedBytes: this.pool.reservedBytes + this.staging.reservedBytes + this.chunks.length * SLOT * CHUNK_SLOTS,
    }
  }

  /** Pool details for tests and the bench. */
  poolStats() {
    return { created: this.pool.created, reservedBytes: this.pool.reservedBytes, idleBytes: this.pool.idleBytes(), staging: this.staging.reservedBytes, uniformChunks: this.chunks.length }
  }

  destroy(): void {
    if (this.isDestroyed) return
    this.isDestroyed = true
    this.encoder = this.pass = null
    this.bindGroups.clear()
    this.pool.trim()
    this.staging.trim()
    this.device.destroy()
  }

  // ---- internals
  private live(buf: Buffer, what: string): GpuBuffer {
    const b = buf as GpuBuffer
    if (!(b instanceof GpuBuffer)) throw new Error(`webgpu ${what}: not a webgpu buffer`)
    if (b.isFreed) throw new Error(`webgpu ${what}: buffer used after free`)
    return b
  }

  private check(): void {
    if (this.lostError) throw this.lostError
    if (this.isDestroyed) throw new Error('webgpu: backend destroyed')
    const e = this.error
    if (e) { this.error = null; throw e }
  }

  private fail(e: Error): void {
    this.error ??= e
  }

  private recent(): string {
    const names = [...new Set(this.batch.slice(-8))]
    return names.join(', ') || 'none pending'
  }

  /** Wait for outstanding error scopes, then surface the first error. */
  private async settle(): Promise<void> {
    const s = this.scopes
    this.scopes = []
    await Promise.all(s)
    this.check()
  }

  private pipeline(label: string, sig: KernelSig, k: WgslKernel): Pipeline {
    let perKernel = this.byKernel.get(k)
    let p = perKernel?.get(label)
    if (p) return p
    if (!perKernel) this.byKernel.set(k, (perKernel = new Map()))
    const key = cacheKey(label, k)
    p = this.pipelines.get(key)
    if (!p) {
      const code = wgslSource(label, sig, k)
      this.device.pushErrorScope('validation')
      const module = this.device.createShaderModule({ label, code })
      const { layout, id: layoutId } = this.layout(sig)
      const pipelineLayout = this.device.createPipelineLayout({ label, bindGroupLayouts: [layout] })
      const pipeline = this.device.createComputePipeline({ label, layout: pipelineLayout, compute: { module, entryPoint: 'main' } })
      this.scopes.push(this.device.popErrorScope().then(async (err) => {
        if (!err) return
        const info = await module.getCompilationInfo().catch(() => null)
        const msgs = info?.messages.map((m) => `${m.type} at ${m.lineNum}:${m.linePos}: ${m.message}`).join('; ')
        // the root cause: replaces the follow-on "invalid pipeline" error of the submit that used it
        this.error = new Error(`webgpu kernel ${label}: pipeline creation failed: ${msgs || err.message}`)
      }))
      p = { pipeline, layout, layoutId, sig, keys: [...sig.dims, ...sig.params], ints: sig.dims.length, dimsBytes: dimsBytes(sig) }
      this.pipelines.set(key, p)
      this.counters.pipelines++
    }
    perKernel.set(label, p)
    return p
  }

  /** Outputs read_write storage, inputs read-only storage, then the Dims uniform at a dynamic offset. */
  private layout(sig: KernelSig): { layout: GPUBindGroupLayout; id: number } {
    const key = `${sig.outputs.length},${sig.inputs.length}`
    let l = this.layouts.get(key)
    if (!l) {
      const entries: GPUBindGroupLayoutEntry[] = [
        ...sig.outputs.map(() => ({ type: 'storage' as const })), ...sig.inputs.map(() => ({ type: 'read-only-storage' as const })),
      ].map((buffer, binding) => ({ binding, visibility: 4 /* COMPUTE */, buffer }))
      entries.push({ binding: entries.length, visibility: 4, buffer: { type: 'uniform', hasDynamicOffset: true } })
      this.layouts.set(key, (l = { layout: this.device.createBindGroupLayout({ label: `rl-rnd ${key}`, entries }), id: this.layouts.size }))
    }
    return l
  }

  private chunk(i: number) {
    while (this.chunks.length <= i) {
      const cpu = new ArrayBuffer(SLOT * CHUNK_SLOTS)
      this.chunks.push({ gpu: this.device.createBuffer({ size: SLOT * CHUNK_SLOTS, usage: UNIFORM | COPY_DST }), cpu, i32: new Int32Array(cpu), f32: new Float32Array(cpu) })
    }
    return this.chunks[i]
  }

  private enc(): GPUCommandEncoder {
    return (this.encoder ??= this.device.createCommandEncoder())
  }

  private beginPass(): GPUComputePassEncoder {
    return (this.pass ??= this.enc().beginComputePass())
  }

  private endPass(): void {
    if (this.pass) { this.pass.end(); this.pass = null }
  }

  /** Submit the open encoder: uniform chunks first (queue order), then one command buffer. */
  private flush(): void {
    if (!this.encoder) return
    this.endPass()
    const used = Math.ceil(this.slots / CHUNK_SLOTS)
    for (let i = 0; i < used; i++) {
      const bytes = i < used - 1 ? SLOT * CHUNK_SLOTS : ((this.slots - 1) % CHUNK_SLOTS + 1) * SLOT
      this.device.queue.writeBuffer(this.chunks[i].gpu, 0, this.chunks[i].cpu, 0, bytes)
    }
    const names = this.batch
    this.device.pushErrorScope('validation')
    this.device.queue.submit([this.encoder.finish()])
    this.scopes.push(this.device.popErrorScope().then((err) => {
      if (err) this.fail(new Error(`webgpu: validation error in a submit of ${names.length} dispatches (${[...new Set(names)].join(', ')}): ${err.message}`))
    }))
    this.encoder = null
    this.pending.clear()
    this.batch = []
    this.slots = 0
    this.counters.submits++
  }
}

/** Acquire an adapter and device and return the backend; throws (with the reason) when there is no adapter. */
export async function createWebGPUBackend(opts: WebGPUOptions = {}): Promise<WebGPUBackend> {
  const log = opts.log ?? ((m: string) => console.error(m))
  const found = await findAdapter(log)
  if (!found) throw new Error('webgpu: no adapter available')
  const { info, isSoftware } = found
  // an adapter makes one device ("consumed" afterwards): later backends in this process ask for a fresh one
  let adapter = found.adapter
  if (adaptersUsed.has(adapter)) adapter = (await freshAdapter()) ?? adapter
  adaptersUsed.add(adapter)
  const L = adapter.limits
  const subgroups = opts.subgroups !== false && adapter.features.has('subgroups')
  const device = await adapter.requestDevice({
    label: 'rl-rnd',
    requiredFeatures: subgroups ? ['subgroups' as GPUFeatureName] : [],
    requiredLimits: {
      maxStorageBufferBindingSize: L.maxStorageBufferBindingSize,
      maxBufferSize: L.maxBufferSize,
      maxStorageBuffersPerShaderStage: L.maxStorageBuffersPerShaderStage,
      maxComputeWorkgroupStorageSize: L.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: L.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupSizeX: L.maxComputeWorkgroupSizeX,
      maxComputeWorkgroupSizeY: L.maxComputeWorkgroupSizeY,
    },
  })
  return new WebGPUBackend(device, info, isSoftware, opts, { quads: subgroups && (await probeQuads(device)), software: isSoftware })
}
