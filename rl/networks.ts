// The four networks of docs/algorithm.md (value, policy, rnd_target, rnd_predictor), each the same shape:
//   encoder: 'nature' (frames, the seed's): conv 32 8x8/4 -> leaky_relu -> conv 64 4x4/2 -> leaky_relu
//            -> conv 64 3x3/1 -> leaky_relu -> flatten -> linear z_dim (no activation)
//            'grid' (MiniGrid's 7x7 symbolic view): conv 16 2x2/1 -> leaky_relu -> max-pool 2x2 -> conv 32 2x2/1
//            -> leaky_relu -> conv 64 2x2/1 -> leaky_relu -> flatten (64 x 1 x 1) -> linear z_dim: the image
//            encoder of rl-starter-files, which the exploration papers (RIDE, NovelD) use on MiniGrid
//            'fine' (small frames, ours): conv 16 4x4/2 -> leaky_relu -> conv 32 4x4/2 -> leaky_relu -> conv 32 3x3/1
//            -> leaky_relu -> flatten -> linear z_dim: on 36 pixels a 5x5 map where the nature CNN's is 1x1
//   core:    rnn_hidden_layers stacked LSTMs of rnn_hidden_dim (0 = convolutional only); gate order a, i, f, o
//            (Chainer's, blocked), forget bias 1, as engine/nn/layers.ts; or, with --dnc N,W,R,K, the DNC
//            (docs/dnc.md) with a controller LSTM of rnn_hidden_dim and output rnn_hidden_dim (rl/recurrent.ts)
//   head:    final_hidden_layers x (linear final_hidden_dim -> leaky_relu), then linear to the output size
// Initialization is Chainer's (LeCun normal weights, zero biases), or with --ortho_init CleanRL's (rl/ortho_init.ts).
// leaky_relu uses Chainer's slope 0.2.
import {
  Module,
  Conv2d,
  Linear,
  LSTM,
  DNC,
  Tensor,
  Rng,
  leakyRelu,
  maxPool2,
  reshape,
  concat,
  gatherRows,
  type Backend,
  type DncSize,
} from '../engine/index.ts'
import { parseDnc, type Args } from './args.ts'
import { LstmStack, DncCore, type RecurrentCore, type RecState } from './recurrent.ts'
import { orthoInit } from './ortho_init.ts'

export { detachState, maskState, disposeState, type RecState } from './recurrent.ts'

export type NetName = 'value' | 'policy' | 'rnd_target' | 'rnd_predictor'
export const NET_NAMES: readonly NetName[] = ['value', 'policy', 'rnd_target', 'rnd_predictor']
/** The networks that train (each with its own Adam). */
export type TrainedName = Exclude<NetName, 'rnd_target'>
export const TRAINED: readonly TrainedName[] = ['value', 'policy', 'rnd_predictor']

export type EncoderKind = 'nature' | 'grid' | 'fine'

/** Side of the encoder's last feature map for a square input of `size`, 0 when the input is too small. */
export function encoderOutSize(kind: EncoderKind, size: number): number {
  let o = size
  for (const [i, [, k, stride]] of encoderLayers(kind).entries()) {
    if (o < k) return 0
    o = Math.floor((o - k) / stride) + 1
    if (i === poolAfter(kind)) o = Math.floor(o / 2)
  }
  return o
}

// functions, not constants: rl/args.ts (imported by this module) calls encoderOutSize while it loads
/** [out channels, kernel, stride] per convolution */
function encoderLayers(kind: EncoderKind): readonly [number, number, number][] {
  if (kind === 'grid') {
    return [
      [16, 2, 1],
      [32, 2, 1],
      [64, 2, 1],
    ]
  }
  // for small frames (issue #14): half the nature CNN's strides, so a 36-pixel frame ends on a 5x5 map (800
  // features) instead of 1x1 (64), at about the nature CNN's FLOPs on 36 pixels
  if (kind === 'fine') {
    return [
      [16, 4, 2],
      [32, 4, 2],
      [32, 3, 1],
    ]
  }
  return [
    [32, 8, 4],
    [64, 4, 2],
    [64, 3, 1],
  ]
}
/** The convolution after which a 2x2 max-pool runs (grid: the first; its output side must be even), or -1. */
function poolAfter(kind: EncoderKind): number {
  return kind === 'grid' ? 0 : -1
}

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
  /** the DNC's sizes (--dnc): it replaces the LSTM stack */
  dnc?: DncSize | null
}

export class Net extends Module {
  readonly conv: Conv2d[]
  readonly fc: Linear
  /** the LSTM stack or the DNC; null for the convolutional-only network */
  readonly core: RecurrentCore | null
  readonly hidden: Linear[] = []
  readonly out: Linear
  readonly flat: number
  /** false when the encoder (conv, fc) is another network's (--shared_encoder): not among this one's parameters */
  readonly ownsEncoder: boolean

  /** With `share`, this network runs `share`'s encoder (same spec) and owns only its core and head. */
  constructor(
    be: Backend,
    readonly spec: NetSpec,
    rng: Rng,
    share?: Net,
  ) {
    super(be)
    const s = spec
    this.ownsEncoder = !share
    if (share) {
      this.conv = share.conv
      this.fc = share.fc
      this.flat = share.flat
    } else {
      let c = s.inChannels
      this.conv = encoderLayers(s.encoder).map(([out, k, stride], i) => {
        const layer = this.child(`conv${i + 1}`, new Conv2d(be, c, out, k, stride, rng))
        c = out
        return layer
      })
      const o = encoderOutSize(s.encoder, s.frame)
      this.flat = c * o * o
      this.fc = this.child('fc', new Linear(be, this.flat, s.zDim, rng))
    }
    let d = s.zDim
    if (s.dnc) this.core = new DncCore(this.child('dnc', new DNC(be, d, s.rnnHidden, s.dnc, rng)))
    else if (s.rnnLayers > 0) {
      const layer = (i: number) => this.child(`lstm${i}`, new LSTM(be, i ? s.rnnHidden : d, s.rnnHidden, rng))
      this.core = new LstmStack([...Array(s.rnnLayers).keys()].map(layer))
    } else this.core = null
    if (this.core) d = this.core.outDim
    for (let i = 0; i < s.finalLayers; i++) {
      this.hidden.push(this.child(`hidden${i}`, new Linear(be, d, s.finalHidden, rng)))
      d = s.finalHidden
    }
    this.out = this.child('out', new Linear(be, d, s.outDim, rng))
  }

  get isRecurrent(): boolean {
    return this.core !== null
  }

  /** x [N, C, H, W] -> z [N, z_dim] */
  encode(x: Tensor): Tensor {
    let y = x
    const pool = poolAfter(this.spec.encoder)
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
    return this.core?.initialState(n) ?? []
  }

  /**
   * The state's tensors by name (lstm0.h, lstm0.c, ... or dnc.memory, dnc.link, ...), e.g. to write a state that is
   * alive between iterations into a snapshot (toNamedArrays) and read it back (loadNamed into initialState's).
   */
  namedState(state: RecState): [string, Tensor][] {
    return this.core?.stateNames().map((n, i) => [n, state[i]] as [string, Tensor]) ?? []
  }

  /** One step for a batch: x [N, C, H, W], state -> output [N, outDim] and the new state. */
  step(x: Tensor, state: RecState): { y: Tensor; state: RecState } {
    const z = this.encode(x)
    if (!this.core) return { y: this.head(z), state }
    const r = this.core.step(z, state)
    return { y: this.head(r.h), state: r.state }
  }

  /**
   * A chunk of T steps of B rows, time-major: x [T*B, C, H, W] (row t*B + b is step t of lane b). The encoder and
   * head run on all T*B rows at once; the core steps T times on [B, .]. Returns y [T*B, outDim] and the final state.
   * With `pack`, x and y hold only the real rows (see PackedRows). Without a core, rows are independent: x is used
   * as given and T is ignored.
   */
  sequence(x: Tensor, T: number, state: RecState, pack?: PackedRows): { y: Tensor; state: RecState } {
    let z = this.encode(x)
    if (!this.core) return { y: this.head(z), state }
    const B = pack ? pack.B : x.shape[0] / T
    // packed: scatter the real rows' codes into the padded time-major layout (row R of zPad's source is zeros)
    if (pack) z = gatherRows(concat([z, Tensor.zeros(this.backend, [1, z.shape[1]])], 0), pack.padIdx)
    const r = this.core.sequence(z, T, B, state)
    return { y: this.head(pack ? gatherRows(r.h, pack.realIdx) : r.h), state: r.state }
  }
}

/**
 * The real records of a padded time-major chunk batch, for Net.sequence: x and y hold only the R real rows; padIdx
 * [T*B] gives, for each padded row t*B + b, its real row (or R: a zero row); realIdx [R] the padded row of each real
 * row. The encoder and head then run on real rows only; the core still steps T times on [B, .].
 */
export interface PackedRows {
  B: number
  padIdx: Tensor
  realIdx: Tensor
}

/** What the networks see: the encoder, channels per stacked frame, and the square input side. */
export interface InputSpec {
  encoder: EncoderKind
  channels: number
  size: number
}

/** The seed's input: grayscale frames of frame_resize, the Nature CNN. */
export const frameInput = (args: Args): InputSpec => ({ encoder: 'nature', channels: 1, size: args.frame_resize })

export function netSpecs(args: Args, numActions: number, input: InputSpec = frameInput(args)): Record<NetName, NetSpec> {
  const base = {
    encoder: input.encoder,
    frame: input.size,
    zDim: args.z_dim,
    rnnLayers: args.rnn_hidden_layers,
    rnnHidden: args.rnn_hidden_dim,
    finalLayers: args.final_hidden_layers,
    finalHidden: args.final_hidden_dim,
    dnc: parseDnc(args.dnc),
  }
  const c = input.channels
  return {
    value: { ...base, inChannels: c * args.stacked_frames, outDim: 2 },
    policy: { ...base, inChannels: c * args.stacked_frames, outDim: numActions },
    rnd_target: { ...base, inChannels: c * args.stacked_frames_rnd, outDim: args.rnd_output_dim },
    rnd_predictor: { ...base, inChannels: c * args.stacked_frames_rnd, outDim: args.rnd_output_dim },
  }
}

/**
 * All four networks, initialized in a fixed order from one Rng seeded with args.rng_seed. With --shared_encoder the
 * policy is built first and the value runs the policy's encoder (it draws only its head).
 */
export function buildNetworks(args: Args, be: Backend, numActions: number, input: InputSpec = frameInput(args)): Record<NetName, Net> {
  const rng = new Rng(args.rng_seed)
  const specs = netSpecs(args, numActions, input)
  const nets = {} as Record<NetName, Net>
  const order: NetName[] = args.shared_encoder ? ['policy', 'value', 'rnd_target', 'rnd_predictor'] : [...NET_NAMES]
  for (const n of order) nets[n] = new Net(be, specs[n], rng, n === 'value' && args.shared_encoder ? nets.policy : undefined)
  if (args.ortho_init) for (const n of order) orthoInit(nets[n], n, rng)
  return nets
}

/**
 * The value's and the policy's outputs for one input x (rows independent, or one recurrent step each): with a shared
 * encoder (--shared_encoder) the convolutions run once for both.
 */
export function valuePolicy(
  value: Net,
  policy: Net,
  x: Tensor,
  states: { value: RecState; policy: RecState },
): { v: { y: Tensor; state: RecState }; p: { y: Tensor; state: RecState } } {
  if (value.ownsEncoder) return { v: value.step(x, states.value), p: policy.step(x, states.policy) }
  const z = policy.encode(x) // validateArgs: a shared encoder has no core
  return { v: { y: value.head(z), state: states.value }, p: { y: policy.head(z), state: states.policy } }
}
