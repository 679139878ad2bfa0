// One kernel thread of the wasm backend (Node worker_threads): instantiate the threads build of the kernels over
// the shared memory it is handed and serve calls forever (engine/backend/wasm_threads.ts serveCalls).
import { workerData, parentPort } from 'node:worker_threads'
import { serveCalls } from '../engine/backend/wasm_threads.ts'
import { wasmImports } from '../engine/backend/wasm.ts'

const { module, memory, block, names } = workerData as {
  module: WebAssembly.Module
  memory: WebAssembly.Memory
  block: SharedArrayBuffer
  names: string[]
}
const instance = new WebAssembly.Instance(module, wasmImports(memory))
parentPort!.postMessage('ready')
serveCalls(instance, block, names)
