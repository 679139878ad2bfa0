// The WebGPU backend's open batch of commands: dispatches and copies are recorded into ONE open command encoder
// (dispatches share a compute pass); nothing is submitted until flush(): when the backend needs data (read), is
// asked to (sync), a write() targets a buffer the open encoder still uses (uses()), or MAX_BATCH dispatches are
// waiting. Each dispatch gets a 256-byte slot of a uniform chunk for its Dims; chunks are filled on the CPU and
// written just before the submit (queue order makes reusing them on the next submit safe).
import type { Dims } from '../../kernels/index.ts'
import type { DeviceErrors } from './webgpu_errors.ts'

const COPY_DST = 8,
  UNIFORM = 64 // GPUBufferUsage values (WebGPU spec), local so Node needs no globals installed
export const SLOT = 256 // bytes per uniform slot (minUniformBufferOffsetAlignment is at most 256)
export const CHUNK_SLOTS = 256 // uniform slots per chunk buffer
/** dispatches per submit before an automatic flush (bounds the uniform chunks; a step is far fewer) */
const MAX_BATCH = 4096

interface Chunk {
  gpu: GPUBuffer
  cpu: ArrayBuffer
  i32: Int32Array
  f32: Float32Array
}

export class CommandBatch {
  private encoder: GPUCommandEncoder | null = null
  private pass: GPUComputePassEncoder | null = null
  /** GPU buffers referenced by the open encoder: a write() to one of them must submit first */
  private readonly pending = new Set<GPUBuffer>()
  private names: string[] = []
  private readonly chunks: Chunk[] = []
  private slots = 0

  constructor(
    private readonly device: GPUDevice,
    private readonly errors: DeviceErrors,
    private readonly counters: { dispatches: number; submits: number },
  ) {}

  /** Put d's `keys` (the first `ints` as i32, the rest as f32) into the next uniform slot; returns the slot. */
  writeDims(keys: readonly string[], ints: number, d: Dims): number {
    const slot = this.slots++,
      chunk = this.chunk(Math.floor(slot / CHUNK_SLOTS))
    const w = ((slot % CHUNK_SLOTS) * SLOT) >> 2 // the slot's first 32-bit word
    for (let i = 0; i < keys.length; i++) {
      if (i < ints) chunk.i32[w + i] = d[keys[i]]
      else chunk.f32[w + i] = d[keys[i]]
    }
    return slot
  }

  /** The uniform buffer of chunk ci (a slot's chunk is Math.floor(slot / CHUNK_SLOTS)). */
  uniform(ci: number): GPUBuffer {
    return this.chunks[ci].gpu
  }

  /** Record one dispatch whose bind group's uniform is the chunk of `slot`, bound at the slot's offset. */
  dispatch(
    label: string,
    pipeline: GPUComputePipeline,
    group: GPUBindGroup,
    slot: number,
    x: number,
    y: number,
    z: number,
    outputs: readonly { gpu: GPUBuffer }[],
    inputs: readonly { gpu: GPUBuffer }[],
  ): void {
    const pass = (this.pass ??= this.enc().beginComputePass())
    pass.setPipeline(pipeline)
    pass.setBindGroup(0, group, [(slot % CHUNK_SLOTS) * SLOT])
    pass.dispatchWorkgroups(x, y, z)
    for (let i = 0; i < outputs.length; i++) this.pending.add(outputs[i].gpu)
    for (let i = 0; i < inputs.length; i++) this.pending.add(inputs[i].gpu)
    this.names.push(label)
    this.counters.dispatches++
    if (this.slots >= MAX_BATCH) this.flush()
  }

  /** Record a buffer-to-buffer copy (offsets and size in bytes), after the dispatches recorded so far. */
  copy(src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, bytes: number): void {
    this.endPass()
    this.enc().copyBufferToBuffer(src, srcOffset, dst, dstOffset, bytes)
    this.pending.add(src).add(dst)
  }

  /** True when the open encoder uses buf (a queue write to it must flush first). */
  uses(buf: GPUBuffer): boolean {
    return this.pending.has(buf)
  }

  /** Submit the open encoder: uniform chunks first (queue order), then one command buffer. */
  flush(): void {
    if (!this.encoder) return
    this.endPass()
    const used = Math.ceil(this.slots / CHUNK_SLOTS)
    for (let i = 0; i < used; i++) {
      const bytes = i < used - 1 ? SLOT * CHUNK_SLOTS : (((this.slots - 1) % CHUNK_SLOTS) + 1) * SLOT
      this.device.queue.writeBuffer(this.chunks[i].gpu, 0, this.chunks[i].cpu, 0, bytes)
    }
    const names = this.names,
      encoder = this.encoder
    this.errors.scoped(
      () => this.device.queue.submit([encoder.finish()]),
      (err) => {
        this.errors.fail(new Error(`webgpu: validation error in a submit of ${names.length} dispatches (${[...new Set(names)].join(', ')}): ${err.message}`))
      },
    )
    this.encoder = null
    this.pending.clear()
    this.names = []
    this.slots = 0
    this.counters.submits++
  }

  /** The last few kernels recorded (for error messages). */
  recent(): string {
    const names = [...new Set(this.names.slice(-8))]
    return names.join(', ') || 'none pending'
  }

  /** Forget the open encoder without submitting it (the backend is being destroyed). */
  drop(): void {
    this.encoder = this.pass = null
  }

  get uniformChunks(): number {
    return this.chunks.length
  }

  private chunk(i: number): Chunk {
    while (this.chunks.length <= i) {
      const cpu = new ArrayBuffer(SLOT * CHUNK_SLOTS)
      this.chunks.push({
        gpu: this.device.createBuffer({ size: SLOT * CHUNK_SLOTS, usage: UNIFORM | COPY_DST }),
        cpu,
        i32: new Int32Array(cpu),
        f32: new Float32Array(cpu),
      })
    }
    return this.chunks[i]
  }

  private enc(): GPUCommandEncoder {
    return (this.encoder ??= this.device.createCommandEncoder())
  }

  private endPass(): void {
    if (this.pass) {
      this.pass.end()
      this.pass = null
    }
  }
}
