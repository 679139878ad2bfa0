// Open a compute backend by name in Node: reads the wasm kernels from build/ (the engine itself does no I/O) and
// loads the WebGPU backend on demand. 'auto' picks WebGPU only on a hardware adapter, else wasm: a software
// adapter (SwiftShader, llvmpipe) is a CPU and loses to the SIMD kernels.
import { readFile } from 'node:fs/promises'
import { setFlagsFromString } from 'node:v8'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Backend } from '../engine/backend/backend.ts'
import { RefBackend } from '../engine/backend/ref.ts'
import { createWasmBackend, relaxedSimdValidates, type WasmOptions } from '../engine/backend/wasm.ts'
import { createThreadedWasmBackend, defaultThreads } from './wasm_workers.ts'

export type BackendChoice = 'auto' | 'wasm' | 'ref' | 'webgpu'
/** Which wasm kernels build: relaxed SIMD's fused multiply-adds where this Node has them (auto), or either one. */
export type WasmSimd = 'auto' | 'relaxed' | 'simd128'
export interface OpenOptions extends WasmOptions {
  /** load build/kernels.debug.wasm (asserts on) instead of the release build */
  debug?: boolean
  /** wasm kernel threads (default 1; 0 = one per core, at most 8): more than 1 uses build/kernels.threads*.wasm */
  threads?: number
  /** default 'simd128' (docs/kernels.md: relaxed SIMD measured no consistent gain in the whole loop) */
  simd?: WasmSimd
  /** kernel threads: hold splits back while other processes hold the cores (default true; cli/cpu_load.ts) */
  loadProbe?: boolean
  log?: (msg: string) => void
}

const ROOT = new URL('../', import.meta.url)
const WEBGPU_MODULE = new URL('engine/backend/webgpu.ts', ROOT)

export type KernelsBuild = 'release' | 'debug' | 'relaxed' | 'threads' | 'threads-relaxed'

/** The compiled kernels: build/kernels.<build>.wasm under the repo root (asconfig.json's targets). */
export async function readKernelsWasm(build: KernelsBuild = 'release'): Promise<Uint8Array<ArrayBuffer>> {
  const path = fileURLToPath(new URL(`build/kernels.${build}.wasm`, ROOT))
  if (!existsSync(path)) throw new Error(`wasm kernels (${build} build) not found at ${path}: run \`npm run build:wasm\` first`)
  return new Uint8Array(await readFile(path))
}

/**
 * Whether this Node runs relaxed SIMD: newer V8s by default; Node 20's behind V8's --experimental-wasm-relaxed-simd,
 * which is switched on here (before any kernels module compiles; it affects nothing else).
 */
export function hasRelaxedSimd(): boolean {
  if (relaxedSimdValidates()) return true
  setFlagsFromString('--experimental-wasm-relaxed-simd')
  return relaxedSimdValidates()
}

/** relaxed SIMD or not, by opts.simd; 'relaxed' on a Node without it is an error that says so. */
function useRelaxed(opts: OpenOptions): boolean {
  const want = opts.simd ?? 'simd128'
  if (want === 'simd128' || opts.debug) return false
  const has = hasRelaxedSimd()
  if (want === 'relaxed' && !has) {
    throw new Error(`--wasm_simd relaxed: this Node (${process.version}) cannot run relaxed SIMD; use --wasm_simd auto or simd128`)
  }
  return has
}

/** The wasm backend: one thread from the release (or debug) build, or kernel threads from the threads build. */
async function openWasm(opts: OpenOptions): Promise<Backend> {
  const threads = opts.threads === 0 ? defaultThreads() : (opts.threads ?? 1)
  const relaxed = useRelaxed(opts)
  const single: KernelsBuild = opts.debug ? 'debug' : relaxed ? 'relaxed' : 'release'
  if (threads <= 1 || opts.debug) return createWasmBackend(await readKernelsWasm(single), opts)
  const bytes = await readKernelsWasm(relaxed ? 'threads-relaxed' : 'threads')
  try {
    return await createThreadedWasmBackend(bytes, threads, opts, opts.loadProbe === false ? null : undefined) // undefined: its default probe
  } catch (e) {
    ;(opts.log ?? ((m: string) => console.error(m)))(`wasm: ${threads} kernel threads unavailable (${(e as Error).message}); using 1`)
    return createWasmBackend(await readKernelsWasm(single), opts)
  }
}

async function loadWebGPU(): Promise<any> {
  if (!existsSync(fileURLToPath(WEBGPU_MODULE))) return null
  return import(WEBGPU_MODULE.href)
}

export async function openBackend(name: BackendChoice, opts: OpenOptions = {}): Promise<Backend> {
  const log = opts.log ?? ((m: string) => console.error(m))
  if (name === 'ref') return new RefBackend()
  if (name === 'wasm') return openWasm(opts)
  if (name === 'webgpu') {
    const mod = await loadWebGPU()
    if (!mod?.createWebGPUBackend) throw new Error('webgpu backend: engine/backend/webgpu.ts is not available yet')
    return mod.createWebGPUBackend({ log })
  }
  if (name === 'auto') {
    const mod = await loadWebGPU().catch(() => null)
    try {
      // ask for the adapter first, so a software adapter costs no device
      const found = mod?.findAdapter ? await mod.findAdapter(() => {}) : undefined
      const isSoftware = found === null || found?.isSoftware || (found?.info && mod?.isSoftwareAdapter?.(found.info))
      if (mod?.createWebGPUBackend && found !== undefined && !isSoftware) return await mod.createWebGPUBackend({ log })
    } catch (e) {
      log(`auto: webgpu unavailable (${(e as Error).message}); using wasm`)
    }
    return openWasm(opts)
  }
  throw new Error(`unknown backend '${name}' (expected auto, wasm, ref or webgpu)`)
}
