// The records of one gradient step, staged on the host: one column per input of the losses, each declared once in
// COLUMNS (its shape per record and how a record fills it) so a new per-record input is one entry here. The
// trainer pushes the real records lane by lane and turns the columns it needs into [count, ...shape] tensors.
import { Tensor, type Backend } from '../engine/index.ts'
import { copyStack, fillRndStack, fillStack, prepareTrainFrames, softmaxProb, type EpisodeBuffer, type ObsNormalizer } from './rollout.ts'
import { surrogateBound, P_MIN, P_MAX } from './losses.ts'

/** What every record's columns are sized and filled by. */
export interface BatchDims {
  /** frames per policy/value stack, per RND stack; channels per frame; frame side; actions; RND outputs */
  S: number
  Sr: number
  C: number
  F: number
  A: number
  D: number
  epsilonPpo: number
  /** the RND input normalization of the rollout the episodes came from */
  norm: ObsNormalizer
}

/** One record: step s of episode ep; rndSel 1 when the predictor trains on this episode. */
export interface BatchRecord {
  ep: EpisodeBuffer
  s: number
  rndSel: number
}

interface Column {
  shape(d: BatchDims): number[]
  /** write record r at dst[o .. o + size of shape) */
  fill(dst: Float32Array, o: number, r: BatchRecord, d: BatchDims): void
}

const COLUMNS = {
  /** policy/value input: the last S frames / divisor (rl/observation.ts), copied from the prepared frames if any */
  obs: {
    shape: (d) => [d.S * d.C, d.F, d.F],
    fill: (dst, o, r, d) => (r.ep.scaled ? copyStack(dst, o, r.ep, r.ep.scaled, r.s, d.S) : fillStack(dst, o, r.ep, r.s, d.S)),
  },
  /** RND input: the last Sr frames, normalized as at the rollout (the episode's own normalization when it has one) */
  rnd: {
    shape: (d) => [d.Sr * d.C, d.F, d.F],
    fill: (dst, o, r, d) => (r.ep.normed ? copyStack(dst, o, r.ep, r.ep.normed, r.s, d.Sr) : fillRndStack(dst, o, r.ep, r.s, d.Sr, r.ep.norm ?? d.norm)),
  },
  /** the action taken, one-hot */
  onehot: {
    shape: (d) => [d.A],
    fill: (dst, o, r, d) => {
      dst.fill(0, o, o + d.A)
      dst[o + r.ep.actions[r.s]] = 1
    },
  },
  /** p_old(a) at the rollout, clipped as the loss clips p_new(a) */
  pOld: {
    shape: () => [1],
    fill: (dst, o, r, d) => {
      dst[o] = Math.min(P_MAX, Math.max(P_MIN, softmaxProb(r.ep.logits, r.s * d.A, d.A, r.ep.actions[r.s])))
    },
  },
  adv: {
    shape: () => [1],
    fill: (dst, o, r) => {
      dst[o] = r.ep.adv[r.s]
    },
  },
  /** the clipped surrogate's bound (no gradient: computed here) */
  bound: {
    shape: () => [1],
    fill: (dst, o, r, d) => {
      dst[o] = surrogateBound(r.ep.adv[r.s], d.epsilonPpo)
    },
  },
  mask: {
    shape: () => [1],
    fill: (dst, o) => {
      dst[o] = 1
    },
  },
  /** value targets: extrinsic and intrinsic returns */
  vTarget: {
    shape: () => [2],
    fill: (dst, o, r) => {
      dst[o] = r.ep.retExt[r.s]
      dst[o + 1] = r.ep.retInt[r.s]
    },
  },
  /** the values recorded in the rollout (--value_clip) */
  vOld: {
    shape: () => [2],
    fill: (dst, o, r) => {
      dst[o] = r.ep.values[2 * r.s]
      dst[o + 1] = r.ep.values[2 * r.s + 1]
    },
  },
  rndTarget: { shape: (d) => [d.D], fill: (dst, o, r, d) => dst.set(r.ep.target.subarray(r.s * d.D, (r.s + 1) * d.D), o) },
  rndMask: {
    shape: () => [1],
    fill: (dst, o, r) => {
      dst[o] = r.rndSel
    },
  },
} satisfies Record<string, Column>

/**
 * Prepared frames of one training pass at most this size (both copies): above it (long episodes of 84-pixel frames,
 * where the frames themselves take gigabytes) the stacks are built from the raw frames, the same values.
 */
export const PREPARED_BYTES = 256 * 2 ** 20

export type ColumnName = keyof typeof COLUMNS
const NAMES = Object.keys(COLUMNS) as ColumnName[]
const sizeOf = (shape: number[]) => shape.reduce((x, y) => x * y, 1)

export class TrainBatch {
  /** records pushed since clear() */
  count = 0
  private readonly data = {} as Record<ColumnName, Float32Array>
  private readonly shapes = {} as Record<ColumnName, number[]>
  /** the prepared frames of the current pass (scaled, then normed), and its token */
  private pool = new Float32Array(0)
  private pass: object = {}

  /** Room for `capacity` records (allocated once: the trainer's minibatches x sequence_length). */
  constructor(
    readonly dims: BatchDims,
    capacity: number,
    private readonly preparedBytes = PREPARED_BYTES,
  ) {
    for (const k of NAMES) {
      this.shapes[k] = COLUMNS[k].shape(dims)
      this.data[k] = new Float32Array(capacity * sizeOf(this.shapes[k]))
    }
  }

  clear(): void {
    this.count = 0
  }

  /**
   * Before pushing records of these episodes (each training pass): their frames scaled and normalized once, into
   * the pool, when both copies fit in preparedBytes; otherwise each record's stacks are built from the raw frames.
   */
  prepare(eps: readonly EpisodeBuffer[]): void {
    this.pass = {}
    const total = eps.reduce((n, ep) => n + ep.length * ep.frameSize, 0),
      isPooled = 2 * total * 4 <= this.preparedBytes
    if (isPooled && this.pool.length < 2 * total) this.pool = new Float32Array(2 * total)
    let off = 0
    for (const ep of eps) {
      const n = ep.length * ep.frameSize
      if (isPooled) prepareTrainFrames(ep, ep.norm ?? this.dims.norm, this.pool.subarray(off, off + n), this.pool.subarray(total + off, total + off + n))
      else ep.scaled = ep.normed = null
      off += n
      ep.trainPass = this.pass
      ep.trainLength = ep.length
    }
  }

  /** Append a record; returns its row. */
  push(r: BatchRecord): number {
    if (r.ep.trainPass !== this.pass || r.ep.trainLength !== r.ep.length)
      throw new Error('train batch: a record of an episode not prepared for this pass (call prepare first)')
    const row = this.count++
    for (const k of NAMES) COLUMNS[k].fill(this.data[k], row * sizeOf(this.shapes[k]), r, this.dims)
    return row
  }

  /** The pushed records of one column as a [count, ...shape] tensor (owned by the caller's scope). */
  tensor(be: Backend, k: ColumnName): Tensor {
    const shape = [this.count, ...this.shapes[k]]
    return Tensor.fromArray(be, this.data[k].subarray(0, sizeOf(shape)), shape)
  }
}
