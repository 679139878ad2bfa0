// Module: a named tree of parameters (Chainer's Link/Chain). Parameters are leaves with requiresGrad, kept
// outside every scope; `namedParameters()` gives stable dotted names for serialization.
import { Tensor, keep } from '../tensor.ts'
import type { Backend } from '../backend/backend.ts'

export class Module {
  protected params = new Map<string, Tensor>()
  protected children = new Map<string, Module>()

  constructor(readonly backend: Backend) {}

  protected param(name: string, shape: number[], data: Float32Array): Tensor {
    const t = keep(Tensor.fromArray(this.backend, data, shape))
    t.requiresGrad = true
    this.params.set(name, t)
    return t
  }
  protected child<M extends Module>(name: string, m: M): M {
    this.children.set(name, m)
    return m
  }
  namedParameters(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [...this.params].map(([n, t]) => [prefix + n, t])
    for (const [n, c] of this.children) out.push(...c.namedParameters(`${prefix}${n}.`))
    return out
  }
  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t)
  }
  zeroGrad(): void {
    for (const p of this.parameters()) {
      p.grad?.dispose()
      p.grad = null
    }
  }
  dispose(): void {
    for (const p of this.parameters()) p.dispose()
  }
}

/** Chainer's default initializer: LeCunNormal, normal with std sqrt(1 / fan_in). */
export function lecunNormal(rng: { normalArray(n: number, std: number): Float32Array }, n: number, fanIn: number): Float32Array {
  return rng.normalArray(n, Math.sqrt(1 / fanIn))
}
