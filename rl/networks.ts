// The four networks of docs/algorithm.md (value, policy, rnd_target, rnd_predictor), each the same shape:
//   encoder: 'nature' (frames, the seed's): conv 32 8x8/4 -> leaky_relu -> conv 64 4x4/2 -> leaky_relu
//            -> conv 64 3x3/1 -> leaky_relu -> flatten -> linear z_dim (no activation)
//            'grid' (MiniGrid's 7x7 symbolic view): conv 16 2x2/1 -> leaky_relu -> max-pool 2x2 -> conv 32 2x2/1
//            -> leaky_relu -> conv 64 2x2/1 -> leaky_relu -> flatten (64 x 1 x 1) -> linear z_dim: the image
//            encoder of rl-starter-files, which the exploration papers (RIDE, NovelD) use on MiniGrid
//   core:    rnn_hidden_layers stacked LSTMs of rnn_hidden_dim (0 = convolutional only); gate order a, i, f, o
//            (Chainer's, blocked), forget bias 1, as engine/nn/layers.ts
//   head:    final_hidden_layers x (linear final_hidden_dim -> leaky_relu), then linear to the output size
// Initialization is Chainer's (LeCun normal weights, zero biases). leaky_relu uses Chainer's slope 0.2.
import {
  Module, Conv2d, Linear, LSTM, Tensor, Rng, leakyRelu, maxPool2, reshape, slice, concat, detach, keep, mul, gatherRows,
  type Backend, type LSTMState,
} from '../engine/index.ts'
import type { Args } from './args.ts'

export type NetName = 'value' | 'policy' | 'rnd_target' | 'rnd_predictor'
export const NET_NAMES: readonly NetName[] = ['value', 'policy', 'rnd_target', 'rnd_predictor']
/** The networks that train (each with its own Adam). */
export type TrainedName = Exclude<NetName, 'rnd_target'>
export const TRAINED: readonly TrainedName[] = ['value', 'policy', 'rnd_predictor']

/** Recurrent state of one network: one {h, c} per LSTM layer ([] for the convolutional-only network). */
export type RecState = LSTMState[]

export type EncoderKind = 'nature' | 'grid'

/** Side of the encoder's last feature map for a square input of `size`, 0 when the input is too small. */
export function encoderOutSize(kind: EncoderKind, size: number): number {
  if (kind === 'grid') return Math.max(0, Math.floor((size - 1) / 2) - 2)
  const o1 = Math.floor((size - 8) / 4) + 1
  const o2 = Math.floor((o1 - 4) / 2) + 1
  return o1 >= 4 ? Math.floor(o2 - 3) + 1 : 0
}

const ENCODER_LAYERS: Record<EncoderKind, readonly [number, number, number][]> = {
  // [out channels, kernel, stride] per convolution
  nature: [[32, 8, 4], [64, 4, 2], [64, 3, 1]],
  grid: [[16, 2, 1], [32, 2, 1], [64, 2, 1]],
}
/** The convolution after which a 2x2 max-pool runs (grid: the first; its output side must be even). */
const POOL_AFTER: Record<EncoderKind, number> = { nature: -1, grid: 0 }

export interface NetSpec {
  encoder: EncoderKind
  inChannels: number
  frame: number
  zDim: number
  rnnLayers: number
  rnnHidden: number
  finalLayers: number
  finalHidden: number
  outDim: number
}

export class Net extends Module {
  readonly conv: Conv2d[]
  readonly fc: Linear
  readonly lstm: LSTM[] = []
  readonly hidden: Linear[] = []
  readonly out: Linear
  readonly flat: number

  constructor(be: Backend, readonly spec: NetSpec, rng: Rng) {
    super(be)
    const s = spec
    let c = s.inChannels
    this.conv = ENCODER_LAYERS[s.encoder].map(([out, k, stride], i) => {
      const layer = this.child(`conv${i + 1}`, new Conv2d(be, c, out, k, stride, rng))
      c = out
      return layer
    })
    const o = encoderOutSize(s.encoder, s.frame)
    this.flat = c * o * o
    this.fc = this.child('fc', new Linear(be, this.flat, s.zDim, rng))
    let d = s.zDim
    for (let i = 0; i < s.rnnLayers; i++) {
      this.lstm.push(this.child(`lstm${i}`, new LSTM(be, d, s.rnnHidden, rng)))
      d = s.rnnHidden
    }
    for (let i = 0; i < s.finalLayers; i++) {
      this.hidden.push(this.child(`hidden${i}`, new Linear(be, d, s.finalHidden, rng)))
      d = s.finalHidden
    }
    this.out = this.child('out', new Linear(be, d, s.outDim, rng))
  }

  get isRecurrent(): boolean { return this.lstm.length > 0 }

  /** x [N, C, H, W] -> z [N, z_dim] */
  encode(x: Tensor): Tensor {
    let y = x
    const pool = POOL_AFTER[this.spec.encoder]
    this.conv.forEach((c, i) => {
      y = leakyRelu(c.forward(y))
      if (i === pool) y = maxPool2(y)
    })
    return this.fc.forward(reshape(y, [x.shape[0], this.flat]))
  }

  head(h: Tensor): Tensor {
    let y = h
    for (const l of this.hidden) y = leakyRelu(l.forward(y))
    return this.out.forward(y)
  }

  /** Zero recurrent state for n rows (kept: the caller owns and disposes it). */
  initialState(n: number): RecState {
    return this.lstm.map((l) => {
      const s = l.initialState(n)
      return { h: keep(s.h), c: keep(s.c) }
    })
  }

  /** One step for a batch: x [N, C, H, W], state -> output [N, outDim] and the new state. */
  step(x: Tensor, state: RecState): { y: Tensor; state: RecState } {
    let z = this.encode(x)
    const next: RecState = []
    this.lstm.forEach((l, i) => {
      const s = l.step(z, state[i])
      next.push(s)
      z = s.h
    })
    return { y: this.head(z), state: next }
  }

  /**
   * A chunk of T steps of B rows, time-major: x [T*B, C, H, W] (row t*B + b is step t of lane b). The encoder and
   * head run on all T*B rows at once; the LSTM steps T times on [B, .]. Returns y [T*B, outDim] and the final state.
   * With `pack`, x and y hold only the real rows (see PackedRows). Without an LSTM, rows are independent: x is used
   * as given and T is ignored.
   */
  sequence(x: Tensor, T: number, state: RecState, pack?: PackedRows): { y: Tensor; state: RecState } {
    let z = this.encode(x)
    if (!this.isRecurrent) return { y: this.head(z), state }
    const B = pack ? pack.B : x.shape[0] / T
    // packed: scatter the real rows' codes into the padded time-major layout (row R of zPad's source is zeros)
    if (pack) z = gatherRows(concat([z, Tensor.zeros(this.backend, [1, z.shape[1]])], 0), pack.padIdx)
    let st = state
    for (let i = 0; i < this.lstm.length; i++) {
      const hs: Tensor[] = []
      let s = st[i]
      for (let t = 0; t < T; t++) {
        s = this.lstm[i].step(T === 1 ? z : slice(z, 0, t * B, (t + 1) * B), s)
        hs.push(s.h)
      }
      st = [...st.slice(0, i), s, ...st.slice(i + 1)]
      z = T === 1 ? hs[0] : concat(hs, 0)
    }
    if (pack) z = gatherRows(z, pack.realIdx)
    return { y: this.head(z), state: st }
  }
}

/**
 * The real records of a padded time-major chunk batch, for Net.sequence: x and y hold only the R real rows; padIdx
 * [T*B] gives, for each padded row t*B + b, its real row (or R: a zero row); realIdx [R] the padded row of each real
 * row. The encoder and head then run on real rows only; the LSTM still steps T times on [B, .].
 */
export interface PackedRows { B: number; padIdx: Tensor; realIdx: Tensor }

/** What the networks see: the encoder, channels per stacked frame, and the square input side. */
export interface InputSpec { encoder: EncoderKind; channels: number; size: number }

/** The seed's input: grayscale frames of frame_resize, the Nature CNN. */
export const frameInput = (args: Args): InputSpec => ({ encoder: 'nature', channels: 1, size: args.frame_resize })

export function netSpecs(args: Args, numActions: number, input: InputSpec = frameInput(args)): Record<NetName, NetSpec> {
  const base = {
    encoder: input.encoder, frame: input.size, zDim: args.z_dim, rnnLayers: args.rnn_hidden_layers,
    rnnHidden: args.rnn_hidden_dim, finalLayers: args.final_hidden_layers, finalHidden: args.final_hidden_dim,
  }
  const c = input.channels
  return {
    value: { ...base, inChannels: c * args.stacked_frames, outDim: 2 },
    policy: { ...base, inChannels: c * args.stacked_frames, outDim: numActions },
    rnd_target: { ...base, inChannels: c * args.stacked_frames_rnd, outDim: args.rnd_output_dim },
    rnd_predictor: { ...base, inChannels: c * args.stacked_frames_rnd, outDim: args.rnd_output_dim },
  }
}

/** All four networks, initialized in a fixed order from one Rng seeded with args.rng_seed. */
export function buildNetworks(args: Args, be: Backend, numActions: number, input: InputSpec = frameInput(args)): Record<NetName, Net> {
  const rng = new Rng(args.rng_seed)
  const specs = netSpecs(args, numActions, input)
  const nets = {} as Record<NetName, Net>
  for (const n of NET_NAMES) nets[n] = new Net(be, specs[n], rng)
  return nets
}

/** Detached, kept copy of a state (truncated BPTT: the next chunk starts from these values, no gradient). */
export function detachState(s: RecState): RecState {
  return s.map(({ h, c }) => ({ h: keep(detach(h)), c: keep(detach(c)) }))
}

/** Rows where keepMask [N, 1] is 0 restart from zeros. The new state belongs to the current scope. */
export function maskState(s: RecState, keepMask: Tensor): RecState {
  return s.map(({ h, c }) => ({ h: mul(h, keepMask), c: mul(c, keepMask) }))
}

export function disposeState(s: RecState): void {
  for (const { h, c } of s) { h.dispose(); c.dispose() }
}
