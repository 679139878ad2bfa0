// The peer for the WebGPU bench: @tensorflow/tfjs-backend-webgpu on the same Dawn adapter (in Node it needs
// navigator.gpu, so this file installs a shim from the npm `webgpu` package: the only place outside the engine that
// does). Call after findAdapter() so VK_ICD_FILENAMES already points at SwiftShader when there is no GPU.
// The peer runs the same math in tfjs's own layout (NHWC convs): equal FLOPs, its best path.
import type * as TF from '@tensorflow/tfjs-core'
import { quietly } from '../engine/backend/webgpu_poll.ts'

export interface Peer {
  tf: typeof TF
  sync: () => Promise<void>
  description: string
}

export async function tfjsWebGPU(): Promise<Peer> {
  const { create, globals } = await import('webgpu')
  Object.assign(globalThis, globals)
  if (!(globalThis as any).navigator?.gpu) {
    Object.defineProperty(globalThis, 'navigator', { value: { ...((globalThis as any).navigator ?? {}), gpu: create([]) }, configurable: true })
  }
  const tf = await import('@tensorflow/tfjs-core')
  await import('@tensorflow/tfjs-backend-webgpu')
  if (!(await tf.setBackend('webgpu'))) throw new Error('tfjs-webgpu: setBackend failed')
  await tf.ready()
  const be = tf.backend() as any
  const info = be.adapterInfo ?? {}
  return {
    tf,
    description: `tfjs-webgpu ${tf.version_core} on ${info.vendor ?? ''} ${info.architecture ?? ''}`.trim(),
    // tfjs batches its commands: submit them, then wait for the queue (no readback, like our sync())
    // (the sequence tfjs itself uses before a readback: end the open pass, submit). The wait is as quiet as ours
    // (engine/backend/webgpu_poll.ts: Dawn's tick loop does not spin a core away from SwiftShader), so the rows
    // compare kernels and dispatch, not the wait.
    sync: async () => {
      be.ensureCommandEncoderReady()
      be.endComputePassEncoder()
      be.submitQueue()
      await quietly(be.device.queue.onSubmittedWorkDone())
    },
  }
}
