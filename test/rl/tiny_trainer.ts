// The whole trainer at test size, for the tests that run it end to end (determinism, the shared encoder, MiniGrid):
// the rollout and training flags of a tiny run, the metrics without their timings, and a run of n iterations.
import type { Backend } from '../../engine/index.ts'
import type { Args } from '../../rl/args.ts'
import { PpoRnd, type IterationMetrics } from '../../rl/ppo_rnd.ts'

/** 4 episodes over 2 environments, one epoch of 2 chunks of 4 records, on the ref backend. */
export const TINY_TRAINING: Partial<Args> = {
  num_trials: 4,
  num_envs: 2,
  initial_normalization_num_trials: 2,
  epochs_per_iteration: 1,
  sequence_length: 4,
  minibatches: 2,
  backend: 'ref',
}

/** An iteration's metrics without its wall-clock timings (which differ run to run). */
export const untimed = ({ rollout_seconds, train_seconds, env_steps_per_s, episodes_per_s, ...m }: IterationMetrics) => m

/** A trainer, normalized, after `iterations` iterations, and their untimed metrics. */
export async function runTrainer(args: Args, be: Backend, iterations: number) {
  const t = await PpoRnd.create(args, be)
  await t.initNormalization()
  const out = []
  for (let i = 0; i < iterations; i++) out.push(untimed(await t.runIteration()))
  return { t, out }
}
