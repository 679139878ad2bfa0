// A pool of GPU buffers keyed by size class, for the WebGPU backend. Freed buffers go back to their class and are
// handed out again; nothing is destroyed until trim() or destroyAll(). Reuse right after free() is safe: kernels
// and copies are recorded in program order in one encoder, and queue.writeBuffer is ordered after earlier submits
// (the backend submits its open encoder before writing a buffer that encoder still uses).
// Classes: powers of two from 256 B up to 64 KiB, then steps of 1/8 of the power of two (<= 12.5% waste), so a
// training loop that allocates the same shapes every step settles on a fixed set of buffers (reserved stays flat).

/** The class (allocation size in bytes) that holds `bytes`. */
export function sizeClass(bytes: number): number {
  const c = Math.max(256, Math.ceil(bytes))
  const p = 2 ** Math.ceil(Math.log2(c))
  if (p <= 65536) return p
  const step = p / 8
  return Math.ceil(c / step) * step
}

export class BufferPool {
  private readonly idle = new Map<number, GPUBuffer[]>()
  /** bytes of every buffer this pool created and has not destroyed (live + idle) */
  reservedBytes = 0
  liveBuffers = 0
  created = 0

  constructor(private readonly make: (bytes: number) => GPUBuffer) {}

  acquire(bytes: number): { buffer: GPUBuffer; size: number } {
    const size = sizeClass(bytes)
    this.liveBuffers++
    const buffer = this.idle.get(size)?.pop()
    if (buffer) return { buffer, size }
    this.reservedBytes += size
    this.created++
    return { buffer: this.make(size), size }
  }

  release(buffer: GPUBuffer, size: number): void {
    this.liveBuffers--
    let list = this.idle.get(size)
    if (!list) this.idle.set(size, (list = []))
    list.push(buffer)
  }

  /** Destroy the idle buffers (live ones stay). */
  trim(): void {
    for (const [size, list] of this.idle)
      for (const b of list.splice(0)) {
        b.destroy()
        this.reservedBytes -= size
      }
  }

  idleBytes(): number {
    let n = 0
    for (const [size, list] of this.idle) n += size * list.length
    return n
  }
}
