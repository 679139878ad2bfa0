// One kernel thread of the wasm backend (Node worker_threads): instantiate the threads build of the kernels over
// the shared memory it is handed and serve calls forever (engine/backend/wasm_threads.ts serveCalls).
import { workerData, parentPort } from 'node:worker_threads'
import { serveCalls } from '../engine/backend/wasm_threads.ts'

const { module, memory, block, names, index } = workerData as {
  module: WebAssembly.Module; memory: WebAssembly.Memory; block: SharedArrayBuffer; names: string[]; index: number
}
const instance = new WebAssembly.Instance(module, {
  env: { memory, abort: (_m: number, _f: number, line: number, col: number) => { throw new Error(`wasm kernel aborted at line ${line}:${col}`) } },
})
parentPort!.postMessage('ready')
serveCalls(instance, block, names, index)
