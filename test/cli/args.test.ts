// cli/args_cli.ts: every seed flag under its snake_case name with the seed's default, presence flags, --model [dir],
// --gpu -> --backend mapping, and one-line errors.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { Command } from 'commander'
import { addTrainOptions, argsFromOptions, argsToArgv } from '../../cli/args_cli.ts'
import { DEFAULT_ARGS } from '../../rl/args.ts'

const test = suite('cli/args')

function parse(argv: string[]) {
  const cmd = addTrainOptions(new Command('train').exitOverride())
  cmd.parse(argv, { from: 'user' })
  return argsFromOptions(cmd.opts(), cmd)
}
const ok = (argv: string[]) => {
  const r = parse(argv)
  if ('error' in r) throw new Error(r.error)
  return r
}

test('no flags: the seed defaults, data_dir ./data/rl_rnd, backend auto', () => {
  const r = ok([])
  assert.equal(r.args, DEFAULT_ARGS)
  assert.is(r.modelDir, null)
  assert.is(r.experimentDir, 'data/rl_rnd/PixelCopter-v0/experiment_1')
})

test('--no-<flag> turns off a presence flag a --config turns on; alone it keeps the default off', () => {
  assert.is(ok(['--config', 'pixelcopter_100']).args.normalize_advantages, true)
  const r = ok([
    '--config',
    'pixelcopter_100',
    '--no-normalize_advantages',
    '--num_steps',
    '0',
    '--no-intrinsic_non_episodic',
    '--int_reward_norm',
    'episode_returns',
  ])
  assert.is(r.args.normalize_advantages, false)
  assert.is(r.args.intrinsic_non_episodic, false)
  assert.is(r.args.num_steps, 0)
  assert.is(r.args.encoder, 'fine') // the rest of the configuration stays
  assert.is(ok(['--no-normalize_advantages']).args.normalize_advantages, false)
  assert.is(ok(['--normalize_advantages']).args.normalize_advantages, true)
})

test('every flag of the seed table exists', () => {
  const cmd = addTrainOptions(new Command('train'))
  const names = cmd.options.map((o) => o.long)
  const seed = [
    'data_dir',
    'game',
    'experiment_name',
    'frame_resize',
    'initial_normalization_num_trials',
    'num_trials',
    'portion_experience_train_rnd_predictor',
    'z_dim',
    'rnn_hidden_dim',
    'rnn_hidden_layers',
    'rnn_single_record_training',
    'final_hidden_dim',
    'final_hidden_layers',
    'epochs_per_iteration',
    'sequence_length',
    'minibatches',
    'stacked_frames',
    'stacked_frames_rnd',
    'sticky_action_probability',
    'intrinsic_coefficient',
    'extrinsic_coefficient',
    'extrinsic_reward_clip',
    'gamma_intrinsic',
    'gamma_extrinsic',
    'lambda_gae',
    'epsilon_ppo',
    'rnd_obs_norm_clip',
    'beta_entropy',
    'epsilon_greedy',
    'model_policy_lr',
    'model_rnd_predictor_lr',
    'model_value_lr',
    'model',
    'keep_past_x_snapshots',
    'no_resume',
    'disable_progress_bar',
    'gpu',
    'gradient_clip',
    'rng_seed',
    'num_threads',
    'target_cumulative_rewards_extrinsic',
    'dnc',
    'backend',
    'num_envs',
    'rnd_output_dim',
    'save_gifs',
    'max_iterations',
  ]
  for (const s of seed) assert.ok(names.includes(`--${s}`), `--${s}`)
  for (const o of cmd.options) assert.ok(o.description.length > 5, `${o.long} has a doc line`)
})

test('numbers, presence flags, --model with and without a directory', () => {
  const r = ok(['--z_dim', '8', '--model_value_lr', '1e-3', '--no_resume', '--disable_progress_bar', '--rnn_single_record_training'])
  assert.is(r.args.z_dim, 8)
  assert.is(r.args.model_value_lr, 0.001)
  assert.ok(r.args.no_resume && r.args.disable_progress_bar && r.args.rnn_single_record_training)
  assert.is(ok(['--model']).modelDir, 'data/rl_rnd/PixelCopter-v0/experiment_1')
  const m = ok(['--model', '/tmp/x', '--data_dir', '/d'])
  assert.ok(m.args.model)
  assert.is(m.modelDir, '/tmp/x')
  assert.is(m.experimentDir, '/d/PixelCopter-v0/experiment_1')
})

test('--gpu maps onto --backend unless --backend is given', () => {
  assert.is(ok(['--gpu', '0']).args.backend, 'webgpu')
  assert.is(ok(['--gpu', '-1']).args.backend, 'wasm')
  assert.is(ok(['--gpu', '0', '--backend', 'ref']).args.backend, 'ref')
  assert.is(ok(['--backend', 'wasm']).args.backend, 'wasm')
})

test('bad input: one clear line', () => {
  const err = (argv: string[]) => {
    const r = parse(argv)
    assert.ok('error' in r, argv.join(' '))
    return (r as { error: string }).error
  }
  assert.match(err(['--num_trials', '0']), /--num_trials/)
  assert.match(err(['--num_trials', '-3']), /--num_trials/)
  assert.match(err(['--sticky_action_probability', '1.5']), /--sticky_action_probability/)
  assert.match(err(['--game', 'Tetris-v0']), /Tetris-v0/)
  assert.match(err(['--dnc', '256,64,4']), /^--dnc must be N,W,R,K: four comma-separated integers/)
  assert.is(ok(['--dnc', '32,16,2,0']).args.dnc, '32,16,2,0')
  assert.match(err(['--backend', 'cuda']), /--backend/)
  assert.throws(() => parse(['--z_dim', 'abc']), /not a number/)
})

test('argsToArgv round trips', () => {
  const r = ok(['--z_dim', '8', '--no_resume', '--backend', 'ref'])
  assert.equal(ok(argsToArgv(r.args)).args, r.args)
})

test.run()
