// The backend contract: an allocator, a kernel launcher and a readback, nothing more (tinygrad's "device").
// Every backend (ref, wasm, webgpu) implements it; the engine above reaches kernels only by registry name.
// Work is ENQUEUED by run(); values reach JavaScript only through read() (a Promise: the GPU may still be busy).
import type { KernelName, Dims } from '../../kernels/index.ts'

/** Opaque storage of `length` f32 values, owned by one backend. */
export interface Buffer {
  readonly length: number
}

export interface MemoryStats {
  /** buffers handed out and not yet freed */
  liveBuffers: number
  /** bytes held by live buffers */
  liveBytes: number
  /** bytes the backend has reserved in total (arena size, pool size): must stay flat at steady state */
  reservedBytes: number
}

export type BackendName = 'ref' | 'wasm' | 'webgpu'

export interface Backend {
  readonly name: BackendName
  /** A human description (adapter, SIMD, threads) printed on start. */
  readonly description: string
  /** New storage; contents are undefined (memory may be reused): write or fill before reading. */
  alloc(length: number): Buffer
  free(buf: Buffer): void
  /** Host -> device copy of data into buf starting at element `offset`. */
  write(buf: Buffer, data: Float32Array, offset?: number): void
  /** Device -> host copy of the whole buffer (after all enqueued work that writes it). */
  read(buf: Buffer): Promise<Float32Array>
  /** Synchronous read, only on CPU backends (ref, wasm); undefined on webgpu. */
  readSync?(buf: Buffer): Float32Array
  /** Enqueue a kernel: buffers in ABI order (outputs, then inputs), dims and params by name. */
  run(name: KernelName, outputs: Buffer[], inputs: Buffer[], d: Dims): void
  /** Enqueue a copy of `length` values from src[srcOffset..] to dst[dstOffset..]. */
  copy(dst: Buffer, src: Buffer, length: number, dstOffset?: number, srcOffset?: number): void
  /** Submit whatever is enqueued (webgpu: one command encoder per flush); resolves when the device is idle. */
  sync(): Promise<void>
  memory(): MemoryStats
  /** Release everything (device, arena). */
  destroy(): void
}
