// A trainer snapshot in memory: what PpoRnd.exportState() returns and importState() takes (cli/train.ts writes it
// as safetensors files plus state.json, atomically through cli/snapshot.ts), and the check that a snapshot's tensors
// are exactly the ones a trainer has, with the same shapes, run before anything is written.
import type { NamedArray, Tensor } from '../engine/index.ts'
import type { Args } from './args.ts'
import type { RunningMeanStd } from './stats.ts'
import type { NetName, TrainedName } from './networks.ts'

export interface TrainerJson {
  iteration: number
  total_env_steps: number
  is_normalized: boolean
  adam_t: Record<TrainedName, number>
  stats: { obs: ReturnType<RunningMeanStd['toJSON']>; int_return: ReturnType<RunningMeanStd['toJSON']> }
  rng: { action: number[]; env: number[]; train: number[] }
  args: Args
  /** fixed-length rollouts: each env's episode in flight (replayed on resume) */
  inflight?: { seed: number; actions: number[]; ret: number; prev_action: number }[]
  /** --int_reward_norm forward_filter: each env's filter value */
  reward_filter?: number[]
}

export interface TrainerState {
  models: Record<NetName, Record<string, NamedArray>>
  optimizers: Record<TrainedName, Record<string, NamedArray>>
  json: TrainerJson
}

/** name -> shape of each named tensor. */
export function shapesOf(named: [string, Tensor][]): Record<string, number[]> {
  return Object.fromEntries(named.map(([n, t]) => [n, [...t.shape]]))
}

/** Throw, naming `what` and the tensor, unless `got` holds exactly the tensors of `want` with their shapes. */
export function checkTensors(what: string, got: Record<string, NamedArray> | undefined, want: Record<string, number[]>): void {
  if (!got) throw new Error(`snapshot: ${what} is missing`)
  for (const [n, shape] of Object.entries(want)) {
    const t = Object.hasOwn(got, n) ? got[n] : undefined
    if (!t) throw new Error(`snapshot: ${what}: tensor ${n} is missing`)
    if (t.shape.join() !== shape.join()) throw new Error(`snapshot: ${what}: tensor ${n} has shape [${t.shape}], the model needs [${shape}]`)
  }
  for (const n of Object.keys(got)) if (!Object.hasOwn(want, n)) throw new Error(`snapshot: ${what}: unexpected tensor ${n}`)
}
