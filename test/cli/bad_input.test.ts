// Bad input to `rl-rnd train` exits 2 with one clear line on stderr, before any training.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { cli, TINY, tmpDir } from './run.ts'

const test = suite('cli/bad_input')
const data = tmpDir('bad')

function bad(args: string[], re: RegExp) {
  const r = cli(['train', '--data_dir', data, ...TINY, ...args])
  assert.is(r.status, 2, `${args.join(' ')}: exit ${r.status}\n${r.stderr}`)
  const lines = r.stderr.trim().split('\n')
  assert.is(lines.length, 1, `one line: ${r.stderr}`)
  assert.match(lines[0], re)
}

test('unknown game', () => bad(['--game', 'Tetris-v0'], /^error: unknown --game 'Tetris-v0'; available: PixelCopter-v0/))
test('zero and negative counts', () => {
  bad(['--num_trials', '0'], /--num_trials must be an integer in \[1, 100000\] \(got 0\)/)
  bad(['--num_envs', '-2'], /--num_envs must be an integer in \[1, 4096\]/)
  bad(['--epochs_per_iteration', '0'], /--epochs_per_iteration/)
})
test('probabilities outside [0, 1]', () => {
  bad(['--sticky_action_probability', '1.5'], /--sticky_action_probability must be a probability in \[0, 1\]/)
  bad(['--epsilon_greedy', '-0.1'], /--epsilon_greedy/)
})
test('not a number, unknown flag', () => {
  bad(['--z_dim', 'abc'], /--z_dim.*'abc' is invalid/)
  bad(['--no_such_flag'], /unknown option '--no_such_flag'/)
})
test('unwritable data_dir', () => {
  const file = path.join(data, 'a_file')
  fs.writeFileSync(file, '')
  const r = cli(['train', '--data_dir', file, ...TINY])
  assert.is(r.status, 2)
  assert.match(r.stderr.trim(), /^error: --data_dir is not writable: .*a_file.*\((ENOTDIR|EEXIST)\)$/)
})
test('--model path with no models', () => {
  bad(['--model', tmpDir('empty')], /--model .*: no trained models there \(missing value\.model, policy\.model\)/)
})
test('malformed --dnc: wrong count, non-integers, zero or negative sizes, K > N', () => {
  bad(['--dnc', '32,16,2'], /^error: --dnc must be N,W,R,K: four comma-separated integers .*, not 3 \(got '32,16,2'\)$/)
  bad(['--dnc', '32,16,2.5,0'], /^error: --dnc must be N,W,R,K: .*; '2\.5' is not an integer/)
  bad(['--dnc', 'big,16,2,0'], /^error: --dnc must be N,W,R,K: .*; 'big' is not an integer/)
  bad(['--dnc', '32,0,2,0'], /^error: --dnc must be N,W,R,K with N, W and R >= 1 \(W is 0\)/)
  bad(['--dnc', '32,16,-2,0'], /^error: --dnc must be N,W,R,K with N, W and R >= 1 \(R is -2\)/)
  bad(['--dnc', '32,16,2,-1'], /^error: --dnc must be N,W,R,K with K >= 0/)
  bad(['--dnc', '32,16,2,33'], /^error: --dnc must be N,W,R,K with K <= N .*K 33 > N 32/)
})
test('resuming with incompatible network flags', () => {
  const d = tmpDir('bad-resume')
  assert.is(cli(['train', '--data_dir', d, ...TINY, '--max_iterations', '1']).status, 0)
  const r = cli(['train', '--data_dir', d, ...TINY, '--z_dim', '16', '--max_iterations', '2'])
  assert.is(r.status, 2)
  assert.match(
    r.stderr.trim(),
    new RegExp(
      '^error: cannot resume from .*iter_000001: it was made with --z_dim 8 ' +
        '\\(this run: 16\\); use the same network flags, --no_resume, or another --experiment_name$',
    ),
  )
  const fresh = cli(['train', '--data_dir', d, ...TINY, '--z_dim', '16', '--max_iterations', '1', '--no_resume'])
  assert.is(fresh.status, 0, fresh.stderr)
  assert.match(fresh.stdout, /Not resuming: removed 1 snapshot/)
})
test('--help documents every flag and exits 0', () => {
  const r = cli(['train', '--help'])
  assert.is(r.status, 0)
  const flags = ['--data_dir', '--no_resume', '--model [dir]', '--gpu', '--backend', '--save_gifs', '--max_iterations', '--rnd_output_dim']
  for (const f of flags) {
    assert.ok(r.stdout.includes(f), f)
  }
  assert.match(r.stdout, /\/data\/rl_rnd/)
})

test.run()
