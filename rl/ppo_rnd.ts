// PPO with Random Network Distillation, top to bottom (docs/algorithm.md; banners numbered as its steps).
//   const t = await PpoRnd.create(args, backend, hooks)
//   await t.initNormalization()                  // step 0, once (no-op when done or restored)
//   const m = await t.runIteration()             // steps 1-5; the caller logs, saves (6) and checks the target
// Randomness: every stream is an engine Rng seeded from args.rng_seed (weights; actions; episode seeds; training
// order), so the same seed on the same backend gives the same metrics. Rollouts run min(num_envs, trials) episodes
// in lockstep, one batched forward of the four networks and one readback per step.
// Not here: the pieces each step uses (networks, rollout, advantages, losses, stats), the snapshot types and shape
// check (rl/snapshot.ts), and the playing policy (rl/actor.ts).
import {
  Tensor, Adam, Rng, scope, noGrad, backward, concat, reshape, gatherRows, mul, toNamedArrays, type Backend,
} from '../engine/index.ts'
import { VectorEnv } from '../env/vector_env.ts'
import { applySticky } from '../env/preprocess.ts'
import type { Args } from './args.ts'
import {
  buildNetworks, NET_NAMES, TRAINED, detachState, maskState, disposeState, type Net, type NetName, type TrainedName, type RecState,
} from './networks.ts'
import { EpisodeBuffer, ObsNormalizer, fillStack, fillRndStack, sampleCategorical } from './rollout.ts'
import { RunningMeanStd } from './stats.ts'
import { discountedReturns, gae } from './advantages.ts'
import { valueLoss, policyLoss, rndLoss, NonFiniteLossError } from './losses.ts'
import { TrainBatch, type ColumnName } from './train_batch.ts'
import { ratioSums, explainedVariance, gradSquares } from './health.ts'
import type { IterationMetrics } from './metrics.ts'
import { shapesOf, checkTensors, type TrainerState } from './snapshot.ts'
import { createActor, type Actor, type ActorOptions } from './actor.ts'

export { NonFiniteLossError } from './losses.ts'
export type { IterationMetrics } from './metrics.ts'
export type Phase = 'normalize' | 'rollout' | 'train'

export interface Hooks {
  /** rollout/normalize: episodes done of the phase's total; train: gradient steps done of the total */
  onProgress?(phase: Phase, done: number, total: number): void
  /** every finished episode: its index in the phase, length in steps and summed raw extrinsic reward */
  onEpisode?(info: { phase: 'normalize' | 'rollout'; index: number; length: number; return: number }): void
}

type TrainMetrics = Pick<IterationMetrics, 'loss_value' | 'loss_policy' | 'loss_rnd' | 'entropy' | 'approx_kl' |
  'clip_fraction' | 'grad_norm_value' | 'grad_norm_policy' | 'grad_norm_rnd_predictor'>

/** One lane's chunk in a gradient step: steps [off, off + len) of episode ep; isStart resets its recurrent state. */
interface Chunk { ep: number; off: number; len: number; isStart: boolean }

const now = () => performance.now() / 1000

export class PpoRnd {
  iteration = 0
  totalEnvSteps = 0
  isNormalized = false
  readonly numActions: number
  readonly obsStats: RunningMeanStd
  readonly intStats = new RunningMeanStd(1)
  private readonly norm: ObsNormalizer
  private readonly rngAction: Rng
  private readonly rngEnv: Rng
  private readonly rngTrain: Rng
  private readonly episodes: EpisodeBuffer[] = []
  /** episodes of the last collect() */
  private collected = 0
  private readonly hw: number
  // rollout scratch (sized for all slots) and training scratch (sized for minibatches x sequence_length records)
  private readonly xObs: Float32Array
  private readonly xRnd: Float32Array
  private readonly actions: Int32Array
  private readonly activeMask: Uint8Array
  private readonly prevAction: Int32Array
  private readonly slotEp: Int32Array
  private readonly batch: TrainBatch
  private scratch = new Float64Array(64)

  private constructor(readonly args: Args, readonly backend: Backend, readonly nets: Record<NetName, Net>,
    readonly optims: Record<TrainedName, Adam>, readonly venv: VectorEnv, readonly hooks: Hooks) {
    const a = args
    this.numActions = venv.actionSpace.n
    this.hw = a.frame_resize * a.frame_resize
    this.obsStats = new RunningMeanStd(this.hw)
    this.norm = new ObsNormalizer(this.hw, a.rnd_obs_norm_clip)
    this.rngAction = new Rng(a.rng_seed + 1)
    this.rngEnv = new Rng(a.rng_seed + 2)
    this.rngTrain = new Rng(a.rng_seed + 3)
    const N = venv.numEnvs, R = a.minibatches * a.sequence_length
    this.xObs = new Float32Array(N * a.stacked_frames * this.hw)
    this.xRnd = new Float32Array(N * a.stacked_frames_rnd * this.hw)
    this.actions = new Int32Array(N)
    this.activeMask = new Uint8Array(N)
    this.prevAction = new Int32Array(N)
    this.slotEp = new Int32Array(N)
    this.batch = new TrainBatch({
      S: a.stacked_frames, Sr: a.stacked_frames_rnd, F: a.frame_resize, A: this.numActions, D: a.rnd_output_dim,
      epsilonPpo: a.epsilon_ppo, norm: this.norm,
    }, R)
  }

  static async create(args: Args, backend: Backend, hooks: Hooks = {}): Promise<PpoRnd> {
    const slots = Math.min(args.num_envs, Math.max(args.num_trials, args.initial_normalization_num_trials, 1))
    // DIFFERS FROM SEED: many episodes step in lockstep (one batched forward per step) instead of one thread each.
    const venv = new VectorEnv(args.game, { numEnvs: slots, seed: 0, frameResize: args.frame_resize, stackedFrames: 1, autoReset: false })
    const nets = buildNetworks(args, backend, venv.actionSpace.n)
    const optims = {
      value: new Adam(nets.value.parameters(), { lr: args.model_value_lr }),
      policy: new Adam(nets.policy.parameters(), { lr: args.model_policy_lr }),
      rnd_predictor: new Adam(nets.rnd_predictor.parameters(), { lr: args.model_rnd_predictor_lr }),
    }
    return new PpoRnd(args, backend, nets, optims, venv, hooks)
  }

  // ============================================================================================================
  // 0. Initial normalization: random episodes (epsilon-greedy 1.0) initialize the per-pixel observation mean/std
  // ============================================================================================================
  async initNormalization(): Promise<void> {
    if (this.isNormalized) return
    const K = this.args.initial_normalization_num_trials
    const steps = await this.collect(K, true)
    for (let e = 0; e < K; e++) this.obsStats.mergeSamples(this.episodes[e].frames, this.episodes[e].length)
    this.totalEnvSteps += steps
    this.isNormalized = true
  }

  async runIteration(): Promise<IterationMetrics> {
    const a = this.args, K = a.num_trials
    if (!this.isNormalized) await this.initNormalization()
    // ==========================================================================================================
    // 1. Rollouts: K whole episodes with the current networks; RND inputs normalized with the current statistics
    // ==========================================================================================================
    const t0 = now()
    if (this.obsStats.count > 0) this.norm.setFrom(this.obsStats)
    const envSteps = await this.collect(K, false)
    this.totalEnvSteps += envSteps
    const eps = this.episodes.slice(0, K)

    // ==========================================================================================================
    // 2. Running statistics, merged episode by episode (parallel formula, weights = step counts): per-pixel
    //    observation mean/var over the raw frames, and the mean/var of each episode's intrinsic returns.
    //    The RND inputs of step 5 keep this rollout's normalization (this.norm), matching the recorded targets.
    // ==========================================================================================================
    let intSum = 0
    for (const ep of eps) {
      this.obsStats.mergeSamples(ep.frames, ep.length)
      const ret = this.scratchOf(ep.length)
      discountedReturns(ep.rewardsInt, a.gamma_intrinsic, ret, ep.length)
      this.intStats.mergeSamples(ret, ep.length, 0, 1)
      for (let t = 0; t < ep.length; t++) intSum += ep.rewardsInt[t]
    }

    // ==========================================================================================================
    // 3. Log the episodes' summed raw extrinsic rewards (the caller compares return_ext_mean with the target)
    // ==========================================================================================================
    const returns = eps.map((e) => e.totalReward)
    const extMean = returns.reduce((s, r) => s + r, 0) / K
    const extStd = Math.sqrt(returns.reduce((s, r) => s + (r - extMean) ** 2, 0) / K)
    const rolloutSeconds = now() - t0

    // ==========================================================================================================
    // 4. Rewards, value targets and advantages per episode (O(T) recursions; see rl/advantages.ts for the two
    //    terminal-step fixes)
    // ==========================================================================================================
    const t1 = now()
    const intStd = this.intStats.std() > 0 ? this.intStats.std() : 1
    for (const ep of eps) {
      const T = ep.length, c = a.extrinsic_reward_clip
      const rExt = this.scratchOf(2 * T), rInt = rExt.subarray(T), vE = new Float32Array(T), vI = new Float32Array(T)
      for (let t = 0; t < T; t++) {
        rExt[t] = a.extrinsic_coefficient * Math.min(c, Math.max(-c, ep.rewards[t]))
        rInt[t] = (a.intrinsic_coefficient * ep.rewardsInt[t]) / intStd
        vE[t] = ep.values[2 * t]
        vI[t] = ep.values[2 * t + 1]
      }
      discountedReturns(rExt, a.gamma_extrinsic, ep.retExt, T)
      discountedReturns(rInt, a.gamma_intrinsic, ep.retInt, T)
      const advE = new Float32Array(T), advI = new Float32Array(T)
      gae(rExt, vE, a.gamma_extrinsic, a.lambda_gae, advE, T)
      gae(rInt, vI, a.gamma_intrinsic, a.lambda_gae, advI, T)
      for (let t = 0; t < T; t++) ep.adv[t] = advE[t] + advI[t] // combined, not normalized (as the seed)
    }
    const explained = this.explainedVariances(eps, envSteps)

    // ==========================================================================================================
    // 5. Train value, policy and RND predictor for epochs_per_iteration epochs (see train())
    // ==========================================================================================================
    const losses = await this.train(eps)
    const trainSeconds = now() - t1
    this.iteration++
    const seconds = rolloutSeconds + trainSeconds
    return {
      iteration: this.iteration, env_steps: envSteps, total_env_steps: this.totalEnvSteps, returns,
      return_ext_mean: extMean, return_ext_std: extStd, return_ext_min: Math.min(...returns), return_ext_max: Math.max(...returns),
      intrinsic_reward_mean: intSum / envSteps, intrinsic_return_std: intStd, ...losses, ...explained,
      rollout_seconds: rolloutSeconds, train_seconds: trainSeconds, env_steps_per_s: envSteps / seconds, episodes_per_s: K / seconds,
    }
  }

  /** Explained variance of each value head: its rollout outputs against the returns it is about to train on. */
  private explainedVariances(eps: EpisodeBuffer[], steps: number): Pick<IterationMetrics, 'explained_variance_ext' | 'explained_variance_int'> {
    const ret = [new Float64Array(steps), new Float64Array(steps)], val = [new Float64Array(steps), new Float64Array(steps)]
    let i = 0
    for (const ep of eps) {
      for (let t = 0; t < ep.length; t++, i++) {
        ret[0][i] = ep.retExt[t]
        ret[1][i] = ep.retInt[t]
        val[0][i] = ep.values[2 * t]
        val[1][i] = ep.values[2 * t + 1]
      }
    }
    return { explained_variance_ext: explainedVariance(ret[0], val[0]), explained_variance_int: explainedVariance(ret[1], val[1]) }
  }

  // ------------------------------------------------------------------------------------------------ rollouts
  /**
   * Collect K whole episodes into this.episodes[0..K), min(K, slots) at a time in lockstep. `isRandom`: uniform
   * random actions and no network (step 0). Returns the number of env steps.
   */
  private async collect(K: number, isRandom: boolean): Promise<number> {
    const a = this.args, venv = this.venv, hw = this.hw, A = this.numActions, D = a.rnd_output_dim
    const S = a.stacked_frames, Sr = a.stacked_frames_rnd, F = a.frame_resize, W = 2 + A + 2 * D
    const phase = isRandom ? 'normalize' : 'rollout'
    while (this.episodes.length < K) this.episodes.push(new EpisodeBuffer(hw, A, D))
    this.collected = K
    let started = 0, finished = 0, steps = 0
    this.slotEp.fill(-1)
    this.activeMask.fill(0)
    const start = (i: number) => {
      // every episode's game RNG is seeded from our own stream: reproducible and resumable
      venv.resetEnv(i, this.rngEnv.int(2 ** 31))
      this.episodes[started].reset()
      this.slotEp[i] = started++
      this.prevAction[i] = -1
      this.activeMask[i] = 1
    }
    let rows: number[] = []
    for (let i = 0; i < venv.numEnvs && started < K; i++) { start(i); rows.push(i) }
    let states = isRandom ? null : this.initialStates(rows.length)
    this.hooks.onProgress?.(phase, 0, K)
    try {
      while (rows.length) {
        const M = rows.length
        for (let r = 0; r < M; r++) {
          const i = rows[r], ep = this.episodes[this.slotEp[i]], t = ep.length
          ep.ensure(t)
          // DIFFERS FROM SEED: gym_ple's reset observation is the previous episode's stale terminal frame (PLE draws
          // nothing at reset); we use the blank frame a freshly made env shows, so an episode does not depend on
          // what its slot ran before and snapshots resume exactly.
          if (t === 0) ep.frames.fill(0, 0, hw)
          else ep.frames.set(venv.frame.subarray(i * hw, (i + 1) * hw), t * hw)
          if (!isRandom) {
            fillStack(this.xObs, r * S * hw, ep, t, S)
            fillRndStack(this.xRnd, r * Sr * hw, ep, t, Sr, this.norm)
          }
        }
        let out: Float32Array | null = null
        if (states) {
          const prev: Record<NetName, RecState> = states
          const res = noGrad(() => scope(() => {
            const x = Tensor.fromArray(this.backend, this.xObs.subarray(0, M * S * hw), [M, S, F, F])
            const xr = Tensor.fromArray(this.backend, this.xRnd.subarray(0, M * Sr * hw), [M, Sr, F, F])
            const v = this.nets.value.step(x, prev.value), p = this.nets.policy.step(x, prev.policy)
            const tg = this.nets.rnd_target.step(xr, prev.rnd_target), pr = this.nets.rnd_predictor.step(xr, prev.rnd_predictor)
            return { out: concat([v.y, p.y, tg.y, pr.y], 1), states: { value: v.state, policy: p.state, rnd_target: tg.state, rnd_predictor: pr.state } }
          }))
          out = await res.out.read() // the one readback of the step
          res.out.dispose()
          for (const n of NET_NAMES) disposeState(prev[n])
          states = res.states
        }
        // ------------------------------------------------ actions: sample, epsilon-greedy, sticky; record
        for (let r = 0; r < M; r++) {
          const i = rows[r], ep = this.episodes[this.slotEp[i]], t = ep.length
          let act: number
          if (!out) act = this.rngAction.int(A)
          else {
            const o = r * W
            act = sampleCategorical(out, o + 2, A, this.rngAction.uniform())
            if (a.epsilon_greedy > 0 && this.rngAction.uniform() < a.epsilon_greedy) act = this.rngAction.int(A)
            ep.values[2 * t] = out[o]
            ep.values[2 * t + 1] = out[o + 1]
            ep.logits.set(out.subarray(o + 2, o + 2 + A), t * A)
            let se = 0
            for (let d = 0; d < D; d++) {
              const tv = out[o + 2 + A + d], pv = out[o + 2 + A + D + d]
              ep.target[t * D + d] = tv
              se += (tv - pv) ** 2
            }
            ep.rewardsInt[t] = se / D
          }
          if (a.sticky_action_probability > 0) act = applySticky(this.prevAction[i], act, a.sticky_action_probability, this.rngAction.uniform())
          ep.actions[t] = act
          this.actions[i] = act
          this.prevAction[i] = act
        }
        venv.step(this.actions, this.activeMask)
        steps += M
        // ------------------------------------------------ rewards, episode ends, new episodes in freed slots
        const keepRow = new Float32Array(M).fill(1)
        const survivors: number[] = []
        let isReset = false
        for (let r = 0; r < M; r++) {
          const i = rows[r], e = this.slotEp[i], ep = this.episodes[e]
          ep.rewards[ep.length] = venv.rewards[i]
          ep.totalReward += venv.rewards[i]
          ep.length++
          if (!venv.terminated[i] && !venv.truncated[i]) { survivors.push(r); continue }
          finished++
          this.hooks.onEpisode?.({ phase, index: e, length: ep.length, return: ep.totalReward })
          this.hooks.onProgress?.(phase, finished, K)
          if (started < K) {
            start(i)
            keepRow[r] = 0
            isReset = true
            survivors.push(r)
          } else {
            this.activeMask[i] = 0
            this.slotEp[i] = -1
          }
        }
        if (states && (isReset || survivors.length < M)) states = this.reshapeStates(states, isReset ? keepRow : null, survivors.length < M ? survivors : null)
        rows = survivors.map((r) => rows[r])
      }
    } finally {
      if (states) for (const n of NET_NAMES) disposeState(states[n])
    }
    return steps
  }

  private initialStates(n: number): Record<NetName, RecState> {
    return Object.fromEntries(NET_NAMES.map((k) => [k, this.nets[k].initialState(n)])) as Record<NetName, RecState>
  }

  /** Zero the rows of new episodes (keepRow 0) and/or keep only the surviving rows, in order. */
  private reshapeStates(states: Record<NetName, RecState>, keepRow: Float32Array | null, survivors: number[] | null): Record<NetName, RecState> {
    const next = noGrad(() => scope(() => {
      const m = keepRow ? Tensor.fromArray(this.backend, keepRow, [keepRow.length, 1]) : null
      const idx = survivors ? Tensor.fromArray(this.backend, survivors, [survivors.length]) : null
      const f = (t: Tensor) => {
        let y = m ? mul(t, m) : t
        if (idx) y = gatherRows(y, idx)
        return y
      }
      return Object.fromEntries(NET_NAMES.map((k) => [k, states[k].map(f)])) as Record<NetName, RecState>
    }))
    for (const n of NET_NAMES) disposeState(states[n])
    return next
  }

  // ------------------------------------------------------------------------------------------------ training
  /**
   * Step 5. Each epoch: the longest episode first, the rest shuffled; `minibatches` lanes run side by side, each
   * lane walking its episodes chunk by chunk (sequence_length steps), so one gradient step sees `minibatches`
   * chunks. Recurrent state is carried from chunk to chunk within an episode (truncated BPTT) and reset when a lane
   * starts a new episode. The predictor trains on a random portion of the episodes.
   */
  private async train(eps: EpisodeBuffer[]): Promise<TrainMetrics> {
    const a = this.args, K = eps.length
    const plans: { steps: (Chunk | null)[][]; rndSel: Uint8Array }[] = []
    for (let epoch = 0; epoch < a.epochs_per_iteration; epoch++) {
      let longest = 0
      for (let e = 1; e < K; e++) if (eps[e].length > eps[longest].length) longest = e
      const rest = [...Array(K).keys()].filter((e) => e !== longest)
      this.shuffle(rest)
      const order = [longest, ...rest]
      const rndSel = new Uint8Array(K)
      const p = a.portion_experience_train_rnd_predictor
      const nSel = p > 0 ? Math.max(1, Math.round(p * K)) : 0
      const pick = [...Array(K).keys()]
      this.shuffle(pick)
      for (let j = 0; j < nSel; j++) rndSel[pick[j]] = 1
      plans.push({ steps: planChunks(order, eps.map((e) => e.length), a.minibatches, a.sequence_length), rndSel })
    }
    const total = plans.reduce((s, p) => s + p.steps.length, 0)
    const sums = { loss_value: 0, loss_policy: 0, loss_rnd: 0, entropy: 0, kl: 0, clipped: 0, records: 0,
      grad_norm_value: 0, grad_norm_policy: 0, grad_norm_rnd_predictor: 0 }
    let done = 0, rndSteps = 0
    this.hooks.onProgress?.('train', 0, total)
    const B = a.minibatches
    const trained = ['value', 'policy', 'rnd_predictor'] as const
    let carried: Record<TrainedName, RecState> | null = null
    try {
      for (const plan of plans) {
        carried = Object.fromEntries(trained.map((k) => [k, this.nets[k].initialState(B)])) as Record<TrainedName, RecState>
        for (const chunks of plan.steps) {
          const r = await this.gradientStep(eps, chunks, plan.rndSel, carried)
          for (const k of trained) disposeState(carried[k])
          carried = r.states
          sums.loss_value += r.lossValue
          sums.loss_policy += r.lossPolicy
          sums.entropy += r.entropy
          sums.grad_norm_value += r.gradNorm.value
          sums.grad_norm_policy += r.gradNorm.policy
          const { kl, clipped } = ratioSums(r.ratios, a.epsilon_ppo)
          sums.kl += kl
          sums.clipped += clipped
          sums.records += r.ratios.length
          if (r.lossRnd !== null) { sums.loss_rnd += r.lossRnd; sums.grad_norm_rnd_predictor += r.gradNorm.rnd_predictor; rndSteps++ }
          done++
          this.hooks.onProgress?.('train', done, total)
        }
        for (const k of trained) disposeState(carried[k])
        carried = null
      }
    } finally {
      if (carried) for (const k of trained) disposeState(carried[k])
    }
    const steps = Math.max(1, done), records = Math.max(1, sums.records)
    return {
      loss_value: sums.loss_value / steps, loss_policy: sums.loss_policy / steps,
      loss_rnd: rndSteps ? sums.loss_rnd / rndSteps : 0, entropy: sums.entropy / steps,
      approx_kl: sums.kl / records, clip_fraction: sums.clipped / records,
      grad_norm_value: sums.grad_norm_value / steps, grad_norm_policy: sums.grad_norm_policy / steps,
      grad_norm_rnd_predictor: rndSteps ? sums.grad_norm_rnd_predictor / rndSteps : 0,
    }
  }

  /** One gradient step of the three trained networks on a batch of chunks (one per lane, null = idle lane). */
  private async gradientStep(eps: EpisodeBuffer[], chunks: (Chunk | null)[], rndSel: Uint8Array, carried: Record<TrainedName, RecState>) {
    const a = this.args, B = chunks.length, batch = this.batch
    const isRec = this.nets.value.isRecurrent
    // Rows hold only the real records (lane by lane). For a recurrent core, padIdx/realIdx map them to and from the
    // padded time-major layout t * B + b (see PackedRows), so the encoder and head never run on padding.
    const T = Math.max(...chunks.map((c) => (c ? c.len : 0)))
    const padIdx = new Float32Array(T * B), realIdx: number[] = []
    let rndCount = 0
    batch.clear()
    const keepRow = new Float32Array(B)
    for (let b = 0; b < B; b++) {
      const c = chunks[b]
      keepRow[b] = c && !c.isStart ? 1 : 0
      for (let t = c ? c.len : 0; t < T; t++) padIdx[t * B + b] = -1
      if (!c) continue
      const ep = eps[c.ep], sel = rndSel[c.ep]
      for (let t = 0; t < c.len; t++) {
        padIdx[t * B + b] = batch.push({ ep, s: c.off + t, rndSel: sel })
        realIdx.push(t * B + b)
        rndCount += sel
      }
    }
    const N = batch.count
    for (let k = 0; k < T * B; k++) if (padIdx[k] < 0) padIdx[k] = N // the zero row
    const be = this.backend
    const col = (k: ColumnName) => batch.tensor(be, k)
    return scope(async () => {
      const x = col('obs'), xr = col('rnd'), mask = col('mask')
      const pack = isRec ? { B, padIdx: Tensor.fromArray(be, padIdx, [T * B]), realIdx: Tensor.fromArray(be, realIdx, [N]) } : undefined
      const hasReset = isRec && keepRow.some((k) => k === 0)
      const km = hasReset ? Tensor.fromArray(be, keepRow, [B, 1]) : null
      const st = (k: TrainedName) => (km ? maskState(carried[k], km) : carried[k])
      const v = this.nets.value.sequence(x, T, st('value'), pack)
      const lossV = valueLoss(v.y, col('vTarget'), mask, N)
      const p = this.nets.policy.sequence(x, T, st('policy'), pack)
      const pl = policyLoss(p.y, col('onehot'), col('pOld'), col('adv'), col('bound'), mask, N, a.beta_entropy)
      let lossR: Tensor | null = null
      let q: { state: RecState } = { state: st('rnd_predictor') }
      if (rndCount > 0) {
        const r = this.nets.rnd_predictor.sequence(xr, T, q.state, pack)
        lossR = rndLoss(r.y, col('rndTarget'), col('rndMask'), rndCount)
        q = r
      }
      const totalLoss = lossR ? concat([reshape(lossV, [1]), reshape(pl.loss, [1]), reshape(lossR, [1])], 0) : concat([reshape(lossV, [1]), reshape(pl.loss, [1])], 0)
      backward(totalLoss) // the three networks share nothing: one backward fills each one's gradients
      // one readback: the losses, the entropy, each trained network's squared gradient norm, the ratios
      const nets = lossR ? TRAINED : TRAINED.filter((k) => k !== 'rnd_predictor')
      const vals = await noGrad(() => concat([totalLoss, reshape(pl.entropy, [1]),
        ...nets.map((k) => gradSquares(this.optims[k].params)), reshape(pl.ratio, [N])], 0)).read()
      const L = nets.length, gradNorm = { value: 0, policy: 0, rnd_predictor: 0 }
      nets.forEach((k, i) => { gradNorm[k] = Math.sqrt(vals[L + 1 + i]) })
      const named: [string, number][] = [['value', vals[0]], ['policy', vals[1]], ...(lossR ? [['rnd_predictor', vals[2]] as [string, number]] : [])]
      for (const [n, val] of named) {
        if (!Number.isFinite(val)) {
          for (const o of Object.values(this.optims)) o.zeroGrad()
          throw new NonFiniteLossError(n, val, this.iteration + 1)
        }
      }
      await this.optims.value.step(a.gradient_clip)
      await this.optims.policy.step(a.gradient_clip)
      if (lossR) await this.optims.rnd_predictor.step(a.gradient_clip)
      for (const o of Object.values(this.optims)) o.zeroGrad()
      const states: Record<TrainedName, RecState> = {
        value: detachState(v.state), policy: detachState(p.state), rnd_predictor: detachState(q.state),
      }
      return {
        states, lossValue: vals[0], lossPolicy: vals[1], lossRnd: lossR ? vals[2] : null, entropy: vals[L],
        gradNorm, ratios: vals.subarray(2 * L + 1),
      }
    })
  }

  private shuffle(xs: number[]): void {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = this.rngTrain.int(i + 1)
      ;[xs[i], xs[j]] = [xs[j], xs[i]]
    }
  }

  private scratchOf(n: number): Float64Array {
    if (this.scratch.length < n) this.scratch = new Float64Array(Math.max(n, 2 * this.scratch.length))
    return this.scratch.subarray(0, n)
  }

  // ------------------------------------------------------------------------------------------------ snapshots
  /** Named parameters of one network (the .model files). */
  networkNamed(name: NetName): [string, Tensor][] {
    return this.nets[name].namedParameters()
  }

  /** name -> shape of every tensor of each model and optimizer, for validating files before loading. */
  expectedShapes(): { models: Record<NetName, Record<string, number[]>>; optimizers: Record<TrainedName, Record<string, number[]>> } {
    return {
      models: Object.fromEntries(NET_NAMES.map((n) => [n, shapesOf(this.networkNamed(n))])) as Record<NetName, Record<string, number[]>>,
      optimizers: Object.fromEntries(TRAINED.map((n) => [n, shapesOf(this.optims[n].stateTensors())])) as Record<TrainedName, Record<string, number[]>>,
    }
  }

  async exportState(): Promise<TrainerState> {
    const models = {} as TrainerState['models'], optimizers = {} as TrainerState['optimizers']
    for (const n of NET_NAMES) models[n] = await toNamedArrays(this.networkNamed(n))
    for (const n of TRAINED) optimizers[n] = await toNamedArrays(this.optims[n].stateTensors())
    return {
      models, optimizers,
      json: {
        iteration: this.iteration, total_env_steps: this.totalEnvSteps, is_normalized: this.isNormalized,
        adam_t: { value: this.optims.value.t, policy: this.optims.policy.t, rnd_predictor: this.optims.rnd_predictor.t },
        stats: { obs: this.obsStats.toJSON(), int_return: this.intStats.toJSON() },
        rng: { action: this.rngAction.getState(), env: this.rngEnv.getState(), train: this.rngTrain.getState() },
        args: { ...this.args },
      },
    }
  }

  /** Restore a snapshot; every shape is checked before anything is written (an error names the tensor). */
  importState(state: TrainerState): void {
    const exp = this.expectedShapes()
    for (const n of NET_NAMES) checkTensors(`model ${n}`, state.models[n], exp.models[n])
    for (const n of TRAINED) checkTensors(`optimizer ${n}`, state.optimizers[n], exp.optimizers[n])
    const j = state.json
    if (j.stats.obs.mean.length !== this.hw) throw new Error(`snapshot: observation statistics have ${j.stats.obs.mean.length} pixels, frame_resize ${this.args.frame_resize} needs ${this.hw}`)
    for (const n of NET_NAMES) for (const [name, t] of this.networkNamed(n)) t.write(state.models[n][name].data)
    for (const n of TRAINED) {
      for (const [name, t] of this.optims[n].stateTensors()) t.write(state.optimizers[n][name].data)
      this.optims[n].t = j.adam_t[n]
    }
    this.obsStats.load(j.stats.obs)
    this.intStats.load(j.stats.int_return)
    this.rngAction.setState(j.rng.action)
    this.rngEnv.setState(j.rng.env)
    this.rngTrain.setState(j.rng.train)
    this.iteration = j.iteration
    this.totalEnvSteps = j.total_env_steps
    this.isNormalized = j.is_normalized
  }

  /**
   * The episodes of the last rollout (the last iteration's, or step 0's), in order: raw frames (frame_resize^2 each,
   * 0..255), actions, rewards. The next rollout overwrites them.
   */
  lastEpisodes(): readonly EpisodeBuffer[] {
    return this.episodes.slice(0, this.collected)
  }

  // ------------------------------------------------------------------------------------------------ playing
  /** A policy for playing one episode at a time with the current policy network (cli play, web): rl/actor.ts. */
  actor(opts: ActorOptions = {}): Actor {
    return createActor(this.nets.policy, this.backend, this.args, this.numActions, opts)
  }

  dispose(): void {
    for (const n of NET_NAMES) this.nets[n].dispose()
    for (const n of TRAINED) this.optims[n].dispose()
  }
}

/**
 * Lay `order` out over B lanes: each lane takes the next episode when its current one is done and walks it in
 * chunks of L steps; one entry per gradient step, one chunk (or null: idle) per lane.
 */
export function planChunks(order: number[], lengths: number[], B: number, L: number): (Chunk | null)[][] {
  const lanes: ({ ep: number; off: number } | null)[] = new Array(B).fill(null)
  let q = 0
  const steps: (Chunk | null)[][] = []
  for (;;) {
    const row: (Chunk | null)[] = []
    for (let b = 0; b < B; b++) {
      let lane = lanes[b], isStart = false
      if (!lane || lane.off >= lengths[lane.ep]) {
        lane = lanes[b] = q < order.length ? { ep: order[q++], off: 0 } : null
        isStart = true
      }
      if (!lane) { row.push(null); continue }
      const len = Math.min(L, lengths[lane.ep] - lane.off)
      row.push({ ep: lane.ep, off: lane.off, len, isStart })
      lane.off += len
    }
    if (row.every((c) => c === null)) return steps
    steps.push(row)
  }
}
