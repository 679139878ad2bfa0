// The WebGPU backend for tests, or a loud SKIPPED when this machine has no adapter (a failure when CI=true:
// CI installs SwiftShader, so a missing adapter there is a broken setup, not a reason to pass).
import { createWebGPUBackend, type WebGPUBackend, type WebGPUOptions } from '../../engine/backend/webgpu.ts'

export async function webgpuOrSkip(what: string, opts: WebGPUOptions = {}): Promise<WebGPUBackend | null> {
  try {
    return await createWebGPUBackend(opts)
  } catch (e) {
    skipReason = `SKIPPED webgpu ${what}: ${(e as Error).message}`
    console.log(`\n!!!!!!!! ${skipReason}`)
    return null
  }
}

let skipReason = ''

/**
 * Guard for each test body when the backend is missing: passes (after the loud SKIPPED line above) outside CI,
 * FAILS under CI=true. This must run inside a test, not a hook: uvu does not count an error thrown by a
 * before-hook as a failure.
 */
export function requireGpu<T>(gpu: T | null): gpu is T {
  if (gpu) return true
  if (process.env.CI === 'true') throw new Error(`${skipReason || 'no WebGPU backend'} (CI=true requires a WebGPU adapter)`)
  return false
}
