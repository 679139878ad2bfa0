// Adam with Chainer's defaults (alpha per optimizer, beta1 0.9, beta2 0.999, eps 1e-8), one fused adam_step
// kernel per parameter, and optional global-L2-norm gradient clipping (Chainer's GradientClipping: when the
// norm of all gradients exceeds the threshold, every gradient is scaled by threshold / norm).
import { Tensor, keep, scope, noGrad } from '../tensor.ts'
import { sumSquares, add, concat } from '../ops/index.ts'

/**
 * Squared global L2 norm of the parameters' gradients, a [1] tensor in the caller's scope (parameters without a
 * gradient skipped; at least one must have one): Adam.gradNorm's sum, which the trainer also reads with its losses.
 */
export function gradSquares(params: Tensor[]): Tensor {
  return params
    .filter((p) => p.grad)
    .map((p) => sumSquares(p.grad!))
    .reduce((a, b) => add(a, b))
}

export interface AdamOptions {
  lr?: number
  beta1?: number
  beta2?: number
  eps?: number
}

export class Adam {
  lr: number
  readonly beta1: number
  readonly beta2: number
  readonly eps: number
  /** updates taken so far (Chainer's `t`) */
  t = 0
  readonly m: Tensor[]
  readonly v: Tensor[]

  constructor(
    readonly params: Tensor[],
    { lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8 }: AdamOptions = {},
  ) {
    this.lr = lr
    this.beta1 = beta1
    this.beta2 = beta2
    this.eps = eps
    this.m = params.map((p) => keep(Tensor.zeros(p.backend, p.shape)))
    this.v = params.map((p) => keep(Tensor.zeros(p.backend, p.shape)))
  }

  /** Global L2 norm of the current gradients (one readback). */
  async gradNorm(): Promise<number> {
    if (!this.params.some((p) => p.grad)) return 0
    const total = scope(() => keep(gradSquares(this.params)))
    const v = (await total.read())[0]
    total.dispose()
    return Math.sqrt(v)
  }

  /**
   * One update from the accumulated .grad of each parameter (parameters without a gradient are skipped).
   * clip > 0 rescales all gradients to that global norm when they exceed it; `knownNorm` is that norm when the
   * caller has already read it (the trainer reads it with its losses: no second pass over the gradients, no second
   * readback). Returns the pre-clip norm when clipping (NaN otherwise, to avoid a readback).
   */
  async step(clip = 0, knownNorm?: number): Promise<number> {
    let scale = 1,
      norm = NaN
    if (clip > 0) {
      norm = knownNorm ?? (await this.gradNorm())
      if (norm > clip) scale = clip / norm
    }
    this.t++
    const fix1 = 1 - this.beta1 ** this.t,
      fix2 = 1 - this.beta2 ** this.t
    const lrT = (this.lr * Math.sqrt(fix2)) / fix1
    this.params.forEach((p, i) => {
      if (!p.grad) return
      p.backend.run('adam_step', [p.buf, this.m[i].buf, this.v[i].buf], [p.grad.buf], {
        L: p.size,
        lr_t: lrT,
        beta1: this.beta1,
        beta2: this.beta2,
        eps: this.eps,
        grad_scale: scale,
      })
    })
    return norm
  }

  /**
   * Three sums, a [3] tensor in the caller's scope, each finite exactly when that part of the state is usable:
   * the parameters' squares (NaN when a parameter is NaN, infinite when one is infinite or beyond ~1.8e19, whose
   * square overflows float32: such a weight overflows every layer it feeds), and the squares of m * 0 and v * 0
   * (sumSquares with scale 0, one pass: 0 when every moment is finite, NaN otherwise). Read them once per step, before a state can be saved.
   */
  finiteSums(): Tensor {
    return noGrad(() => {
      const total = (xs: Tensor[], f: (x: Tensor) => Tensor) => xs.map(f).reduce((a, b) => add(a, b))
      const zeroed = (x: Tensor) => sumSquares(x, 0)
      return concat([total(this.params, (x) => sumSquares(x)), total(this.m, zeroed), total(this.v, zeroed)], 0)
    })
  }

  zeroGrad(): void {
    for (const p of this.params) {
      p.grad?.dispose()
      p.grad = null
    }
  }

  /** m and v of every parameter, named `<i>.m` / `<i>.v` in parameter order, for snapshots. */
  stateTensors(): [string, Tensor][] {
    return this.params.flatMap(
      (_, i) =>
        [
          [`${i}.m`, this.m[i]],
          [`${i}.v`, this.v[i]],
        ] as [string, Tensor][],
    )
  }

  dispose(): void {
    for (const t of [...this.m, ...this.v]) t.dispose()
  }
}
