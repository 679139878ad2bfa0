// The CPU peer for the kernel benches: @tensorflow/tfjs-backend-wasm (XNNPACK) in Node, SINGLE-THREADED for a fair
// comparison with our one-thread kernels: WASM_HAS_MULTITHREAD_SUPPORT is turned off so tfjs loads
// tfjs-backend-wasm-simd.wasm (SIMD128, no threads) instead of the threaded build. Convs run in tfjs's own layout
// (NHWC, filters [R,S,C,K]): equal FLOPs, its best path. It has no 2-D conv weight gradient kernel, so the benches
// compose that peer from its own ops (conv2d over transposed tensors, dilation = stride; see conv2d.bench.ts).
import { fileURLToPath } from 'node:url'
import type * as TF from '@tensorflow/tfjs-core'

export interface WasmPeer {
  tf: typeof TF
  description: string
  threads: number
}
let peer: Promise<WasmPeer> | undefined

export function tfjsWasm(): Promise<WasmPeer> {
  return (peer ??= (async () => {
    const tf = await import('@tensorflow/tfjs-core')
    const wasm = await import('@tensorflow/tfjs-backend-wasm')
    const dist = fileURLToPath(new URL('../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url))
    wasm.setWasmPaths(dist.endsWith('/') ? dist : dist + '/')
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false)
    if (!(await tf.setBackend('wasm'))) throw new Error('tfjs-wasm: setBackend failed')
    await tf.ready()
    return { tf, threads: 1, description: `tfjs-backend-wasm ${tf.version_core} (tfjs-backend-wasm-simd.wasm, 1 thread)` }
  })())
}
