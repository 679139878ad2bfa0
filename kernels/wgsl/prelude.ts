// The generated part of every WGSL kernel (tfjs `webgpu_program.ts` style): from a registry signature it emits the
// storage bindings (outputs from binding 0, read_write; then inputs, read), the `Dims` uniform struct (i32 dims, then
// f32 params, in ABI order) bound last as `d`, the kernel's compile-time consts and the entry point. A kernel file
// supplies only the consts, optional module-scope helpers and the body.
//
// The entry point is called `main` (every module holds one kernel; the pipeline and module are labelled with the
// kernel name, so Dawn's error messages name it). It can't be the kernel name itself: `where` is a WGSL reserved
// word and a module-scope `exp`/`log`/`tanh` would shadow the builtin the body calls.
//
// Body builtins: gid (global id), lid (local id), li (local index), wid (workgroup id), nwg (workgroups per axis).
// 1D kernels use `flat()`: the backend folds more than 65535 workgroups along x into y, and flat() undoes it.
import type { KernelSig } from '../index.ts'

export interface WgslKernel {
  /** workgroup size; x*y*z <= 256 */
  workgroup: [number, number, number]
  /** compile-time constants (tile sizes...); emitted as `const NAME = <v>;` and part of the pipeline cache key */
  consts?: Record<string, number>
  /** bindings typed array<vec4<f32>> (16-byte loads); such a version needs the matching dims divisible by 4 */
  vec4?: readonly string[]
  /**
   * uses subgroup quad operations (quadSwapX/Y, quadBroadcast): the module starts with `enable subgroups;` and the
   * backend runs it only on a device whose quads are 4 consecutive local_invocation_index values (probed at start)
   */
  subgroups?: boolean
  /**
   * 1D kernels only: elements per invocation. The body (which reads its index once, as `flat(gid, nwg)`) becomes a
   * function called ITEMS times per invocation at indices flat + e * (invocations launched), and the backend
   * launches ITEMS times fewer workgroups. SwiftShader pays a large fixed cost per invocation (unary op, 819k
   * elements: 12.3 ns/element at 1 per invocation, 3.3 at 16).
   */
  items?: number
  /** module-scope declarations (helper fns, var<workgroup> tiles) */
  helpers?: string
  body: string
  /** workgroups to launch per axis; x may exceed 65535 only when y and z are 1 (then it is folded into y) */
  workgroups: (d: Record<string, number>) => [number, number, number]
}

/** What the device offers beyond core WebGPU, for shape-and-device kernel selection (WGSL_SELECT). */
export interface DeviceCaps {
  /** subgroup quad operations with quads = 4 consecutive local_invocation_index values (probed) */
  quads: boolean
  /** a CPU implementation (SwiftShader...): workgroup barriers are coroutine switches there, so the workgroup-memory
   * tiles written for hardware GPUs lose to register tiles */
  software: boolean
}

/** ceil(a / b) for positive integers */
export const cdiv = (a: number, b: number) => Math.ceil(a / b)

/** The pipeline cache key: kernel name plus its consts (two variants with different tiles are two pipelines). */
export function cacheKey(name: string, k: WgslKernel): string {
  const c = k.consts
    ? Object.entries(k.consts)
        .map(([n, v]) => `${n}=${v}`)
        .join(',')
    : ''
  return `${name}|${k.workgroup.join('x')}|${c}|${k.vec4?.join(',') ?? ''}`
}

const fmt = (v: number) => (Number.isInteger(v) ? `${v}` : `${v}f`)

/** The full WGSL source of kernel `name` with signature `sig`. */
export function wgslSource(name: string, sig: KernelSig, k: WgslKernel): string {
  const fields = [...sig.dims.map((n) => `  ${n}: i32,`), ...sig.params.map((n) => `  ${n}: f32,`)]
  const bufs = [...sig.outputs.map((n) => [n, 'read_write']), ...sig.inputs.map((n) => [n, 'read'])]
  const [x, y, z] = k.workgroup
  return [
    ...(k.subgroups ? ['enable subgroups;'] : []),
    `// ${name}: generated prelude (kernels/wgsl/prelude.ts)`,
    `struct Dims {\n${fields.join('\n')}\n}`,
    ...bufs.map(([n, mode], i) => `@group(0) @binding(${i}) var<storage, ${mode}> ${n}: array<${k.vec4?.includes(n) ? 'vec4<f32>' : 'f32'}>;`),
    `@group(0) @binding(${bufs.length}) var<uniform> d: Dims;`,
    `const WG_X = ${x}u;\nconst WG_Y = ${y}u;\nconst WG_Z = ${z}u;`,
    ...Object.entries(k.consts ?? {}).map(([n, v]) => `const ${n} = ${fmt(v)};`),
    `/** linear invocation index of a 1D kernel whose x workgroups were folded into (x, y) */`,
    `fn flat(gid: vec3u, nwg: vec3u) -> i32 { return i32(gid.x + gid.y * nwg.x * WG_X); }`,
    k.helpers ?? '',
    ...(k.items ? itemsEntry(k) : entry(k.body)),
  ].join('\n')
}

const BUILTINS = `@builtin(global_invocation_id) gid: vec3u, @builtin(local_invocation_id) lid: vec3u,
        @builtin(local_invocation_index) li: u32, @builtin(workgroup_id) wid: vec3u,
        @builtin(num_workgroups) nwg: vec3u`
const entry = (body: string) => [`@compute @workgroup_size(WG_X, WG_Y, WG_Z)`, `fn main(${BUILTINS}) {`, body, `}`]

/** The body as `item_(flat_i)`, called `items` times per invocation (a return in the body ends that element only). */
function itemsEntry(k: WgslKernel): string[] {
  if (!k.body.includes('flat(gid, nwg)') || k.workgroup[1] !== 1 || k.workgroup[2] !== 1) {
    throw new Error('a kernel with `items` must be 1D and read its index as flat(gid, nwg)')
  }
  return [
    `const ITEMS = ${k.items};`,
    `fn item_(flat_i: i32, gid: vec3u, nwg: vec3u) {`,
    k.body.replaceAll('flat(gid, nwg)', 'flat_i'),
    `}`,
    ...entry(`  let base = flat(gid, nwg);
  let stride = i32(nwg.x * nwg.y * WG_X);
  for (var e = 0; e < ITEMS; e++) { item_(base + e * stride, gid, nwg); }`),
  ]
}

/** Bytes of the Dims uniform (each field is 4 bytes), rounded up to 16. */
export function dimsBytes(sig: KernelSig): number {
  return Math.max(16, Math.ceil(((sig.dims.length + sig.params.length) * 4) / 16) * 16)
}

/** A 1D kernel over `n` invocations with workgroup WG: the x workgroup count (the backend folds it past 65535). */
export function grid1d(n: number, wg: number): [number, number, number] {
  return [Math.max(1, cdiv(n, wg)), 1, 1]
}
