// The wasm backend's allocator: one growable WebAssembly.Memory owned by JavaScript, carved into 16-byte aligned
// blocks. Blocks come from free lists bucketed by size class; a miss bumps the top of the arena (growing the
// memory when needed). Freed blocks go back on their class's list and are never coalesced or returned, so a
// training loop that allocates the same sizes every step reaches a steady state where `top` (reservedBytes, the
// high-water mark) stays flat.
//
// Size classes: bytes rounded up to 16, then to the next of {4, 5, 6, 7} x 2^k (at most 25% waste), so nearby
// sizes (a batch of 63 vs 64) share a list. Pointers and sizes are all the kernels see, so the same layout can
// later back a shared memory read by worker threads.

const ALIGN = 16
const PAGE = 65536
/** Grow the memory by at least this share of its size (see Arena.grow). */
const GROW_SHARE = 0.125

/** Round a byte count to its size class: 16-aligned, then {4,5,6,7} x 2^k above 64 bytes. */
export function sizeClass(bytes: number): number {
  const b = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN)
  if (b <= 64) return b
  const k = Math.floor(Math.log2(b)) - 2 // b in [4 * 2^k, 8 * 2^k)
  const step = 2 ** k
  return Math.ceil(b / step) * step
}

export class Arena {
  /** start of the heap (above the module's static data) and the bump pointer */
  readonly base: number
  private top: number
  private free = new Map<number, number[]>()
  liveBlocks = 0
  liveBytes = 0

  constructor(
    readonly memory: WebAssembly.Memory,
    heapBase: number,
  ) {
    this.base = Math.ceil(heapBase / ALIGN) * ALIGN
    this.top = this.base
  }

  /** Returns the byte offset of a block of at least `bytes` bytes (its size class in `cls`). */
  alloc(bytes: number): { ptr: number; cls: number } {
    const cls = sizeClass(bytes)
    const list = this.free.get(cls)
    let ptr = list?.length ? list.pop()! : -1
    if (ptr < 0) {
      ptr = this.top
      const need = ptr + cls - this.memory.buffer.byteLength
      if (need > 0) this.grow(Math.ceil(need / PAGE)) // may throw (the maximum): the arena is then as it was
      this.top = ptr + cls
    }
    this.liveBlocks++
    this.liveBytes += cls
    return { ptr, cls }
  }

  /**
   * Grow the memory by at least `pages`, and by GROW_SHARE of its size when that is more: a loop whose batch sizes
   * vary (episodes of varying length) keeps meeting new size classes, and growing by the exact need cost a grow
   * (~2 ms here) every few allocations. Near the maximum, only what is needed. Detaches old views: the backend
   * refreshes them.
   */
  private grow(pages: number): void {
    const ahead = Math.max(pages, Math.ceil((this.memory.buffer.byteLength * GROW_SHARE) / PAGE))
    try {
      this.memory.grow(ahead)
    } catch (e) {
      if (ahead === pages) throw e
      this.memory.grow(pages)
    }
  }

  release(ptr: number, cls: number): void {
    let list = this.free.get(cls)
    if (!list) this.free.set(cls, (list = []))
    list.push(ptr)
    this.liveBlocks--
    this.liveBytes -= cls
  }

  /** bytes reserved by the arena: the high-water mark of the bump pointer */
  get reservedBytes(): number {
    return this.top - this.base
  }
}
