// The one way ops launch kernels: allocate the output(s), enqueue the named kernel, return the tensor(s).
import type { KernelName, Dims } from '../../kernels/index.ts'
import { Tensor, type Shape } from '../tensor.ts'

export function run(name: KernelName, outShape: Shape, inputs: Tensor[], d: Dims): Tensor {
  const be = inputs[0].backend
  const out = Tensor.empty(be, outShape)
  be.run(
    name,
    [out.buf],
    inputs.map((t) => t.buf),
    d,
  )
  return out
}

export function runMulti(name: KernelName, outShapes: Shape[], inputs: Tensor[], d: Dims): Tensor[] {
  const be = inputs[0].backend
  const outs = outShapes.map((s) => Tensor.empty(be, s))
  be.run(
    name,
    outs.map((t) => t.buf),
    inputs.map((t) => t.buf),
    d,
  )
  return outs
}

export function sameBackend(ts: Tensor[], op: string): void {
  const be = ts[0].backend
  for (const t of ts) if (t.backend !== be) throw new Error(`${op}: tensors live on different backends (${be.name}, ${t.backend.name})`)
}
