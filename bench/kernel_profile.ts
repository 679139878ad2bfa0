// Where a piece of work spends its time, by kernel: wraps a wasm backend's run() with a timer per kernel name
// (and per thread-split kind), so a bench can print the time inside kernels beside the time outside them (the
// engine's own overhead: tape, allocation, dispatch, and the JavaScript around it). Used by `--profile` in
// train_step.bench.ts and rl_loop.bench.ts.
import type { WasmBackend } from '../engine/backend/wasm.ts'

export interface KernelRow {
  name: string
  ms: number
  calls: number
  /** floating-point operations of the matmuls and convs (2 per multiply-add), 0 for other kernels */
  flops: number
}

/** 2 x the multiply-adds of a matmul or conv call, 0 for other kernels. */
export function kernelFlops(name: string, d: Record<string, number>): number {
  if (name.startsWith('conv2d')) return 2 * d.N * d.K * d.P * d.Q * d.C * d.R * d.S
  if (name.startsWith('matmul')) return 2 * d.M * d.K * d.N
  if (name === 'batch_matmul') return 2 * d.G * d.M * d.K * d.N
  return 0
}

/** Start counting the matmul and conv FLOPs of every backend.run (no timing); stop() restores run() and returns them. */
export function countFlops(be: WasmBackend): { stop(): number } {
  const orig = be.run
  let flops = 0
  be.run = (name, outs, ins, d, v?: string) => {
    flops += kernelFlops(name, d)
    orig.call(be, name, outs, ins, d, v)
  }
  return {
    stop() {
      be.run = orig
      return flops
    },
  }
}

/** Start timing every backend.run by kernel name; stop() restores run() and returns the rows, slowest first. */
export function timeKernels(be: WasmBackend): { stop(): KernelRow[] } {
  const orig = be.run
  const acc = new Map<string, KernelRow>()
  be.run = (name, outs, ins, d, v?: string) => {
    const t = performance.now()
    orig.call(be, name, outs, ins, d, v)
    const key = name + (v ?? '')
    const e = acc.get(key) ?? { name: key, ms: 0, calls: 0, flops: 0 }
    e.ms += performance.now() - t
    e.calls++
    e.flops += kernelFlops(name, d)
    acc.set(key, e)
  }
  return {
    stop() {
      be.run = orig
      return [...acc.values()].sort((a, b) => b.ms - a.ms)
    },
  }
}

/** Print rows (already divided per step or per iteration) as a share of `total` ms; rows under 0.5% are summed. */
export function printKernelRows(title: string, rows: KernelRow[], total: number, unit = 'step'): void {
  const inKernels = rows.reduce((s, r) => s + r.ms, 0)
  console.log(
    `\n${title}: ${total.toFixed(1)} ms/${unit}, ${inKernels.toFixed(1)} ms in kernels, ${(total - inKernels).toFixed(1)} ms outside (tape, allocation, JS)`,
  )
  let rest = 0,
    restCalls = 0
  for (const r of rows) {
    if (r.ms < total * 0.005) {
      rest += r.ms
      restCalls += r.calls
      continue
    }
    const rate = r.flops ? `  ${(r.flops / r.ms / 1e6).toFixed(1)} GFLOP/s` : ''
    console.log(
      `  ${r.name.padEnd(28)} ${r.ms.toFixed(2).padStart(9)} ms ${((100 * r.ms) / total).toFixed(1).padStart(5)}%  ${r.calls.toFixed(0)} calls${rate}`,
    )
  }
  if (rest > 0)
    console.log(
      `  ${'(the rest)'.padEnd(28)} ${rest.toFixed(2).padStart(9)} ms ${((100 * rest) / total).toFixed(1).padStart(5)}%  ${restCalls.toFixed(0)} calls`,
    )
}
