// The CPU-friendly configuration of `npm run learn:pixelcopter`: learns PixelCopter-v0 from the random policy's
// -4.8 mean return to +10 within 30 minutes on 2 CPU cores (wasm backend). Changes from the seed's defaults, and why:
//   frame_resize 36        the smallest frame the 8/4, 4/2, 3/1 encoder accepts: ~5x fewer conv FLOPs than 84
//   stacked_frames 2       two frames still give the copter's vertical speed; half the first conv's work
//   rnn_hidden_layers 0    the convolutional-only policy (as the seed's own PixelCopter example): no BPTT padding,
//                          training batches pack the real records only
//   z_dim 64, final_hidden_layers 1 x 64
//                          a small head: the fc and Adam costs scale with the parameter count
//   num_trials 32          short iterations (random episodes last ~7 steps): more, smaller policy updates
//   minibatches 8          8 episodes' chunks per gradient step: larger batches, fewer steps per epoch
//   sticky_action_probability 0
//                          as the seed's example: sticky actions make the fine hovering control much harder
//   lr 5e-4 (all three)    5x the seed's 1e-4: the small networks tolerate it and learn in minutes
//   gamma_extrinsic 0.99   a ~100-step horizon fits the episode lengths that reach +10 (the crash is what matters)
//   beta_entropy 0.01      keeps exploring while the policy sharpens
//   gradient_clip 1        as the seed's example: guards the higher learning rate
// Everything else (GAE lambda, PPO epsilon, RND coefficients, 4 epochs) keeps the seed's defaults.
import { DEFAULT_ARGS, type Args } from './args.ts'

export const LEARN_PIXELCOPTER: Partial<Args> = {
  game: 'PixelCopter-v0',
  experiment_name: 'learn_pixelcopter',
  frame_resize: 36,
  stacked_frames: 2,
  stacked_frames_rnd: 1,
  z_dim: 64,
  rnn_hidden_layers: 0,
  final_hidden_layers: 1,
  final_hidden_dim: 64,
  num_trials: 32,
  num_envs: 32,
  initial_normalization_num_trials: 8,
  epochs_per_iteration: 4,
  sequence_length: 64,
  minibatches: 8,
  sticky_action_probability: 0,
  model_policy_lr: 5e-4,
  model_value_lr: 5e-4,
  model_rnd_predictor_lr: 5e-4,
  gamma_extrinsic: 0.99,
  beta_entropy: 0.01,
  gradient_clip: 1,
  target_cumulative_rewards_extrinsic: 10,
  backend: 'wasm',
}

export const learnArgs = (overrides: Partial<Args> = {}): Args => ({ ...DEFAULT_ARGS, ...LEARN_PIXELCOPTER, ...overrides })
