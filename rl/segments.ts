// Fixed-length rollouts (the RND paper's and CleanRL's shape, `--num_steps` > 0): every environment runs exactly
// num_steps steps per iteration, whatever episode boundaries fall inside, and the value after the last step is
// bootstrapped. One segment = one environment's num_steps steps, time-ordered.
//
//   GAE over a segment:  delta_t = r_t + gamma V_(t+1) (1 - done_t) - V_t,   A_t = delta_t + gamma lambda (1 - done_t) A_(t+1)
//                        V_T = the bootstrap value of the observation after the last step; R_t = A_t + V_t
//   done_t = 1 when step t ended an episode (terminated or truncated, as CleanRL). Without `dones` the stream is
//   non-episodic: it runs through episode ends (the RND paper's intrinsic stream, section 2.3).
//
// The RND paper's reward forward filter (openai/random-network-distillation, ppo_agent.py: RewardForwardFilter):
// per environment, along time, u_t = gamma u_(t-1) + r_t, never reset at episode ends; the running variance of every
// u_t seen normalizes the intrinsic rewards (r / sqrt(var)). CleanRL's ppo_rnd_envpool.py runs the same filter across
// environments instead of along time (it iterates over the transposed reward array), a known bug we do not copy.
import type { RunningMeanStd } from './stats.ts'

/** GAE and returns of one segment of T steps into advOut / retOut. dones null = non-episodic. */
export function gaeSegment(
  rewards: ArrayLike<number>,
  values: ArrayLike<number>,
  dones: ArrayLike<number> | null,
  lastValue: number,
  gamma: number,
  lambda: number,
  advOut: Float32Array | Float64Array,
  retOut: Float32Array | Float64Array,
  T = rewards.length,
): void {
  let acc = 0
  for (let t = T - 1; t >= 0; t--) {
    const cont = dones ? 1 - dones[t] : 1
    const next = t === T - 1 ? lastValue : values[t + 1]
    const delta = rewards[t] + gamma * next * cont - values[t]
    acc = delta + gamma * lambda * cont * acc
    advOut[t] = acc
    retOut[t] = acc + values[t]
  }
}

/** Per-environment discounted sums of intrinsic rewards along time, carried from iteration to iteration. */
export class RewardForwardFilter {
  readonly u: Float64Array
  constructor(
    readonly numEnvs: number,
    readonly gamma: number,
  ) {
    this.u = new Float64Array(numEnvs)
  }

  /**
   * Run the filter over one iteration's rewards, rewards[env * T + t] (segment-major); returns the N * T filtered
   * values in time-major order (all[t * N + env]), the order the paper's code merges them in.
   */
  run(rewards: ArrayLike<number>, T: number): Float64Array {
    const N = this.numEnvs,
      all = new Float64Array(N * T)
    for (let t = 0; t < T; t++) {
      for (let i = 0; i < N; i++) {
        this.u[i] = this.u[i] * this.gamma + rewards[i * T + t]
        all[t * N + i] = this.u[i]
      }
    }
    return all
  }

  /** run(), then merge the moments of all N * T filtered values into stats (a RunningMeanStd of size 1) at once. */
  update(rewards: ArrayLike<number>, T: number, stats: RunningMeanStd): void {
    stats.mergeSamples(this.run(rewards, T), this.numEnvs * T, 0, 1)
  }

  toJSON(): number[] {
    return [...this.u]
  }

  load(u: ArrayLike<number>): void {
    if (u.length !== this.numEnvs) throw new Error(`reward filter state has ${u.length} environments, expected ${this.numEnvs}`)
    this.u.set(u)
  }
}

/** The segments' intrinsic rewards, segment-major (rewards[i * T + t]), as the forward filter takes them. */
export function segmentRewardsInt(eps: readonly { rewardsInt: Float32Array }[], T: number): Float64Array {
  const all = new Float64Array(eps.length * T)
  eps.forEach((ep, i) => all.set(ep.rewardsInt.subarray(0, T), i * T))
  return all
}
