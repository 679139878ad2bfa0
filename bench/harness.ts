// Shared bench plumbing (llm.c main() style): time a variant with benchmark.js, record it, and print
// `name | shape | ms | GFLOP/s` rows with the tfjs-wasm peer beside ours and the ratio.
import Benchmark from 'benchmark'
import type { WasmBackend } from '../engine/backend/wasm.ts'
import type { Buffer } from '../engine/backend/backend.ts'
import { openBackend, type WasmSimd } from '../cli/node_backend.ts'

export interface Rec {
  kernel: string
  shape: string
  backend: string
  library: string
  threads: number
  ms: number
  gflops: number
}

/** Mean ms per call of fn under benchmark.js (min 5 samples, ~1 s per variant). */
export function timeIt(name: string, fn: () => void): number {
  const b = new Benchmark(name, fn, { minSamples: 5, maxTime: 1, initCount: 1 })
  b.run()
  if (b.error) throw b.error
  return b.stats.mean * 1000
}

export function record(json: any[], r: Omit<Rec, 'gflops'>, flops: number): Rec {
  const rec = { ...r, gflops: flops / (r.ms * 1e6) }
  json.push(rec)
  return rec
}

export function row(name: string, shape: string, r: Rec | null, peer?: Rec | null): void {
  const f = (x: number) => x.toFixed(x < 10 ? 3 : 2).padStart(9)
  const ours = r ? `${f(r.ms)} ms | ${r.gflops.toFixed(1).padStart(5)} GFLOP/s` : '      n/a'
  const p = peer ? ` || tfjs-wasm ${f(peer.ms)} ms | ${peer.gflops.toFixed(1).padStart(5)} GFLOP/s | ours faster x${(peer.ms / r!.ms).toFixed(2)}` : ''
  console.log(`${name.padEnd(34)} | ${shape.padEnd(22)} | ${ours}${p}`)
}

/** Upload host arrays into fresh wasm buffers. */
export function upload(be: WasmBackend, ...xs: Float32Array[]): Buffer[] {
  return xs.map((x) => {
    const b = be.alloc(x.length)
    be.write(b, x)
    return b
  })
}

/** Throws unless |got - want| <= atol + rtol |want| on want's length (validation before timing). */
export function check(got: Float32Array, want: Float32Array, { atol, rtol }: { atol: number; rtol: number }, what: string): void {
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= atol + rtol * Math.abs(want[i]))) {
      throw new Error(`bench validation ${what}: [${i}] ${got[i]} vs ${want[i]} (atol ${atol}, rtol ${rtol})`)
    }
  }
}

/** Seeded normal samples (mulberry32 + Box-Muller), the same generator as test/helpers.ts. */
export function randn(n: number, seed = 1, scale = 1): Float32Array {
  let s = seed >>> 0
  const r = () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const out = new Float32Array(n)
  for (let i = 0; i < n; i++) out[i] = scale * Math.sqrt(-2 * Math.log(Math.max(r(), 1e-12))) * Math.cos(2 * Math.PI * r())
  return out
}

/**
 * The wasm kernel builds a bench times, from RL_BENCH_SIMD: simd128 (the default, what `train` uses unless told),
 * relaxed, auto (relaxed where this Node runs it), or both (simd128 then relaxed, each its own row).
 */
export function benchBuilds(): WasmSimd[] {
  const env = process.env.RL_BENCH_SIMD ?? 'simd128'
  if (!['auto', 'both', 'simd128', 'relaxed'].includes(env)) throw new Error(`RL_BENCH_SIMD must be auto, both, simd128 or relaxed (got '${env}')`)
  return env === 'both' ? ['simd128', 'relaxed'] : [env as WasmSimd]
}

/** One single-thread wasm backend per build of benchBuilds(). */
export async function openBuilds(): Promise<WasmBackend[]> {
  return Promise.all(benchBuilds().map(async (simd) => (await openBackend('wasm', { simd })) as WasmBackend))
}

/** 'simd128' or 'relaxed': which kernels build a wasm backend runs. */
export function buildLabel(be: WasmBackend): string {
  return be.relaxed ? 'relaxed' : 'simd128'
}
