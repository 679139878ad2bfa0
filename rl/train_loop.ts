// Step 5 of docs/algorithm.md: train value, policy and RND predictor for epochs_per_iteration epochs over the
// iteration's episodes (or fixed-length segments). Each epoch: the longest episode first, the rest shuffled;
// `minibatches` lanes run side by side, each lane walking its episodes chunk by chunk (sequence_length steps), so
// one gradient step sees `minibatches` chunks. Recurrent state is carried from chunk to chunk within an episode
// (truncated BPTT) and reset when a lane starts a new episode. The predictor trains on a random portion of the
// episodes. PpoRnd (rl/ppo_rnd.ts) is the context.
import { Tensor, type Rng, scope, noGrad, backward, concat, reshape, gatherRows, gradSquares, mulScalar, type Adam, type Backend } from '../engine/index.ts'
import type { Args } from './args.ts'
import { TRAINED, detachState, maskState, disposeState, valuePolicy, type Net, type NetName, type TrainedName, type RecState } from './networks.ts'
import type { EpisodeBuffer } from './rollout.ts'
import { valueLoss, policyLoss, rndLoss, NonFiniteLossError } from './losses.ts'
import type { TrainBatch, ColumnName } from './train_batch.ts'
import { ratioSums } from './health.ts'
import { checkFiniteState } from './finite.ts'
import { rndLanes } from './rnd_lanes.ts'
import type { IterationMetrics } from './metrics.ts'
import type { Hooks } from './ppo_rnd.ts'

/** What training reads of the trainer. */
export interface TrainContext {
  readonly args: Args
  readonly backend: Backend
  readonly nets: Record<NetName, Net>
  readonly optims: Record<TrainedName, Adam>
  readonly batch: TrainBatch
  readonly rngTrain: Rng
  readonly hooks: Hooks
  readonly iteration: number
  /** the entropy coefficient of this iteration (--beta_entropy, annealed by --entropy_anneal_frames) */
  readonly betaEntropy: number
  /**
   * Recurrent networks: run the RND predictor over every lane and mask the unselected episodes' rows (the seed's
   * way, and the PyTorch peer's) instead of over the selected lanes only; the same loss and gradients, more work.
   * Off except in tests.
   */
  readonly maskedRndPredictor?: boolean
}

export type TrainMetrics = Pick<
  IterationMetrics,
  | 'loss_value'
  | 'loss_policy'
  | 'loss_rnd'
  | 'entropy'
  | 'approx_kl'
  | 'clip_fraction'
  | 'grad_norm_value'
  | 'grad_norm_policy'
  | 'grad_norm_rnd_predictor'
  | 'epochs_trained'
>

/** One lane's chunk in a gradient step: steps [off, off + len) of episode ep; isStart resets its recurrent state. */
export interface Chunk {
  ep: number
  off: number
  len: number
  isStart: boolean
}

/**
 * Step 5. Each epoch: the longest episode first, the rest shuffled; `minibatches` lanes run side by side, each
 * lane walking its episodes chunk by chunk (sequence_length steps), so one gradient step sees `minibatches`
 * chunks. Recurrent state is carried from chunk to chunk within an episode (truncated BPTT) and reset when a lane
 * starts a new episode. The predictor trains on a random portion of the episodes.
 */
export async function trainIteration(c: TrainContext, eps: EpisodeBuffer[]): Promise<TrainMetrics> {
  const a = c.args,
    K = eps.length
  c.batch.prepare(eps)
  const plans: { steps: (Chunk | null)[][]; rndSel: Uint8Array }[] = []
  for (let epoch = 0; epoch < a.epochs_per_iteration; epoch++) {
    let longest = 0
    for (let e = 1; e < K; e++) if (eps[e].length > eps[longest].length) longest = e
    const rest = [...Array(K).keys()].filter((e) => e !== longest)
    shuffle(c.rngTrain, rest)
    const order = [longest, ...rest]
    const rndSel = new Uint8Array(K)
    const p = a.portion_experience_train_rnd_predictor
    const nSel = p > 0 ? Math.max(1, Math.round(p * K)) : 0
    const pick = [...Array(K).keys()]
    shuffle(c.rngTrain, pick)
    for (let j = 0; j < nSel; j++) rndSel[pick[j]] = 1
    plans.push({
      steps: planChunks(
        order,
        eps.map((e) => e.length),
        a.minibatches,
        a.sequence_length,
      ),
      rndSel,
    })
  }
  const total = plans.reduce((s, p) => s + p.steps.length, 0)
  const sums = {
    loss_value: 0,
    loss_policy: 0,
    loss_rnd: 0,
    entropy: 0,
    kl: 0,
    clipped: 0,
    records: 0,
    grad_norm_value: 0,
    grad_norm_policy: 0,
    grad_norm_rnd_predictor: 0,
  }
  let done = 0,
    rndSteps = 0,
    epochs = 0
  c.hooks.onProgress?.('train', 0, total)
  const B = a.minibatches
  const trained = ['value', 'policy', 'rnd_predictor'] as const
  let carried: Record<TrainedName, RecState> | null = null
  try {
    for (const plan of plans) {
      const kl0 = sums.kl,
        records0 = sums.records
      carried = Object.fromEntries(trained.map((k) => [k, c.nets[k].initialState(B)])) as Record<TrainedName, RecState>
      for (const chunks of plan.steps) {
        const r = await gradientStep(c, eps, chunks, plan.rndSel, carried)
        for (const k of trained) disposeState(carried[k])
        carried = r.states
        await checkFiniteState(c.optims, c.iteration + 1, done + 1, total) // every step's result, before a save
        sums.loss_value += r.lossValue
        sums.loss_policy += r.lossPolicy
        sums.entropy += r.entropy
        sums.grad_norm_value += r.gradNorm.value
        sums.grad_norm_policy += r.gradNorm.policy
        const { kl, clipped } = ratioSums(r.ratios, a.epsilon_ppo)
        sums.kl += kl
        sums.clipped += clipped
        sums.records += r.ratios.length
        if (r.lossRnd !== null) {
          sums.loss_rnd += r.lossRnd
          sums.grad_norm_rnd_predictor += r.gradNorm.rnd_predictor
          rndSteps++
        }
        done++
        c.hooks.onProgress?.('train', done, total)
      }
      for (const k of trained) disposeState(carried[k])
      carried = null
      epochs++
      if (isKlStop(sums.kl - kl0, sums.records - records0, a.target_kl)) break
    }
  } finally {
    if (carried) for (const k of trained) disposeState(carried[k])
  }
  const steps = Math.max(1, done),
    records = Math.max(1, sums.records)
  return {
    loss_value: sums.loss_value / steps,
    loss_policy: sums.loss_policy / steps,
    loss_rnd: rndSteps ? sums.loss_rnd / rndSteps : 0,
    entropy: sums.entropy / steps,
    approx_kl: sums.kl / records,
    clip_fraction: sums.clipped / records,
    grad_norm_value: sums.grad_norm_value / steps,
    grad_norm_policy: sums.grad_norm_policy / steps,
    grad_norm_rnd_predictor: rndSteps ? sums.grad_norm_rnd_predictor / rndSteps : 0,
    epochs_trained: epochs,
  }
}

/**
 * --target_kl (CleanRL's): after an epoch whose records' summed approximate KL is `kl` over `records` records, stop
 * the iteration's training when the mean exceeds the target (never with target 0). CleanRL tests the last
 * minibatch's KL; the epoch's mean is less noisy.
 */
export const isKlStop = (kl: number, records: number, target: number): boolean => target > 0 && records > 0 && kl / records > target

/** One gradient step of the three trained networks on a batch of chunks (one per lane, null = idle lane). */
async function gradientStep(g: TrainContext, eps: EpisodeBuffer[], chunks: (Chunk | null)[], rndSel: Uint8Array, carried: Record<TrainedName, RecState>) {
  const a = g.args,
    B = chunks.length,
    batch = g.batch
  const isRec = g.nets.value.isRecurrent
  // Rows hold only the real records (lane by lane). For a recurrent core, padIdx/realIdx map them to and from the
  // padded time-major layout t * B + b (see PackedRows), so the encoder and head never run on padding.
  const T = Math.max(...chunks.map((c) => (c ? c.len : 0)))
  const padIdx = new Float32Array(T * B),
    realIdx: number[] = []
  let rndCount = 0
  batch.clear()
  const keepRow = new Float32Array(B)
  for (let b = 0; b < B; b++) {
    const c = chunks[b]
    keepRow[b] = c && !c.isStart ? 1 : 0
    for (let t = c ? c.len : 0; t < T; t++) padIdx[t * B + b] = -1
    if (!c) continue
    const ep = eps[c.ep],
      sel = rndSel[c.ep]
    for (let t = 0; t < c.len; t++) {
      padIdx[t * B + b] = batch.push({ ep, s: c.off + t, rndSel: sel })
      realIdx.push(t * B + b)
      rndCount += sel
    }
  }
  const N = batch.count
  for (let k = 0; k < T * B; k++) if (padIdx[k] < 0) padIdx[k] = N // the zero row
  const be = g.backend
  const col = (k: ColumnName) => batch.tensor(be, k)
  return scope(async () => {
    const x = col('obs'),
      xr = col('rnd'),
      mask = col('mask')
    const pack = isRec ? { B, padIdx: Tensor.fromArray(be, padIdx, [T * B]), realIdx: Tensor.fromArray(be, realIdx, [N]) } : undefined
    const hasReset = isRec && keepRow.some((k) => k === 0)
    const km = hasReset ? Tensor.fromArray(be, keepRow, [B, 1]) : null
    const st = (k: TrainedName) => (km ? maskState(carried[k], km) : carried[k])
    // with --shared_encoder (never recurrent) the convolutions run once for both
    const { v, p } = isRec
      ? { v: g.nets.value.sequence(x, T, st('value'), pack), p: g.nets.policy.sequence(x, T, st('policy'), pack) }
      : valuePolicy(g.nets.value, g.nets.policy, x, { value: st('value'), policy: st('policy') })
    let lossV = valueLoss(v.y, col('vTarget'), mask, N, a.value_clip > 0 ? { vOld: col('vOld'), range: a.value_clip } : undefined)
    if (a.value_loss_coef !== 1) lossV = mulScalar(lossV, a.value_loss_coef)
    const pl = policyLoss(p.y, col('onehot'), col('pOld'), col('adv'), col('bound'), mask, N, g.betaEntropy)
    let lossR: Tensor | null = null
    let q: { state: RecState } = { state: st('rnd_predictor') }
    if (rndCount > 0 && rndCount < N && !(isRec && g.maskedRndPredictor)) {
      // the predictor runs on its selected rows only (rl/rnd_lanes.ts): without recurrence rows are independent; a
      // recurrent predictor runs on the lanes whose episode is selected, the other lanes keeping their carried
      // state, which nothing reads before their next episode restarts it
      const s = rndLanes(chunks, rndSel)
      const rows = Tensor.fromArray(be, s.rows, [s.rows.length]),
        xs = gatherRows(xr, rows)
      let y: Tensor
      if (!isRec) y = g.nets.rnd_predictor.sequence(xs, 1, q.state).y
      else {
        const J = s.lanes.length,
          lanes = Tensor.fromArray(be, s.lanes, [J])
        const sub = { B: J, padIdx: Tensor.fromArray(be, s.padIdx, [s.T * J]), realIdx: Tensor.fromArray(be, s.realIdx, [s.rows.length]) }
        const r = g.nets.rnd_predictor.sequence(
          xs,
          s.T,
          q.state.map((t) => gatherRows(t, lanes)),
          sub,
        )
        y = r.y
        const back = Tensor.fromArray(be, s.back, [B])
        q = { state: r.state.map((t, i) => gatherRows(concat([t, q.state[i]], 0), back)) }
      }
      lossR = rndLoss(y, gatherRows(col('rndTarget'), rows), Tensor.fromArray(be, new Float32Array(s.rows.length).fill(1), [s.rows.length, 1]), rndCount)
    } else if (rndCount > 0) {
      // every lane (all selected, or the seed's mask: TrainContext.maskedRndPredictor)
      const r = g.nets.rnd_predictor.sequence(xr, T, q.state, pack)
      lossR = rndLoss(r.y, col('rndTarget'), col('rndMask'), rndCount)
      q = r
    }
    const totalLoss = lossR
      ? concat([reshape(lossV, [1]), reshape(pl.loss, [1]), reshape(lossR, [1])], 0)
      : concat([reshape(lossV, [1]), reshape(pl.loss, [1])], 0)
    backward(totalLoss) // one backward fills each network's gradients (a shared encoder's: the policy's and the value's sum)
    // one readback: the losses, the entropy, each trained network's squared gradient norm, the ratios
    const nets = lossR ? TRAINED : TRAINED.filter((k) => k !== 'rnd_predictor')
    const vals = await noGrad(() =>
      concat([totalLoss, reshape(pl.entropy, [1]), ...nets.map((k) => gradSquares(g.optims[k].params)), reshape(pl.ratio, [N])], 0),
    ).read()
    const L = nets.length,
      gradNorm = { value: 0, policy: 0, rnd_predictor: 0 }
    nets.forEach((k, i) => {
      gradNorm[k] = Math.sqrt(vals[L + 1 + i])
    })
    const named: [string, number][] = [['value', vals[0]], ['policy', vals[1]], ...(lossR ? [['rnd_predictor', vals[2]] as [string, number]] : [])]
    for (const [n, val] of named) {
      if (!Number.isFinite(val)) {
        for (const o of Object.values(g.optims)) o.zeroGrad()
        throw new NonFiniteLossError(n, val, g.iteration + 1)
      }
    }
    // the clipping norm is the one just read (gradSquares is the sum Adam.gradNorm reads)
    await g.optims.value.step(a.gradient_clip, gradNorm.value)
    await g.optims.policy.step(a.gradient_clip, gradNorm.policy)
    if (lossR) await g.optims.rnd_predictor.step(a.gradient_clip, gradNorm.rnd_predictor)
    for (const o of Object.values(g.optims)) o.zeroGrad()
    const states: Record<TrainedName, RecState> = {
      value: detachState(v.state),
      policy: detachState(p.state),
      rnd_predictor: detachState(q.state),
    }
    return {
      states,
      lossValue: vals[0] / a.value_loss_coef, // the loss itself, as without the coefficient
      lossPolicy: vals[1],
      lossRnd: lossR ? vals[2] : null,
      entropy: vals[L],
      gradNorm,
      ratios: vals.subarray(2 * L + 1),
    }
  })
}

function shuffle(rng: Rng, xs: number[]): void {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = rng.int(i + 1)
    ;[xs[i], xs[j]] = [xs[j], xs[i]]
  }
}

/**
 * Lay `order` out over B lanes: each lane takes the next episode when its current one is done and walks it in
 * chunks of L steps; one entry per gradient step, one chunk (or null: idle) per lane.
 */
export function planChunks(order: number[], lengths: number[], B: number, L: number): (Chunk | null)[][] {
  const lanes: ({ ep: number; off: number } | null)[] = new Array(B).fill(null)
  let q = 0
  const steps: (Chunk | null)[][] = []
  for (;;) {
    const row: (Chunk | null)[] = []
    for (let b = 0; b < B; b++) {
      let lane = lanes[b],
        isStart = false
      if (!lane || lane.off >= lengths[lane.ep]) {
        lane = lanes[b] = q < order.length ? { ep: order[q++], off: 0 } : null
        isStart = true
      }
      if (!lane) {
        row.push(null)
        continue
      }
      const len = Math.min(L, lengths[lane.ep] - lane.off)
      row.push({ ep: lane.ep, off: lane.off, len, isStart })
      lane.off += len
    }
    if (row.every((c) => c === null)) return steps
    steps.push(row)
  }
}
