// The other processes' CPU use, for the wasm kernel threads' dispatcher (engine/backend/wasm_threads.ts LoadProbe):
// the machine's busy time from os.cpus() (/proc/stat on Linux) less this process's own (process.cpuUsage(), every
// thread of it), per wall-clock interval, in cores.
import { cpus } from 'node:os'
import type { LoadProbe } from '../engine/backend/wasm_threads.ts'

export interface CpuSample {
  /** wall clock, ms */
  t: number
  /** every core's busy time (user, nice, sys, irq), ms */
  busyMs: number
  /** this process's CPU time, ms */
  ownMs: number
}

/** The intervals shorter than this say nothing (the kernel counts CPU time in 10 ms ticks). */
export const MIN_INTERVAL_MS = 100

export function cpuSample(): CpuSample {
  let busy = 0
  for (const c of cpus()) busy += c.times.user + c.times.nice + c.times.sys + c.times.irq
  const u = process.cpuUsage()
  return { t: performance.now(), busyMs: busy, ownMs: (u.user + u.system) / 1000 }
}

/** Cores the other processes used between two samples (never below 0); null for too short an interval. */
export function othersBetween(a: CpuSample, b: CpuSample): number | null {
  const dt = b.t - a.t
  if (dt < MIN_INTERVAL_MS) return null
  return Math.max(0, b.busyMs - a.busyMs - (b.ownMs - a.ownMs)) / dt
}

/** A probe over this machine: each others() covers the time since the previous one (or since it was made). */
export function machineLoad(sample: () => CpuSample = cpuSample): LoadProbe {
  let prev = sample()
  return {
    cores: cpus().length,
    others() {
      const s = sample()
      const r = othersBetween(prev, s)
      if (r !== null) prev = s
      return r
    },
  }
}
