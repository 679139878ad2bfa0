// Numbers that say whether PPO is healthy, as CleanRL's ppo.py logs them: how far each update moved the policy
// (approximate KL, clip fraction) and how much of the returns each value head explains (host-side, in f64). How
// large each network's gradients are before clipping is engine/optim/adam.ts gradSquares, read back with the losses.

/**
 * Sums over records of the approximate KL(old || new) and of the clipped records, from the probability ratios
 * r = p_new(a) / p_old(a) of the actions taken. The KL estimator is the low-variance, unbiased, always >= 0 one,
 * (r - 1) - log r (J. Schulman, "Approximating KL Divergence", 2020; CleanRL's approx_kl); a record counts as
 * clipped when |r - 1| > eps, outside PPO's band. Sums (not means) so gradient steps of different sizes add up.
 */
export function ratioSums(ratios: ArrayLike<number>, eps: number): { kl: number; clipped: number } {
  let kl = 0,
    clipped = 0
  for (let i = 0; i < ratios.length; i++) {
    const r = ratios[i]
    kl += r - 1 - Math.log(r)
    if (Math.abs(r - 1) > eps) clipped++
  }
  return { kl, clipped }
}

/** Population variance. */
function variance(x: ArrayLike<number>): number {
  let m = 0
  for (let i = 0; i < x.length; i++) m += x[i]
  m /= x.length
  let v = 0
  for (let i = 0; i < x.length; i++) v += (x[i] - m) ** 2
  return v / x.length
}

/**
 * 1 - Var[y - pred] / Var[y] (population variances): 1 = the predictions explain the targets, 0 = no better than
 * their mean, < 0 = worse. NaN when the targets do not vary (as CleanRL, which logs nan then).
 */
export function explainedVariance(y: ArrayLike<number>, pred: ArrayLike<number>): number {
  const vy = variance(y)
  if (!(vy > 0)) return NaN
  const diff = Float64Array.from(y, (v, i) => v - pred[i])
  return 1 - variance(diff) / vy
}
