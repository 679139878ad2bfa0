// The Differentiable Neural Computer (Graves et al., Nature 2016, "Hybrid computing using a neural network with
// dynamic external memory", Methods; https://www.nature.com/articles/nature20101), batched: every lane (row) has its
// own memory. docs/dnc.md states every equation, the step order, and where we differ from the seed's dnc.py.
// Like the LSTM of layers.ts the layer is stateless: step(x, state) returns the new state. Every state tensor is
// [B, width] (a lane's memory, link matrix and read weightings flattened into its row), so a caller can reset,
// select, detach or carry lanes with the same row operations it uses for an LSTM's h and c.
import { Tensor, keep } from '../tensor.ts'
import type { Backend } from '../backend/backend.ts'
import type { Rng } from '../random.ts'
import { Module } from './module.ts'
import { dncInterfaceLayout } from '../../kernels/index.ts'
import { Linear, LSTM } from './layers.ts'
import {
  mul,
  softmax,
  concat,
  reshape,
  batchMatmul,
  cosineSimilarity,
  allocationWeighting,
  linkUpdate,
  sparseTopK,
  dncInterface,
  usageUpdate,
  writeWeighting,
  memoryWrite,
  readWeights,
} from '../ops/index.ts'

/** N memory slots of W floats, R read heads, K: entries kept by the sparse link matrix (0 = the dense one). */
export interface DncSize {
  N: number
  W: number
  R: number
  K: number
}

/** The recurrent state's parts, in a fixed order (rl/recurrent.ts keeps a network's state as a list in this order). */
export const DNC_STATE = ['h', 'c', 'memory', 'usage', 'precedence', 'link', 'writeWeights', 'readWeights', 'reads'] as const
export type DncStateName = (typeof DNC_STATE)[number]
/**
 * Every part is [B, width] (widths: DNC.stateWidths): controller h and c, M (N*W), u, p (N), L (N*N), w^w (N),
 * w^r (R*N), r (R*W).
 */
export type DncState = Record<DncStateName, Tensor>

/** C(M, k, beta) for H keys per lane: softmax over the N slots of beta cos(k, M[n]); mem [B,N,W], keys [B,H,W], beta [B,H] -> [B,H,N]. */
function contentWeights(mem: Tensor, keys: Tensor, beta: Tensor): Tensor {
  const [B, H] = beta.shape
  return softmax(mul(cosineSimilarity(mem, keys), reshape(beta, [B, H, 1])))
}

export class DNC extends Module {
  readonly controller: LSTM
  readonly iface: Linear
  readonly output: Linear

  /** inDim: the input per step; hidden: the controller LSTM's units, also the output size (W_y h + W_r r + b). */
  constructor(
    be: Backend,
    readonly inDim: number,
    readonly hidden: number,
    readonly size: DncSize,
    rng: Rng,
  ) {
    super(be)
    const { N, W, R, K } = size
    if (![N, W, R].every((v) => Number.isInteger(v) && v >= 1) || !Number.isInteger(K) || K < 0 || K > N) {
      throw new Error(`DNC: N, W, R must be integers >= 1 and K an integer in 0..N (got ${N},${W},${R},${K})`)
    }
    this.controller = this.child('controller', new LSTM(be, inDim + R * W, hidden, rng))
    this.iface = this.child('interface', new Linear(be, hidden, dncInterfaceLayout(W, R).I, rng))
    this.output = this.child('output', new Linear(be, hidden + R * W, hidden, rng))
  }

  /** Width of each state part per lane. */
  stateWidths(): Record<DncStateName, number> {
    const { N, W, R } = this.size,
      H = this.hidden
    return { h: H, c: H, memory: N * W, usage: N, precedence: N, link: N * N, writeWeights: N, readWeights: R * N, reads: R * W }
  }

  /** The all-zero state of n lanes (the paper's u_0, p_0, L_0, w_0, r_0 and, as the DeepMind code does, M_0 = 0); kept. */
  initialState(n: number): DncState {
    const w = this.stateWidths()
    return Object.fromEntries(DNC_STATE.map((k) => [k, keep(Tensor.zeros(this.backend, [n, w[k]]))])) as DncState
  }

  /** One step for B lanes: x [B, inDim] -> y [B, hidden] and the new state (docs/dnc.md, steps 1-9). */
  step(x: Tensor, s: DncState): { y: Tensor; state: DncState } {
    const { N, W, R, K } = this.size,
      B = x.shape[0]
    // 1. controller on [x_t; r_{t-1}], then the interface vector, split in the paper's order and activated
    const ctl = this.controller.step(concat([x, s.reads], 1), { h: s.h, c: s.c })
    const xi = dncInterface(this.iface.forward(ctl.h), W, R)
    // 2. usage: the retention psi = prod_i (1 - f^i w^{r,i}_{t-1}), u_t = (u + w^w - u w^w)_{t-1} psi
    const readPrev = reshape(s.readWeights, [B, R, N])
    const usage = usageUpdate(s.usage, s.writeWeights, readPrev, xi.free)
    // 3. write weighting: allocation and content on M_{t-1}, gated; the precedence after it
    const memPrev = reshape(s.memory, [B, N, W])
    const writeContent = reshape(contentWeights(memPrev, xi.writeKey, xi.writeStrength), [B, N])
    const alloc = allocationWeighting(usage)
    const { writeW, precedence } = writeWeighting(alloc, writeContent, xi.allocGate, xi.writeGate, s.precedence)
    // 4. erase then write: M_t = M_{t-1} o (E - w^w e^T) + w^w v^T
    const mem = memoryWrite(memPrev, writeW, xi.erase, xi.writeVec)
    // 5. link matrix from the previous precedence (the sparse one from the top-K vectors)
    const linkPrev = reshape(s.link, [B, N, N])
    const link = K > 0 ? linkUpdate(linkPrev, sparseTopK(writeW, K), sparseTopK(s.precedence, K), K) : linkUpdate(linkPrev, writeW, s.precedence)
    // 6. forward f^i = L w^{r,i}_{t-1} and backward b^i = L^T w^{r,i}_{t-1}, as rows [B, R, N]
    const fwd = batchMatmul(readPrev, link, false, true)
    const bwd = batchMatmul(readPrev, link)
    // 7. read weightings: pi[1] b + pi[2] c^r + pi[3] f, the content weighting on M_t
    const readW = readWeights(xi.modes, bwd, contentWeights(mem, xi.readKeys, xi.readStrengths), fwd)
    // 8. read vectors r^i = M_t^T w^{r,i}
    const reads = reshape(batchMatmul(readW, mem), [B, R * W])
    // 9. output: W_y h + W_r r + b, the size of the controller
    const y = this.output.forward(concat([ctl.h, reads], 1))
    return {
      y,
      state: {
        h: ctl.h,
        c: ctl.c,
        memory: reshape(mem, [B, N * W]),
        usage,
        precedence,
        link: reshape(link, [B, N * N]),
        writeWeights: writeW,
        readWeights: reshape(readW, [B, R * N]),
        reads,
      },
    }
  }
}
