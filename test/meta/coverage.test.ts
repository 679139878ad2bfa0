// Every registry kernel has its three implementations and a parity test: the ref function, an export of the built
// wasm module (build/kernels.debug.wasm), a WGSL kernel, and a test file under test/kernels/ that names it.
// There is no silent exclusion list: a kernel missing anywhere fails here by name.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { readdirSync, readFileSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { KERNEL_NAMES, KERNELS, BINARY_OPS, UNARY_OPS } from '../../kernels/index.ts'
import { REF } from '../../kernels/ref/index.ts'
import { WGSL } from '../../kernels/wgsl/index.ts'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const test = suite('meta: kernel coverage')

test('every registry kernel has a ref implementation', () => {
  assert.equal(KERNEL_NAMES.filter((k) => typeof REF[k] !== 'function'), [])
})

test('every registry kernel is exported by the wasm module, with the ABI arity', () => {
  const mod = new WebAssembly.Module(readFileSync(join(root, 'build/kernels.debug.wasm')))
  const exports = new Map(WebAssembly.Module.exports(mod).map((e) => [e.name, e.kind]))
  assert.equal(KERNEL_NAMES.filter((k) => exports.get(k) !== 'function'), [], 'missing wasm exports')
  // arity: instantiate with a throwaway memory and compare Function.length to the signature
  const inst = new WebAssembly.Instance(mod, { env: { memory: new WebAssembly.Memory({ initial: 256 }), abort: () => {} } })
  const bad = KERNEL_NAMES.filter((k) => {
    const s = KERNELS[k] as { outputs: readonly string[]; inputs: readonly string[]; dims: readonly string[]; params: readonly string[]; workspace?: unknown }
    const n = s.outputs.length + s.inputs.length + (s.workspace ? 1 : 0) + s.dims.length + s.params.length
    return (inst.exports[k] as Function).length !== n
  })
  assert.equal(bad, [], 'exports whose parameter count differs from the registry signature')
})

test('every registry kernel has a WGSL kernel', () => {
  assert.equal(KERNEL_NAMES.filter((k) => !WGSL[k]), [])
})

test('every registry kernel is named by a parity test in test/kernels/', () => {
  const src = readdirSync(join(root, 'test/kernels')).map((f) => readFileSync(join(root, 'test/kernels', f), 'utf8')).join('\n')
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
