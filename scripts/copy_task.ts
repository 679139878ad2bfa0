// The copy task (Graves et al. 2014, "Neural Turing Machines", and the DNC paper's own warm-up): L random vectors of
// B bits are shown one per step, then a delimiter; during the next L steps the input is blank and the model must
// output the vectors in order. Loss: sigmoid cross-entropy summed over the output bits of a sequence; error: wrong
// bits per sequence (output thresholded at 0). Models: the DNC (engine/nn/dnc.ts) or one LSTM, each with a linear
// head to B logits, sized to the same parameter budget. Used by scripts/learn_dnc.ts (the curve) and
// test/engine/dnc_learn.test.ts (a short run).
import {
  Tensor,
  Module,
  LSTM,
  DNC,
  Linear,
  type Adam,
  type Rng,
  scope,
  backward,
  keep,
  sum,
  mul,
  sub,
  softplus,
  concat,
  type Backend,
  type DncState,
  type DncSize,
} from '../engine/index.ts'

export interface CopyConfig {
  /** bits per vector */
  bits: number
  /** vectors per sequence */
  length: number
  /** sequences per update (lanes) */
  batch: number
}

/** One batch, time-major: x[t] [batch, bits + 1] (last channel: the delimiter), target bits of the output phase. */
export function copyBatch(c: CopyConfig, rng: Rng): { x: Float32Array[]; y: Float32Array[] } {
  const X = c.bits + 1,
    T = 2 * c.length + 1
  const bits = Array.from({ length: c.batch }, () => Array.from({ length: c.length * c.bits }, () => (rng.uniform() < 0.5 ? 1 : 0)))
  const x = Array.from({ length: T }, () => new Float32Array(c.batch * X))
  const y = Array.from({ length: c.length }, () => new Float32Array(c.batch * c.bits))
  for (let b = 0; b < c.batch; b++) {
    for (let t = 0; t < c.length; t++) {
      for (let k = 0; k < c.bits; k++) {
        x[t][b * X + k] = bits[b][t * c.bits + k]
        y[t][b * c.bits + k] = bits[b][t * c.bits + k]
      }
    }
    x[c.length][b * X + c.bits] = 1
  }
  return { x, y }
}

/** A sequence model: step(x [B, in]) -> logits [B, bits], with its own state per lane. */
export interface SeqModel extends Module {
  readonly label: string
  reset(batch: number): void
  step(x: Tensor): Tensor
}

export class LstmModel extends Module implements SeqModel {
  readonly lstm: LSTM
  readonly head: Linear
  private s: { h: Tensor; c: Tensor } | null = null
  constructor(be: Backend, inDim: number, hidden: number, outDim: number, rng: Rng) {
    super(be)
    this.lstm = this.child('lstm', new LSTM(be, inDim, hidden, rng))
    this.head = this.child('head', new Linear(be, hidden, outDim, rng))
  }
  get label(): string {
    return `LSTM ${this.lstm.hidden}`
  }
  reset(batch: number): void {
    this.s = this.lstm.initialState(batch)
  }
  step(x: Tensor): Tensor {
    this.s = this.lstm.step(x, this.s!)
    return this.head.forward(this.s.h)
  }
}

export class DncModel extends Module implements SeqModel {
  readonly dnc: DNC
  readonly head: Linear
  private s: DncState | null = null
  constructor(be: Backend, inDim: number, hidden: number, size: DncSize, outDim: number, rng: Rng) {
    super(be)
    this.dnc = this.child('dnc', new DNC(be, inDim, hidden, size, rng))
    this.head = this.child('head', new Linear(be, hidden, outDim, rng))
  }
  get label(): string {
    const { N, W, R, K } = this.dnc.size
    return `DNC ${N},${W},${R},${K} controller ${this.dnc.hidden}`
  }
  reset(batch: number): void {
    this.s = this.dnc.initialState(batch)
  }
  step(x: Tensor): Tensor {
    const r = this.dnc.step(x, this.s!)
    this.s = r.state
    return this.head.forward(r.y)
  }
}

export const paramCount = (m: Module) => m.parameters().reduce((n, p) => n + p.size, 0)

/** The LSTM width whose model (LSTM inDim -> h, linear h -> outDim) has the parameter count nearest `budget`. */
export function lstmWidthFor(budget: number, inDim: number, outDim: number): number {
  const count = (h: number) => 4 * h * (inDim + h + 1) + h * outDim + outDim
  let h = 1
  while (Math.abs(count(h + 1) - budget) < Math.abs(count(h) - budget)) h++
  return h
}

/**
 * One update on one batch: forward over the sequence (state reset first), loss = sigmoid cross-entropy over the
 * output phase, summed over bits and averaged over sequences; Adam step with gradient clipping. Returns the loss and
 * the wrong bits per sequence.
 */
export async function trainStep(
  m: SeqModel,
  opt: Adam,
  c: CopyConfig,
  data: { x: Float32Array[]; y: Float32Array[] },
  clip: number,
): Promise<{ loss: number; bitErrors: number }> {
  const be = m.backend,
    X = c.bits + 1
  const out = await scope(async () => {
    m.reset(c.batch)
    const logits: Tensor[] = []
    data.x.forEach((xt, t) => {
      const z = m.step(Tensor.fromArray(be, xt, [c.batch, X]))
      if (t > c.length) logits.push(z)
    })
    const z = concat(logits, 0),
      y = Tensor.fromArray(be, concatArrays(data.y), [c.length * c.batch, c.bits])
    // sigmoid cross-entropy log(1 + e^z) - y z, per sequence
    const loss = mul(sum(sub(softplus(z), mul(y, z))), Tensor.full(be, [1], 1 / c.batch))
    backward(loss)
    return { loss: keep(loss), z: keep(z) }
  })
  await opt.step(clip)
  opt.zeroGrad()
  const [lv, zv] = [(await out.loss.read())[0], await out.z.read()]
  out.loss.dispose()
  out.z.dispose()
  const yv = concatArrays(data.y)
  let wrong = 0
  for (let i = 0; i < yv.length; i++) if ((zv[i] > 0 ? 1 : 0) !== yv[i]) wrong++
  return { loss: lv, bitErrors: wrong / c.batch }
}

function concatArrays(xs: Float32Array[]): Float32Array {
  const out = new Float32Array(xs.reduce((n, x) => n + x.length, 0))
  let o = 0
  for (const x of xs) {
    out.set(x, o)
    o += x.length
  }
  return out
}
