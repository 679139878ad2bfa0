// The trainer on MiniGrid's symbolic view, in both rollout shapes: whole episodes (the seed) and fixed-length
// segments (--num_steps, the RND paper's). Checked against the environment itself: replays of the recorded seeds
// and actions, the reset observation, and exact resumption from a snapshot with episodes in flight.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { RefBackend } from '../../engine/index.ts'
import { DEFAULT_ARGS, validateArgs, type Args } from '../../rl/args.ts'
import { PpoRnd } from '../../rl/ppo_rnd.ts'
import { untimed as strip } from './tiny_trainer.ts'
import { fillStack } from '../../rl/rollout.ts'
import { make } from '../../env/index.ts'
import { writeSymbolic } from '../../env/minigrid/symbolic.ts'

const test = suite('rl: MiniGrid trainer')
const TINY: Args = {
  ...DEFAULT_ARGS,
  game: 'MiniGrid-MultiRoom-N2-S4-v0',
  z_dim: 8,
  rnn_hidden_layers: 0,
  num_trials: 3,
  num_envs: 3,
  initial_normalization_num_trials: 2,
  epochs_per_iteration: 1,
  sequence_length: 8,
  minibatches: 2,
  backend: 'ref',
}
const SEG: Args = { ...TINY, num_steps: 30, intrinsic_non_episodic: true, int_reward_norm: 'forward_filter', normalize_advantages: true }

async function start(args: Args) {
  const t = await PpoRnd.create(args, new RefBackend())
  await t.initNormalization()
  return t
}

/** Replay an episode from its seed and actions: its return, and whether it ended exactly at the last action. */
function replay(game: string, seed: number, actions: number[]) {
  const env = make(game, { seed })
  env.reset()
  let ret = 0,
    endedAt = -1
  actions.forEach((a, k) => {
    const r = env.step(a)
    ret += r.reward
    if ((r.terminated || r.truncated) && endedAt < 0) endedAt = k
  })
  return { ret, endedAt }
}

test('the grid encoder is chosen from the game; flags that do not fit say so in one line', () => {
  assert.is(validateArgs(TINY), null)
  assert.match(validateArgs({ ...TINY, encoder: 'nature' })!, /--encoder nature needs frames.*7x7 grid/)
  assert.match(validateArgs({ ...DEFAULT_ARGS, grid_onehot: true })!, /--grid_onehot applies to MiniGrid levels only/)
  assert.match(validateArgs({ ...TINY, intrinsic_non_episodic: true })!, /needs --num_steps > 0/)
  assert.match(validateArgs({ ...TINY, int_reward_norm: 'forward_filter' })!, /needs --num_steps > 0/)
  assert.match(validateArgs({ ...SEG, rnn_hidden_layers: 1 })!, /--num_steps must be 0 with a recurrent core/)
})

test('whole episodes: the first frame is the real reset view; every episode replays to its recorded return', async () => {
  const t = await start(TINY)
  const m = await t.runIteration()
  const eps = t.lastEpisodes(),
    replays = t.episodeReplays(3)
  assert.is(eps.length, 3)
  eps.forEach((ep, e) => {
    const env = make(TINY.game, { seed: replays[e].seed })
    const want = new Float32Array(147)
    writeSymbolic(env.reset().obs, want, 0, false)
    assert.equal([...ep.frames.subarray(0, 147)], [...want], `episode ${e} frame 0`)
    const r = replay(TINY.game, replays[e].seed, replays[e].actions)
    assert.is(r.endedAt, ep.length - 1, `episode ${e} ends at its last step`)
    assert.is(r.ret, m.returns[e])
  })
  t.dispose()
})

test('fixed-length segments: dones mark the replayed episode ends; visits count every step', async () => {
  const t = await start(SEG)
  const ms = [await t.runIteration(), await t.runIteration()]
  for (const m of ms) assert.is(m.env_steps, 3 * 30)
  // MultiRoom-N2-S4 truncates at 40 steps: 60 steps per env end at least one episode each
  const ended = ms[1].returns
  const replays = t.episodeReplays(16)
  assert.ok(replays.length >= 1 && replays.length === Math.min(16, ended.length))
  replays.forEach((r, k) => {
    const got = replay(SEG.game, r.seed, r.actions)
    assert.is(got.endedAt, r.actions.length - 1, `replay ${k} ends at its last action`)
    assert.is(got.ret, ended[k], `replay ${k} return`)
  })
  const segs = t.lastEpisodes()
  let dones = 0
  for (const s of segs) for (let k = 0; k < s.length; k++) dones += s.dones[k]
  assert.is(dones, ended.length)
  assert.is(ms[1].episodes, ended.length)
  assert.is(ms[1].success_rate, ended.filter((r) => r > 0).length / ended.length)
  const v = t.visits!.toJSON()
  assert.equal([v.width, v.height], [25, 25])
  assert.is(
    v.visits.reduce((a, b) => a + b, 0),
    3 * 30,
  )
  t.dispose()
})

test('fixed-length segments: a stack never reaches across an episode start', async () => {
  const t = await start({ ...SEG, stacked_frames: 2 })
  await t.runIteration()
  await t.runIteration()
  const x = new Float32Array(2 * 147)
  let checked = 0
  for (const s of t.lastEpisodes()) {
    for (let k = 1; k < s.length; k++) {
      if (!s.dones[k - 1]) continue
      fillStack(x, 0, s, k, 2)
      assert.ok(
        x.subarray(0, 147).every((v) => v === 0),
        'older frame of a new episode is blank',
      )
      assert.ok(
        x.subarray(147).some((v) => v !== 0),
        'newest frame is the new episode view',
      )
      checked++
    }
  }
  assert.ok(checked > 0)
  t.dispose()
})

test('fixed-length segments: same seed, same metrics; a snapshot with episodes in flight resumes exactly', async () => {
  const a = await start(SEG)
  await a.runIteration()
  const snap = await a.exportState()
  assert.is(snap.json.inflight!.length, 3)
  assert.is(snap.json.reward_filter!.length, 3)
  const next = [strip(await a.runIteration()), strip(await a.runIteration())]
  const b = await start(SEG)
  const first = strip(await b.runIteration())
  const fresh = await PpoRnd.create(SEG, new RefBackend())
  fresh.importState(structuredClone(snap))
  assert.equal([strip(await fresh.runIteration()), strip(await fresh.runIteration())], next)
  const c = await start({ ...SEG, rng_seed: 5 })
  assert.not.equal(strip(await c.runIteration()), first)
  for (const t of [a, b, c, fresh]) t.dispose()
})

test.run()
