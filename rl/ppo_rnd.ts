// PPO with Random Network Distillation, top to bottom (docs/algorithm.md; banners numbered as its steps).
//   const t = await PpoRnd.create(args, backend, hooks)
//   await t.initNormalization()                  // step 0, once (no-op when done or restored)
//   const m = await t.runIteration()             // steps 1-5; the caller logs, saves (6) and checks the target
// Randomness: every stream is an engine Rng seeded from args.rng_seed (weights; actions; episode seeds; training
// order), so the same seed on the same backend gives the same metrics. Rollouts run min(num_envs, trials) episodes
// in lockstep, one batched forward of the four networks and one readback per step.
// Not here: the pieces each step uses (networks, rollout, advantages, losses, stats), step 5's training loop
// (rl/train_loop.ts), the snapshot types and shape
// check (rl/snapshot.ts), and the playing policy (rl/actor.ts).
import { Tensor, Adam, Rng, scope, noGrad, concat, gatherRows, mul, toNamedArrays, type Backend } from '../engine/index.ts'
import { VectorEnv } from '../env/vector_env.ts'
import type { MiniGridEnv } from '../env/index.ts'
import { applySticky } from '../env/preprocess.ts'
import type { Args } from './args.ts'
import { buildNetworks, NET_NAMES, TRAINED, disposeState, valuePolicy, type Net, type NetName, type TrainedName, type RecState } from './networks.ts'
import { EpisodeBuffer, ObsNormalizer, fillStack, fillRndStack, sampleCategorical, type Rollout } from './rollout.ts'
import { obsLayout, inputSpec, stackShape, type ObsLayout } from './observation.ts'
import { gaeSegment, RewardForwardFilter, segmentRewardsInt } from './segments.ts'
import { VisitMap } from './visit_map.ts'
import { RunningMeanStd } from './stats.ts'
import { discountedReturns, gae, annealedFraction, normalizeAdvantages } from './advantages.ts'
import { TrainBatch } from './train_batch.ts'
import { trainIteration, type TrainMetrics } from './train_loop.ts'
import { explainedVariance } from './health.ts'
import type { IterationMetrics } from './metrics.ts'
import { shapesOf, checkTensors, type TrainerState } from './snapshot.ts'
import { createActor, type Actor, type ActorOptions } from './actor.ts'

export { NonFiniteLossError } from './losses.ts'
export type { IterationMetrics } from './metrics.ts'
export type { Rollout } from './rollout.ts'
export type Phase = 'normalize' | 'rollout' | 'train'

export interface Hooks {
  /** rollout/normalize: episodes done of the phase's total; train: gradient steps done of the total */
  onProgress?(phase: Phase, done: number, total: number): void
  /** every finished episode: its index in the phase, length in steps and summed raw extrinsic reward */
  onEpisode?(info: { phase: 'normalize' | 'rollout'; index: number; length: number; return: number }): void
}

/** An episode as what replays it: its game seed and actions. */
export interface EpisodeReplay {
  seed: number
  actions: number[]
}
const MAX_REPLAYS = 16

/** Fixed-length rollouts: an env's episode in flight (seed and actions replay it on resume). */
export interface Inflight {
  seed: number
  actions: number[]
  ret: number
  len: number
  start: number
}

const now = () => performance.now() / 1000

export class PpoRnd {
  iteration = 0
  /** the entropy coefficient the current iteration trains at (set by learn()) */
  betaEntropy: number
  /** tests only: the seed's masked RND predictor over every lane (TrainContext.maskedRndPredictor) */
  maskedRndPredictor = false
  totalEnvSteps = 0
  isNormalized = false
  readonly numActions: number
  readonly obsStats: RunningMeanStd
  readonly intStats = new RunningMeanStd(1)
  private readonly norm: ObsNormalizer
  private readonly rngAction: Rng
  private readonly rngEnv: Rng
  /** the training order's stream (rl/train_loop.ts) */
  readonly rngTrain: Rng
  private readonly episodes: EpisodeBuffer[] = []
  /** episodes of the last collect() */
  private collected = 0
  /** what one frame is (rl/observation.ts) */
  readonly obs: ObsLayout
  private readonly fs: number
  /** fixed-length rollouts: each env's episode in flight across iterations (null until the first segment) */
  private inflight: Inflight[] | null = null
  /** fixed-length rollouts: V_ext, V_int of each env's observation after its segment's last step */
  private readonly bootstrap: Float32Array
  private readonly rff: RewardForwardFilter
  /** fixed-length rollouts: the first episodes that ended in the last rollout, for replays */
  private ended: EpisodeReplay[] = []
  /** MiniGrid: visits and intrinsic rewards per grid cell in the last rollout (null for pixel games) */
  readonly visits: VisitMap | null
  // rollout scratch (sized for all slots) and training scratch (sized for minibatches x sequence_length records)
  private readonly xObs: Float32Array
  private readonly xRnd: Float32Array
  private readonly actions: Int32Array
  private readonly activeMask: Uint8Array
  private readonly prevAction: Int32Array
  private readonly slotEp: Int32Array
  /** the staged records of a gradient step (rl/train_loop.ts) */
  readonly batch: TrainBatch
  private scratch = new Float64Array(64)

  private constructor(
    readonly args: Args,
    readonly backend: Backend,
    readonly nets: Record<NetName, Net>,
    readonly optims: Record<TrainedName, Adam>,
    readonly venv: VectorEnv,
    readonly hooks: Hooks,
  ) {
    const a = args
    this.betaEntropy = a.beta_entropy
    this.numActions = venv.actionSpace.n
    this.obs = obsLayout(a)
    this.fs = this.obs.frameSize
    this.obsStats = new RunningMeanStd(this.fs)
    this.norm = new ObsNormalizer(this.fs, a.rnd_obs_norm_clip)
    this.rngAction = new Rng(a.rng_seed + 1)
    this.rngEnv = new Rng(a.rng_seed + 2)
    this.rngTrain = new Rng(a.rng_seed + 3)
    const N = venv.numEnvs,
      R = a.minibatches * a.sequence_length
    this.xObs = new Float32Array(N * a.stacked_frames * this.fs)
    this.xRnd = new Float32Array(N * a.stacked_frames_rnd * this.fs)
    this.bootstrap = new Float32Array(N * 2)
    this.rff = new RewardForwardFilter(N, a.gamma_intrinsic)
    const grid = venv.kind === 'minigrid' ? (venv.envs[0].unwrapped as MiniGridEnv) : null
    this.visits = grid ? new VisitMap(grid.width, grid.height) : null
    this.actions = new Int32Array(N)
    this.activeMask = new Uint8Array(N)
    this.prevAction = new Int32Array(N)
    this.slotEp = new Int32Array(N)
    this.batch = new TrainBatch(
      {
        S: a.stacked_frames,
        Sr: a.stacked_frames_rnd,
        C: this.obs.channels,
        F: this.obs.size,
        A: this.numActions,
        D: a.rnd_output_dim,
        epsilonPpo: a.epsilon_ppo,
        norm: this.norm,
      },
      R,
    )
  }

  static async create(args: Args, backend: Backend, hooks: Hooks = {}): Promise<PpoRnd> {
    const slots = args.num_steps > 0 ? args.num_envs : Math.min(args.num_envs, Math.max(args.num_trials, args.initial_normalization_num_trials, 1))
    // DIFFERS FROM SEED: many episodes step in lockstep (one batched forward per step) instead of one thread each.
    const layout = obsLayout(args)
    const venv = new VectorEnv(
      args.game,
      layout.kind === 'minigrid'
        ? { numEnvs: slots, seed: 0, autoReset: false, onehot: args.grid_onehot }
        : { numEnvs: slots, seed: 0, frameResize: args.frame_resize, stackedFrames: 1, autoReset: false, frameSkip: args.frame_skip, crop: layout.crop },
    )
    const nets = buildNetworks(args, backend, venv.actionSpace.n, inputSpec(layout))
    const optims = {
      value: new Adam(nets.value.parameters(), { lr: args.model_value_lr, eps: args.adam_epsilon }),
      policy: new Adam(nets.policy.parameters(), { lr: args.model_policy_lr, eps: args.adam_epsilon }),
      rnd_predictor: new Adam(nets.rnd_predictor.parameters(), { lr: args.model_rnd_predictor_lr, eps: args.adam_epsilon }),
    }
    return new PpoRnd(args, backend, nets, optims, venv, hooks)
  }

  // ============================================================================================================
  // 0. Initial normalization: random episodes (epsilon-greedy 1.0) initialize the per-pixel observation mean/std
  // ============================================================================================================
  async initNormalization(): Promise<void> {
    if (this.isNormalized) return
    const K = this.args.initial_normalization_num_trials
    const { steps } = await this.collectEpisodes(K, true)
    for (let e = 0; e < K; e++) this.obsStats.mergeSamples(this.episodes[e].frames, this.episodes[e].length)
    this.totalEnvSteps += steps
    this.isNormalized = true
  }

  async runIteration(): Promise<IterationMetrics> {
    if (!this.isNormalized) await this.initNormalization()
    return this.learn(await this.rollout())
  }

  /**
   * Step 1 alone: the rollout of an iteration, its records in this trainer's buffers (the next rollout overwrites
   * them). The distributed actor (cli/actor.ts) sends it to the learner as a block (rl/distributed/block.ts).
   */
  async rollout(): Promise<Rollout> {
    const a = this.args,
      isSeg = a.num_steps > 0
    // ==========================================================================================================
    // 1. Rollouts with the current networks, RND inputs normalized with the current statistics: num_trials whole
    //    episodes (the seed), or num_steps steps of each of num_envs environments (--num_steps, rl/segments.ts)
    // ==========================================================================================================
    const t0 = now()
    if (this.obsStats.count > 0) this.norm.setFrom(this.obsStats)
    this.visits?.clear()
    const { steps, returns } = isSeg ? await this.collectSegments(a.num_steps) : await this.collectEpisodes(a.num_trials, false)
    const eps = this.episodes.slice(0, this.collected)
    // the forward filter runs along each env's time: it advances here; learn() runs it again from filterStart
    let filterStart: Float64Array | undefined
    if (isSeg && a.int_reward_norm === 'forward_filter') {
      filterStart = Float64Array.from(this.rff.u)
      this.rff.run(segmentRewardsInt(eps, a.num_steps), a.num_steps)
    }
    return { eps, envSteps: steps, returns, bootstrap: this.bootstrap, norm: this.norm, seconds: now() - t0, filterStart }
  }

  /** Buffers for n segments or episodes, to be filled by the caller and given to learn() (the learner's blocks). */
  buffers(n: number): EpisodeBuffer[] {
    this.ensureBuffers(n)
    return this.episodes.slice(0, n)
  }

  /**
   * Steps 2 to 5 on a rollout: statistics, log values, advantages, training. The episodes' RND inputs use each
   * episode's own normalization when it has one (ep.norm: a learner's blocks), else this trainer's (r.norm).
   */
  async learn(r: Rollout): Promise<IterationMetrics> {
    const a = this.args,
      isSeg = a.num_steps > 0
    const { eps, envSteps, returns } = r
    const t0 = now() - r.seconds
    // here, not in rollout(): a distributed learner trains on blocks without rolling out (cli/learner.ts)
    const lrFraction = annealedFraction(this.totalEnvSteps, a.lr_anneal_frames) // steps before this iteration
    this.optims.value.lr = a.model_value_lr * lrFraction
    this.optims.policy.lr = a.model_policy_lr * lrFraction
    this.optims.rnd_predictor.lr = a.model_rnd_predictor_lr * lrFraction
    this.betaEntropy = a.beta_entropy * annealedFraction(this.totalEnvSteps, a.entropy_anneal_frames)
    this.totalEnvSteps += envSteps

    // ==========================================================================================================
    // 2. Running statistics, merged episode by episode (parallel formula, weights = step counts): per-pixel
    //    observation mean/var over the raw frames, and the mean/var of the discounted intrinsic returns: each
    //    episode's (the seed) or the RND paper's forward filter along each environment's time (--int_reward_norm).
    //    The RND inputs of step 5 keep this rollout's normalization (this.norm), matching the recorded targets.
    // ==========================================================================================================
    let intSum = 0
    for (const ep of eps) {
      this.obsStats.mergeSamples(ep.frames, ep.length)
      for (let t = 0; t < ep.length; t++) intSum += ep.rewardsInt[t]
    }
    if (a.int_reward_norm === 'forward_filter') {
      if (!r.filterStart || r.filterStart.length !== eps.length) throw new Error('forward_filter: a rollout without its filter start values')
      const f = new RewardForwardFilter(eps.length, a.gamma_intrinsic)
      f.load(r.filterStart)
      f.update(segmentRewardsInt(eps, a.num_steps), a.num_steps, this.intStats)
    } else {
      for (const ep of eps) {
        const ret = this.scratchOf(ep.length)
        discountedReturns(ep.rewardsInt, a.gamma_intrinsic, ret, ep.length)
        this.intStats.mergeSamples(ret, ep.length, 0, 1)
      }
    }

    // ==========================================================================================================
    // 3. Log the episodes' summed raw extrinsic rewards (the caller compares return_ext_mean with the target). With
    //    fixed-length rollouts: the episodes that ended during this rollout (NaN when none did).
    // ==========================================================================================================
    const K = returns.length
    const extMean = returns.reduce((s, r) => s + r, 0) / K
    const extStd = Math.sqrt(returns.reduce((s, r) => s + (r - extMean) ** 2, 0) / K)
    const rolloutSeconds = now() - t0

    // ==========================================================================================================
    // 4. Rewards, value targets and advantages per episode (O(T) recursions; see rl/advantages.ts for the two
    //    terminal-step fixes), or per segment with dones and the bootstrap value (rl/segments.ts)
    // ==========================================================================================================
    const t1 = now()
    const intStd = this.intStats.std() > 0 ? this.intStats.std() : 1
    const advStds = [new RunningMeanStd(1), new RunningMeanStd(1)] // of the extrinsic and the intrinsic advantage parts
    eps.forEach((ep, i) => {
      const T = ep.length,
        c = a.extrinsic_reward_clip
      const rExt = this.scratchOf(2 * T),
        rInt = rExt.subarray(T),
        vE = new Float32Array(T),
        vI = new Float32Array(T)
      for (let t = 0; t < T; t++) {
        rExt[t] = a.extrinsic_coefficient * Math.min(c, Math.max(-c, ep.rewards[t]))
        rInt[t] = (a.intrinsic_coefficient * ep.rewardsInt[t]) / intStd
        vE[t] = ep.values[2 * t]
        vI[t] = ep.values[2 * t + 1]
      }
      const advE = new Float32Array(T),
        advI = new Float32Array(T)
      if (isSeg) {
        const dones = ep.dones.subarray(0, T)
        gaeSegment(rExt, vE, dones, r.bootstrap[2 * i], a.gamma_extrinsic, a.lambda_gae, advE, ep.retExt, T)
        gaeSegment(rInt, vI, a.intrinsic_non_episodic ? null : dones, r.bootstrap[2 * i + 1], a.gamma_intrinsic, a.lambda_gae, advI, ep.retInt, T)
      } else {
        discountedReturns(rExt, a.gamma_extrinsic, ep.retExt, T)
        discountedReturns(rInt, a.gamma_intrinsic, ep.retInt, T)
        gae(rExt, vE, a.gamma_extrinsic, a.lambda_gae, advE, T)
        gae(rInt, vI, a.gamma_intrinsic, a.lambda_gae, advI, T)
      }
      for (let t = 0; t < T; t++) ep.adv[t] = advE[t] + advI[t] // combined (as the seed)
      advStds[0].mergeSamples(advE, T)
      advStds[1].mergeSamples(advI, T)
    })
    if (a.normalize_advantages) normalizeAdvantages(eps)
    const explained = this.explainedVariances(eps, envSteps)

    // ==========================================================================================================
    // 5. Train value, policy and RND predictor for epochs_per_iteration epochs (see train())
    // ==========================================================================================================
    const losses = await this.train(eps)
    const trainSeconds = now() - t1
    this.iteration++
    const seconds = rolloutSeconds + trainSeconds
    return {
      iteration: this.iteration,
      env_steps: envSteps,
      total_env_steps: this.totalEnvSteps,
      returns,
      episodes: K,
      return_ext_mean: extMean,
      return_ext_std: extStd,
      return_ext_min: K ? Math.min(...returns) : NaN,
      return_ext_max: K ? Math.max(...returns) : NaN,
      success_rate: returns.filter((r) => r > 0).length / K,
      intrinsic_reward_mean: intSum / envSteps,
      intrinsic_return_std: intStd,
      advantage_ext_std: advStds[0].std(),
      advantage_int_std: advStds[1].std(),
      lr_fraction: lrFraction,
      beta_entropy: this.betaEntropy,
      ...losses,
      ...explained,
      rollout_seconds: rolloutSeconds,
      train_seconds: trainSeconds,
      env_steps_per_s: envSteps / seconds,
      episodes_per_s: K / seconds,
    }
  }

  /** Explained variance of each value head: its rollout outputs against the returns it is about to train on. */
  private explainedVariances(eps: EpisodeBuffer[], steps: number): Pick<IterationMetrics, 'explained_variance_ext' | 'explained_variance_int'> {
    const ret = [new Float64Array(steps), new Float64Array(steps)],
      val = [new Float64Array(steps), new Float64Array(steps)]
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
  private ensureBuffers(n: number): void {
    const a = this.args
    while (this.episodes.length < n) this.episodes.push(new EpisodeBuffer(this.fs, this.numActions, a.rnd_output_dim, this.obs.divisor))
    this.collected = n
  }

  /** Store env i's current observation as step t's frame (an episode's first frame is blank for PLE games). */
  private storeFrame(ep: EpisodeBuffer, t: number, i: number, isFirst: boolean): void {
    const fs = this.fs
    // DIFFERS FROM SEED (pixels): gym_ple's reset observation is the previous episode's stale terminal frame (PLE
    // draws nothing at reset); we use the blank frame a freshly made env shows, so an episode does not depend on
    // what its slot ran before and snapshots resume exactly.
    if (isFirst && this.obs.blankFirst) ep.frames.fill(0, t * fs, (t + 1) * fs)
    else ep.frames.set(this.venv.frame.subarray(i * fs, (i + 1) * fs), t * fs)
  }

  /** The four networks, one step, on rows 0..M of the staged inputs: out [M, 2 + A + 2D] read back, new states. */
  private async forward(M: number, prev: Record<NetName, RecState>): Promise<{ out: Float32Array; states: Record<NetName, RecState> }> {
    const a = this.args,
      o = this.obs
    const res = noGrad(() =>
      scope(() => {
        const x = Tensor.fromArray(this.backend, this.xObs.subarray(0, M * a.stacked_frames * this.fs), stackShape(o, M, a.stacked_frames))
        const xr = Tensor.fromArray(this.backend, this.xRnd.subarray(0, M * a.stacked_frames_rnd * this.fs), stackShape(o, M, a.stacked_frames_rnd))
        const { v, p } = valuePolicy(this.nets.value, this.nets.policy, x, prev)
        const tg = this.nets.rnd_target.step(xr, prev.rnd_target),
          pr = this.nets.rnd_predictor.step(xr, prev.rnd_predictor)
        return { out: concat([v.y, p.y, tg.y, pr.y], 1), states: { value: v.state, policy: p.state, rnd_target: tg.state, rnd_predictor: pr.state } }
      }),
    )
    const out = await res.out.read() // the one readback of the step
    res.out.dispose()
    for (const n of NET_NAMES) disposeState(prev[n])
    return { out, states: res.states }
  }

  /**
   * Row r (env i) at step t of ep: sample the action from the networks' outputs (uniform without them), record the
   * values, logits, RND target and intrinsic reward, apply epsilon-greedy and sticky actions. Returns the action.
   */
  private recordStep(out: Float32Array | null, r: number, i: number, ep: EpisodeBuffer, t: number): number {
    const a = this.args,
      A = this.numActions,
      D = a.rnd_output_dim
    let act: number
    if (!out) act = this.rngAction.int(A)
    else {
      const o = r * (2 + A + 2 * D)
      act = sampleCategorical(out, o + 2, A, this.rngAction.uniform())
      if (a.epsilon_greedy > 0 && this.rngAction.uniform() < a.epsilon_greedy) act = this.rngAction.int(A)
      ep.values[2 * t] = out[o]
      ep.values[2 * t + 1] = out[o + 1]
      ep.logits.set(out.subarray(o + 2, o + 2 + A), t * A)
      let se = 0
      for (let d = 0; d < D; d++) {
        const tv = out[o + 2 + A + d],
          pv = out[o + 2 + A + D + d]
        ep.target[t * D + d] = tv
        se += (tv - pv) ** 2
      }
      ep.rewardsInt[t] = se / D
      this.visits?.add(this.venv.agentPos[2 * i], this.venv.agentPos[2 * i + 1], ep.rewardsInt[t])
    }
    if (a.sticky_action_probability > 0) act = applySticky(this.prevAction[i], act, a.sticky_action_probability, this.rngAction.uniform())
    ep.actions[t] = act
    this.actions[i] = act
    this.prevAction[i] = act
    return act
  }

  /**
   * Collect K whole episodes into this.episodes[0..K), min(K, slots) at a time in lockstep. `isRandom`: uniform
   * random actions and no network (step 0). Returns the number of env steps and the episodes' returns.
   */
  private async collectEpisodes(K: number, isRandom: boolean): Promise<{ steps: number; returns: number[] }> {
    const a = this.args,
      venv = this.venv,
      fs = this.fs
    const S = a.stacked_frames,
      Sr = a.stacked_frames_rnd
    const phase = isRandom ? 'normalize' : 'rollout'
    this.ensureBuffers(K)
    this.inflight = null // fixed-length rollouts start fresh episodes after this
    let started = 0,
      finished = 0,
      steps = 0
    this.slotEp.fill(-1)
    this.activeMask.fill(0)
    const start = (i: number) => {
      // every episode's game RNG is seeded from our own stream: reproducible and resumable
      const seed = this.rngEnv.int(2 ** 31)
      venv.resetEnv(i, seed)
      this.episodes[started].reset()
      this.episodes[started].seed = seed
      this.slotEp[i] = started++
      this.prevAction[i] = -1
      this.activeMask[i] = 1
    }
    let rows: number[] = []
    for (let i = 0; i < venv.numEnvs && started < K; i++) {
      start(i)
      rows.push(i)
    }
    let states = isRandom ? null : this.initialStates(rows.length)
    this.hooks.onProgress?.(phase, 0, K)
    try {
      while (rows.length) {
        const M = rows.length
        for (let r = 0; r < M; r++) {
          const i = rows[r],
            ep = this.episodes[this.slotEp[i]],
            t = ep.length
          ep.ensure(t)
          this.storeFrame(ep, t, i, t === 0)
          if (!isRandom) {
            fillStack(this.xObs, r * S * fs, ep, t, S)
            fillRndStack(this.xRnd, r * Sr * fs, ep, t, Sr, this.norm)
          }
        }
        let out: Float32Array | null = null
        if (states) ({ out, states } = await this.forward(M, states))
        for (let r = 0; r < M; r++) this.recordStep(out, r, rows[r], this.episodes[this.slotEp[rows[r]]], this.episodes[this.slotEp[rows[r]]].length)
        venv.step(this.actions, this.activeMask)
        steps += M
        // ------------------------------------------------ rewards, episode ends, new episodes in freed slots
        const keepRow = new Float32Array(M).fill(1)
        const survivors: number[] = []
        let isReset = false
        for (let r = 0; r < M; r++) {
          const i = rows[r],
            e = this.slotEp[i],
            ep = this.episodes[e]
          ep.rewards[ep.length] = venv.rewards[i]
          ep.totalReward += venv.rewards[i]
          ep.length++
          if (!venv.terminated[i] && !venv.truncated[i]) {
            survivors.push(r)
            continue
          }
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
    return { steps, returns: this.episodes.slice(0, K).map((e) => e.totalReward) }
  }

  /** Env i starts a new episode, seeded from our stream, at step `start` of the current segment. */
  private newEpisode(i: number, start = 0): Inflight {
    const seed = this.rngEnv.int(2 ** 31)
    this.venv.resetEnv(i, seed)
    this.prevAction[i] = -1
    return { seed, actions: [], ret: 0, len: 0, start }
  }

  /**
   * Fixed-length rollouts: T steps of every env into segment buffers this.episodes[i] (rl/segments.ts). Episodes
   * run on across segments (this.inflight); one that ends is replaced at once by a new one in its env. After the
   * last step, one more forward gives the bootstrap values. Returns N * T and the returns of the episodes that ended.
   */
  private async collectSegments(T: number): Promise<{ steps: number; returns: number[] }> {
    const a = this.args,
      venv = this.venv,
      N = venv.numEnvs,
      fs = this.fs,
      A = this.numActions,
      D = a.rnd_output_dim
    const S = a.stacked_frames,
      Sr = a.stacked_frames_rnd
    this.ensureBuffers(N)
    const flight = (this.inflight ??= Array.from({ length: N }, (_, i) => this.newEpisode(i)))
    for (let i = 0; i < N; i++) {
      this.episodes[i].reset()
      flight[i].start = 0
    }
    this.ended = []
    this.activeMask.fill(1)
    const returns: number[] = []
    let states = this.initialStates(N)
    this.hooks.onProgress?.('rollout', 0, T)
    try {
      for (let t = 0; t <= T; t++) {
        for (let i = 0; i < N; i++) {
          const ep = this.episodes[i],
            f = flight[i]
          ep.ensure(t)
          this.storeFrame(ep, t, i, f.len === 0)
          ep.epStart[t] = f.start
          fillStack(this.xObs, i * S * fs, ep, t, S)
          fillRndStack(this.xRnd, i * Sr * fs, ep, t, Sr, this.norm)
        }
        const res = await this.forward(N, states)
        states = res.states
        if (t === T) {
          for (let i = 0; i < N; i++) this.bootstrap.set(res.out.subarray(i * (2 + A + 2 * D), i * (2 + A + 2 * D) + 2), 2 * i)
          break
        }
        for (let i = 0; i < N; i++) flight[i].actions.push(this.recordStep(res.out, i, i, this.episodes[i], t))
        venv.step(this.actions, this.activeMask)
        for (let i = 0; i < N; i++) {
          const ep = this.episodes[i],
            f = flight[i],
            r = venv.rewards[i]
          ep.rewards[t] = r
          ep.totalReward += r
          ep.length = t + 1
          f.ret += r
          f.len++
          const done = venv.terminated[i] || venv.truncated[i]
          ep.dones[t] = done ? 1 : 0
          if (!done) continue
          returns.push(f.ret)
          if (this.ended.length < MAX_REPLAYS) this.ended.push({ seed: f.seed, actions: f.actions })
          this.hooks.onEpisode?.({ phase: 'rollout', index: returns.length - 1, length: f.len, return: f.ret })
          flight[i] = this.newEpisode(i, t + 1)
        }
        this.hooks.onProgress?.('rollout', t + 1, T)
      }
    } finally {
      for (const n of NET_NAMES) disposeState(states[n])
    }
    return { steps: N * T, returns }
  }

  private initialStates(n: number): Record<NetName, RecState> {
    return Object.fromEntries(NET_NAMES.map((k) => [k, this.nets[k].initialState(n)])) as Record<NetName, RecState>
  }

  /** Zero the rows of new episodes (keepRow 0) and/or keep only the surviving rows, in order. */
  private reshapeStates(states: Record<NetName, RecState>, keepRow: Float32Array | null, survivors: number[] | null): Record<NetName, RecState> {
    const next = noGrad(() =>
      scope(() => {
        const m = keepRow ? Tensor.fromArray(this.backend, keepRow, [keepRow.length, 1]) : null
        const idx = survivors ? Tensor.fromArray(this.backend, survivors, [survivors.length]) : null
        const f = (t: Tensor) => {
          let y = m ? mul(t, m) : t
          if (idx) y = gatherRows(y, idx)
          return y
        }
        return Object.fromEntries(NET_NAMES.map((k) => [k, states[k].map(f)])) as Record<NetName, RecState>
      }),
    )
    for (const n of NET_NAMES) disposeState(states[n])
    return next
  }

  // ------------------------------------------------------------------------------------------------ training
  /** Step 5 (rl/train_loop.ts). */
  private async train(eps: EpisodeBuffer[]): Promise<TrainMetrics> {
    return trainIteration(this, eps)
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
    const models = {} as TrainerState['models'],
      optimizers = {} as TrainerState['optimizers']
    for (const n of NET_NAMES) models[n] = await toNamedArrays(this.networkNamed(n))
    for (const n of TRAINED) optimizers[n] = await toNamedArrays(this.optims[n].stateTensors())
    return {
      models,
      optimizers,
      json: {
        iteration: this.iteration,
        total_env_steps: this.totalEnvSteps,
        is_normalized: this.isNormalized,
        adam_t: { value: this.optims.value.t, policy: this.optims.policy.t, rnd_predictor: this.optims.rnd_predictor.t },
        stats: { obs: this.obsStats.toJSON(), int_return: this.intStats.toJSON() },
        rng: { action: this.rngAction.getState(), env: this.rngEnv.getState(), train: this.rngTrain.getState() },
        args: { ...this.args },
        ...(this.inflight
          ? { inflight: this.inflight.map((f, i) => ({ seed: f.seed, actions: [...f.actions], ret: f.ret, prev_action: this.prevAction[i] })) }
          : {}),
        ...(this.args.int_reward_norm === 'forward_filter' ? { reward_filter: this.rff.toJSON() } : {}),
      },
    }
  }

  /** Restore a snapshot; every shape is checked before anything is written (an error names the tensor). */
  importState(state: TrainerState): void {
    const exp = this.expectedShapes()
    for (const n of NET_NAMES) checkTensors(`model ${n}`, state.models[n], exp.models[n])
    for (const n of TRAINED) checkTensors(`optimizer ${n}`, state.optimizers[n], exp.optimizers[n])
    const j = state.json
    if (j.stats.obs.mean.length !== this.fs)
      throw new Error(`snapshot: observation statistics have ${j.stats.obs.mean.length} values per frame, this run's frames have ${this.fs}`)
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
    if (j.reward_filter) this.rff.load(j.reward_filter)
    this.inflight = j.inflight ? this.replayInflight(j.inflight) : null
  }

  /** Fixed-length rollouts resume mid-episode: each env replays its episode's seed and actions. */
  private replayInflight(saved: NonNullable<TrainerState['json']['inflight']>): Inflight[] {
    const venv = this.venv,
      N = venv.numEnvs
    if (saved.length !== N) throw new Error(`snapshot: ${saved.length} environments in flight, --num_envs is ${N}`)
    const one = new Uint8Array(N)
    return saved.map((f, i) => {
      venv.resetEnv(i, f.seed)
      one.fill(0)
      one[i] = 1
      for (const act of f.actions) {
        this.actions[i] = act
        venv.step(this.actions, one)
        if (venv.terminated[i] || venv.truncated[i])
          throw new Error(`snapshot: env ${i}'s episode in flight ends on replay: the game differs from the one that was saved`)
      }
      this.prevAction[i] = f.prev_action
      return { seed: f.seed, actions: [...f.actions], ret: f.ret, len: f.actions.length, start: 0 }
    })
  }

  /**
   * The episodes of the last rollout (the last iteration's, or step 0's), in order: raw frames (frame_resize^2 each,
   * 0..255), actions, rewards. The next rollout overwrites them.
   */
  lastEpisodes(): readonly EpisodeBuffer[] {
    return this.episodes.slice(0, this.collected)
  }

  /**
   * Whole episodes of the last rollout as their game seed and actions (make(game, {seed}), reset, then the actions
   * replay each exactly): the first n of whole-episode rollouts, or the first n that ended in a fixed-length one.
   */
  episodeReplays(n: number): EpisodeReplay[] {
    if (this.args.num_steps > 0) return this.ended.slice(0, n)
    return this.lastEpisodes()
      .slice(0, n)
      .map((ep) => ({ seed: ep.seed, actions: [...ep.actions.subarray(0, ep.length)] }))
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
