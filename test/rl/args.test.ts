// rl/args.ts: the seed's flags with the seed's defaults (the table of its README, written out here); validateArgs
// names the bad flag, its value and what is allowed in one line; flagFromText reads the web page's query values.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { DEFAULT_ARGS, NETWORK_FLAGS, FLAG_NAMES, flagFromText, validateArgs, parseDnc, type Args } from '../../rl/args.ts'

const test = suite('rl: args')

// The seed README's table (github.com/AdeelMufti/RL-RND, README.md), flag by flag; data_dir is the one deliberate difference
// (/data/rl_rnd is rarely writable: ours is ./data/rl_rnd).
const SEED: Record<string, number | string | boolean> = {
  data_dir: './data/rl_rnd',
  game: 'PixelCopter-v0',
  experiment_name: 'experiment_1',
  frame_resize: 84,
  initial_normalization_num_trials: 8,
  num_trials: 128,
  portion_experience_train_rnd_predictor: 0.25,
  z_dim: 32,
  rnn_hidden_dim: 256,
  rnn_hidden_layers: 1,
  rnn_single_record_training: false,
  final_hidden_dim: 0,
  final_hidden_layers: 0,
  epochs_per_iteration: 4,
  sequence_length: 64,
  minibatches: 4,
  stacked_frames: 4,
  stacked_frames_rnd: 1,
  sticky_action_probability: 0.25,
  intrinsic_coefficient: 1.0,
  extrinsic_coefficient: 2.0,
  extrinsic_reward_clip: 1.0,
  gamma_intrinsic: 0.99,
  gamma_extrinsic: 0.999,
  lambda_gae: 0.95,
  epsilon_ppo: 0.1,
  rnd_obs_norm_clip: 5.0,
  beta_entropy: 0.001,
  epsilon_greedy: 0.0,
  model_policy_lr: 0.0001,
  model_rnd_predictor_lr: 0.0001,
  model_value_lr: 0.0001,
  model: false,
  keep_past_x_snapshots: 10,
  no_resume: false,
  disable_progress_bar: false,
  gpu: -1,
  gradient_clip: 0.0,
  rng_seed: 31337,
  num_threads: 10,
  target_cumulative_rewards_extrinsic: 100,
  dnc: '',
}
const OURS = {
  backend: 'auto',
  threads: 0,
  wasm_simd: 'simd128',
  num_envs: 32,
  rnd_output_dim: 1,
  save_gifs: 0,
  max_iterations: 0,
  max_frames: 0,
  encoder: 'auto',
  grid_onehot: false,
  num_steps: 0,
  intrinsic_non_episodic: false,
  int_reward_norm: 'episode_returns',
  normalize_advantages: false,
  nats: '',
  actor_index: 0,
  max_policy_lag: 4,
  nats_timeout: 60,
  // PPO details (CleanRL's): off, so the seed's computation
  lr_anneal_frames: 0,
  entropy_anneal_frames: 0,
  adam_epsilon: 1e-8,
  value_clip: 0,
  target_kl: 0,
  ortho_init: false,
  shared_encoder: false,
  value_loss_coef: 1,
  frame_skip: 1,
  max_seconds: 0,
  iterations_after_target: 0,
  frame_crop: '',
}

test("the seed's flags in its order with its defaults, then ours; the defaults are valid", () => {
  assert.equal(DEFAULT_ARGS, { ...SEED, ...OURS })
  assert.equal(FLAG_NAMES, [...Object.keys(SEED), ...Object.keys(OURS)])
  assert.is(validateArgs(DEFAULT_ARGS), null)
})

test('the network flags are the ones that change tensor shapes (or, frame_crop, what the saved statistics mean)', () => {
  assert.equal([...NETWORK_FLAGS].sort(), [
    'dnc',
    'encoder',
    'final_hidden_dim',
    'final_hidden_layers',
    'frame_crop',
    'frame_resize',
    'game',
    'grid_onehot',
    'rnd_output_dim',
    'rnn_hidden_dim',
    'rnn_hidden_layers',
    'shared_encoder',
    'stacked_frames',
    'stacked_frames_rnd',
    'z_dim',
  ])
})

const bad: [Partial<Args>, RegExp][] = [
  [{ num_trials: 0 }, /^--num_trials must be an integer in \[1, 100000\] \(got 0\)$/],
  [{ num_trials: 2.5 }, /^--num_trials must be an integer in \[1, 100000\] \(got 2\.5\)$/],
  [{ sequence_length: 0 }, /--sequence_length/],
  [{ epsilon_greedy: 1.5 }, /^--epsilon_greedy must be a probability in \[0, 1\] \(got 1\.5\)$/],
  [{ portion_experience_train_rnd_predictor: -0.1 }, /portion_experience_train_rnd_predictor/],
  [{ frame_resize: 35 }, /^--frame_resize must be an integer in \[36, 512\] \(got 35\): the encoder's 8\/4, 4\/2, 3\/1 convolutions/],
  [{ game: 'Tetris-v0' }, /^unknown --game 'Tetris-v0'; available: PixelCopter-v0/],
  [{ backend: 'cuda' as Args['backend'] }, /^unknown --backend 'cuda'; available: auto, webgpu, wasm, ref$/],
  [{ final_hidden_layers: 2, final_hidden_dim: 0 }, /^--final_hidden_dim must be an integer >= 1 when --final_hidden_layers > 0 \(got 0\)$/],
  [{ rnn_hidden_dim: 0 }, /^--rnn_hidden_dim must be an integer >= 1 when --rnn_hidden_layers > 0 \(got 0\)$/],
  [
    { dnc: '256,64,4' },
    /^--dnc must be N,W,R,K: four comma-separated integers \(memory slots, word size, read heads, sparse link entries\), not 3 \(got '256,64,4'\)$/,
  ],
  [{ dnc: '256,64,4,0,1' }, /^--dnc must be N,W,R,K: four .*, not 5 \(got '256,64,4,0,1'\)$/],
  [{ dnc: '256,6.5,4,0' }, /^--dnc must be N,W,R,K: four .*; '6\.5' is not an integer \(got '256,6\.5,4,0'\)$/],
  [{ dnc: '256,64,x,0' }, /^--dnc must be N,W,R,K: four .*; 'x' is not an integer/],
  [{ dnc: '256,,4,0' }, /^--dnc must be N,W,R,K: four .*; '' is not an integer/],
  [{ dnc: '0,64,4,0' }, /^--dnc must be N,W,R,K with N, W and R >= 1 \(N is 0\) \(got '0,64,4,0'\)$/],
  [{ dnc: '16,-2,4,0' }, /^--dnc must be N,W,R,K with N, W and R >= 1 \(W is -2\)/],
  [{ dnc: '16,8,0,0' }, /^--dnc must be N,W,R,K with N, W and R >= 1 \(R is 0\)/],
  [{ dnc: '16,8,2,-1' }, /^--dnc must be N,W,R,K with K >= 0 \(0 = the dense link matrix; K is -1\)/],
  [{ dnc: '16,8,2,17' }, /^--dnc must be N,W,R,K with K <= N \(the sparse link matrix keeps at most N entries; K 17 > N 16\)/],
  [{ dnc: '16,8,2,0', rnn_hidden_layers: 0, rnn_hidden_dim: 0 }, /^--rnn_hidden_dim must be an integer >= 1 with --dnc \(its controller's units\) \(got 0\)$/],
  [{ model_value_lr: 0 }, /^--model_value_lr must be a number in \(0, 1\] \(got 0\): Adam moves each weight/],
  [{ gradient_clip: -1 }, /^--gradient_clip must be a number in \[0, 1000000000\] \(got -1\)$/],
  [{ intrinsic_coefficient: Infinity }, /^--intrinsic_coefficient must be a number in \[0, 1000\] \(got Infinity\)$/],
  [{ z_dim: '8' as unknown as number }, /^--z_dim must be an integer in \[1, 4096\] \(got '8'\)$/],
  [{ no_resume: 1 as unknown as boolean }, /^--no_resume must be true or false \(got 1\)$/],
  [{ adam_epsilon: 0 }, /^--adam_epsilon must be a number in \(0, 1\] \(got 0\)$/],
  [{ value_clip: -0.1 }, /^--value_clip must be a number in \[0, 1000000\] \(got -0\.1\)$/],
  [{ target_kl: 101 }, /^--target_kl must be a number in \[0, 100\] \(got 101\)$/],
  [{ lr_anneal_frames: 1.5 }, /^--lr_anneal_frames must be an integer in \[0, 1000000000000\] \(got 1\.5\)$/],
  [{ entropy_anneal_frames: -1 }, /^--entropy_anneal_frames must be an integer in \[0, 1000000000000\] \(got -1\)$/],
  [{ iterations_after_target: -1 }, /^--iterations_after_target must be an integer in \[0, 1000000000\] \(got -1\)$/],
  [{ max_seconds: -1 }, /^--max_seconds must be an integer in \[0, 1000000000\] \(got -1\)$/],
  [{ ortho_init: true, dnc: '32,16,2,0' }, /^--ortho_init covers the convolutions, linears and LSTMs, not the DNC/],
  [{ frame_skip: 0 }, /^--frame_skip must be an integer in \[1, 64\] \(got 0\)$/],
  [{ game: 'MiniGrid-Empty-8x8-v0', encoder: 'grid', frame_skip: 2 }, /^--frame_skip applies to PLE games only; a MiniGrid step/],
  [{ wasm_simd: 'fast' as 'auto' }, /^unknown --wasm_simd 'fast'; available: auto, relaxed, simd128$/],
  [{ frame_crop: '6,12' }, /^--frame_crop must be TOP,LEFT,SIZE: three comma-separated integers, TOP and LEFT >= 0, SIZE >= 1 \(got '6,12'\)$/],
  [{ frame_crop: '6,-1,36' }, /^--frame_crop must be TOP,LEFT,SIZE: three comma-separated integers/],
  [{ frame_crop: '6,12,0' }, /^--frame_crop must be TOP,LEFT,SIZE: three comma-separated integers/],
  [
    { frame_crop: '13,12,36' },
    /^--frame_crop 13,12,36: the crop 13,12,36 reaches row 48 and column 47, outside the 48x48 screen of PixelCopter-v0; choose TOP,LEFT,SIZE inside it$/,
  ],
  [
    { game: 'MiniGrid-Empty-8x8-v0', encoder: 'grid', frame_crop: '0,0,3' },
    /^--frame_crop applies to PLE games only; MiniGrid-Empty-8x8-v0 observes a 7x7 grid$/,
  ],
  [{ game: 'MiniGrid-Empty-8x8-v0', encoder: 'fine' }, /^--encoder fine needs frames of at least 36 pixels; MiniGrid-Empty-8x8-v0 observes a 7x7 grid/],
]
for (const [patch, re] of bad) {
  test(`rejects ${JSON.stringify(patch)}`, () => {
    const msg = validateArgs({ ...DEFAULT_ARGS, ...patch })
    assert.ok(msg && re.test(msg) && !msg.includes('\n'), String(msg))
  })
}
test('edges that are allowed', () => {
  for (const patch of [
    { frame_resize: 36 },
    { rnn_hidden_layers: 0, rnn_hidden_dim: 0 },
    { gpu: 3 },
    { epsilon_greedy: 1 },
    { gradient_clip: 0 },
    { final_hidden_layers: 1, final_hidden_dim: 1 },
    { dnc: '256,64,4,0' },
    { dnc: '1,1,1,1' },
    { dnc: '32,16,2,32', rnn_hidden_layers: 0 },
    { dnc: ' 8, 4,1,2' },
    { frame_skip: 4 },
    { frame_crop: '6,12,36' },
    { frame_crop: '0,0,48' },
    { frame_crop: ' 12, 0,36' },
  ] as Partial<Args>[]) {
    assert.is(validateArgs({ ...DEFAULT_ARGS, ...patch }), null, JSON.stringify(patch))
  }
})

test('parseDnc: the sizes of --dnc, null without a DNC', () => {
  assert.equal(parseDnc('256,64,4,0'), { N: 256, W: 64, R: 4, K: 0 })
  assert.equal(parseDnc(' 8, 4,1,2'), { N: 8, W: 4, R: 1, K: 2 })
  assert.is(parseDnc(''), null)
})

test('flagFromText: numbers, booleans and strings by the flag; not-a-value is null', () => {
  assert.is(flagFromText('num_trials', '16'), 16)
  assert.is(flagFromText('model_value_lr', '1e-3'), 0.001)
  assert.is(flagFromText('num_trials', 'abc'), null)
  assert.is(flagFromText('num_trials', ' '), null)
  assert.is(flagFromText('no_resume', ''), true)
  assert.is(flagFromText('no_resume', 'false'), false)
  assert.is(flagFromText('no_resume', 'maybe'), null)
  assert.is(flagFromText('game', 'PixelCopter-v0'), 'PixelCopter-v0')
})

test.run()
