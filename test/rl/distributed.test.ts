// The learner's arithmetic on actors' trajectory blocks (rl/distributed/), transport aside: rollouts encoded as
// blocks, decoded and learned from give what `train` computes on the same rollouts. Here: --int_reward_norm
// forward_filter, whose per-environment filters run on the actors and travel as each segment's start value.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { RefBackend } from '../../engine/index.ts'
import { DEFAULT_ARGS, type Args } from '../../rl/args.ts'
import { PpoRnd } from '../../rl/ppo_rnd.ts'
import { RewardForwardFilter, segmentRewardsInt } from '../../rl/segments.ts'
import { RunningMeanStd } from '../../rl/stats.ts'
import { BlockError, decodeBlock, encodeBlock, type Block, type BlockShape } from '../../rl/distributed/block.ts'
import { learnFromBlocks } from '../../rl/distributed/learner_step.ts'
import type { Rollout } from '../../rl/rollout.ts'

const test = suite('rl: distributed learner arithmetic')
const ARGS: Args = {
  ...DEFAULT_ARGS,
  game: 'MiniGrid-Empty-8x8-v0',
  z_dim: 8,
  rnn_hidden_layers: 0,
  num_envs: 2,
  num_steps: 16,
  initial_normalization_num_trials: 1,
  epochs_per_iteration: 1,
  sequence_length: 8,
  minibatches: 2,
  intrinsic_non_episodic: true,
  int_reward_norm: 'forward_filter',
  backend: 'ref',
}

async function start(args: Args) {
  const t = await PpoRnd.create(args, new RefBackend())
  await t.initNormalization()
  return t
}

const shapeOf = (t: PpoRnd, isFiltered = true): BlockShape => ({
  frameSize: t.obs.frameSize,
  actions: t.numActions,
  rndDim: t.args.rnd_output_dim,
  steps: t.args.num_steps,
  maxSegments: t.args.num_envs,
  isFiltered,
})

/** A rollout as the actor sends it: one block per segment (a rollout split over messages), decoded as the learner does. */
function blocksOf(r: Rollout, t: PpoRnd, actor: number, seq: number): Block[] {
  return r.eps.map((_, i) => decodeBlock(encodeBlock(r, { version: 0, actor, nonce: 1, seq }, i, 1), shapeOf(t)))
}

test('forward_filter: a learner fed one actor its blocks (one segment each) keeps the int-return statistics of train on the same rollouts, bit for bit, over 3 iterations', async () => {
  const local = await start(ARGS),
    learner = await start(ARGS)
  for (let it = 0; it < 3; it++) {
    const r = await local.rollout()
    assert.ok(r.filterStart && r.filterStart.length === 2, 'the rollout carries its filters start values')
    if (it > 0)
      assert.ok(
        r.filterStart!.some((u) => u !== 0),
        'from iteration 2 on the filters carry over (the test would see a reset)',
      )
    const blocks = blocksOf(r, local, 0, it)
    assert.equal([...blocks.flatMap((b) => [...b.filterStart])], [...r.filterStart!], 'sent exactly (float64)')
    const mLocal = await local.learn(r)
    const mLearner = await learnFromBlocks(learner, blocks, 0)
    assert.equal(learner.intStats.toJSON(), local.intStats.toJSON(), `iteration ${it + 1}: int-return statistics`)
    assert.is(mLearner.intrinsic_return_std, mLocal.intrinsic_return_std)
    assert.is(mLearner.loss_value, mLocal.loss_value, 'the same training on the same records')
  }
})

test("forward_filter: two actors' blocks; the learner's statistics are one filter per (actor, env) lane, run from zero over every iteration", async () => {
  const actors = [await start({ ...ARGS, rng_seed: 11 }), await start({ ...ARGS, rng_seed: 12 })]
  const learner = await start({ ...ARGS, num_envs: 4 })
  const lanes = new RewardForwardFilter(4, ARGS.gamma_intrinsic),
    want = new RunningMeanStd(1)
  for (let it = 0; it < 3; it++) {
    const rs = [await actors[0].rollout(), await actors[1].rollout()]
    const blocks = rs.flatMap((r, a) => [decodeBlock(encodeBlock(r, { version: 0, actor: a, nonce: 1, seq: it }, 0, 2), shapeOf(learner))])
    await learnFromBlocks(learner, blocks, 0)
    const rewards = new Float64Array(4 * ARGS.num_steps)
    rs.forEach((r, a) => rewards.set(segmentRewardsInt(r.eps, ARGS.num_steps), a * 2 * ARGS.num_steps))
    lanes.update(rewards, ARGS.num_steps, want)
    assert.equal(learner.intStats.toJSON(), want.toJSON(), `iteration ${it + 1}`)
  }
})

test('a block without the filter values is refused by a forward_filter learner, one with them by an episode_returns learner', async () => {
  const t = await start(ARGS)
  const r = await t.rollout()
  const withValues = encodeBlock(r, { version: 0, actor: 0, nonce: 1, seq: 0 }, 0, 2)
  const without = encodeBlock({ ...r, filterStart: undefined }, { version: 0, actor: 0, nonce: 1, seq: 0 }, 0, 2)
  assert.is(withValues.length - without.length, 2 * 8, 'two float64 start values')
  assert.throws(
    () => decodeBlock(without, shapeOf(t)),
    (e: Error) => e instanceof BlockError && /no forward-filter values/.test(e.message),
  )
  assert.throws(
    () => decodeBlock(withValues, shapeOf(t, false)),
    (e: Error) => e instanceof BlockError && /forward-filter values, this learner's/.test(e.message),
  )
  const bad = withValues.slice()
  new DataView(bad.buffer).setFloat64(48, Number.NaN, true)
  assert.throws(() => decodeBlock(bad, shapeOf(t)), /filterStart\[0\] is NaN/)
})

test.run()
