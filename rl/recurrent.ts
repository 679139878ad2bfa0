// The recurrent core between a network's encoder and head (rl/networks.ts), behind one interface so rollouts, training
// chunks and playing treat the LSTM stack and the DNC alike. A core's state is a list of tensors of shape
// [lanes, width], one row per lane (an env in a rollout, a lane of a training batch): resetting lanes (maskState),
// keeping only some (gatherRows in ppo_rnd.ts), detaching between truncated-BPTT chunks and disposing are the same
// row operations whatever the core keeps in them.
//   LSTM stack: [h_0, c_0, h_1, c_1, ...], one pair per layer.
//   DNC (engine/nn/dnc.ts, docs/dnc.md): its parts in DNC_STATE order (controller h and c, memory, usage, precedence,
//   link matrix, write and read weightings, read vectors), each lane's row holding its own memory.
// Every part of every core starts at zero, so multiplying rows by 0 restarts those lanes exactly.
import { type Tensor, type DNC, DNC_STATE, type LSTM, detach, keep, mul, split, concat, type DncState } from '../engine/index.ts'

/** Recurrent state of one network: [lanes, width] tensors ([] for the convolutional-only network). */
export type RecState = Tensor[]

export interface RecurrentCore {
  /** the width of the output h */
  readonly outDim: number
  /** A name for each state tensor, in order (to save a state mid-episode: Net.namedState). */
  stateNames(): string[]
  /** Zero state for n lanes (kept: the caller owns and disposes it). */
  initialState(n: number): RecState
  /** One step of B lanes: z [B, in] -> h [B, outDim]. */
  step(z: Tensor, state: RecState): { h: Tensor; state: RecState }
  /** T steps of B lanes, time-major: z [T*B, in] (row t*B + b is step t of lane b) -> h [T*B, outDim]. */
  sequence(z: Tensor, T: number, B: number, state: RecState): { h: Tensor; state: RecState }
}

/** A time-major [T*B, width] batch as its T steps of B rows (one tape entry: engine/ops/movement.ts split). */
const steps = (z: Tensor, T: number, B: number) => (T === 1 ? [z] : split(z, 0, new Array<number>(T).fill(B)))

/** rnn_hidden_layers stacked LSTMs (layers.ts), gate order a, i, f, o, forget bias 1. */
export class LstmStack implements RecurrentCore {
  constructor(readonly layers: LSTM[]) {}
  get outDim(): number {
    return this.layers[this.layers.length - 1].hidden
  }
  stateNames(): string[] {
    return this.layers.flatMap((_, i) => [`lstm${i}.h`, `lstm${i}.c`])
  }

  initialState(n: number): RecState {
    return this.layers.flatMap((l) => {
      const s = l.initialState(n)
      return [keep(s.h), keep(s.c)]
    })
  }

  step(z: Tensor, state: RecState): { h: Tensor; state: RecState } {
    const next: RecState = []
    let h = z
    this.layers.forEach((l, i) => {
      const s = l.step(h, { h: state[2 * i], c: state[2 * i + 1] })
      next.push(s.h, s.c)
      h = s.h
    })
    return { h, state: next }
  }

  /**
   * Layer by layer: each layer runs T steps over the previous layer's whole output, its input projection x Wx
   * computed for all T steps in one matmul and its steps as one tape entry (engine/ops/lstm.ts lstmSequence: the
   * recurrent weight gradient is one matmul over T x B rows instead of T rank-B updates added up).
   */
  sequence(z: Tensor, T: number, B: number, state: RecState): { h: Tensor; state: RecState } {
    const next = [...state]
    let h = z
    this.layers.forEach((l, i) => {
      const r = l.sequenceProjected(l.project(h), T, B, { h: state[2 * i], c: state[2 * i + 1] })
      next[2 * i] = r.h
      next[2 * i + 1] = r.c
      h = r.hs
    })
    return { h, state: next }
  }
}

/** The DNC as a core: its state parts in DNC_STATE order. */
export class DncCore implements RecurrentCore {
  constructor(readonly dnc: DNC) {}
  get outDim(): number {
    return this.dnc.hidden
  }
  stateNames(): string[] {
    return DNC_STATE.map((k) => `dnc.${k}`)
  }

  initialState(n: number): RecState {
    const s = this.dnc.initialState(n)
    return DNC_STATE.map((k) => s[k])
  }

  step(z: Tensor, state: RecState): { h: Tensor; state: RecState } {
    const r = this.dnc.step(z, Object.fromEntries(DNC_STATE.map((k, i) => [k, state[i]])) as DncState)
    return { h: r.y, state: DNC_STATE.map((k) => r.state[k]) }
  }

  sequence(z: Tensor, T: number, B: number, state: RecState): { h: Tensor; state: RecState } {
    const hs: Tensor[] = []
    let s = state
    const zs = steps(z, T, B)
    for (let t = 0; t < T; t++) {
      const r = this.step(zs[t], s)
      hs.push(r.h)
      s = r.state
    }
    return { h: T === 1 ? hs[0] : concat(hs, 0), state: s }
  }
}

/** Detached, kept copy of a state (truncated BPTT: the next chunk starts from these values, no gradient). */
export function detachState(s: RecState): RecState {
  return s.map((t) => keep(detach(t)))
}

/** Rows where keepMask [N, 1] is 0 restart from zeros. The new state belongs to the current scope. */
export function maskState(s: RecState, keepMask: Tensor): RecState {
  return s.map((t) => mul(t, keepMask))
}

export function disposeState(s: RecState): void {
  for (const t of s) t.dispose()
}
