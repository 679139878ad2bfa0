// Quiet waits for Dawn in Node. While any async operation is pending (onSubmittedWorkDone, mapAsync,
// popErrorScope), dawn.node re-queues its device tick with setImmediate, back to back (binding/AsyncRunner.cpp,
// "we probably want to reduce the frequency", crbug.com/dawn/1127): the JS thread spins on a core for the whole
// wait. On a software adapter that core is one of the cores doing the "GPU" work. Measured on this 2-core machine
// (SwiftShader, one matmul then a wait, means): the JS thread used 65-90% of a core while waiting, and stopping the
// spin took matmul 1024^3 from 6.5 to 9.6 GFLOP/s, 2048x32x256 from 4.6 to 7.0, 256^3 from 5.3 to 9.0.
//
// quietly(p) marks one of our waits. During it, the first SPIN_MS spin as before (short waits keep their latency),
// then every setImmediate callback first sleeps (Atomics.wait: the thread is off the CPU) for a twentieth of the time
// waited so far, at most MAX_SLEEP_MS, so a wait overshoots by at most ~5% (or 1 ms). setImmediate is wrapped once,
// only in Node with Dawn (installQuietPolling), and only delays callbacks while one of our waits is in progress; the
// wrapper returns Node's own Immediate, so clearImmediate is untouched. Browsers poll on their own and skip all this.
const SPIN_MS = 0.2
const MAX_SLEEP_MS = 1

let installed = false
let waiting = 0
let since = 0
let cell: Int32Array // Atomics.wait's target (never notified); made on install: browsers may lack SharedArrayBuffer

/** Wrap globalThis.setImmediate (Node only; idempotent). */
export function installQuietPolling(): void {
  const g = globalThis as any
  if (installed || typeof g.setImmediate !== 'function' || typeof g.SharedArrayBuffer !== 'function') return
  installed = true
  cell = new Int32Array(new SharedArrayBuffer(4))
  const real = g.setImmediate as (fn: (...a: unknown[]) => void, ...args: unknown[]) => unknown
  const quiet = (fn: (...a: unknown[]) => void, ...args: unknown[]) => {
    if (waiting === 0) return real(fn, ...args)
    return real(
      (...a: unknown[]) => {
        const waited = performance.now() - since
        if (waiting > 0 && waited > SPIN_MS) Atomics.wait(cell, 0, 0, Math.min(MAX_SLEEP_MS, waited / 20))
        fn(...a)
      },
      ...args,
    )
  }
  Object.defineProperties(quiet, Object.getOwnPropertyDescriptors(real)) // util.promisify.custom and friends
  g.setImmediate = quiet
}

/** p, with Dawn's tick loop throttled while it is pending (when installed; otherwise just p). */
export async function quietly<T>(p: Promise<T>): Promise<T> {
  if (!installed) return p
  if (waiting++ === 0) since = performance.now()
  try {
    return await p
  } finally {
    waiting--
  }
}
