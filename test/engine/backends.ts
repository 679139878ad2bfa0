// The backends the engine tests run on: test/helpers.ts backends() (ref, wasm, and webgpu when an adapter exists;
// SwiftShader when no GPU does). A missing backend is reported LOUDLY on stderr, never skipped silently.
import type { Backend } from '../../engine/index.ts'
import { backendByName } from '../helpers.ts'

/** Backend names the suites register tests for; a test whose backend is missing says so instead of passing quietly. */
export const BACKEND_NAMES = ['ref', 'wasm', 'webgpu'] as const

/** The backend called `name`, or null after a loud SKIPPED line. */
export async function backendNamed(name: string): Promise<Backend | null> {
  const found = await backendByName(name)
  if (!found) console.error(`\n  !!! SKIPPED ${name}: backend not available\n`)
  return found
}
