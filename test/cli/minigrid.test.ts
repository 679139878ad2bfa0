// `rl-rnd train` on a MiniGrid level with a named config and fixed-length rollouts: --config values apply under the
// flags given, --max_frames stops the run at the first iteration that reaches it, visits.jsonl and the GIF replays
// in MiniGrid's look are written; --config with an unknown name is one line, exit 2.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { cli, tmpDir } from './run.ts'

const test = suite('cli/minigrid')
const data = tmpDir('minigrid')
const SMALL = [
  '--num_envs',
  '4',
  '--num_steps',
  '32',
  '--z_dim',
  '8',
  '--rnd_output_dim',
  '4',
  '--initial_normalization_num_trials',
  '1',
  '--epochs_per_iteration',
  '1',
  '--disable_progress_bar',
  '--threads',
  '1',
]

test('--config minigrid_multiroom_n2s4 with --max_frames: stops at the first iteration reaching it', () => {
  const r = cli(['train', '--config', 'minigrid_multiroom_n2s4', '--data_dir', data, ...SMALL, '--max_frames', '300', '--save_gifs', '1'])
  assert.is(r.status, 0, r.stderr)
  const dir = path.join(data, 'MiniGrid-MultiRoom-N2-S4-v0', 'multiroom-n2-s4-v0')
  const m = fs
    .readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
  // 40 random steps (1 trial of MultiRoom-N2-S4's max 40) then 4 x 32 = 128 per iteration: 168, 296, 424
  assert.equal(
    m.map((x) => x.total_env_steps),
    [168, 296, 424],
  )
  assert.match(r.stdout, /Reached --max_frames 300 \(424 env steps\)/)
  assert.match(r.stdout, /Args: .*--num_steps 32 .*--intrinsic_non_episodic .*--int_reward_norm forward_filter/)
  const v = fs
    .readFileSync(path.join(dir, 'visits.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
  assert.equal(
    v.map((x) => x.iteration),
    [1, 2, 3],
  )
  for (const x of v)
    assert.is(
      x.visits.reduce((a: number, b: number) => a + b, 0),
      128,
    )
  const gifs = fs.existsSync(path.join(dir, 'gifs')) ? fs.readdirSync(path.join(dir, 'gifs')) : []
  for (const g of gifs) assert.equal([...fs.readFileSync(path.join(dir, 'gifs', g)).subarray(0, 6)].map((c) => String.fromCharCode(c)).join(''), 'GIF89a')
})

test('an unknown --config is one line, exit 2', () => {
  const r = cli(['train', '--config', 'nope', '--data_dir', data])
  assert.is(r.status, 2)
  assert.match(r.stderr.trim(), /^error: unknown --config 'nope'; available: learn_pixelcopter, pixelcopter_100, minigrid_/)
  assert.is(r.stderr.trim().split('\n').length, 1)
})

test.run()
