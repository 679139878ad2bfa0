// The wasm backend with kernel threads, in Node: the threads build of the kernels (build/kernels.threads.wasm,
// shared memory) instantiated here and in `threads - 1` worker_threads, all over one shared WebAssembly.Memory;
// the engine's WasmBackend splits the matmuls and convs between them (engine/backend/wasm_threads.ts).
// Workers are unref'd (they never keep the process alive) and terminated by backend.destroy().
import { Worker } from 'node:worker_threads'
import { availableParallelism } from 'node:os'
import { WasmBackend, kernelMemory, wasmImports, type WasmOptions } from '../engine/backend/wasm.ts'
import { Dispatcher, controlBlock, type LoadProbe } from '../engine/backend/wasm_threads.ts'
import { machineLoad } from './cpu_load.ts'

/** Kernel threads by default: every core, at most 8 (the convs split over a batch of 64 gain little beyond). */
export const defaultThreads = () => Math.max(1, Math.min(8, availableParallelism()))

/**
 * `probe`: what tells the dispatcher that other processes hold the cores (default: this machine's CPU times; null:
 * never, so every large call splits, as the bitwise tests need).
 */
export async function createThreadedWasmBackend(
  bytes: Uint8Array<ArrayBuffer>,
  threads: number,
  opts: WasmOptions = {},
  probe: LoadProbe | null = machineLoad(),
): Promise<WasmBackend> {
  if (!Number.isInteger(threads) || threads < 2) throw new Error(`wasm threads: need 2 or more threads (got ${threads})`)
  const module = await WebAssembly.compile(bytes)
  const memory = kernelMemory(opts, true)
  const instance = await WebAssembly.instantiate(module, wasmImports(memory))
  const names = WebAssembly.Module.exports(module)
    .filter((e) => e.kind === 'function')
    .map((e) => e.name)
  const block = controlBlock()
  const workers = Array.from({ length: threads - 1 }, () => {
    const w = new Worker(new URL('./wasm_worker.js', import.meta.url), { workerData: { module, memory, block, names } })
    w.unref()
    return w
  })
  // every worker instantiated and serving before the backend is handed out; one that fails to start is an error
  await Promise.all(
    workers.map(
      (w, i) =>
        new Promise<void>((ok, fail) => {
          w.once('message', () => ok())
          w.once('error', (e) => fail(new Error(`wasm worker ${i + 1} failed to start: ${e.message}`)))
          w.once('exit', (code) => fail(new Error(`wasm worker ${i + 1} exited (code ${code}) before it was ready`)))
        }),
    ),
  ).catch((e) => {
    for (const w of workers) void w.terminate()
    throw e
  })
  for (const w of workers) {
    w.removeAllListeners()
    w.on('error', (e) => console.error(`wasm worker: ${e.message}`))
  }
  const dispatcher = new Dispatcher(
    block,
    names,
    threads - 1,
    () => {
      for (const w of workers) void w.terminate()
    },
    probe,
  )
  return new WasmBackend(instance, memory, dispatcher)
}
