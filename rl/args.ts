// Every flag of the seed's rl_rnd.py (docs/algorithm.md, Flags; same snake_case names, meanings and defaults), plus a
// few of ours (backend, num_envs, rnd_output_dim, save_gifs, max_iterations). ARG_DOCS gives one line per flag for
// --help; validateArgs returns one clear line for bad input. NETWORK_FLAGS are the flags that change tensor shapes
// (a snapshot or .model file is only compatible with a run that agrees on all of them).
import { listEnvs } from '../env/index.ts'

export interface Args {
  data_dir: string
  game: string
  experiment_name: string
  frame_resize: number
  initial_normalization_num_trials: number
  num_trials: number
  portion_experience_train_rnd_predictor: number
  z_dim: number
  rnn_hidden_dim: number
  rnn_hidden_layers: number
  rnn_single_record_training: boolean
  final_hidden_dim: number
  final_hidden_layers: number
  epochs_per_iteration: number
  sequence_length: number
  minibatches: number
  stacked_frames: number
  stacked_frames_rnd: number
  sticky_action_probability: number
  intrinsic_coefficient: number
  extrinsic_coefficient: number
  extrinsic_reward_clip: number
  gamma_intrinsic: number
  gamma_extrinsic: number
  lambda_gae: number
  epsilon_ppo: number
  rnd_obs_norm_clip: number
  beta_entropy: number
  epsilon_greedy: number
  model_policy_lr: number
  model_rnd_predictor_lr: number
  model_value_lr: number
  model: boolean
  keep_past_x_snapshots: number
  no_resume: boolean
  disable_progress_bar: boolean
  gpu: number
  gradient_clip: number
  rng_seed: number
  num_threads: number
  target_cumulative_rewards_extrinsic: number
  dnc: string
  // ours
  backend: 'auto' | 'webgpu' | 'wasm' | 'ref'
  threads: number
  num_envs: number
  rnd_output_dim: number
  save_gifs: number
  max_iterations: number
}

export const DEFAULT_ARGS: Args = {
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
  backend: 'auto',
  threads: 0,
  num_envs: 32,
  rnd_output_dim: 1,
  save_gifs: 0,
  max_iterations: 0,
}

export const ARG_DOCS: Record<keyof Args, string> = {
  data_dir: 'The base data/output directory',
  game: 'Game to use',
  experiment_name: 'To isolate its files from others',
  frame_resize: 'h x w resize of each observation frame (>= 36 for the 8/4, 4/2, 3/1 convolutions)',
  initial_normalization_num_trials: 'Collect observations over this many random trials to initialize the RND observation normalization',
  num_trials: 'Trials (whole episodes) per iteration of training; "Rollout Length" in the paper',
  portion_experience_train_rnd_predictor: 'Share of the episodes the RND predictor trains on, as in the RND paper',
  z_dim: 'Dimension of the encoded vector',
  rnn_hidden_dim: 'RNN hidden units',
  rnn_hidden_layers: 'RNN (LSTM) hidden layers; 0 = convolutional-only policy',
  rnn_single_record_training: 'Required for DNC in the seed; accepted and unused here (our LSTM always steps one record at a time)',
  final_hidden_dim: 'Units of the additional linear layers before the final output',
  final_hidden_layers: 'Additional linear layers (leaky_relu) before the final output',
  epochs_per_iteration: 'Number of optimization epochs per iteration',
  sequence_length: 'Steps per training chunk (truncated BPTT length)',
  minibatches: 'A gradient step is taken every this many chunks (they run side by side in one batch)',
  stacked_frames: '# of observations stacked together for the value/policy',
  stacked_frames_rnd: '# of observations stacked together for the RND networks',
  sticky_action_probability: 'Repeat the previous action with this probability',
  intrinsic_coefficient: 'Intrinsic reward coefficient, as in the RND paper',
  extrinsic_coefficient: 'Extrinsic reward coefficient, as in the RND paper',
  extrinsic_reward_clip: 'Extrinsic rewards are clipped to [-clip, +clip], as in the RND paper',
  gamma_intrinsic: 'Discount factor for intrinsic rewards',
  gamma_extrinsic: 'Discount factor for extrinsic rewards',
  lambda_gae: 'GAE lambda',
  epsilon_ppo: 'PPO ratio clip range (1 - eps, 1 + eps)',
  rnd_obs_norm_clip: 'Normalized RND observations are clipped to [-clip, +clip], as in the RND paper',
  beta_entropy: 'Entropy coefficient',
  epsilon_greedy: 'Probability of a uniformly random action (exploration)',
  model_policy_lr: 'Adam learning rate of the policy network',
  model_rnd_predictor_lr: 'Adam learning rate of the RND predictor network',
  model_value_lr: 'Adam learning rate of the value network',
  model: 'Resume from the final .model files saved when training completes',
  keep_past_x_snapshots: 'Delete snapshots older than this many iterations',
  no_resume: "Don't auto-resume from the latest snapshot",
  disable_progress_bar: 'Disable the progress bars',
  gpu: 'Accepted for compatibility (GPU id in the seed); use --backend webgpu instead',
  gradient_clip: 'Gradients are rescaled to this global L2 norm when above it (0 = off)',
  rng_seed: 'Seed of every random stream (weights, actions, environments, shuffling)',
  num_threads: 'Accepted and unused: the seed ran rollouts on threads; we step num_envs episodes in lockstep instead',
  target_cumulative_rewards_extrinsic: 'Training ends when the mean episode reward of an iteration reaches this',
  dnc: 'Differentiable Neural Computer N,W,R,K (not supported: must be empty)',
  backend: 'Tensor backend: auto, webgpu, wasm or ref',
  threads: 'Kernel threads of the wasm backend (conv forward and input gradient split over the batch; results are the same for any count): 0 = one per core, at most 8',
  num_envs: 'Episodes stepped in lockstep during rollouts (one batched forward per step)',
  rnd_output_dim: 'Output size of the RND target/predictor (the seed: 1)',
  save_gifs: 'Save a GIF of the first N episodes of each iteration (0 = none)',
  max_iterations: 'Stop after this many iterations (0 = until the target is reached)',
}

/** Flags that change the shapes of the networks or of the saved statistics. */
export const NETWORK_FLAGS = [
  'game', 'frame_resize', 'z_dim', 'rnn_hidden_dim', 'rnn_hidden_layers', 'final_hidden_dim', 'final_hidden_layers',
  'stacked_frames', 'stacked_frames_rnd', 'rnd_output_dim', 'dnc',
] as const satisfies readonly (keyof Args)[]

/** Size after the encoder's three convolutions (8/4, 4/2, 3/1, no padding); <= 0 when the frame is too small. */
export function encoderOutSize(frame: number): number {
  const o1 = Math.floor((frame - 8) / 4) + 1
  const o2 = Math.floor((o1 - 4) / 2) + 1
  return o1 >= 4 ? Math.floor(o2 - 3) + 1 : 0
}

/** null when every flag is usable, else one line naming the first bad flag. */
export function validateArgs(a: Args): string | null {
  const int = (k: keyof Args, min: number): string | null => {
    const v = a[k] as number
    return Number.isInteger(v) && v >= min ? null : `--${k} must be an integer >= ${min} (got ${v})`
  }
  const prob = (k: keyof Args): string | null => {
    const v = a[k] as number
    return Number.isFinite(v) && v >= 0 && v <= 1 ? null : `--${k} must be a probability in [0, 1] (got ${v})`
  }
  const nonNeg = (k: keyof Args): string | null => {
    const v = a[k] as number
    return Number.isFinite(v) && v >= 0 ? null : `--${k} must be a number >= 0 (got ${v})`
  }
  const positive = (k: keyof Args): string | null => {
    const v = a[k] as number
    return Number.isFinite(v) && v > 0 ? null : `--${k} must be a number > 0 (got ${v})`
  }
  const checks: (string | null)[] = [
    int('frame_resize', 1), int('initial_normalization_num_trials', 0), int('num_trials', 1), int('z_dim', 1),
    int('rnn_hidden_layers', 0), int('final_hidden_layers', 0), int('final_hidden_dim', 0),
    int('epochs_per_iteration', 1), int('sequence_length', 1), int('minibatches', 1), int('stacked_frames', 1),
    int('stacked_frames_rnd', 1), int('keep_past_x_snapshots', 0), int('num_envs', 1), int('rnd_output_dim', 1),
    int('save_gifs', 0), int('max_iterations', 0), int('gpu', -1000), int('num_threads', 0), int('threads', 0),
    a.rnn_hidden_layers > 0 ? int('rnn_hidden_dim', 1) : null,
    prob('portion_experience_train_rnd_predictor'), prob('sticky_action_probability'), prob('epsilon_greedy'),
    prob('gamma_intrinsic'), prob('gamma_extrinsic'), prob('lambda_gae'),
    positive('epsilon_ppo'), positive('rnd_obs_norm_clip'), positive('model_policy_lr'),
    positive('model_rnd_predictor_lr'), positive('model_value_lr'),
    nonNeg('extrinsic_reward_clip'), nonNeg('gradient_clip'), nonNeg('beta_entropy'),
    Number.isFinite(a.intrinsic_coefficient) ? null : '--intrinsic_coefficient must be a finite number',
    Number.isFinite(a.extrinsic_coefficient) ? null : '--extrinsic_coefficient must be a finite number',
    Number.isFinite(a.target_cumulative_rewards_extrinsic) ? null : '--target_cumulative_rewards_extrinsic must be a number',
    Number.isInteger(a.rng_seed) ? null : `--rng_seed must be an integer (got ${a.rng_seed})`,
  ]
  const bad = checks.find((c) => c !== null)
  if (bad) return bad
  if (encoderOutSize(a.frame_resize) < 1) {
    return `--frame_resize ${a.frame_resize} is too small for the encoder's 8/4, 4/2, 3/1 convolutions (needs >= 36)`
  }
  if (a.final_hidden_layers > 0 && a.final_hidden_dim < 1) return '--final_hidden_layers > 0 needs --final_hidden_dim >= 1'
  if (!['auto', 'webgpu', 'wasm', 'ref'].includes(a.backend)) return `--backend must be auto, webgpu, wasm or ref (got ${a.backend})`
  if (a.dnc) return '--dnc is not supported by this implementation (use the LSTM: --rnn_hidden_layers)'
  const games = listEnvs().map((e) => e.id)
  if (!games.includes(a.game)) return `unknown --game '${a.game}'; available: ${games.join(', ')}`
  return null
}
