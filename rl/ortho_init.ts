// --ortho_init (docs/algorithm.md, PPO details): CleanRL's layer_init. After the four networks are built (their
// LeCun draws unchanged), every weight is redrawn orthogonal (engine orthogonal(), torch.nn.init.orthogonal_ on the
// weight as torch lays it out: [out, fan_in]) with the gain CleanRL gives its layer, and every bias is 0:
//   convolutions, the encoder's linear, the head's hidden layers    sqrt(2)   (ReLU-family layers)
//   LSTM input and recurrent weights (whole [4U, in] / [4U, U])     1         (ppo_atari_lstm.py; forget bias 0 too)
//   output layer: policy 0.01 (a near-uniform first policy), value 1, RND target and predictor sqrt(2)
// The draws continue the networks' Rng, in network order and then layer order, so a run is reproducible.
import { orthogonal, type Conv2d, type Linear, type LSTM, type Rng, type Tensor } from '../engine/index.ts'
import type { Net, NetName } from './networks.ts'
import type { LstmStack } from './recurrent.ts'

const OUT_GAIN: Record<NetName, number> = { value: 1, policy: 0.01, rnd_target: Math.SQRT2, rnd_predictor: Math.SQRT2 }

/** [rows, cols] row-major -> [cols, rows]: our Linear and LSTM weights are x W, torch's are W x. */
function transpose(a: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(a.length)
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j]
  return t
}

const zero = (b: Tensor) => b.write(new Float32Array(b.size))

function conv(c: Conv2d, rng: Rng): void {
  c.w.write(orthogonal(rng, c.outCh, c.inCh * c.k * c.k, Math.SQRT2))
  zero(c.b)
}

function linear(l: Linear, gain: number, rng: Rng): void {
  l.w.write(transpose(orthogonal(rng, l.outDim, l.inDim, gain), l.outDim, l.inDim))
  zero(l.b)
}

function lstm(l: LSTM, rng: Rng): void {
  const G = 4 * l.hidden
  l.wx.write(transpose(orthogonal(rng, G, l.inDim, 1), G, l.inDim))
  l.wh.write(transpose(orthogonal(rng, G, l.hidden, 1), G, l.hidden))
  zero(l.b)
}

/** Redraw one network's weights (above); the DNC is not covered (validateArgs refuses --ortho_init with --dnc). */
export function orthoInit(net: Net, name: NetName, rng: Rng): void {
  if (net.ownsEncoder) {
    for (const c of net.conv) conv(c, rng)
    linear(net.fc, Math.SQRT2, rng)
  }
  if (net.core) for (const l of (net.core as LstmStack).layers) lstm(l, rng)
  for (const h of net.hidden) linear(h, Math.SQRT2, rng)
  linear(net.out, OUT_GAIN[name], rng)
}
