// `train --config pixelcopter_100` (`npm run learn:pixelcopter:100`): issue #14, the seed's own target on PixelCopter-v0
// (an iteration's mean return >= 100) within an hour on 2 CPU cores. It starts from LEARN_PIXELCOPTER
// (rl/learn_config.ts: 36x36 frames, 2 stacked, the convolutional-only policy, lr 5e-4, gamma_extrinsic 0.99,
// beta_entropy 0.01, gradient_clip 1; every change from the seed justified there) and changes, from that:
//   num_steps 512, num_envs 32, minibatches 16
//                          fixed-length rollouts (docs/algorithm.md): 16384 steps per iteration whatever the episode
//                          lengths, so late iterations (episodes of hundreds of steps) take as many gradient steps as
//                          early ones instead of growing with the episodes, and long episodes train before they end.
//                          A gradient step sees 16 chunks of 64 steps (64 steps per iteration, as many per sample as
//                          at 128 steps). 512 steps rather than 128 put ~28 episodes in a late iteration instead of
//                          ~8: the iteration mean the target reads moves by ~mean/5 instead of ~mean/3, so it passes
//                          100 by chance only once the policy is near 80, not near 60. With ortho_init, seed 3:
//                          first iteration >= 100 at 36.9 min and the next 20 averaged 84.3 (the 128-step config's
//                          seeds crossed at 22-25 min and held 60-66); per env step level with 128 steps from 1.25M on
//   ortho_init             CleanRL's orthogonal initialization (policy head gain 0.01: a near-uniform first policy).
//                          With 128-step rollouts, seed 2: minutes 40-50 / 50-60 at 94.3 / 101.3 against the crop's
//                          81.9 / 87.8; seed 1 level with it (71.0 over minutes 40-50 against 73.1)
//   frame_crop 6,12,36     the rows the copter lives in and the columns from just behind it to the right edge, at the
//                          native resolution (docs/algorithm.md, Frame crop), instead of the whole 48-pixel screen
//                          resized to 36 (which drops every fourth row and column: the 2x2 copter, moving under a
//                          pixel per step, is often one row tall and its motion invisible). Same cost per step.
//                          Seeds 1 and 2, minutes 20-30: 57.0 and 66.2 against 44.4 and 43.6 without; minutes
//                          50-60: 79.9 and 87.8 against 68.5 and 71.5 (seed 3 with it: 90.9)
//   normalize_advantages   CleanRL's: the advantage scale grows with the returns (0.5 per step at gamma 0.99);
//                          normalized, the policy's step size and the entropy bonus keep one scale all run long
//   intrinsic_non_episodic, int_reward_norm forward_filter
//                          the RND paper's intrinsic stream with fixed-length rollouts (as rl/minigrid_configs.ts)
//   adam_epsilon 1e-5      CleanRL's
//   lr_anneal_frames 2.5M  the learning rates fall linearly over the run (CleanRL's anneal_lr), for smaller steps once
//                          the policy is good. Chosen expecting ~1.3M env steps per hour (half the rates by its end);
//                          with this config a run takes 2.1M steps in its hour, so its rates end near 0.15 of 5e-4.
//                          A constant rate did no better over an hour on seed 1 (docs/results/pixelcopter_100.md)
//   encoder fine           16 4x4/2, 32 4x4/2, 32 3x3/1 (docs/algorithm.md): a 36-pixel frame ends on a 5x5 map
//                          instead of the nature CNN's 1x1, so the head sees where the copter is against the tunnel.
//                          Over an hour, seeds 1 and 2: minutes 50-60 at 67.5 and 51.1 against 47.2 and 40.0
//   entropy_anneal_frames 1.5M
//                          the entropy bonus falls to 0 by ~47 minutes (~530 env steps/s): exploration early, then
//                          the training episodes play the policy's greedy choice (with the fine encoder the final
//                          policies played 94 and 81 greedy but 56 and 67 sampled). Seeds 1 and 2: minutes 50-60 at
//                          81.9 and 75.3 against the fine encoder's 67.5 and 51.1 with a constant bonus
//   wasm_simd auto         relaxed SIMD's fused multiply-adds where this Node runs them (docs/kernels.md): this config
//                          is 80% convolutions, and on the 2026-12-04 machine the whole loop ran x1.19 faster on one
//                          thread (RL_BENCH_SIMD=both, `pixelcopter_100 (fine)` in bench/rl_loop.bench.ts), so an
//                          hour holds ~19% more env steps. Results differ from the SIMD128 build in the last bits
//                          (still the same for any thread count); runs before 2026-12-04 used SIMD128
// Screening runs (one seed, wasm, one thread; docs/results/pixelcopter_100.md): fixed-length rollouts with normalized
// advantages averaged 26-27 over minutes 8-12 where learn_pixelcopter averaged 13-16; frames of 48 pixels with 4
// stacked, 4 stacked frames of 36, lr 1e-3 with beta_entropy 0.02, and an episodic intrinsic stream did no better.
// A shared policy/value encoder (--shared_encoder --value_loss_coef 0.02) ran 1.7x the env steps per second but learned
// about half as much per step: seeds 1 and 2 ended at 63.5 and 60.7 over minutes 50-60, below the two encoders.
// Iterations of 32 x 128 steps (--num_envs 32 --minibatches 16: ~9 episodes per late iteration instead of 2-5)
// learned about as fast per minute on seeds 1 and 2 (68.5 and 71.5 over minutes 50-60); the seed's whole-episode
// iterations (32 episodes each) learned less per sample (68.7 and 55.7). At 32 x 128 steps, the value network's
// gradient unclipped (--gradient_clip 0: the clip of 1 acts on the value only, whose norm reads ~100) ended at 62.6
// and 57.7, and GAE lambda 0.98 with 4 stacked frames was behind both seeds at 30 minutes.
// Issue's goal, as the issue reads it: with 128-step rollouts (and without ortho_init) each of seeds 1-3 first passed
// 100 by chance near minute 23 and the 20 iterations after averaged 63-66, not 80. The current config meets it on
// seeds 1, 2 and 3: first iteration >= 100 at 44.0, 49.7 and 42.9 min, the next 20 averaged 90.4, 80.9 and 84.3
// (docs/results/pixelcopter_100.md, 570-600 env steps/s). With 128-step rollouts,
// 64 envs learned slower (72.5 over minutes 50-60 on seed 1), and gamma_extrinsic 0.995 with lambda_gae 0.98 too
// (62.7 over minutes 50-60 on seed 1 against 79.9).
import type { Args } from './args.ts'
import { LEARN_PIXELCOPTER } from './learn_config.ts'

export const PIXELCOPTER_100: Partial<Args> = {
  ...LEARN_PIXELCOPTER,
  experiment_name: 'pixelcopter_100',
  num_steps: 512,
  num_envs: 32,
  minibatches: 16,
  frame_crop: '6,12,36',
  normalize_advantages: true,
  intrinsic_non_episodic: true,
  int_reward_norm: 'forward_filter',
  adam_epsilon: 1e-5,
  lr_anneal_frames: 2_500_000,
  encoder: 'fine',
  ortho_init: true,
  entropy_anneal_frames: 1_500_000,
  target_cumulative_rewards_extrinsic: 100,
  wasm_simd: 'auto',
}
