// The machine's WebAssembly SIMD limit, measured in the same run as the figures it bounds: a loop of 12
// independent f32x4 multiply-add chains (no memory traffic), compiled here by AssemblyScript twice: SIMD128 (a
// mul then an add, as our kernels do) and relaxed SIMD (f32x4.relaxed_madd, a fused multiply-add where the CPU has
// one; Node 20 enables it with --experimental-wasm-relaxed-simd, which v8.setFlagsFromString sets at run time).
// Every kernel figure of a bench can be read as a share of this limit on one thread; with threads, n times it.
import asc from 'assemblyscript/asc'
import { setFlagsFromString } from 'node:v8'

const CHAINS = 12

function source(isRelaxed: boolean): string {
  const decl = Array.from({ length: CHAINS }, (_, i) => `let a${i} = f32x4.splat(${1 + i / 100})`).join('\n  ')
  const step = Array.from({ length: CHAINS }, (_, i) =>
    isRelaxed ? `a${i} = f32x4.relaxed_madd(a${i}, m, c)` : `a${i} = f32x4.add(f32x4.mul(a${i}, m), c)`,
  ).join('\n    ')
  const sum = Array.from({ length: CHAINS }, (_, i) => `a${i}`).reduce((x, y) => `f32x4.add(${x}, ${y})`)
  return `export function peak(n: i32): f32 {
  const m = f32x4.splat(0.999999), c = f32x4.splat(0.000001)
  ${decl}
  for (let i = 0; i < n; i++) {
    ${step}
  }
  return f32x4.extract_lane(${sum}, 0)
}`
}

/** Best of 5 runs, GFLOP/s on one thread (a multiply-add counts 2 flops per lane); null when the engine lacks it. */
export async function simdPeak(isRelaxed: boolean): Promise<number | null> {
  if (isRelaxed) setFlagsFromString('--experimental-wasm-relaxed-simd')
  const r = await asc.compileString(source(isRelaxed), { optimizeLevel: 3, runtime: 'stub', enable: isRelaxed ? ['simd', 'relaxed-simd'] : ['simd'] })
  if (r.error || !r.binary) throw new Error(`simd peak: ${r.error?.message ?? 'no binary'}: ${r.stderr.toString()}`)
  const bytes = r.binary as Uint8Array<ArrayBuffer>
  if (!WebAssembly.validate(bytes)) return null
  const { instance } = await WebAssembly.instantiate(bytes, { env: { abort() {} } })
  const peak = instance.exports.peak as (n: number) => number
  peak(1000)
  let best = 0
  for (let r = 0; r < 5; r++) {
    const n = 5e6,
      t = performance.now()
    peak(n)
    best = Math.max(best, (n * CHAINS * 8) / ((performance.now() - t) / 1000) / 1e9)
  }
  return best
}
