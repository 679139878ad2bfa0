// Kernel threads for the wasm backend: the calling thread and `size` workers run one kernel on disjoint parts of
// its output at once, all through instances of the same module over ONE shared WebAssembly.Memory (pointers mean
// the same thing in every thread). Platform-neutral: the engine never creates a worker; cli/wasm_workers.ts
// (Node, worker_threads) does, and each worker runs serveCalls() below.
//
// The control block is a SharedArrayBuffer: Int32 words [GEN, PENDING, FAILED, -] then, per worker, a slot of
// SLOT float64s [forGen, fn index, arg count, args...]. start(): write the slots (forGen = the next generation),
// set PENDING to the number of busy workers, bump GEN and wake everyone. A worker wakes on a new GEN, runs its
// slot if the slot is for that generation, and decrements PENDING (the last one wakes the caller). The
// stamp makes a late wake-up harmless: a worker that wakes for generation g and reads a slot already rewritten for
// g + 1 skips it, and runs it when it sees g + 1. Atomics are sequentially consistent, so slot writes made before
// the GEN bump are visible to a worker that has seen the bump.
const GEN = 0,
  PENDING = 1,
  FAILED = 2
const HEADER_BYTES = 16
export const SLOT = 32 // float64s per worker slot: 3 header + up to 29 arguments

export interface WorkerCall {
  fn: string
  args: number[]
}

/** The worker pool as the backend sees it. */
export interface WasmWorkers {
  /** workers besides the calling thread */
  readonly size: number
  /** Start calls[i] on worker i (calls.length <= size); returns at once. */
  start(calls: readonly WorkerCall[]): void
  /** Block until every started call returned; throws if one failed. */
  wait(): void
  terminate(): void
}

export function controlBlock(workers: number): SharedArrayBuffer {
  return new SharedArrayBuffer(HEADER_BYTES + workers * SLOT * 8)
}

/** The calling side of the protocol over a control block; `names` are the kernel exports by index. */
export class Dispatcher {
  private readonly ctrl: Int32Array
  private readonly slots: Float64Array
  private readonly index: Map<string, number>
  private running: readonly WorkerCall[] = []

  constructor(
    block: SharedArrayBuffer,
    names: readonly string[],
    readonly size: number,
    private readonly onTerminate: () => void = () => {},
  ) {
    this.ctrl = new Int32Array(block, 0, 4)
    this.slots = new Float64Array(block, HEADER_BYTES, size * SLOT)
    this.index = new Map(names.map((n, i) => [n, i]))
  }

  start(calls: readonly WorkerCall[]): void {
    if (calls.length > this.size) throw new Error(`wasm threads: ${calls.length} calls for ${this.size} workers`)
    if (Atomics.load(this.ctrl, PENDING) !== 0) throw new Error('wasm threads: start() while calls are running')
    const gen = (Atomics.load(this.ctrl, GEN) + 1) | 0
    for (let w = 0; w < this.size; w++) {
      const s = w * SLOT,
        call = calls[w]
      this.slots[s] = gen
      this.slots[s + 1] = call ? this.fnIndex(call.fn) : -1
      if (!call) continue
      if (call.args.length > SLOT - 3) throw new Error(`wasm threads: ${call.fn} has ${call.args.length} arguments (at most ${SLOT - 3})`)
      this.slots[s + 2] = call.args.length
      this.slots.set(call.args, s + 3)
    }
    this.running = calls
    Atomics.store(this.ctrl, PENDING, calls.length)
    Atomics.store(this.ctrl, GEN, gen)
    Atomics.notify(this.ctrl, GEN)
  }

  wait(): void {
    let p: number,
      quiet = 0
    while ((p = Atomics.load(this.ctrl, PENDING)) > 0) {
      if (Atomics.wait(this.ctrl, PENDING, p, 1000) === 'timed-out' && ++quiet >= 60) {
        throw new Error(`wasm threads: ${p} worker(s) did not finish ${this.running.map((c) => c.fn).join(', ')} within 60 s`)
      }
    }
    if (Atomics.exchange(this.ctrl, FAILED, 0) !== 0) {
      throw new Error(`wasm threads: a worker failed in ${[...new Set(this.running.map((c) => c.fn))].join(', ')}`)
    }
  }

  terminate(): void {
    this.onTerminate()
  }

  private fnIndex(fn: string): number {
    const i = this.index.get(fn)
    if (i === undefined) throw new Error(`wasm threads: no kernel export '${fn}'`)
    return i
  }
}

/** A worker's loop (never returns): run the calls addressed to worker `w` with this thread's instance. The pool
 * waits for each worker to say it is ready before the first start(), so startup is not paid inside a kernel call. */
export function serveCalls(instance: WebAssembly.Instance, block: SharedArrayBuffer, names: readonly string[], w: number): never {
  const ctrl = new Int32Array(block, 0, 4),
    slot = new Float64Array(block, HEADER_BYTES + w * SLOT * 8, SLOT)
  const ex = instance.exports as Record<string, (...a: number[]) => void>
  const fns = names.map((n) => ex[n])
  let seen = 0 // GEN's initial value: a worker that starts late still sees the generation it was started for
  for (;;) {
    Atomics.wait(ctrl, GEN, seen)
    const gen = Atomics.load(ctrl, GEN)
    if (gen === seen) continue
    seen = gen
    if (slot[0] !== gen || slot[1] < 0) continue
    try {
      fns[slot[1]](...Array.from(slot.subarray(3, 3 + slot[2])))
    } catch {
      Atomics.store(ctrl, FAILED, 1)
    }
    if (Atomics.sub(ctrl, PENDING, 1) === 1) Atomics.notify(ctrl, PENDING)
  }
}
