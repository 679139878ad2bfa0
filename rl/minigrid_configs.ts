// Named configurations for MiniGrid's exploration levels (`train --config NAME`, `explore`): the RND paper's recipe on
// the small-grid encoder, sized for a 2-core CPU. Changes from the seed's defaults, and why:
//   num_steps 128, num_envs 32  fixed-length rollouts (the RND paper, CleanRL): MiniGrid episodes run to hundreds of
//                          steps; whole-episode batches of 128 trials would be 30k+ steps of one policy
//   intrinsic_non_episodic, int_reward_norm forward_filter
//                          the RND paper's intrinsic stream (section 2.3): novelty keeps paying across an episode
//                          end, so dying or timing out is not a way out of exploring
//   normalize_advantages   the sparse extrinsic reward and the normalized intrinsic one differ in scale by orders
//                          of magnitude early on; CleanRL normalizes too
//   rnn_hidden_layers 0, z_dim 64, final_hidden_layers 1 x 64
//                          the grid encoder (three 2x2 convs) as rl-starter-files; the 7x7 view plus its
//                          direction-free layout are enough for these levels without memory
//   rnd_output_dim 64      a wider RND output than the seed's 1 (the paper: 512): a richer novelty signal for a cost
//                          of one small linear layer
//   stacked_frames 1, sticky_action_probability 0
//                          MiniGrid is deterministic and fully described by the view: no motion to stack
//   lr 5e-4, epsilon_ppo 0.2, beta_entropy 0.01, gamma_extrinsic 0.99, gradient_clip 0.5, minibatches 4
//                          rl-starter-files' PPO settings for MiniGrid (lr 1e-3 there: halved for the larger batch)
//   target_cumulative_rewards_extrinsic 2
//                          unreachable (a MiniGrid return is below 1): runs stop at --max_frames, not at a target
// Per level: max_frames is the budget of `explore`.
import { DEFAULT_ARGS, type Args } from './args.ts'

const RND_MINIGRID: Partial<Args> = {
  num_steps: 128,
  num_envs: 32,
  intrinsic_non_episodic: true,
  int_reward_norm: 'forward_filter',
  normalize_advantages: true,
  rnn_hidden_layers: 0,
  z_dim: 64,
  final_hidden_layers: 1,
  final_hidden_dim: 64,
  rnd_output_dim: 64,
  stacked_frames: 1,
  stacked_frames_rnd: 1,
  sticky_action_probability: 0,
  initial_normalization_num_trials: 8,
  epochs_per_iteration: 4,
  minibatches: 4,
  sequence_length: 64,
  model_policy_lr: 5e-4,
  model_value_lr: 5e-4,
  model_rnd_predictor_lr: 5e-4,
  epsilon_ppo: 0.2,
  beta_entropy: 0.01,
  gamma_extrinsic: 0.99,
  gamma_intrinsic: 0.99,
  gradient_clip: 0.5,
  target_cumulative_rewards_extrinsic: 2,
  backend: 'wasm',
}

const level = (game: string, max_frames: number): Partial<Args> => ({
  ...RND_MINIGRID,
  game,
  experiment_name: game.replace(/^MiniGrid-/, '').toLowerCase(),
  max_frames,
})

export const MINIGRID_CONFIGS = {
  minigrid_doorkey: level('MiniGrid-DoorKey-8x8-v0', 3_000_000),
  minigrid_multiroom_n2s4: level('MiniGrid-MultiRoom-N2-S4-v0', 1_000_000),
  minigrid_multiroom_n4s5: level('MiniGrid-MultiRoom-N4-S5-v1', 5_000_000),
  // v0 builds 6 rooms (MiniGrid's legacy misconfiguration, docs/minigrid.md)
  minigrid_multiroom_n4s5_v0: level('MiniGrid-MultiRoom-N4-S5-v0', 5_000_000),
  minigrid_keycorridor_s3r1: level('MiniGrid-KeyCorridorS3R1-v0', 2_000_000),
  minigrid_keycorridor_s3r3: level('MiniGrid-KeyCorridorS3R3-v0', 10_000_000),
} satisfies Record<string, Partial<Args>>

export const minigridArgs = (name: keyof typeof MINIGRID_CONFIGS, overrides: Partial<Args> = {}): Args => ({
  ...DEFAULT_ARGS,
  ...MINIGRID_CONFIGS[name],
  ...overrides,
})
