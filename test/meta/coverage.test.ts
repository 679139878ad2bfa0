// Every registry kernel has its three implementations and a parity test: the ref function, an export of the built
// wasm module (build/kernels.debug.wasm) with the signature's arity, a WGSL binding, and a test file under
// test/kernels/ that names it. There is no silent exclusion list: a kernel missing anywhere fails here by name.
// The WGSL binding is what the backend runs (versionFor): a kernel of its own, or a selector whose picks, over a grid
// of shapes that reaches each of its branches on all four kinds of device, are versions that exist; and production
// holds nothing else: every version is a naive _v1 baseline or one of those picks, every internal kernel a step of a
// composite. (The op in engine/ops/, its gradient check and a bench are checked by review, not here.)
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { readdirSync, readFileSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { KERNEL_NAMES, KERNELS, BINARY_OPS, UNARY_OPS, type KernelName } from '../../kernels/index.ts'
import { REF } from '../../kernels/ref/index.ts'
import { WGSL, WGSL_SELECT, WGSL_VERSIONS, WGSL_COMPOSITE, WGSL_INTERNAL, versionFor, type DeviceCaps } from '../../kernels/wgsl/index.ts'
import { CONV, REDUCE, convOut } from '../cases/shapes.ts'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const test = suite('meta: kernel coverage')

test('every registry kernel has a ref implementation', () => {
  assert.equal(
    KERNEL_NAMES.filter((k) => typeof REF[k] !== 'function'),
    [],
  )
})

test('every registry kernel is exported by the wasm module, with the ABI arity', () => {
  const mod = new WebAssembly.Module(readFileSync(join(root, 'build/kernels.debug.wasm')))
  const exports = new Map(WebAssembly.Module.exports(mod).map((e) => [e.name, e.kind]))
  assert.equal(
    KERNEL_NAMES.filter((k) => exports.get(k) !== 'function'),
    [],
    'missing wasm exports',
  )
  // arity: instantiate with a throwaway memory and compare Function.length to the signature
  const inst = new WebAssembly.Instance(mod, { env: { memory: new WebAssembly.Memory({ initial: 256 }), abort: () => {} } })
  const bad = KERNEL_NAMES.filter((k) => {
    const s = KERNELS[k] as { outputs: readonly string[]; inputs: readonly string[]; dims: readonly string[]; params: readonly string[]; workspace?: unknown }
    const n = s.outputs.length + s.inputs.length + (s.workspace ? 1 : 0) + s.dims.length + s.params.length
    return (inst.exports[k] as Function).length !== n
  })
  assert.equal(bad, [], 'exports whose parameter count differs from the registry signature')
})

test('every registry kernel has one WGSL binding: its own kernel or a selector, never both', () => {
  const own = new Set(Object.keys(WGSL)),
    selected = new Set(Object.keys(WGSL_SELECT))
  assert.equal(
    KERNEL_NAMES.filter((k) => own.has(k) === selected.has(k)),
    [],
    'kernels with no binding, or two',
  )
  assert.equal(
    [...own, ...selected].filter((k) => !(k in KERNELS)),
    [],
    'bindings of names outside the registry',
  )
})

// The shapes the selectors are asked about, by the dims they take: every branch of a selector tests divisibility by 4
// (matmul: M, K, N; conv: C*R*S), K <= 32 (conv on hardware) or I == 1, O < 256, R >= 256 (reductions).
const DOMAINS: Record<string, Record<string, number>[]> = {
  'M,K,N': [30, 64].flatMap((M) => [30, 64].flatMap((K) => [30, 64].map((N) => ({ M, K, N })))),
  'N,C,H,W,K,R,S,P,Q,STRIDE,PAD': CONV.map(({ heavy: _, ...c }) => ({ ...c, ...convOut(c) })),
  'O,R,I': REDUCE,
}
const DEVICES: DeviceCaps[] = [false, true].flatMap((software) => [false, true].map((quads) => ({ software, quads })))
/** kernel -> every version its binding picks over its domain on every kind of device */
const picks = new Map(
  Object.keys(WGSL_SELECT).map((k) => {
    const domain = DOMAINS[KERNELS[k as KernelName].dims.join()] ?? []
    return [k, new Set(domain.flatMap((d) => DEVICES.map((caps) => versionFor(k as KernelName, d, caps))))]
  }),
)

test('a selector picks only versions of its own kernel that exist', () => {
  assert.equal(
    [...picks].filter(([, v]) => v.size === 0).map(([k]) => k),
    [],
    'selected kernels with no shape domain here (add one to DOMAINS)',
  )
  const bad = [...picks].flatMap(([k, vs]) => [...vs].filter((v) => !new RegExp(`^${k}_v\\d+$`).test(v) || !(WGSL_VERSIONS[v] || WGSL_COMPOSITE[v])))
  assert.equal(bad, [])
})

test('production holds only the naive _v1 baselines and versions a selector picks', () => {
  const picked = new Set([...picks.values()].flatMap((v) => [...v]))
  const dead = [...Object.keys(WGSL_VERSIONS), ...Object.keys(WGSL_COMPOSITE)].filter((v) => !picked.has(v) && !/_v1$/.test(v))
  assert.equal(dead, [], 'versions no selector picks')
  const baselines = Object.keys(WGSL_SELECT).filter((k) => !WGSL_VERSIONS[`${k}_v1`])
  assert.equal(baselines, [], 'selected kernels without a _v1 version')
  const steps = Object.values(WGSL_COMPOSITE).flatMap((c) => c.steps.map((st) => st.kernel))
  assert.equal(
    steps.filter((s) => !WGSL_INTERNAL[s]),
    [],
    'composite steps naming no internal kernel',
  )
  assert.equal(
    Object.keys(WGSL_INTERNAL).filter((s) => !steps.includes(s)),
    [],
    'internal kernels no composite runs',
  )
})

test('every registry kernel is named by a parity test in test/kernels/', () => {
  const src = readdirSync(join(root, 'test/kernels'))
    .map((f) => readFileSync(join(root, 'test/kernels', f), 'utf8'))
    .join('\n')
  // table-driven families are covered by iterating the registry's op lists
  const tableDriven = new Set<string>([...BINARY_OPS, ...Object.keys(UNARY_OPS), ...Object.keys(UNARY_OPS).map((o) => `${o}_backward`)])
  const usesTables = /BINARY_OPS/.test(src) && /UNARY_OPS/.test(src)
  const named = (k: string) => {
    if (new RegExp(`['"\`]${k}['"\`]`).test(src)) return true
    // names built from a family and a pass, e.g. \`${kind}_backward\` with kind in ['softmax', 'log_softmax']
    const m = /^(.*)_(forward|backward)$/.exec(k)
    return !!m && new RegExp(`['"]${m[1]}['"]`).test(src) && src.includes(`}_${m[2]}\``)
  }
  const missing = KERNEL_NAMES.filter((k) => !(usesTables && tableDriven.has(k)) && !named(k))
  assert.equal(missing, [])
})

test.run()
