// Rollout storage and observation building. One EpisodeBuffer per episode of an iteration, reused from iteration
// to iteration (grown by doubling when an episode outlives its capacity, never shrunk), so steady-state rollouts
// allocate nothing on the host. Frames are stored once (raw: grayscale 0..255 or MiniGrid indices; frameSize values
// each, see rl/observation.ts) and the policy/value and
// RND stacks are built from them when needed, by the same functions at rollout and at training time, so both see
// bit-identical inputs.
import type { RunningMeanStd } from './stats.ts'

export class EpisodeBuffer {
  length = 0
  capacity = 0
  frames = new Float32Array(0)
  actions = new Int32Array(0)
  /** raw extrinsic reward of each step */
  rewards = new Float32Array(0)
  /** policy logits at each step [T, A] (p_old) */
  logits = new Float32Array(0)
  /** value outputs [T, 2]: v_ext, v_int */
  values = new Float32Array(0)
  /** RND target output [T, D] */
  target = new Float32Array(0)
  /** raw intrinsic reward (mean squared RND error) of each step */
  rewardsInt = new Float32Array(0)
  // filled by step 4 (advantages): value targets and the combined advantage
  retExt = new Float32Array(0)
  retInt = new Float32Array(0)
  adv = new Float32Array(0)
  /** fixed-length segments (rl/segments.ts): 1 where step t ended an episode */
  dones = new Uint8Array(0)
  /** fixed-length segments: the step at which the episode of step t started in this segment (0 when earlier); frames
   *  before it are not stacked */
  epStart = new Int32Array(0)
  /** summed raw extrinsic reward */
  totalReward = 0
  /** the game seed the episode started from (whole-episode rollouts) */
  seed = 0
  /** the RND input normalization it was acted on, when not the trainer's own (a learner's blocks, rl/distributed/) */
  norm: ObsNormalizer | null = null
  /** each frame as the policy/value input sees it (frame / divisor) and as the RND input does (normalized), for one
   *  training pass (views of the train batch's pool, set by prepareTrainFrames; null: built from the raw frames) */
  scaled: Float32Array | null = null
  normed: Float32Array | null = null
  /** the training pass (a TrainBatch token) and the length the episode was prepared for; reset() clears them */
  trainPass: object | null = null
  trainLength = -1

  /** frameSize values per frame; the policy/value input is frame / divisor */
  constructor(
    readonly frameSize: number,
    readonly numActions: number,
    readonly rndDim: number,
    readonly divisor = 255,
  ) {
    this.grow(64)
  }

  reset(): void {
    this.length = 0
    this.totalReward = 0
    this.scaled = this.normed = this.trainPass = null
    this.trainLength = -1
  }

  /** Make room for step `t` (doubling). */
  ensure(t: number): void {
    if (t >= this.capacity) this.grow(Math.max(2 * this.capacity, t + 1))
  }

  private grow(cap: number): void {
    const g = <T extends Float32Array | Int32Array | Uint8Array>(a: T, per: number): T => {
      const b = new (a.constructor as any)(cap * per) as T
      b.set(a.subarray(0, this.length * per))
      return b
    }
    this.frames = g(this.frames, this.frameSize)
    this.actions = g(this.actions, 1)
    this.rewards = g(this.rewards, 1)
    this.logits = g(this.logits, this.numActions)
    this.values = g(this.values, 2)
    this.target = g(this.target, this.rndDim)
    this.rewardsInt = g(this.rewardsInt, 1)
    this.dones = g(this.dones, 1)
    this.epStart = g(this.epStart, 1)
    this.retExt = new Float32Array(cap)
    this.retInt = new Float32Array(cap)
    this.adv = new Float32Array(cap)
    this.capacity = cap
  }
}

/** The first step whose frame may be stacked at step t (the episode's start within the buffer). */
const stackStart = (ep: EpisodeBuffer, t: number) => (ep.epStart.length > t ? ep.epStart[t] : 0)

/**
 * Policy/value input of step t: the last S frames / divisor, oldest first, zeros before the episode's first frame,
 * written to dst[off .. off + S*frameSize).
 */
export function fillStack(dst: Float32Array, off: number, ep: EpisodeBuffer, t: number, S: number): void {
  eachStackFrame(dst, off, ep, t, S, (o, src) => scaleFrame(dst, o, ep, src))
}

/** Step t's stack of S frames, oldest first: put(o, src) writes frame src at dst[o ..); zeros before the start. */
function eachStackFrame(dst: Float32Array, off: number, ep: EpisodeBuffer, t: number, S: number, put: (o: number, src: number) => void): void {
  const hw = ep.frameSize,
    lo = S > 1 ? stackStart(ep, t) : 0
  for (let s = 0; s < S; s++) {
    const src = t - (S - 1 - s),
      o = off + s * hw
    if (src < lo) dst.fill(0, o, o + hw)
    else put(o, src)
  }
}

/** Frame `src` of ep / divisor into dst[o .. o + frameSize): the policy/value input's frame. */
function scaleFrame(dst: Float32Array, o: number, ep: EpisodeBuffer, src: number): void {
  const hw = ep.frameSize,
    f = ep.frames,
    div = ep.divisor,
    b = src * hw
  for (let j = 0; j < hw; j++) dst[o + j] = f[b + j] / div
}

/** Per-pixel normalization of RND inputs: clip((x - mean) / (std + 1e-5), -clip, clip). Snapshotted per rollout. */
export class ObsNormalizer {
  readonly mean: Float32Array
  readonly invStd: Float32Array
  /** false during the initial random rollouts: raw frames are used (docs/algorithm.md, Observations) */
  isActive = false
  constructor(
    readonly hw: number,
    readonly clip: number,
  ) {
    this.mean = new Float32Array(hw)
    this.invStd = new Float32Array(hw)
  }
  setFrom(stats: RunningMeanStd): void {
    for (let i = 0; i < this.hw; i++) {
      this.mean[i] = stats.mean[i]
      this.invStd[i] = 1 / (Math.sqrt(stats.var[i]) + 1e-5)
    }
    this.isActive = true
  }
}

/** RND input of step t: the last S frames, each normalized per pixel (zeros before the episode's start). */
export function fillRndStack(dst: Float32Array, off: number, ep: EpisodeBuffer, t: number, S: number, norm: ObsNormalizer): void {
  eachStackFrame(dst, off, ep, t, S, (o, src) => normFrame(dst, o, ep, src, norm))
}

/** Frame `src` of ep normalized per pixel into dst[o .. o + frameSize) (raw while norm is not yet active). */
function normFrame(dst: Float32Array, o: number, ep: EpisodeBuffer, src: number, norm: ObsNormalizer): void {
  const hw = ep.frameSize,
    f = ep.frames,
    b = src * hw
  if (!norm.isActive) {
    dst.set(f.subarray(b, b + hw), o)
    return
  }
  const m = norm.mean,
    inv = norm.invStd,
    c = norm.clip
  for (let j = 0; j < hw; j++) {
    const v = (f[b + j] - m[j]) * inv[j]
    dst[o + j] = v < -c ? -c : v > c ? c : v
  }
}

/**
 * Before a training pass: every frame of ep scaled and normalized once into `scaled` and `normed` (at least
 * length x frameSize each; by the functions the stacks use, so the values are the same), which become ep.scaled and
 * ep.normed; building each record's stacks from the raw frames redid that work for every stacked copy of a frame in
 * every epoch.
 */
export function prepareTrainFrames(ep: EpisodeBuffer, norm: ObsNormalizer, scaled: Float32Array, normed: Float32Array): void {
  const hw = ep.frameSize
  for (let t = 0; t < ep.length; t++) {
    scaleFrame(scaled, t * hw, ep, t)
    normFrame(normed, t * hw, ep, t, norm)
  }
  ep.scaled = scaled
  ep.normed = normed
}

/** The stack of step t (S frames, oldest first, zeros before the episode's start) copied from prepared frames. */
export function copyStack(dst: Float32Array, off: number, ep: EpisodeBuffer, frames: Float32Array, t: number, S: number): void {
  const hw = ep.frameSize
  eachStackFrame(dst, off, ep, t, S, (o, src) => dst.set(frames.subarray(src * hw, (src + 1) * hw), o))
}

/** Softmax of logits[off .. off + A) sampled with uniform u (inverse CDF). */
export function sampleCategorical(logits: Float32Array, off: number, A: number, u: number): number {
  let mx = -Infinity
  for (let a = 0; a < A; a++) mx = Math.max(mx, logits[off + a])
  let z = 0
  for (let a = 0; a < A; a++) z += Math.exp(logits[off + a] - mx)
  let acc = 0
  const target = u * z
  for (let a = 0; a < A; a++) {
    acc += Math.exp(logits[off + a] - mx)
    if (target < acc) return a
  }
  return A - 1
}

/** Probability of action `a` under softmax(logits[off .. off + A)). */
export function softmaxProb(logits: Float32Array, off: number, A: number, a: number): number {
  let mx = -Infinity
  for (let k = 0; k < A; k++) mx = Math.max(mx, logits[off + k])
  let z = 0
  for (let k = 0; k < A; k++) z += Math.exp(logits[off + k] - mx)
  return Math.exp(logits[off + a] - mx) / z
}

/** One iteration's rollout (step 1): what steps 2 to 5 learn from. */
export interface Rollout {
  eps: EpisodeBuffer[]
  envSteps: number
  /** summed raw extrinsic rewards of the episodes (fixed-length rollouts: of those that ended) */
  returns: number[]
  /** fixed-length rollouts: V_ext, V_int of each segment's observation after its last step */
  bootstrap: Float32Array
  /** the RND input normalization the rollout used */
  norm: ObsNormalizer
  seconds: number
  /**
   * --int_reward_norm forward_filter: each segment's reward-filter value before its first step (its environment's
   * filter, rl/segments.ts); learn() runs the filter on from these. A distributed block carries its segments' values.
   */
  filterStart?: Float64Array
}
