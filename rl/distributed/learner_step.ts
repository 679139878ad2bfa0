// The learner's side of an iteration, transport aside (cli/learner.ts brings the blocks): which blocks are used,
// and steps 2 to 5 of the trainer on them. An iteration takes whole blocks until it holds --num_envs segments, the
// same records as a local `train --num_steps` iteration. A block acted on by weights more than --max_policy_lag
// versions old is dropped (docs/distributed.md says what lag does to PPO and to the intrinsic-reward statistics).
import type { PpoRnd, IterationMetrics } from '../ppo_rnd.ts'
import { fillSegments, type Block } from './block.ts'

/** How many versions behind the learner's current weights a block was acted on. */
export const lagOf = (b: Block, version: number) => version - b.header.version

/** Why a block is not used, or null: acted on by weights from the future (a learner restarted from an older
 *  snapshot than the weights it published) or too old. */
export function refusal(b: Block, version: number, maxLag: number): string | null {
  const lag = lagOf(b, version)
  if (lag < 0) return `acted on weights version ${b.header.version}, newer than the learner's ${version}`
  if (lag > maxLag) return `policy lag ${lag} > --max_policy_lag ${maxLag}`
  return null
}

/** Count of used blocks per lag, e.g. {0: 3, 1: 1}, and the mean lag over their segments. */
export function lagSummary(blocks: Block[], version: number): { byLag: Record<number, number>; mean: number; max: number } {
  const byLag: Record<number, number> = {}
  let sum = 0,
    n = 0,
    max = 0
  for (const b of blocks) {
    const lag = lagOf(b, version)
    byLag[lag] = (byLag[lag] ?? 0) + 1
    sum += lag * b.header.segments
    n += b.header.segments
    max = Math.max(max, lag)
  }
  return { byLag, mean: n ? sum / n : 0, max }
}

/** Steps 2 to 5 on the blocks' segments, in order; `waitSeconds` (receiving them) counts as rollout time. */
export async function learnFromBlocks(t: PpoRnd, blocks: Block[], waitSeconds: number): Promise<IterationMetrics> {
  const n = blocks.reduce((s, b) => s + b.header.segments, 0)
  const eps = t.buffers(n),
    bootstrap = new Float32Array(2 * n),
    returns: number[] = []
  // forward_filter: the actors' filters, each segment's value before its first step (the decoder checked they are sent)
  const filterStart = t.args.int_reward_norm === 'forward_filter' ? new Float64Array(n) : undefined
  let off = 0
  for (const b of blocks) {
    fillSegments(b, eps.slice(off, off + b.header.segments), bootstrap, off, t.args.rnd_obs_norm_clip)
    filterStart?.set(b.filterStart, off)
    returns.push(...b.returns)
    off += b.header.segments
  }
  const envSteps = n * t.args.num_steps
  return t.learn({ eps, envSteps, returns, bootstrap, norm: eps[0].norm!, seconds: waitSeconds, filterStart })
}
