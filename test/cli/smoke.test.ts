// `rl-rnd train` end to end with tiny flags (cleanrl's smoke tests): 2 iterations, then a resume to a 3rd; the
// output files; the seed's log line; determinism run after run; final models on reaching the target; play --model;
// a non-finite loss stops the run naming the network and keeps the last good snapshot.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { cli, TINY, tmpDir, expDir, metricsOf, untimed } from './run.ts'
import { parseAvgLine } from '../../cli/log.ts'

const test = suite('cli/smoke')
const data = tmpDir('smoke')

test('train 2 tiny iterations: exit 0, log lines, metrics.jsonl, snapshots, rnd target', () => {
  const r = cli(['train', '--data_dir', data, ...TINY, '--max_iterations', '2'])
  assert.is(r.status, 0, r.stderr)
  const avg = r.stdout.split('\n').filter((l) => l.includes('avg cum rwd'))
  assert.is(avg.length, 2)
  const num = String.raw`-?\d+\.\d\d`
  const stamp = String.raw`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6} \[rl_rnd\] `
  assert.match(
    avg[0],
    new RegExp(
      stamp + '> Done collecting 4 rollouts ' + String.raw`for iteration 1, epsilon_greedy: 0\.00, avg cum rwd: ${num}, std: ${num}, min: ${num}, max: ${num}$`,
    ),
  )
  const dir = expDir(data)
  const log = fs.readFileSync(path.join(dir, 'log.txt'), 'utf8')
  assert.ok(log.includes(avg[1]), 'log.txt holds the stdout log')
  const m = metricsOf(data)
  assert.equal(
    m.map((x) => x.iteration),
    [1, 2],
  )
  for (const k of [
    'env_steps',
    'total_env_steps',
    'wall_seconds',
    'return_ext_mean',
    'return_ext_std',
    'return_ext_min',
    'return_ext_max',
    'intrinsic_reward_mean',
    'intrinsic_return_std',
    'advantage_ext_std',
    'advantage_int_std',
    'loss_value',
    'loss_policy',
    'loss_rnd',
    'entropy',
    'approx_kl',
    'clip_fraction',
    'explained_variance_ext',
    'explained_variance_int',
    'grad_norm_value',
    'grad_norm_policy',
    'grad_norm_rnd_predictor',
    'env_steps_per_s',
    'episodes_per_s',
    'rollout_seconds',
    'train_seconds',
  ]) {
    for (const r of m) assert.ok(Number.isFinite(r[k]), `${k} finite (got ${r[k]})`)
  }
  for (const r of m) {
    assert.ok(r.approx_kl >= 0 && r.clip_fraction >= 0 && r.clip_fraction <= 1, 'KL >= 0, clip fraction in [0, 1]')
    assert.ok(r.grad_norm_value > 0 && r.grad_norm_policy > 0 && r.grad_norm_rnd_predictor > 0, 'gradients flowed')
    assert.ok(r.explained_variance_ext <= 1 && r.explained_variance_int <= 1 && r.intrinsic_return_std > 0)
  }
  assert.is(parseAvgLine(avg[1])!.mean, Number(m[1].return_ext_mean.toFixed(2)))
  const health = r.stdout.split('\n').filter((l) => l.includes('> Iteration 2: '))
  assert.is(health.length, 1)
  assert.ok(health[0].includes(`approx_kl ${m[1].approx_kl.toPrecision(4)}, clip_fraction `), health[0])
  assert.equal(fs.readdirSync(path.join(dir, 'snapshots')), ['iter_000001', 'iter_000002'])
  assert.equal(fs.readdirSync(path.join(dir, 'snapshots', 'iter_000002')).sort(), [
    'COMPLETE',
    'optimizer_policy.safetensors',
    'optimizer_rnd_predictor.safetensors',
    'optimizer_value.safetensors',
    'policy.safetensors',
    'rnd_predictor.safetensors',
    'state.json',
    'value.safetensors',
  ])
  assert.ok(fs.existsSync(path.join(dir, 'rnd_target.safetensors')))
})

test('resume to a 3rd iteration; keep_past_x_snapshots prunes', () => {
  const r = cli(['train', '--data_dir', data, ...TINY, '--max_iterations', '3', '--keep_past_x_snapshots', '2'])
  assert.is(r.status, 0, r.stderr)
  assert.match(r.stdout, /Resumed from snapshot .*iter_000002 \(iteration 2\)/)
  assert.not.match(r.stdout, /Performing 2 rollouts at iteration 0/)
  assert.match(r.stdout, /Done collecting 4 rollouts for iteration 3,/)
  assert.equal(
    metricsOf(data).map((x) => x.iteration),
    [1, 2, 3],
  )
  assert.equal(fs.readdirSync(path.join(expDir(data), 'snapshots')), ['iter_000002', 'iter_000003'])
  const again = cli(['train', '--data_dir', data, ...TINY, '--max_iterations', '3'])
  assert.is(again.status, 0)
  assert.match(again.stdout, /Already at iteration 3/)
})

test('graph: PNG and sparkline from metrics.jsonl; exit 2 without an experiment', () => {
  const out = path.join(data, 'plot.png')
  const r = cli(['graph', '--data_dir', data, '--out', out])
  assert.is(r.status, 0, r.stderr)
  assert.match(r.stdout, /^avg cum rwd [▁▂▃▄▅▆▇█]{3} {2}\(iterations 1\.\.3\)/)
  assert.equal([...fs.readFileSync(out).subarray(1, 4)], [80, 78, 71])
  const none = cli(['graph', '--data_dir', data, '--experiment_name', 'nope'])
  assert.is(none.status, 2)
  assert.match(none.stderr, /^error: no experiment at /)
})

test('graph --metric: any metric by name, several at once, PNG or SVG; unknown names list the available ones', () => {
  const svg = path.join(data, 'health.svg')
  const r = cli(['graph', '--data_dir', data, '--metric', 'approx_kl,clip_fraction', '--out', svg])
  assert.is(r.status, 0, r.stderr)
  assert.match(r.stdout, /^approx_kl [▁▂▃▄▅▆▇█]{3} {2}\(iterations 1\.\.3\) {2}first /)
  assert.match(r.stdout, /\nclip_fraction [▁▂▃▄▅▆▇█]{3} {2}/)
  const text = fs.readFileSync(svg, 'utf8')
  assert.match(text, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="900" height="470"/)
  assert.ok(text.includes('>approx_kl</text>') && text.includes('>clip_fraction</text>'), 'a labelled panel each')
  // repeated --metric, the format from --format, the default file name
  const png = cli(['graph', '--data_dir', data, '--metric', 'grad_norm_policy', '--metric', 'explained_variance_int', '--format', 'png'])
  assert.is(png.status, 0, png.stderr)
  const out = path.join(expDir(data), 'grad_norm_policy+explained_variance_int.png')
  assert.equal([...fs.readFileSync(out).subarray(1, 4)], [80, 78, 71])
  const bad = cli(['graph', '--data_dir', data, '--metric', 'approx_kl,kl'])
  assert.is(bad.status, 2)
  assert.match(bad.stderr, /^error: unknown --metric 'kl'; available in .*metrics\.jsonl: env_steps, total_env_steps, .*approx_kl, clip_fraction, /)
  assert.is(bad.stderr.trim().split('\n').length, 1)
  const help = cli(['graph', '--help'])
  assert.match(help.stdout, /approx_kl +approximate KL\(old \|\| new policy\)/)
})

test('the same --rng_seed gives the same metrics, run after run (wasm; and ref)', () => {
  const other = tmpDir('smoke-det')
  const r = cli(['train', '--data_dir', other, ...TINY, '--max_iterations', '2'])
  assert.is(r.status, 0, r.stderr)
  assert.equal(metricsOf(other).map(untimed), metricsOf(data).slice(0, 2).map(untimed))
  const refs = [tmpDir('det-ref-a'), tmpDir('det-ref-b')].map((d) => {
    const x = cli(['train', '--data_dir', d, ...TINY, '--backend', 'ref', '--max_iterations', '1'])
    assert.is(x.status, 0, x.stderr)
    return metricsOf(d).map(untimed)
  })
  assert.equal(refs[0], refs[1])
})

test('reaching the target reward saves value.model/policy.model and exits 0; play --model runs it', () => {
  const d = tmpDir('smoke-target')
  const r = cli(['train', '--data_dir', d, ...TINY, '--target_cumulative_rewards_extrinsic', '-100'])
  assert.is(r.status, 0, r.stderr)
  assert.match(r.stdout, /Target cumulative reward reached!/)
  assert.equal(
    metricsOf(d).map((x) => x.iteration),
    [1],
  )
  for (const f of ['value.model', 'policy.model']) assert.ok(fs.existsSync(path.join(expDir(d), f)), f)
  // --model starts from them (a fresh run in another experiment)
  const m = cli(['train', '--data_dir', d, ...TINY, '--experiment_name', 'from_model', '--model', expDir(d), '--max_iterations', '1'])
  assert.is(m.status, 0, m.stderr)
  assert.match(m.stdout, /Loaded final models from/)
  const gif = path.join(d, 'play.gif')
  const p = cli(['play', '--game', 'PixelCopter-v0', '--model', expDir(d), '--episodes', '2', '--gif', gif])
  assert.is(p.status, 0, p.stderr)
  assert.match(p.stdout, /model .*: 2 episodes, mean length \d/)
  assert.ok(fs.statSync(gif).size > 100)
  const none = cli(['play', '--model', tmpDir('nomodel'), '--episodes', '1'])
  assert.is(none.status, 2)
  assert.match(none.stderr, /no trained policy there/)
})

test('--iterations_after_target N: models saved at the target, N more iterations; play --model on a snapshot, sampled and greedy', () => {
  const d = tmpDir('smoke-after')
  const r = cli(['train', '--data_dir', d, ...TINY, '--target_cumulative_rewards_extrinsic', '-100', '--iterations_after_target', '2'])
  assert.is(r.status, 0, r.stderr)
  assert.match(r.stdout, /Target cumulative reward reached!/)
  assert.match(r.stdout, /Reached --iterations_after_target 2 \(the target was first reached at iteration 1\)/)
  assert.equal(
    metricsOf(d).map((x) => x.iteration),
    [1, 2, 3],
  )
  for (const f of ['value.model', 'policy.model']) assert.ok(fs.existsSync(path.join(expDir(d), f)), f)
  const snap = path.join(expDir(d), 'snapshots', 'iter_000003')
  const p = cli(['play', '--game', 'PixelCopter-v0', '--model', snap, '--episodes', '3'])
  assert.is(p.status, 0, p.stderr)
  for (const mode of ['sampled', 'greedy']) {
    assert.match(
      p.stdout,
      new RegExp(`model .*iter_000003 \\(${mode}\\): 3 episodes, mean length \\d+\\.\\d\\d, mean return -?\\d+\\.\\d\\d, std \\d+\\.\\d\\d`),
    )
  }
  assert.is((p.stdout.match(/^greedy episode \d: length/gm) ?? []).length, 3)
  const g = cli(['play', '--game', 'PixelCopter-v0', '--policy', 'noop', '--actions', 'greedy', '--episodes', '1'])
  assert.is(g.status, 2)
  assert.match(g.stderr, /--actions greedy needs --model/)
})

test('--max_seconds S stops after the iteration that reaches S seconds of wall time', () => {
  const d = tmpDir('smoke-seconds')
  const r = cli(['train', '--data_dir', d, ...TINY, '--max_seconds', '2', '--max_iterations', '1000'])
  assert.is(r.status, 0, r.stderr)
  assert.match(r.stdout, /Reached --max_seconds 2 \(\d+ s\)/)
  const w = metricsOf(d).map((x) => x.wall_seconds as number)
  assert.ok(w[w.length - 1] >= 2 && (w.length === 1 || w[w.length - 2] < 2), `wall seconds ${w}`)
})

test('--save_gifs N writes N GIFs per iteration', () => {
  const d = tmpDir('smoke-gifs')
  const r = cli(['train', '--data_dir', d, ...TINY, '--max_iterations', '1', '--save_gifs', '2'])
  assert.is(r.status, 0, r.stderr)
  assert.equal(fs.readdirSync(path.join(expDir(d), 'gifs')), ['iter_000001_episode_1.gif', 'iter_000001_episode_2.gif'])
})

// the non-finite paths (a learning rate beyond --model_value_lr's bounds, set in-process): test/cli/nonfinite.test.ts

test.run()
