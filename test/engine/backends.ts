// The backends the engine tests run on: test/helpers.ts backends() when it exists (ref, wasm, webgpu when an adapter
// exists); until then ref, plus wasm through cli/node_backend.ts openBackend('wasm') when that file exists. Anything
// missing is reported LOUDLY on stderr, never skipped silently. webgpu through createWebGPUBackend (SwiftShader
// when no GPU adapter exists).
import { existsSync } from 'node:fs'
import { RefBackend, type Backend } from '../../engine/index.ts'

export interface NamedBackend { name: string; backend: Backend }

export async function engineBackends(): Promise<NamedBackend[]> {
  const helpers: Record<string, unknown> = await import('../helpers.ts')
  if (typeof helpers.backends === 'function') return (await (helpers.backends as () => Promise<NamedBackend[]>)())
  const list: NamedBackend[] = [{ name: 'ref', backend: new RefBackend(32) }]
  const nodeBackend = new URL('../../cli/node_backend.ts', import.meta.url)
  if (existsSync(new URL('../../engine/backend/wasm.ts', import.meta.url)) && existsSync(nodeBackend)) {
    try {
      const { openBackend } = await import(nodeBackend.href)
      list.push({ name: 'wasm', backend: await openBackend('wasm') })
    } catch (e) {
      console.error(`\n  !!! SKIPPED wasm: openBackend('wasm') failed: ${(e as Error).message}\n`)
    }
  } else {
    console.error('\n  !!! SKIPPED wasm: engine/backend/wasm.ts or cli/node_backend.ts not in the tree yet\n')
  }
  try {
    const { createWebGPUBackend } = await import('../../engine/backend/webgpu.ts')
    list.push({ name: 'webgpu', backend: await createWebGPUBackend({ log: () => {} }) })
  } catch (e) {
    console.error(`\n  !!! SKIPPED webgpu: ${(e as Error).message}\n`)
  }
  return list
}

/** Backend names the suites register tests for; a test whose backend is missing says so instead of passing quietly. */
export const BACKEND_NAMES = ['ref', 'wasm', 'webgpu'] as const

let cached: Promise<NamedBackend[]> | undefined
/** The backend called `name`, or null after a loud SKIPPED line (no top-level await: uvu -r tsx loads suites as CJS). */
export async function backendNamed(name: string): Promise<Backend | null> {
  const found = (await (cached ??= engineBackends())).find((b) => b.name === name)
  if (!found) console.error(`\n  !!! SKIPPED ${name}: backend not available\n`)
  return found?.backend ?? null
}
