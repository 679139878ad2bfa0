// Value targets and GAE for one episode, in O(T) with backward recursions (docs/algorithm.md step 4).
// Every episode ends in a terminal state: nothing is bootstrapped after its last step.
//   returns:  R_t = r_t + gamma R_(t+1), R_T = 0 past the end
//   GAE:      delta_t = r_t + gamma V_(t+1) - V_t,  delta_(T-1) = r_(T-1) - V_(T-1);  A_t = delta_t + gamma lambda A_(t+1)
// DIFFERS FROM SEED: the seed's returns leave out r_t itself and its GAE sets delta = 0 at the final step, so the
// final reward (PixelCopter's crash penalty) never reached a target or an advantage; the seed also summed in O(T^2).
import type { EpisodeBuffer } from './rollout.ts'

/** Discounted returns of rewards[0..T) into out (same length). */
export function discountedReturns(rewards: ArrayLike<number>, gamma: number, out: Float32Array | Float64Array, T = rewards.length): void {
  let acc = 0
  for (let t = T - 1; t >= 0; t--) {
    acc = rewards[t] + gamma * acc
    out[t] = acc
  }
}

/** GAE(gamma, lambda) advantages of one episode into out. values[t] = V(s_t). */
export function gae(
  rewards: ArrayLike<number>,
  values: ArrayLike<number>,
  gamma: number,
  lambda: number,
  out: Float32Array | Float64Array,
  T = rewards.length,
): void {
  let acc = 0
  for (let t = T - 1; t >= 0; t--) {
    const next = t === T - 1 ? 0 : values[t + 1]
    const delta = rewards[t] + gamma * next - values[t]
    acc = delta + gamma * lambda * acc
    out[t] = acc
  }
}

/** Advantages of all records to mean 0, std 1 (population std + 1e-8), in place. */
export function normalizeAdvantages(eps: EpisodeBuffer[]): void {
  let n = 0,
    sum = 0,
    sq = 0
  for (const ep of eps)
    for (let t = 0; t < ep.length; t++) {
      n++
      sum += ep.adv[t]
    }
  const mean = sum / n
  for (const ep of eps) for (let t = 0; t < ep.length; t++) sq += (ep.adv[t] - mean) ** 2
  const std = Math.sqrt(sq / n) + 1e-8
  for (const ep of eps) for (let t = 0; t < ep.length; t++) ep.adv[t] = (ep.adv[t] - mean) / std
}

/** --lr_anneal_frames N: the share of the learning rates an iteration trains at after `steps` env steps (1 when N = 0). */
export const annealedFraction = (steps: number, N: number): number => (N > 0 ? Math.max(0, 1 - steps / N) : 1)
