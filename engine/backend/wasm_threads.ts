// Kernel threads for the wasm backend: the calling thread and `size` workers run the parts of one kernel call
// (disjoint parts of its output), all through instances of the same module over ONE shared WebAssembly.Memory
// (pointers mean the same thing in every thread). Platform-neutral: the engine never creates a worker;
// cli/wasm_workers.ts (Node, worker_threads) does, and each worker runs serveCalls() below.
//
// Parts are CLAIMED, not assigned: every thread, the caller included, takes the next unclaimed part until none is
// left. A worker that the OS has not scheduled yet (a loaded machine) then costs nothing: the caller runs its part
// itself, so a split call is never much slower than the same parts run one after another on one thread. Each part
// computes its output elements exactly as the unsplit kernel would, so WHO runs a part never changes a result.
//
// The control block is a SharedArrayBuffer: Int32 words [GEN, CLAIM, DONE, FAILED, SPIN], then per part a slot of SLOT
// float64s [fn index, arg count, args...]. CLAIM packs the generation (23 bits), the part count (4 bits) and the
// next part (4 bits) into one word, so a claim is one compareExchange on a consistent snapshot: a stale thread (one
// that woke for an older generation) fails its claim instead of running a part twice. start(): write the slots,
// DONE = 0, CLAIM = (gen, n, 0), then GEN = gen and wake the workers. Workers spin on GEN for SPIN polls (WORKER_SPIN,
// ~0.6 ms, or 0 when the dispatcher says spinning does not pay) before they sleep, then claim; each finished part
// increments DONE, and the caller waits for DONE = n.
const GEN = 0,
  CLAIM = 1,
  DONE = 2,
  FAILED = 3,
  SPIN_WORD = 4
const HEADER_BYTES = 24 // 5 Int32 words, padded so the Float64 slots stay aligned
export const SLOT = 32 // float64s per part slot: 2 header + up to 30 arguments
/** Parts of one call at most (CLAIM's 4-bit fields). */
export const MAX_PARTS = 15
/** Polls of a shared word before the caller sleeps on it (~60 us here). */
const SPIN = 4000
/**
 * Polls of the generation word before a worker sleeps (~0.6 ms here): in a VM an idle vCPU halts, and waking it for
 * the next split call took up to ~1 ms, longer than the call; spinning through the gaps between calls keeps it awake.
 */
export const WORKER_SPIN = 40000
/**
 * Workers spin between calls only while split calls run at least this much faster than the caller alone. A spinning
 * worker holds a core through the gaps between calls; on a machine whose cores are busy with other processes that
 * core is taken from the calling thread, which runs everything between the split calls (the workers' gain is then
 * smaller than what their spinning costs the caller, and the speedup within calls cannot see that cost).
 */
const SPIN_MIN_SPEEDUP = 1.2
/** With spinning off, every this many split calls spinning is tried again (a fresh 16-call judgement). */
const SPIN_REPROBE = 512

/**
 * What the other processes of the machine use, for a dispatcher that must not take cores they hold (Node:
 * cli/cpu_load.ts; browsers have none). `others()` is their CPU use in cores since its previous call (null when too
 * little time passed to say).
 */
export interface LoadProbe {
  readonly cores: number
  others(): number | null
}
/** How often the dispatcher asks the probe (ms of wall time, checked at split calls). */
export const LOAD_PROBE_MS = 500
/**
 * Loaded: the other processes leave fewer free cores than the kernel threads, by this margin (on 2 cores with 2
 * threads: others above 0.5 core). Split calls then run whole and the workers sleep: a third runnable thread on two
 * busy cores slowed the whole loop to x0.89 of one thread (issue #12, pixelcopter_100 under load).
 */
export const LOAD_MARGIN = 0.5

export interface WorkerCall {
  fn: string
  args: number[]
}

/** The worker pool as the backend sees it. */
export interface WasmWorkers {
  /** workers besides the calling thread */
  readonly size: number
  /**
   * Whether the next splittable call should go to the workers: false for a while after split calls stopped paying
   * (a loaded machine whose cores are busy with other work; see Dispatcher), so the threads are never much slower
   * than the calling thread alone.
   */
  worthSplitting(): boolean
  /**
   * Run every call (calls.length <= MAX_PARTS) on whichever thread claims it first, `local` running the caller's
   * claims on the calling thread; returns when all are done, and throws if one failed.
   */
  runAll(calls: readonly WorkerCall[], local: (call: WorkerCall) => void): void
  terminate(): void
}

export function controlBlock(): SharedArrayBuffer {
  const block = new SharedArrayBuffer(HEADER_BYTES + MAX_PARTS * SLOT * 8)
  new Int32Array(block, 0, 5)[SPIN_WORD] = WORKER_SPIN
  return block
}

const pack = (gen: number, n: number, next: number) => ((gen & 0x7fffff) << 8) | (n << 4) | next

/** Claim the next part of generation `gen`; -1 when the generation has moved on or has no part left. */
function claim(ctrl: Int32Array, gen: number): number {
  for (;;) {
    const c = Atomics.load(ctrl, CLAIM)
    if (c >>> 8 !== (gen & 0x7fffff)) return -1
    const n = (c >>> 4) & 15,
      next = c & 15
    if (next >= n) return -1
    if (Atomics.compareExchange(ctrl, CLAIM, c, c + 1) === c) return next
  }
}

/** Split calls run whole for at least this many calls after they stopped paying, doubling while they still do not. */
const BACKOFF_MIN = 64,
  BACKOFF_MAX = 4096

/**
 * The calling side of the protocol over a control block; `names` are the kernel exports by index.
 *
 * It also watches whether splitting pays. Each split call estimates the time it would have taken on the calling
 * thread alone (the caller's own compute time scaled to all parts: parts are near equal) beside its wall time;
 * both are summed with a decay, so the ratio is a time-weighted speedup in which long calls count for their length.
 * When it falls below 1 (the workers wake late or get preempted while holding a part: other processes busy the
 * cores; judged after 16 split calls), the next BACKOFF calls run whole on the calling thread, then splitting is
 * tried again, the backoff doubling each time it still does not pay. On an idle machine split convs run ~1.8x and
 * are never held back. Results do not depend on it.
 *
 * The same judgement sets how long the workers spin between calls (the control block's SPIN word): WORKER_SPIN while
 * the speedup is at least SPIN_MIN_SPEEDUP (or not yet judged), 0 below it (until it is above 1.3 again), so workers
 * that gain little sleep at once instead of taking a busy core from the caller. With spinning off, it is tried again
 * every SPIN_REPROBE split calls.
 */
export class Dispatcher implements WasmWorkers {
  private readonly ctrl: Int32Array
  private readonly slots: Float64Array
  private readonly index: Map<string, number>
  private seqMs = 0
  private wallMs = 0
  private observed = 0
  private skip = 0
  private backoff = BACKOFF_MIN
  private quietCalls = 0
  /** split calls held back so far (for benches and tests) */
  heldBack = 0
  /** split calls made while the workers slept between calls (spin 0; for benches and tests) */
  quietSplits = 0
  /** split calls run whole because other processes held the cores (a probe said so; for benches and tests) */
  loadHeld = 0
  private loaded = false
  private nextProbe = performance.now() + LOAD_PROBE_MS

  constructor(
    block: SharedArrayBuffer,
    names: readonly string[],
    readonly size: number,
    private readonly onTerminate: () => void = () => {},
    private readonly probe: LoadProbe | null = null,
  ) {
    this.ctrl = new Int32Array(block, 0, 5)
    this.slots = new Float64Array(block, HEADER_BYTES, MAX_PARTS * SLOT)
    this.index = new Map(names.map((n, i) => [n, i]))
  }

  /** Whether a load probe watches the machine (false: browsers, or turned off). */
  get hasProbe(): boolean {
    return this.probe !== null
  }

  /** Whether other processes hold the cores the workers would need (the last probe's answer). */
  get isLoaded(): boolean {
    return this.loaded
  }

  /** Ask the probe (at most every LOAD_PROBE_MS): loaded -> workers sleep; no longer loaded -> judge afresh, spinning. */
  private checkLoad(): void {
    const now = performance.now()
    // more threads than cores is the caller's explicit choice: no probe overrides it
    if (!this.probe || now < this.nextProbe || this.size + 1 > this.probe.cores) return
    this.nextProbe = now + LOAD_PROBE_MS
    const others = this.probe.others()
    if (others === null) return
    const loaded = others > this.probe.cores - (this.size + 1) + LOAD_MARGIN
    if (loaded === this.loaded) return
    this.loaded = loaded
    this.setSpin(!loaded)
    this.seqMs = this.wallMs = this.observed = this.quietCalls = 0
  }

  worthSplitting(): boolean {
    this.checkLoad()
    if (this.loaded) {
      this.loadHeld++
      return false
    }
    if (this.skip === 0) return true
    this.skip--
    this.heldBack++
    return false
  }

  /** The workers' spin budget between calls (polls of GEN before they sleep). */
  get workerSpin(): number {
    return Atomics.load(this.ctrl, SPIN_WORD)
  }

  private setSpin(on: boolean): void {
    Atomics.store(this.ctrl, SPIN_WORD, on ? WORKER_SPIN : 0)
  }

  /**
   * Fold one split call into the time-weighted speedup; back off when splitting does not pay. ownMs: the caller's
   * compute time on its ownParts of the n parts; totalMs: the call's wall time. runAll calls it (public for tests).
   */
  observe(ownMs: number, ownParts: number, n: number, totalMs: number): void {
    if (ownParts === 0 || totalMs <= 0) return
    if (this.workerSpin === 0) {
      this.quietSplits++
      if (++this.quietCalls >= SPIN_REPROBE) {
        // judge afresh with spinning on: the machine may have become idle
        this.setSpin(true)
        this.quietCalls = 0
        this.seqMs = this.wallMs = this.observed = 0
        return
      }
    }
    this.seqMs = 0.95 * this.seqMs + (ownMs * n) / ownParts
    this.wallMs = 0.95 * this.wallMs + totalMs
    if (++this.observed < 16) return // too little evidence yet (the sums weigh the last ~20 calls)
    const speedup = this.seqMs / this.wallMs
    if (speedup < 1) {
      this.skip = this.backoff
      this.backoff = Math.min(2 * this.backoff, BACKOFF_MAX)
      this.seqMs = this.wallMs = this.observed = 0 // the probe after the backoff starts afresh, spinning
      this.quietCalls = 0
      this.setSpin(true)
      return
    }
    if (speedup > 1.3) this.backoff = BACKOFF_MIN
    // hysteresis: off below SPIN_MIN_SPEEDUP, on again once calls pay 1.3x even with sleeping workers
    const spinning = this.workerSpin > 0
    if (spinning ? speedup < SPIN_MIN_SPEEDUP : speedup > 1.3) {
      this.quietCalls = 0
      this.setSpin(!spinning)
    }
  }

  runAll(calls: readonly WorkerCall[], local: (call: WorkerCall) => void): void {
    const t0 = performance.now()
    const n = calls.length
    if (n > MAX_PARTS) throw new Error(`wasm threads: ${n} parts in one call (at most ${MAX_PARTS})`)
    calls.forEach((call, p) => {
      if (call.args.length > SLOT - 2) throw new Error(`wasm threads: ${call.fn} has ${call.args.length} arguments (at most ${SLOT - 2})`)
      const s = p * SLOT
      this.slots[s] = this.fnIndex(call.fn)
      this.slots[s + 1] = call.args.length
      this.slots.set(call.args, s + 2)
    })
    const gen = (Atomics.load(this.ctrl, GEN) + 1) & 0x7fffff
    Atomics.store(this.ctrl, DONE, 0)
    Atomics.store(this.ctrl, CLAIM, pack(gen, n, 0))
    Atomics.store(this.ctrl, GEN, gen)
    Atomics.notify(this.ctrl, GEN)
    let failure: unknown = null,
      ownParts = 0,
      ownMs = 0
    for (let p; (p = claim(this.ctrl, gen)) >= 0; ) {
      const t = performance.now()
      try {
        local(calls[p])
      } catch (e) {
        failure ??= e
      }
      ownMs += performance.now() - t
      ownParts++
      Atomics.add(this.ctrl, DONE, 1)
    }
    this.waitDone(n, calls)
    this.observe(ownMs, ownParts, n, performance.now() - t0)
    if (Atomics.exchange(this.ctrl, FAILED, 0) !== 0) {
      throw new Error(`wasm threads: a worker failed in ${[...new Set(calls.map((c) => c.fn))].join(', ')}`)
    }
    if (failure) throw failure
  }

  private waitDone(n: number, calls: readonly WorkerCall[]): void {
    let quiet = 0
    for (let s = 0; s < SPIN; s++) if (Atomics.load(this.ctrl, DONE) >= n) return
    for (let d; (d = Atomics.load(this.ctrl, DONE)) < n; ) {
      if (Atomics.wait(this.ctrl, DONE, d, 1000) === 'timed-out' && ++quiet >= 60) {
        throw new Error(`wasm threads: ${n - d} part(s) of ${calls.map((c) => c.fn).join(', ')} did not finish within 60 s`)
      }
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

/** A worker's loop (never returns): claim and run parts with this thread's instance, generation after generation.
 * The pool waits for each worker to say it is ready before the first call, so startup is not paid inside a kernel. */
export function serveCalls(instance: WebAssembly.Instance, block: SharedArrayBuffer, names: readonly string[]): never {
  const ctrl = new Int32Array(block, 0, 5),
    slots = new Float64Array(block, HEADER_BYTES, MAX_PARTS * SLOT)
  const ex = instance.exports as Record<string, (...a: number[]) => void>
  const fns = names.map((n) => ex[n])
  let seen = Atomics.load(ctrl, GEN)
  for (;;) {
    let gen = Atomics.load(ctrl, GEN)
    const spin = Atomics.load(ctrl, SPIN_WORD)
    for (let s = 0; s < spin && gen === seen; s++) gen = Atomics.load(ctrl, GEN)
    if (gen === seen) {
      Atomics.wait(ctrl, GEN, seen)
      continue
    }
    seen = gen
    for (let p; (p = claim(ctrl, gen)) >= 0; ) {
      const s = p * SLOT
      try {
        fns[slots[s]](...Array.from(slots.subarray(s + 2, s + 2 + slots[s + 1])))
      } catch {
        Atomics.store(ctrl, FAILED, 1)
      }
      Atomics.add(ctrl, DONE, 1)
      Atomics.notify(ctrl, DONE) // cheap when the caller is still spinning (no sleeper to wake)
    }
  }
}
