// The three training losses of docs/algorithm.md step 5, each a mean over the real records of a padded batch:
// mask [N, 1] is 1 on real records and 0 on padding, count = number of real records.
import { type Tensor, sum, mul, sub, square, softmax, logSoftmax, clip, div, minimum, neg, add, mulScalar } from '../engine/index.ts'

/** A NaN or infinite loss: training stops, naming the network. */
export class NonFiniteLossError extends Error {
  constructor(
    readonly network: string,
    readonly value: number,
    readonly iteration: number,
  ) {
    super(`the ${network} loss is ${value} at iteration ${iteration}: training stopped (try a lower learning rate or --gradient_clip)`)
    this.name = 'NonFiniteLossError'
  }
}

/**
 * sum (v_ext - R_ext)^2 + (v_int - R_int)^2 over records, / count. v, target [N, 2]. With `vClip` (--value_clip c,
 * CleanRL's clip_vloss), each term is the larger of (v - R)^2 and (v_old + clip(v - v_old, -c, c) - R)^2, v_old [N, 2]
 * the rollout's values: the value cannot gain by moving more than c from where it was.
 */
export function valueLoss(v: Tensor, target: Tensor, mask: Tensor, count: number, vClip?: { vOld: Tensor; range: number }): Tensor {
  let err = square(sub(v, target))
  if (vClip) {
    const vClipped = add(vClip.vOld, clip(sub(v, vClip.vOld), -vClip.range, vClip.range))
    err = maximum(err, square(sub(vClipped, target)))
  }
  return mulScalar(sum(mul(err, mask)), 1 / count)
}

/** Elementwise max(a, b) = -min(-a, -b) (the gradient goes to the larger, as minimum's to the smaller). */
const maximum = (a: Tensor, b: Tensor): Tensor => neg(minimum(neg(a), neg(b)))

export const P_MIN = 1e-5
export const P_MAX = 1 - 1e-5

/**
 * PPO clipped surrogate plus entropy bonus:
 *   -sum min(ratio A, bound) - beta sum H(pi),   ratio = p_new(a) / p_old(a), probabilities clipped to [1e-5, 1-1e-5]
 * bound = A (1 + eps) if A > 0 else A (1 - eps) (computed on the host: it has no gradient). onehot [N, A] marks the
 * taken action; pOld, adv, bound, mask [N, 1]. Returns the loss, the mean entropy and the ratios [N, 1] (for logging).
 */
export function policyLoss(
  logits: Tensor,
  onehot: Tensor,
  pOld: Tensor,
  adv: Tensor,
  bound: Tensor,
  mask: Tensor,
  count: number,
  beta: number,
): { loss: Tensor; entropy: Tensor; ratio: Tensor } {
  const p = softmax(logits)
  const pa = clip(sum(mul(p, onehot), 1, true), P_MIN, P_MAX)
  const ratio = div(pa, pOld)
  const surr = minimum(mul(ratio, adv), bound)
  const ent = neg(sum(mul(p, logSoftmax(logits)), 1, true))
  const entSum = sum(mul(ent, mask))
  const loss = mulScalar(add(sum(mul(surr, mask)), mulScalar(entSum, beta)), -1 / count)
  return { loss, entropy: mulScalar(entSum, 1 / count), ratio }
}

/** Host-side bound of the clipped surrogate for advantage a. */
export const surrogateBound = (a: number, eps: number) => (a > 0 ? a * (1 + eps) : a * (1 - eps))

/** sum over records of the mean over output dims of (predictor - target)^2, / count. pred, target [N, D]. */
export function rndLoss(pred: Tensor, target: Tensor, mask: Tensor, count: number): Tensor {
  return mulScalar(sum(mul(square(sub(pred, target)), mask)), 1 / (count * pred.shape[1]))
}
