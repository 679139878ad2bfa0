// Test helpers: tolerance comparison with a readable report, a seeded normal generator, and the list of backends
// to test (ref and wasm always; webgpu when an adapter exists, loudly SKIPPED otherwise, and a failure under CI).
export interface Tol {
  atol?: number
  rtol?: number
}

/** Throws with the max abs diff and the first mismatches when |a - b| > atol + rtol |b| anywhere. */
export function close(a: ArrayLike<number>, b: ArrayLike<number>, { atol = 1e-5, rtol = 1e-4 }: Tol = {}, what = ''): void {
  if (a.length !== b.length) throw new Error(`${what}: length ${a.length} != ${b.length}`)
  let maxDiff = 0,
    bad = 0
  const first: string[] = []
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i])
    if (!(d <= atol + rtol * Math.abs(b[i]))) {
      bad++
      if (first.length < 5) first.push(`[${i}] ${a[i]} vs ${b[i]}`)
    }
    if (d > maxDiff || Number.isNaN(d)) maxDiff = Number.isNaN(d) ? NaN : d
  }
  if (bad) throw new Error(`${what}: ${bad}/${a.length} mismatches (atol ${atol}, rtol ${rtol}), max abs diff ${maxDiff}; ${first.join(', ')}`)
}

/** Throws unless a and b are equal elementwise, NaN equal to NaN; -0 equal to +0 unless zeroSigns (then bitwise but NaN payloads). */
export function same(a: ArrayLike<number>, b: ArrayLike<number>, zeroSigns: boolean, what = ''): void {
  if (a.length !== b.length) throw new Error(`${what}: length ${a.length} != ${b.length}`)
  const bad: number[] = []
  for (let i = 0; i < a.length; i++) if (!(Object.is(a[i], b[i]) || (!zeroSigns && a[i] === b[i]))) bad.push(i)
  if (bad.length) throw new Error(`${what}: ${bad.length}/${a.length} differ; ${bad.slice(0, 5).map((i) => `[${i}] ${a[i]} vs ${b[i]}`)}`)
}

/** Deterministic PRNG (mulberry32) and normal samples via Box-Muller. */
export function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function randn(n: number, seed = 1, scale = 1): Float32Array {
  const r = rng(seed),
    out = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    const u = Math.max(r(), 1e-12),
      v = r()
    out[i] = scale * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
  }
  return out
}

export function uniform(n: number, seed: number, lo: number, hi: number): Float32Array {
  const r = rng(seed),
    out = new Float32Array(n)
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * r()
  return out
}

/** Central differences (loss(v + eps) - loss(v - eps)) / 2 eps in each element v of raw, a buffer the loss reads. */
export function centralDifferences(raw: Float64Array | Float32Array, lossOf: () => number, eps: number): Float64Array {
  const numeric = new Float64Array(raw.length)
  for (let j = 0; j < raw.length; j++) {
    const orig = raw[j]
    raw[j] = orig + eps
    const lp = lossOf()
    raw[j] = orig - eps
    const lm = lossOf()
    raw[j] = orig
    numeric[j] = (lp - lm) / (2 * eps)
  }
  return numeric
}

// ---- the backends under test: ref (the oracle) and wasm always; webgpu when an adapter exists, else a loud
// SKIPPED line (a failure when CI=true). BACKENDS=wasm,webgpu (comma list) narrows the non-ref ones.
import type { Backend } from '../engine/backend/backend.ts'
import { RefBackend } from '../engine/backend/ref.ts'

export interface NamedBackend {
  name: string
  backend: Backend
}
let opened: Promise<NamedBackend[]> | undefined

export function backends(): Promise<NamedBackend[]> {
  return (opened ??= (async () => {
    const { openBackend } = await import('../cli/node_backend.ts')
    const want = (process.env.BACKENDS ?? 'wasm,webgpu').split(',')
    const list: NamedBackend[] = [{ name: 'ref', backend: new RefBackend(32) }]
    if (want.includes('wasm')) list.push({ name: 'wasm', backend: await openBackend('wasm') })
    if (want.includes('webgpu')) {
      try {
        list.push({ name: 'webgpu', backend: await openBackend('webgpu', { log: () => {} }) })
      } catch (e) {
        const msg = `SKIPPED webgpu: ${(e as Error).message}`
        if (process.env.CI === 'true') throw new Error(`${msg} (CI=true requires a WebGPU adapter)`)
        console.log(`\n!!!!!!!! ${msg}\n`)
      }
    }
    return list
  })())
}

/** The backend called `name` ('ref', 'wasm', 'webgpu'), or null when it is unavailable (backends() said so). */
export async function backendByName(name: string): Promise<Backend | null> {
  return (await backends()).find((b) => b.name === name)?.backend ?? null
}
