// The WebGPU backend for tests, or a loud SKIPPED when this machine has no adapter (a failure when CI=true:
// CI installs SwiftShader, so a missing adapter there is a broken setup, not a reason to pass).
import { createWebGPUBackend, type WebGPUBackend, type WebGPUOptions } from '../../engine/backend/webgpu.ts'

export async function webgpuOrSkip(what: string, opts: WebGPUOptions = {}): Promise<WebGPUBackend | null> {
  try {
    return await createWebGPUBackend(opts)
  } catch (e) {
    const msg = `SKIPPED webgpu ${what}: ${(e as Error).message}`
    if (process.env.CI === 'true') throw new Error(`${msg} (CI=true requires a WebGPU adapter)`)
    console.log(`\n!!!!!!!! ${msg}`)
    return null
  }
}
