// Layers: Linear, Conv2d, LSTM, initialized as Chainer does (LeCun normal weights, zero biases; the LSTM's
// forget-gate bias starts at 1 as in Chainer 5's L.LSTM). The LSTM is stateless: state {h, c} is passed in and
// returned, so each batch row carries its own state and rows are reset by the caller (see resetRows).
import { Tensor } from '../tensor.ts'
import type { Backend } from '../backend/backend.ts'
import type { Rng } from '../random.ts'
import { Module, lecunNormal } from './module.ts'
import { linear, conv2d, add, mul, matmul, lstmCell, lstmSequence } from '../ops/index.ts'

export class Linear extends Module {
  readonly w: Tensor
  readonly b: Tensor
  constructor(
    be: Backend,
    readonly inDim: number,
    readonly outDim: number,
    rng: Rng,
  ) {
    super(be)
    this.w = this.param('W', [inDim, outDim], lecunNormal(rng, inDim * outDim, inDim))
    this.b = this.param('b', [outDim], new Float32Array(outDim))
  }
  forward(x: Tensor): Tensor {
    return linear(x, this.w, this.b)
  }
}

export class Conv2d extends Module {
  readonly w: Tensor
  readonly b: Tensor
  constructor(
    be: Backend,
    readonly inCh: number,
    readonly outCh: number,
    readonly k: number,
    readonly stride = 1,
    rng: Rng,
    readonly pad = 0,
  ) {
    super(be)
    const fanIn = inCh * k * k
    this.w = this.param('W', [outCh, inCh, k, k], lecunNormal(rng, outCh * fanIn, fanIn))
    this.b = this.param('b', [outCh], new Float32Array(outCh))
  }
  forward(x: Tensor): Tensor {
    return conv2d(x, this.w, this.b, this.stride, this.pad)
  }
}

export interface LSTMState {
  h: Tensor
  c: Tensor
}

export class LSTM extends Module {
  readonly wx: Tensor
  readonly wh: Tensor
  readonly b: Tensor
  constructor(
    be: Backend,
    readonly inDim: number,
    readonly hidden: number,
    rng: Rng,
  ) {
    super(be)
    const U = hidden
    this.wx = this.param('Wx', [inDim, 4 * U], lecunNormal(rng, inDim * 4 * U, inDim))
    this.wh = this.param('Wh', [U, 4 * U], lecunNormal(rng, U * 4 * U, U))
    const b = new Float32Array(4 * U)
    b.fill(1, 2 * U, 3 * U) // forget gate (blocked order a, i, f, o)
    this.b = this.param('b', [4 * U], b)
  }
  initialState(n: number): LSTMState {
    return { h: Tensor.zeros(this.backend, [n, this.hidden]), c: Tensor.zeros(this.backend, [n, this.hidden]) }
  }
  /** One step for a batch: x [N, in], state [N, U] each -> new state. */
  step(x: Tensor, s: LSTMState): LSTMState {
    return this.stepProjected(this.project(x), s)
  }
  /** The input projection x Wx [N, 4U], of one step or of many steps' rows at once. */
  project(x: Tensor): Tensor {
    return matmul(x, this.wx)
  }
  /** T steps of B rows (time-major) from their projected inputs, as one tape entry (ops/lstm.ts lstmSequence). */
  sequenceProjected(xw: Tensor, T: number, B: number, s: LSTMState): { hs: Tensor } & LSTMState {
    return lstmSequence(xw, this.wh, this.b, s.h, s.c, T, B)
  }
  /** One step from its projected input xw = x Wx: pre = xw + h Wh + b, then the cell. */
  stepProjected(xw: Tensor, s: LSTMState): LSTMState {
    return lstmCell(add(add(xw, matmul(s.h, this.wh)), this.b), s.c)
  }
}

/** Zero the state rows where keep[n] = 0 (an episode starts): state * keep, keep a [N, 1] tensor of 0/1. */
export function resetRows(s: LSTMState, keep: Tensor): LSTMState {
  return { h: mul(s.h, keep), c: mul(s.c, keep) }
}
