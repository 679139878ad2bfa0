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

/**
 * An orthogonal matrix as torch.nn.init.orthogonal_ makes one (CleanRL's layer_init): a rows x cols (row-major)
 * normal draw, QR of its tall orientation, Q's columns signed so R's diagonal is positive (Gram-Schmidt gives that
 * directly), times gain. rows <= cols: orthonormal rows (x gain); rows >= cols: orthonormal columns. In f64, stored f32.
 */
export function orthogonal(rng: { normal(): number }, rows: number, cols: number, gain: number): Float32Array {
  const tall = rows >= cols,
    m = tall ? rows : cols,
    n = tall ? cols : rows
  const a = new Float64Array(rows * cols)
  for (let i = 0; i < a.length; i++) a[i] = rng.normal()
  // column j of the tall m x n matrix: a[(tall ? i * cols + j : j * cols + i)] over i < m, as a contiguous copy
  const q: Float64Array[] = []
  for (let j = 0; j < n; j++) {
    const v = new Float64Array(m)
    for (let i = 0; i < m; i++) v[i] = tall ? a[i * cols + j] : a[j * cols + i]
    for (let pass = 0; pass < 2; pass++) {
      // modified Gram-Schmidt, twice ("twice is enough"): orthogonal to f64 rounding
      for (const u of q) {
        let d = 0
        for (let i = 0; i < m; i++) d += u[i] * v[i]
        for (let i = 0; i < m; i++) v[i] -= d * u[i]
      }
    }
    let norm = 0
    for (let i = 0; i < m; i++) norm += v[i] * v[i]
    norm = Math.sqrt(norm)
    for (let i = 0; i < m; i++) v[i] /= norm
    q.push(v)
  }
  const out = new Float32Array(rows * cols)
  for (let j = 0; j < n; j++) for (let i = 0; i < m; i++) out[tall ? i * cols + j : j * cols + i] = gain * q[j][i]
  return out
}
