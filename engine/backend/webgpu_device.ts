// WebGPU device acquisition: the one file that touches the GPU API's entry point (navigator.gpu in a browser, Dawn
// through the npm `webgpu` package in Node, imported dynamically and only outside browsers). findAdapter picks an
// adapter once per process (retrying with SwiftShader in Node on Linux) and says whether it is a software one;
// acquireDevice turns it into a device with the limits and subgroup feature the kernels want, plus DeviceCaps.
import type { DeviceCaps } from '../../kernels/wgsl/index.ts'
import { probeQuads } from './webgpu_quads.ts'
import { installQuietPolling } from './webgpu_poll.ts'

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json'
/**
 * Dawn in Node runs only our own kernels (every body starts with a bounds guard and the parity suite checks them), so
 * Tint's robustness transform (an index clamp on every storage access) is turned off there: ~30% on SwiftShader's
 * matmul/conv (CPU-time normalised, 3.3 -> 4.3 GFLOP/s on matmul 256^3). Browsers keep robustness.
 */
const NODE_DAWN_FLAGS = ['enable-dawn-features=allow_unsafe_apis,disable_robustness']

export interface AdapterChoice {
  adapter: GPUAdapter
  info: GPUAdapterInfo
  isSoftware: boolean
}

/** SwiftShader, llvmpipe, WARP and friends: a CPU pretending to be a GPU (auto prefers wasm over these). */
export function isSoftwareAdapter(info: GPUAdapterInfo & { isFallbackAdapter?: boolean }): boolean {
  const s = `${info.vendor} ${info.architecture} ${info.device} ${info.description}`
  return !!info.isFallbackAdapter || /swiftshader|llvmpipe|lavapipe|softpipe|software|basic render/i.test(s)
}

export function describeAdapter(info: GPUAdapterInfo): string {
  const parts = [info.vendor, info.architecture, info.device].filter(Boolean).join(' ')
  return `${parts || 'unknown adapter'}${info.description ? ` (${info.description})` : ''}`
}

let nodeGPU: Promise<GPU> | undefined
let choice: Promise<AdapterChoice | null> | undefined
const adaptersUsed = new WeakSet<GPUAdapter>()

/** A new adapter from the same GPU instance findAdapter settled on (after its SwiftShader retry, if any). */
async function freshAdapter(): Promise<GPUAdapter | null> {
  const nav = (globalThis as any).navigator as Navigator | undefined
  const gpu = nav?.gpu ?? (nodeGPU ? await nodeGPU : undefined)
  if (!gpu) return null
  // SwiftShader answers only a request without a power preference (as in findAdapter's retry)
  return (await gpu.requestAdapter({ powerPreference: 'high-performance' })) ?? (await gpu.requestAdapter())
}

async function createNodeGPU(log: (m: string) => void): Promise<GPU> {
  // Dawn through the npm `webgpu` package; imported only here and only outside browsers
  const { create } = await import('webgpu')
  installQuietPolling() // Dawn's tick loop would otherwise spin a core through every wait
  return create(NODE_DAWN_FLAGS)
}

/**
 * Find an adapter (cached for the process). In Node on Linux with no adapter, retry with SwiftShader from the
 * Debian chromium package by pointing the Vulkan loader at its ICD (VK_ICD_FILENAMES is read when Dawn starts,
 * so a second Dawn instance is created). Returns null, with the reason logged, when there is none.
 */
export function findAdapter(log: (m: string) => void = (m) => console.error(m)): Promise<AdapterChoice | null> {
  return (choice ??= (async () => {
    const nav = (globalThis as any).navigator as Navigator | undefined
    let adapter: GPUAdapter | null = null
    if (nav?.gpu) {
      adapter = await nav.gpu.requestAdapter({ powerPreference: 'high-performance' })
    } else {
      const proc = (globalThis as any).process
      if (!proc?.versions?.node) {
        log('webgpu: no navigator.gpu in this environment')
        return null
      }
      adapter = await (nodeGPU ??= createNodeGPU(log)).then((g) => g.requestAdapter({ powerPreference: 'high-performance' }))
      const fs = proc.getBuiltinModule?.('node:fs')
      if (!adapter && proc.platform === 'linux' && !proc.env.VK_ICD_FILENAMES && fs?.existsSync(SWIFTSHADER_ICD)) {
        log(`webgpu: no GPU adapter; using SwiftShader (VK_ICD_FILENAMES=${SWIFTSHADER_ICD})`)
        proc.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD
        nodeGPU = createNodeGPU(log)
        adapter = await (await nodeGPU).requestAdapter()
      }
    }
    if (!adapter) {
      log('webgpu: no adapter found')
      return null
    }
    const info = adapter.info
    return { adapter, info, isSoftware: isSoftwareAdapter(info) || !!(adapter as any).isFallbackAdapter }
  })())
}

export interface AcquiredDevice {
  device: GPUDevice
  info: GPUAdapterInfo
  isSoftware: boolean
  caps: DeviceCaps
}

/**
 * An adapter's device with the adapter's own storage and workgroup limits, and the 'subgroups' feature when the
 * adapter has it and `subgroups` is not false (quads then probed: webgpu_quads.ts). Throws when there is no adapter.
 */
export async function acquireDevice(opts: { log?: (msg: string) => void; subgroups?: boolean } = {}): Promise<AcquiredDevice> {
  const log = opts.log ?? ((m: string) => console.error(m))
  const found = await findAdapter(log)
  if (!found) throw new Error('webgpu: no adapter available')
  const { info, isSoftware } = found
  // an adapter makes one device ("consumed" afterwards): later backends in this process ask for a fresh one
  let adapter = found.adapter
  if (adaptersUsed.has(adapter)) adapter = (await freshAdapter()) ?? adapter
  adaptersUsed.add(adapter)
  const L = adapter.limits
  const subgroups = opts.subgroups !== false && adapter.features.has('subgroups')
  const device = await adapter.requestDevice({
    label: 'rl-rnd',
    requiredFeatures: subgroups ? ['subgroups' as GPUFeatureName] : [],
    requiredLimits: {
      maxStorageBufferBindingSize: L.maxStorageBufferBindingSize,
      maxBufferSize: L.maxBufferSize,
      maxStorageBuffersPerShaderStage: L.maxStorageBuffersPerShaderStage,
      maxComputeWorkgroupStorageSize: L.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: L.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupSizeX: L.maxComputeWorkgroupSizeX,
      maxComputeWorkgroupSizeY: L.maxComputeWorkgroupSizeY,
    },
  })
  return { device, info, isSoftware, caps: { quads: subgroups && (await probeQuads(device)), software: isSoftware } }
}
