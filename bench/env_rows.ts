// Environment-throughput rows shared by env.bench.ts and minigrid.bench.ts: each row a function doing
// `stepsPerCall` env steps (`callsPerFn` step() calls: 1000 single-env steps, or one lockstep step of N envs), timed
// by benchmark.js, printed as `name | shape | ms/step() | env steps/s | per cpu-s` and recorded as
// {kernel, shape, backend: 'cpu', library: 'rl-rnd', threads: 1, ms, steps_per_s, cpu_steps_per_s}.
import Benchmark from 'benchmark'

export interface EnvRow {
  name: string
  shape: string
  /** env steps per fn() call */
  stepsPerCall: number
  /** step() calls per fn() call (ms is reported per step() call) */
  callsPerFn: number
  fn: () => void
}

export async function runEnvRows(rows: EnvRow[], o: { kernel: string; json?: Record<string, unknown>[]; maxTime?: number; width?: number }): Promise<void> {
  const suite = new Benchmark.Suite()
  for (const r of rows) suite.add(r.name, r.fn, o.maxTime ? { maxTime: o.maxTime, minSamples: 5 } : {})
  await new Promise<void>((resolve) => suite.on('complete', () => resolve()).run({ async: false }))
  // The machine may be shared: beside benchmark.js's wall-clock rate, report the rate per CPU-second of this process
  // (best of 5 runs of ~100k steps), which other processes' load does not dilute.
  const cpuRate = (r: EnvRow) => {
    let best = Infinity
    const calls = Math.max(1, Math.round(100_000 / r.stepsPerCall))
    for (let rep = 0; rep < 5; rep++) {
      const c0 = process.cpuUsage()
      for (let c = 0; c < calls; c++) r.fn()
      const c = process.cpuUsage(c0)
      best = Math.min(best, (c.user + c.system) / 1e6)
    }
    return (calls * r.stepsPerCall) / best
  }
  const w = o.width ?? 38
  const line = (a: string, b: string, c: string, d: string, e: string) =>
    console.log(`${a.padEnd(w)} | ${b.padEnd(10)} | ${c.padStart(10)} | ${d.padStart(12)} | ${e.padStart(12)}`)
  line('name', 'shape', 'ms/step()', 'env steps/s', 'per cpu-s')
  const fmt = (v: number) => Math.round(v).toLocaleString('en-US')
  suite.forEach((b: Benchmark, i: number) => {
    const row = rows[i]
    const stepsPerS = row.stepsPerCall / b.stats.mean
    const ms = (b.stats.mean * 1000) / row.callsPerFn
    const cpu = cpuRate(row)
    line(row.name, row.shape, ms.toFixed(4), fmt(stepsPerS), fmt(cpu))
    const rec = { kernel: o.kernel, shape: `${row.name} ${row.shape}`, backend: 'cpu', library: 'rl-rnd', threads: 1 }
    o.json?.push({ ...rec, ms, steps_per_s: stepsPerS, cpu_steps_per_s: cpu })
  })
}
