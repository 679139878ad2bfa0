// The WebGPU backend's compiled kernels and what binds them, each made once and cached: a compute pipeline per
// kernel (cached by kernel name + consts; its WGSL is the kernel body behind the prelude generated from the registry
// signature, kernels/wgsl/prelude.ts), a bind-group layout per (outputs, inputs) count, and a bind group per
// (layout, buffers, uniform chunk): pooled buffers recur every training step, so a step reuses a fixed set.
import type { KernelSig } from '../../kernels/index.ts'
import { wgslSource, cacheKey, dimsBytes, type WgslKernel } from '../../kernels/wgsl/index.ts'
import type { DeviceErrors } from './webgpu_errors.ts'

/** A compiled kernel plus what its dispatches need, precomputed once (the hot path builds no strings or arrays). */
export interface Pipeline {
  pipeline: GPUComputePipeline
  layout: GPUBindGroupLayout
  layoutId: number
  sig: KernelSig
  /** Dims fields in ABI order (dims then params), how many are i32, and the uniform's bound size */
  keys: readonly string[]
  ints: number
  dimsBytes: number
}

/** A buffer as a bind group sees it: a small id (recurring with the pooled GPUBuffer) and the bytes bound. */
export interface BoundBuffer {
  readonly gpu: GPUBuffer
  readonly id: number
  readonly bound: number
}

const MAX_BIND_GROUPS = 8192 // cached bind groups before the cache is dropped (a training step reuses a fixed set)

export class PipelineCache {
  private readonly pipelines = new Map<string, Pipeline>()
  /** pipeline per kernel object and label: skips building the cacheKey string on every dispatch */
  private readonly byKernel = new WeakMap<WgslKernel, Map<string, Pipeline>>()
  private readonly layouts = new Map<string, { layout: GPUBindGroupLayout; id: number }>()
  /** bind groups by layout, Dims size, buffer ids + bound sizes and uniform chunk */
  private bindGroups = new Map<string, GPUBindGroup>()

  constructor(
    private readonly device: GPUDevice,
    private readonly errors: DeviceErrors,
    private readonly counters: { pipelines: number },
  ) {}

  /** The pipeline of kernel k under `label` with signature sig; a WGSL error surfaces through DeviceErrors. */
  get(label: string, sig: KernelSig, k: WgslKernel): Pipeline {
    let perKernel = this.byKernel.get(k)
    let p = perKernel?.get(label)
    if (p) return p
    if (!perKernel) this.byKernel.set(k, (perKernel = new Map()))
    const key = cacheKey(label, k)
    p = this.pipelines.get(key)
    if (!p) {
      const code = wgslSource(label, sig, k)
      // the scope's handler runs after scoped() returns, so `module` is set by then
      const { module, pipeline, layout, layoutId } = this.errors.scoped(
        () => {
          const shader = this.device.createShaderModule({ label, code })
          const { layout, id: layoutId } = this.layout(sig)
          const pipelineLayout = this.device.createPipelineLayout({ label, bindGroupLayouts: [layout] })
          const compute = { module: shader, entryPoint: 'main' }
          const pipeline = this.device.createComputePipeline({ label, layout: pipelineLayout, compute })
          return { module: shader, layout, layoutId, pipeline }
        },
        async (err) => {
          const info = await module.getCompilationInfo().catch(() => null)
          const msgs = info?.messages.map((m) => `${m.type} at ${m.lineNum}:${m.linePos}: ${m.message}`).join('; ')
          // the root cause: replaces the follow-on "invalid pipeline" error of the submit that used it
          this.errors.replace(new Error(`webgpu kernel ${label}: pipeline creation failed: ${msgs || err.message}`))
        },
      )
      const keys = [...sig.dims, ...sig.params]
      p = { pipeline, layout, layoutId, sig, keys, ints: sig.dims.length, dimsBytes: dimsBytes(sig) }
      this.pipelines.set(key, p)
      this.counters.pipelines++
    }
    perKernel.set(label, p)
    return p
  }

  /** The bind group of (outputs, inputs, uniform chunk ci) for p's layout: cached by buffer ids and bound sizes. */
  bindGroup(label: string, p: Pipeline, outs: readonly BoundBuffer[], ins: readonly BoundBuffer[], ci: number, uniform: GPUBuffer): GPUBindGroup {
    let key = `${p.layoutId}:${p.dimsBytes}:${ci}`
    for (let i = 0; i < outs.length; i++) key += `,${outs[i].id}/${outs[i].bound}`
    for (let i = 0; i < ins.length; i++) key += `,${ins[i].id}/${ins[i].bound}`
    let g = this.bindGroups.get(key)
    if (g) return g
    const entries: GPUBindGroupEntry[] = []
    for (const b of outs) entries.push({ binding: entries.length, resource: { buffer: b.gpu, size: b.bound } })
    for (const b of ins) entries.push({ binding: entries.length, resource: { buffer: b.gpu, size: b.bound } })
    entries.push({ binding: entries.length, resource: { buffer: uniform, offset: 0, size: p.dimsBytes } })
    g = this.device.createBindGroup({ label, layout: p.layout, entries })
    if (this.bindGroups.size >= MAX_BIND_GROUPS) this.bindGroups = new Map()
    this.bindGroups.set(key, g)
    return g
  }

  clearBindGroups(): void {
    this.bindGroups.clear()
  }

  /** Outputs read_write storage, inputs read-only storage, then the Dims uniform at a dynamic offset. */
  private layout(sig: KernelSig): { layout: GPUBindGroupLayout; id: number } {
    const key = `${sig.outputs.length},${sig.inputs.length}`
    let l = this.layouts.get(key)
    if (!l) {
      const entries: GPUBindGroupLayoutEntry[] = [
        ...sig.outputs.map(() => ({ type: 'storage' as const })),
        ...sig.inputs.map(() => ({ type: 'read-only-storage' as const })),
      ].map((buffer, binding) => ({ binding, visibility: 4 /* COMPUTE */, buffer }))
      entries.push({ binding: entries.length, visibility: 4, buffer: { type: 'uniform', hasDynamicOffset: true } })
      this.layouts.set(key, (l = { layout: this.device.createBindGroupLayout({ label: `rl-rnd ${key}`, entries }), id: this.layouts.size }))
    }
    return l
  }
}
