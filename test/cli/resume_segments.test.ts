// Resuming a fixed-length-rollout run (--num_steps: episodes in flight across iterations, the forward filter of
// --int_reward_norm) through the command: state.json's inflight and reward_filter pass the validation layer whole,
// so the resumed run's metrics equal the uninterrupted run's (timings aside); damaged, they are one line, exit 2.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { assertFailure, assertUnchanged, inProcess, readTree, replaceInSnapshot, tmpDir } from './fuzz/harness.ts'
import { untimed } from './run.ts'

const test = suite('cli/resume_segments')
const GAME = 'MiniGrid-Empty-8x8-v0'
const FLAGS = [
  '--game',
  GAME,
  '--num_steps',
  '16',
  '--num_envs',
  '2',
  '--rnn_hidden_layers',
  '0',
  '--z_dim',
  '8',
  '--rnd_output_dim',
  '4',
  '--initial_normalization_num_trials',
  '1',
  '--epochs_per_iteration',
  '1',
  '--intrinsic_non_episodic',
  '--int_reward_norm',
  'forward_filter',
  '--backend',
  'wasm',
  '--threads',
  '1',
  '--disable_progress_bar',
]
const metrics = (data: string) =>
  fs
    .readFileSync(path.join(data, GAME, 'experiment_1', 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => untimed(JSON.parse(l)))
const snap1 = (data: string) => path.join(data, GAME, 'experiment_1', 'snapshots', 'iter_000001')

test('a run resumed after iteration 1 gives the metrics of the uninterrupted run', async () => {
  const whole = tmpDir('segments-whole')
  const split = tmpDir('segments-split')
  assert.is((await inProcess(['train', '--data_dir', whole, ...FLAGS, '--max_iterations', '3'])).code, 0)
  assert.is((await inProcess(['train', '--data_dir', split, ...FLAGS, '--max_iterations', '1'])).code, 0)
  const state = JSON.parse(fs.readFileSync(path.join(snap1(split), 'state.json'), 'utf8'))
  assert.is(state.trainer.inflight.length, 2, 'two episodes in flight saved')
  assert.is(state.trainer.reward_filter.length, 2, 'the forward filter of each env saved')
  const r = await inProcess(['train', '--data_dir', split, ...FLAGS, '--max_iterations', '3'])
  assert.is(r.code, 0, r.stderr)
  assert.match(r.stdout, /Resumed from snapshot .*iter_000001/)
  assert.equal(metrics(split), metrics(whole))
})

/** Damage to the episodes in flight or the filter: a damaged snapshot (the only one), one line, everything kept. */
const DAMAGES: [string, (t: Record<string, any>) => void, RegExp][] = [
  [
    'inflight not an array',
    (t) => {
      t.inflight = 'x'
    },
    /trainer\.inflight: must be an array \(got "x"\)/,
  ],
  [
    'an episode null',
    (t) => {
      t.inflight[1] = null
    },
    /trainer\.inflight\[1\]: must be an object \(got null\)/,
  ],
  [
    'three episodes for two environments',
    (t) => {
      t.inflight.push(t.inflight[0])
    },
    /trainer\.inflight: has 3 episodes, --num_envs gives 2 environments/,
  ],
  [
    'a seed of -1',
    (t) => {
      t.inflight[0].seed = -1
    },
    /trainer\.inflight\[0\]\.seed: must be an integer in \[0, 2147483647\] \(got -1\)/,
  ],
  [
    'a seed "7"',
    (t) => {
      t.inflight[0].seed = '7'
    },
    /trainer\.inflight\[0\]\.seed: must be an integer/,
  ],
  [
    'an action MiniGrid does not have',
    (t) => {
      t.inflight[0].actions.push(7)
    },
    /trainer\.inflight\[0\]\.actions\[\d+\]: must be an integer in \[0, 6\] \(got 7\)/,
  ],
  [
    'actions missing',
    (t) => {
      delete t.inflight[0].actions
    },
    /trainer\.inflight\[0\]\.actions: is missing/,
  ],
  [
    'a return of null (NaN)',
    (t) => {
      t.inflight[1].ret = null
    },
    /trainer\.inflight\[1\]\.ret: must be a finite number \(got null\)/,
  ],
  [
    'prev_action -2',
    (t) => {
      t.inflight[1].prev_action = -2
    },
    /trainer\.inflight\[1\]\.prev_action: must be an integer in \[-1, \d+\] \(got -2\)/,
  ],
  [
    'reward_filter with null',
    (t) => {
      t.reward_filter[0] = null
    },
    /trainer\.reward_filter\[0\]: must be a finite number \(got null\)/,
  ],
  [
    'reward_filter of 3 environments',
    (t) => {
      t.reward_filter.push(0)
    },
    /trainer\.reward_filter: has 3 values, 2 expected/,
  ],
]
let one = ''
for (const [name, damage, re] of DAMAGES) {
  test(`state.json: ${name}`, async () => {
    if (!one) {
      one = tmpDir('segments-one')
      assert.is((await inProcess(['train', '--data_dir', one, ...FLAGS, '--max_iterations', '1'])).code, 0)
    }
    const file = path.join(snap1(one), 'state.json'),
      good = fs.readFileSync(file)
    try {
      const s = JSON.parse(good.toString('utf8'))
      damage(s.trainer)
      replaceInSnapshot(snap1(one), 'state.json', JSON.stringify(s))
      const before = readTree(one)
      const r = await inProcess(['train', '--data_dir', one, ...FLAGS, '--max_iterations', '2'])
      assertFailure(r, 2, new RegExp(`^error: no intact snapshot to resume from in .*state\\.json: ${re.source}`, 'm'), name)
      assertUnchanged(before, one, name)
    } finally {
      replaceInSnapshot(snap1(one), 'state.json', good)
    }
  })
}

test('visits.jsonl damaged before a resume: one line naming it, nothing changed (it is not rewritten without its bad line)', async () => {
  const file = path.join(one, GAME, 'experiment_1', 'visits.jsonl'),
    good = fs.readFileSync(file)
  try {
    fs.writeFileSync(
      file,
      `${good
        .toString('utf8')
        .trim()
        .replace(/"visits":\[[\d.e+-]+/, '"visits":["x"')}\n{"iteration": 9}\n`,
    )
    const before = readTree(one)
    const r = await inProcess(['train', '--data_dir', one, ...FLAGS, '--max_iterations', '2'])
    assertFailure(r, 2, /^error: .*visits\.jsonl: line 1: visits\[0\]: must be a number in \[0, /m, 'visits.jsonl')
    assertUnchanged(before, one, 'visits.jsonl')
  } finally {
    fs.writeFileSync(file, good)
  }
})

test.run()
