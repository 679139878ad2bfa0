// The ref backend: Float32Array storage (or Float64Array, for gradchecks) and the reference kernels of
// kernels/ref. Slow and obviously correct; the other backends are tested against it.
import type { KernelName, Dims } from '../../kernels/index.ts'
import { REF, type Float } from '../../kernels/ref/index.ts'
import type { Backend, Buffer, MemoryStats } from './backend.ts'

class RefBuffer implements Buffer {
  constructor(readonly data: Float) {}
  get length() {
    return this.data.length
  }
}

export class RefBackend implements Backend {
  readonly name = 'ref' as const
  readonly description: string
  private live = 0
  private liveBytes = 0

  /** precision 64 keeps every tensor in f64 (for finite-difference gradient checks). */
  constructor(readonly precision: 32 | 64 = 32) {
    this.description = `reference kernels in TypeScript (f${precision})`
  }

  alloc(length: number): Buffer {
    this.live++
    this.liveBytes += length * (this.precision / 8)
    return new RefBuffer(this.precision === 64 ? new Float64Array(length) : new Float32Array(length))
  }
  free(buf: Buffer): void {
    this.live--
    this.liveBytes -= buf.length * (this.precision / 8)
  }
  write(buf: Buffer, data: Float32Array | Float64Array, offset = 0): void {
    ;(buf as RefBuffer).data.set(data, offset)
  }
  async read(buf: Buffer): Promise<Float32Array> {
    return this.readSync(buf)
  }
  readSync(buf: Buffer): Float32Array {
    return Float32Array.from((buf as RefBuffer).data)
  }
  /** The raw storage (f64 when precision is 64): for gradchecks. */
  raw(buf: Buffer): Float {
    return (buf as RefBuffer).data
  }
  run(name: KernelName, outputs: Buffer[], inputs: Buffer[], d: Dims): void {
    const fn = REF[name]
    if (!fn) throw new Error(`ref backend: no kernel named ${name}`)
    fn(...outputs.map((b) => (b as RefBuffer).data), ...inputs.map((b) => (b as RefBuffer).data), d)
  }
  copy(dst: Buffer, src: Buffer, length: number, dstOffset = 0, srcOffset = 0): void {
    const s = (src as RefBuffer).data
    ;(dst as RefBuffer).data.set(s.subarray(srcOffset, srcOffset + length), dstOffset)
  }
  async sync(): Promise<void> {}
  memory(): MemoryStats {
    return { liveBuffers: this.live, liveBytes: this.liveBytes, reservedBytes: this.liveBytes }
  }
  destroy(): void {}
}
