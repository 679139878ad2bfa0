// The metrics of one training iteration, each declared once with what it measures. The name is the one
// metrics.jsonl, the iteration log line, `rl-rnd graph --metric` and the web page use; IterationMetrics (what
// PpoRnd.runIteration returns) is derived from the table, so a new metric is one entry here plus its computation.
export const METRICS = {
  iteration: 'iteration number, from 1',
  env_steps: 'env steps of the iteration',
  total_env_steps: 'env steps since the start, the initial random rollouts included',
  episodes: 'episodes of the iteration: num_trials, or with --num_steps those that ended during the rollout',
  success_rate: 'share of those episodes with a positive return (MiniGrid: the goal was reached; NaN: none ended)',
  return_ext_mean: "mean summed raw extrinsic reward of the iteration's episodes (the seed's avg cum rwd)",
  return_ext_std: 'population std of those returns',
  return_ext_min: 'lowest of those returns',
  return_ext_max: 'highest of those returns',
  intrinsic_reward_mean: 'mean raw intrinsic reward (RND prediction error) per env step',
  intrinsic_return_std: 'running std of the discounted intrinsic returns: the divisor of the intrinsic rewards (1 while 0)',
  advantage_ext_std: "population std of the extrinsic advantages over the iteration's records (extrinsic_coefficient x GAE), before --normalize_advantages",
  advantage_int_std: 'the same for the intrinsic advantages (intrinsic_coefficient x GAE of the normalized intrinsic rewards)',
  lr_fraction: 'the share of the learning rates this iteration trained at (--lr_anneal_frames; 1 without it)',
  beta_entropy: 'the entropy coefficient this iteration trained at (--beta_entropy, annealed by --entropy_anneal_frames)',
  epochs_trained: "epochs of this iteration's training: epochs_per_iteration, or fewer when --target_kl stopped it",
  loss_value: 'value loss, mean over the gradient steps',
  loss_policy: 'PPO clipped-surrogate loss with the entropy bonus, mean over the gradient steps',
  loss_rnd: 'RND predictor loss, mean over the gradient steps that trained it (0: none did)',
  entropy: 'mean policy entropy over the trained records',
  approx_kl: 'approximate KL(old || new policy): mean of (r - 1) - log r, r = p_new(a) / p_old(a), over the trained records',
  clip_fraction: 'share of the trained records with |r - 1| > epsilon_ppo',
  explained_variance_ext: "1 - Var[R - V] / Var[R] of the extrinsic value head on the iteration's records, before training (null: R constant)",
  explained_variance_int: 'the same for the intrinsic value head',
  grad_norm_value: "global L2 norm of the value network's gradients before clipping, mean over the gradient steps",
  grad_norm_policy: 'the same for the policy network',
  grad_norm_rnd_predictor: 'the same for the RND predictor, over the gradient steps that trained it (0: none did)',
  rollout_seconds: 'seconds of rollouts and statistics',
  train_seconds: 'seconds of advantages and training',
  env_steps_per_s: 'env_steps / (rollout_seconds + train_seconds)',
  episodes_per_s: 'episodes / (rollout_seconds + train_seconds)',
} as const

export type MetricName = keyof typeof METRICS

export type IterationMetrics = { [K in MetricName]: number } & {
  /** each episode's summed raw extrinsic reward (not in metrics.jsonl) */
  returns: number[]
}
