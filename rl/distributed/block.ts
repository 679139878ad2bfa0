// A trajectory block: the records of one actor's fixed-length rollout (--num_steps steps of some of its --num_envs
// environments) as compact binary, what `rl-rnd actor` publishes and `rl-rnd learner` trains on
// (docs/distributed.md). Little-endian: a 48-byte header, then the float32 sections, then the byte sections.
// Every length follows from the header and is checked on decode against the learner's own flags, so a truncated,
// padded, oversized or foreign message is refused with one line (BlockError) instead of reaching the trainer.
//
//   header   u32 magic 'RLK1', u16 format, u16 flags (1: RND normalization active, 2: frames exact as bytes,
//            4: forward filter), u32 weights version, actor index, nonce (random per actor process), block seq,
//            first segment, segments N, steps T, frame size, u16 actions A, u16 RND outputs D, u32 returns R
//   float64  with flag 4 only (--int_reward_norm forward_filter): each segment's reward-filter value before its
//            first step [N], exact, so the learner runs the actor's filter on with the arithmetic of `train`
//   float32  RND normalization mean [F] and 1 / (std + 1e-5) [F], returns of the episodes that ended [R],
//            bootstrap (v_ext, v_int) [N, 2], rewards [N, T], raw intrinsic rewards [N, T], values [N, T, 2],
//            logits [N, T, A], RND targets [N, T, D]
//   bytes    frames [N, T, F] (grayscale 0..255 rounded, or MiniGrid's indices exactly), actions [N, T], dones [N, T]
//
// Where an episode starts inside a segment is not sent: it follows from the dones (the step after one).
import { ObsNormalizer, type EpisodeBuffer } from '../rollout.ts'

export const BLOCK_MAGIC = 0x314b4c52
export const BLOCK_FORMAT = 1
export const BLOCK_HEADER_BYTES = 48
const IS_NORM_ACTIVE = 1
const IS_EXACT = 2
const IS_FILTERED = 4

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('trajectory blocks need a little-endian host')

/** A message that is not a block this learner can use. */
export class BlockError extends Error {}

export interface BlockHeader {
  /** the weights version that acted (the learner's iteration when it published them) */
  version: number
  actor: number
  nonce: number
  seq: number
  /** the index of the block's first segment in the actor's rollout (a rollout too big for one message is split) */
  first: number
  segments: number
  steps: number
  frameSize: number
  actions: number
  rndDim: number
  returns: number
  isNormActive: boolean
  /** the frames were integers 0..255 (MiniGrid): the bytes are exact, not rounded */
  isExact: boolean
  /** the block carries its segments' forward-filter start values (--int_reward_norm forward_filter) */
  isFiltered: boolean
}

export interface Block {
  header: BlockHeader
  /** empty unless header.isFiltered */
  filterStart: Float64Array
  normMean: Float32Array
  normInvStd: Float32Array
  returns: Float32Array
  bootstrap: Float32Array
  rewards: Float32Array
  rewardsInt: Float32Array
  values: Float32Array
  logits: Float32Array
  target: Float32Array
  frames: Uint8Array
  actions: Uint8Array
  dones: Uint8Array
}

/** Float32 sections in order, each's length per header. */
const F32: [Exclude<keyof Block, 'header' | 'filterStart' | 'frames' | 'actions' | 'dones'>, (h: BlockHeader) => number][] = [
  ['normMean', (h) => h.frameSize],
  ['normInvStd', (h) => h.frameSize],
  ['returns', (h) => h.returns],
  ['bootstrap', (h) => 2 * h.segments],
  ['rewards', (h) => h.segments * h.steps],
  ['rewardsInt', (h) => h.segments * h.steps],
  ['values', (h) => 2 * h.segments * h.steps],
  ['logits', (h) => h.actions * h.segments * h.steps],
  ['target', (h) => h.rndDim * h.segments * h.steps],
]
const U8: ['frames' | 'actions' | 'dones', (h: BlockHeader) => number][] = [
  ['frames', (h) => h.frameSize * h.segments * h.steps],
  ['actions', (h) => h.segments * h.steps],
  ['dones', (h) => h.segments * h.steps],
]

/** The exact byte length of a block with this header. */
export function blockBytes(h: BlockHeader): number {
  return BLOCK_HEADER_BYTES + (h.isFiltered ? 8 * h.segments : 0) + 4 * F32.reduce((s, [, n]) => s + n(h), 0) + U8.reduce((s, [, n]) => s + n(h), 0)
}

/** The byte length of the largest block of `segments` segments of this shape (every step ending an episode). */
export function largestBlockBytes(s: Omit<BlockShape, 'maxSegments'>, segments: number): number {
  const id = { version: 0, actor: 0, nonce: 0, seq: 0, first: 0 }
  return blockBytes({ ...id, ...s, segments, returns: segments * s.steps, isNormActive: true, isExact: true })
}

/** What one actor's rollout is, for encoding. */
export interface RolloutRecords {
  eps: readonly EpisodeBuffer[]
  bootstrap: Float32Array
  returns: readonly number[]
  norm: ObsNormalizer
  /** --int_reward_norm forward_filter: each segment's filter value before its first step */
  filterStart?: Float64Array
}

/**
 * Segments [first, first + count) of a fixed-length rollout as a block. The returns go with the first part only.
 */
export function encodeBlock(r: RolloutRecords, id: Pick<BlockHeader, 'version' | 'actor' | 'nonce' | 'seq'>, first: number, count: number): Uint8Array {
  const eps = r.eps.slice(first, first + count)
  const T = eps[0].length,
    e0 = eps[0]
  if (eps.some((e) => e.length !== T)) throw new Error('a block holds segments of equal length')
  if (e0.numActions > 255) throw new Error(`a block stores actions as bytes: ${e0.numActions} actions are too many`)
  let isExact = true
  for (const ep of eps)
    for (let k = 0; k < T * e0.frameSize; k++) {
      const v = ep.frames[k]
      if (!(v >= 0 && v <= 255 && Number.isInteger(v))) isExact = false
    }
  const returns = first === 0 ? r.returns : []
  const h: BlockHeader = {
    ...id,
    first,
    segments: count,
    steps: T,
    frameSize: e0.frameSize,
    actions: e0.numActions,
    rndDim: e0.rndDim,
    returns: returns.length,
    isNormActive: r.norm.isActive,
    isExact,
    isFiltered: r.filterStart !== undefined,
  }
  const buf = new ArrayBuffer(blockBytes(h)),
    dv = new DataView(buf)
  const u32 = [BLOCK_MAGIC, 0, h.version, h.actor, h.nonce, h.seq, h.first, h.segments, h.steps, h.frameSize, 0, h.returns]
  u32.forEach((v, i) => dv.setUint32(4 * i, v, true))
  dv.setUint16(4, BLOCK_FORMAT, true)
  dv.setUint16(6, (h.isNormActive ? IS_NORM_ACTIVE : 0) | (isExact ? IS_EXACT : 0) | (h.isFiltered ? IS_FILTERED : 0), true)
  dv.setUint16(40, h.actions, true)
  dv.setUint16(42, h.rndDim, true)
  const b = viewsOf(buf, h, 0)
  if (r.filterStart) b.filterStart.set(r.filterStart.subarray(first, first + count))
  b.normMean.set(r.norm.mean)
  b.normInvStd.set(r.norm.invStd)
  b.returns.set(returns)
  const A = h.actions,
    D = h.rndDim,
    F = h.frameSize
  eps.forEach((ep, i) => {
    const o = i * T
    b.bootstrap.set(r.bootstrap.subarray(2 * (first + i), 2 * (first + i) + 2), 2 * i)
    b.rewards.set(ep.rewards.subarray(0, T), o)
    b.rewardsInt.set(ep.rewardsInt.subarray(0, T), o)
    b.values.set(ep.values.subarray(0, 2 * T), 2 * o)
    b.logits.set(ep.logits.subarray(0, A * T), A * o)
    b.target.set(ep.target.subarray(0, D * T), D * o)
    b.actions.set(ep.actions.subarray(0, T), o)
    b.dones.set(ep.dones.subarray(0, T), o)
    for (let k = 0; k < T * F; k++) b.frames[o * F + k] = Math.min(255, Math.max(0, Math.round(ep.frames[k])))
  })
  return new Uint8Array(buf)
}

/** Views of a block's sections over `buf` from `off` (float32 sections need off % 4 === 0). */
function viewsOf(buf: ArrayBuffer, h: BlockHeader, off: number): Block {
  const out = { header: h } as Block
  let o = off + BLOCK_HEADER_BYTES
  out.filterStart = new Float64Array(buf, o, h.isFiltered ? h.segments : 0)
  o += 8 * out.filterStart.length
  for (const [k, n] of F32) {
    out[k] = new Float32Array(buf, o, n(h))
    o += 4 * n(h)
  }
  for (const [k, n] of U8) {
    out[k] = new Uint8Array(buf, o, n(h))
    o += n(h)
  }
  return out
}

/** What the learner accepts: its own flags' sizes. */
export interface BlockShape {
  frameSize: number
  actions: number
  rndDim: number
  steps: number
  /** at most this many segments in one block (the actors' --num_envs) */
  maxSegments: number
  /** --int_reward_norm forward_filter: blocks must carry the filter start values (and must not otherwise) */
  isFiltered: boolean
}

/** Decode and check a message whole: throws BlockError naming the first problem. The result owns its memory. */
export function decodeBlock(msg: Uint8Array, want: BlockShape): Block {
  const fail = (m: string): never => {
    throw new BlockError(m)
  }
  if (msg.length < BLOCK_HEADER_BYTES) fail(`${msg.length} bytes, shorter than a block header (${BLOCK_HEADER_BYTES})`)
  const dv = new DataView(msg.buffer, msg.byteOffset, msg.length)
  const u32 = (i: number) => dv.getUint32(4 * i, true)
  if (u32(0) !== BLOCK_MAGIC) fail('not a trajectory block (bad magic)')
  const format = dv.getUint16(4, true),
    flags = dv.getUint16(6, true)
  if (format !== BLOCK_FORMAT) fail(`block format ${format}, this learner reads ${BLOCK_FORMAT}`)
  const h: BlockHeader = {
    version: u32(2),
    actor: u32(3),
    nonce: u32(4),
    seq: u32(5),
    first: u32(6),
    segments: u32(7),
    steps: u32(8),
    frameSize: u32(9),
    actions: dv.getUint16(40, true),
    rndDim: dv.getUint16(42, true),
    returns: u32(11),
    isNormActive: (flags & IS_NORM_ACTIVE) !== 0,
    isExact: (flags & IS_EXACT) !== 0,
    isFiltered: (flags & IS_FILTERED) !== 0,
  }
  const dims: [string, number, number][] = [
    ['frame size', h.frameSize, want.frameSize],
    ['actions', h.actions, want.actions],
    ['RND outputs', h.rndDim, want.rndDim],
    ['steps per segment (--num_steps)', h.steps, want.steps],
  ]
  for (const [what, got, exp] of dims) if (got !== exp) fail(`${what} ${got}, this learner's flags give ${exp}`)
  if (h.segments < 1 || h.segments > want.maxSegments) fail(`${h.segments} segments, expected 1 to ${want.maxSegments} (--num_envs)`)
  if (h.returns > h.segments * h.steps) fail(`${h.returns} episode returns in ${h.segments * h.steps} steps`)
  if (flags & ~(IS_NORM_ACTIVE | IS_EXACT | IS_FILTERED)) fail(`unknown flags ${flags}`)
  if (h.isFiltered !== want.isFiltered) {
    fail(
      want.isFiltered
        ? "no forward-filter values, this learner's --int_reward_norm forward_filter needs them"
        : "forward-filter values, this learner's --int_reward_norm takes none",
    )
  }
  const n = blockBytes(h)
  if (msg.length !== n) fail(`${msg.length} bytes, its header says ${n}`)
  const buf = new ArrayBuffer(n)
  new Uint8Array(buf).set(msg)
  const b = viewsOf(buf, h, 0)
  for (let i = 0; i < b.filterStart.length; i++) if (!Number.isFinite(b.filterStart[i])) fail(`filterStart[${i}] is ${b.filterStart[i]}, not finite`)
  for (const [k] of F32) {
    const a = b[k]
    for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) fail(`${k}[${i}] is ${a[i]}, not finite`)
  }
  for (let i = 0; i < b.normInvStd.length; i++) if (!(b.normInvStd[i] > 0)) fail(`normInvStd[${i}] is ${b.normInvStd[i]}, not positive`)
  for (let i = 0; i < b.actions.length; i++) if (b.actions[i] >= h.actions) fail(`actions[${i}] is ${b.actions[i]}, not below ${h.actions}`)
  for (let i = 0; i < b.dones.length; i++) if (b.dones[i] > 1) fail(`dones[${i}] is ${b.dones[i]}, not 0 or 1`)
  return b
}

/** A block's id in logs: actor, process nonce, block number and first segment (unique per message). */
export const blockId = (h: Pick<BlockHeader, 'actor' | 'nonce' | 'seq' | 'first'>) => `a${h.actor}.${h.nonce.toString(16).padStart(8, '0')}.${h.seq}.${h.first}`

/**
 * Fill segment buffers eps[0 .. segments) from a block, as the actor's rollout had them, and the bootstrap values
 * into bootstrap[2 * (off + i) ..]. Each segment keeps the block's RND normalization (ep.norm): the recorded RND
 * targets were computed on inputs normalized that way, and training must see the same inputs.
 */
export function fillSegments(b: Block, eps: EpisodeBuffer[], bootstrap: Float32Array, off: number, normClip: number): void {
  const h = b.header,
    T = h.steps,
    F = h.frameSize,
    A = h.actions,
    D = h.rndDim
  const norm = new ObsNormalizer(F, normClip)
  norm.mean.set(b.normMean)
  norm.invStd.set(b.normInvStd)
  norm.isActive = h.isNormActive
  bootstrap.set(b.bootstrap, 2 * off)
  eps.forEach((ep, i) => {
    const o = i * T
    ep.reset()
    ep.ensure(T)
    ep.norm = norm
    for (let k = 0; k < T * F; k++) ep.frames[k] = b.frames[o * F + k]
    ep.actions.set(b.actions.subarray(o, o + T))
    ep.rewards.set(b.rewards.subarray(o, o + T))
    ep.rewardsInt.set(b.rewardsInt.subarray(o, o + T))
    ep.values.set(b.values.subarray(2 * o, 2 * (o + T)))
    ep.logits.set(b.logits.subarray(A * o, A * (o + T)))
    ep.target.set(b.target.subarray(D * o, D * (o + T)))
    ep.dones.set(b.dones.subarray(o, o + T))
    let start = 0
    for (let t = 0; t < T; t++) {
      ep.epStart[t] = start
      if (ep.dones[t]) start = t + 1
      ep.totalReward += ep.rewards[t]
    }
    ep.length = T
  })
}
