// Every registered game through the command, in-process (cli/program.ts runCli): `envs` lists it with its actions and
// shape, `play --gif` records it, `train` runs one tiny iteration on it. PLE games whose random episodes are short
// train on whole episodes (the seed's rollouts, --num_trials 2); those whose episodes run for thousands of steps
// (PuckWorld never ends) on fixed-length rollouts (--num_steps 32), so each game costs seconds.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { listEnvs } from '../../env/index.ts'
import { inProcess, tmpDir } from './fuzz/harness.ts'

const test = suite('cli/games')
const root = tmpDir('games')
const PLE = listEnvs().filter((e) => e.kind === 'pixels')
const LONG = new Set(['PuckWorld-v0', 'RaycastMaze-v0', 'WaterWorld-v0', 'MonsterKong-v0']) // random episodes >= ~1300 steps

test('envs: every registered game (PLE and MiniGrid) with its actions and shape; Pong-v0 is not a gym_ple id', async () => {
  const r = await inProcess(['envs'])
  assert.is(r.code, 0, r.stderr)
  const all = listEnvs()
  assert.ok(PLE.length === 9 && all.length > PLE.length, `${PLE.length} PLE games of ${all.length}`)
  for (const e of all) {
    const actions = e.actionMeanings.map((m, i) => `${i}=${m}`).join(' ')
    const line = `${e.id}  obs ${e.observationShape.join('x')} uint8  actions [${actions}]  max ${e.maxEpisodeSteps} steps`
    assert.ok(r.stdout.includes(`${line}\n`), `envs lists ${line}`)
  }
  assert.match(r.stdout, /Pong-v0 {2}obs 48x64x3 uint8 {2}actions \[0=up 1=down 2=noop\].*\n {2}PLE Pong 64x48 \(gym_ple does not register it\)/)
  const json = JSON.parse((await inProcess(['envs', '--json'])).stdout)
  assert.equal(
    json.map((e: { id: string }) => e.id),
    all.map((e) => e.id),
  )
})

for (const e of PLE) {
  const [h, w] = e.observationShape
  const scale = Math.max(h, w) > 64 ? 1 : 4
  test(`play ${e.id} --max_steps 12 --gif: ${w * scale}x${h * scale} (scale ${scale}), 12 frames or the episode's end`, async () => {
    const gif = path.join(root, `${e.id}.gif`)
    const r = await inProcess(['play', '--game', e.id, '--episodes', '1', '--max_steps', '12', '--gif', gif])
    assert.is(r.code, 0, r.stderr)
    const len = Number(/episode 1: length (\d+),/.exec(r.stdout)?.[1])
    assert.ok(len >= 1 && len <= 12, r.stdout)
    assert.match(r.stdout, new RegExp(`wrote .* \\(${len} frames, ${scale}x\\)`))
    const b = fs.readFileSync(gif)
    assert.is(b.subarray(0, 6).toString(), 'GIF89a')
    assert.equal([b.readUInt16LE(6), b.readUInt16LE(8)], [w * scale, h * scale])
  })
}

for (const e of PLE) {
  const long = LONG.has(e.id)
  const rollouts = long ? ['--num_steps', '32', '--initial_normalization_num_trials', '0'] : ['--num_trials', '2', '--initial_normalization_num_trials', '2']
  test(`train ${e.id}: one tiny iteration (${long ? '2 envs x 32 steps' : '2 whole episodes'}, 36x36 frames, wasm, 1 thread)`, async () => {
    const data = path.join(root, 'data')
    const r = await inProcess([
      'train',
      '--game',
      e.id,
      '--data_dir',
      data,
      ...rollouts,
      '--frame_resize',
      '36',
      '--num_envs',
      '2',
      '--rnn_hidden_layers',
      '0',
      '--z_dim',
      '8',
      '--backend',
      'wasm',
      '--threads',
      '1',
      '--max_iterations',
      '1',
      '--disable_progress_bar',
    ])
    assert.is(r.code, 0, r.stderr)
    const file = path.join(data, e.id, 'experiment_1', 'metrics.jsonl')
    const m = fs
      .readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    assert.is(m.length, 1)
    assert.is(m[0].iteration, 1)
    if (long) assert.is(m[0].env_steps, 64)
    else assert.match(r.stdout, /Done collecting 2 rollouts for iteration 1/)
    for (const k of ['loss_value', 'loss_policy', 'loss_rnd', 'entropy']) assert.ok(Number.isFinite(m[0][k]), `${k} ${m[0][k]}`)
  })
}

test.after(() => fs.rmSync(root, { recursive: true, force: true }))
test.run()
