"""The PyTorch CPU peer of bench/rl_loop.bench.ts (issue #12): the same PPO + RND loop as rl/ppo_rnd.ts
(docs/algorithm.md) on PixelCopter-v0, written as a competent PyTorch author would (nn.Conv2d, nn.LSTM, no_grad
rollouts, torch.optim.Adam, clip_grad_norm_), with the work of ours: the same four networks and layer shapes, 32
episodes in lockstep with one batched forward per step, the same epochs, chunks, minibatch lanes, losses and
gradient steps. The arithmetic is PyTorch's own (float32), not ours bitwise.

    python3 bench/torch_peer/rl_loop.py [--config NAME] [--threads N] [--iters N] [--warmup N] [--args JSON]

One JSON line per config: env steps/s without the time inside the Python game (steps_per_s: the learners compared,
as the issue's figures) and with it, steps per iteration, gradient steps and records trained per iteration, and the
parameters of each network. --config picks the configs whose names contain it (default: all three ported ones:
the seed's CNN example, the default LSTM, learn_config; the DNC and MiniGrid configs are not ported). --args overrides
the config's arguments with JSON (the bench passes all of its own, so both sides run the same numbers).

Left out, as not part of the loop's work or not ported: the DNC core, MiniGrid and its grid encoder, fixed-length
rollouts (--num_steps) and the reward forward filter, value clipping, the KL stop, learning-rate annealing, frame
skip and advantage normalization (each refused when asked for); and what ours computes for its logs and safety
alone: gradient norms when not clipping, the PPO ratios' KL and clip fraction, explained variance, and the check
after every step that parameters and Adam moments are finite (ours reads back a sum of squares of each). Snapshots
and metrics files are the caller's in ours and not part of this bench either. Random streams are numpy's, seeded
from rng_seed as ours are from theirs: the same structure, not the same draws.
"""

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from nets import build_networks, param_counts  # noqa: E402
from pixelcopter import NUM_ACTIONS  # noqa: E402
from rollout import Games, RunningMeanStd, collect, normalize_rnd  # noqa: E402
from train import discounted, train_iteration  # noqa: E402

# rl/args.ts defaults of the flags the peer reads, and the values it supports of those it does not implement
DEFAULTS = {
    "frame_resize": 84,
    "initial_normalization_num_trials": 8,
    "num_trials": 128,
    "num_envs": 32,
    "portion_experience_train_rnd_predictor": 0.25,
    "z_dim": 32,
    "rnn_hidden_dim": 256,
    "rnn_hidden_layers": 1,
    "final_hidden_dim": 0,
    "final_hidden_layers": 0,
    "epochs_per_iteration": 4,
    "sequence_length": 64,
    "minibatches": 4,
    "stacked_frames": 4,
    "stacked_frames_rnd": 1,
    "sticky_action_probability": 0.25,
    "intrinsic_coefficient": 1.0,
    "extrinsic_coefficient": 2.0,
    "extrinsic_reward_clip": 1.0,
    "gamma_intrinsic": 0.99,
    "gamma_extrinsic": 0.999,
    "lambda_gae": 0.95,
    "epsilon_ppo": 0.1,
    "rnd_obs_norm_clip": 5.0,
    "beta_entropy": 0.001,
    "epsilon_greedy": 0.0,
    "model_policy_lr": 1e-4,
    "model_rnd_predictor_lr": 1e-4,
    "model_value_lr": 1e-4,
    "gradient_clip": 0.0,
    "rng_seed": 31337,
    "rnd_output_dim": 1,
    "adam_epsilon": 1e-8,
}
UNSUPPORTED = {
    "game": "PixelCopter-v0",
    "dnc": "",
    "num_steps": 0,
    "frame_skip": 1,
    "value_clip": 0,
    "target_kl": 0,
    "lr_anneal_frames": 0,
    "normalize_advantages": False,
    "encoder": "auto",
    "int_reward_norm": "episode_returns",
    "intrinsic_non_episodic": False,
}
BENCH = {"num_trials": 32, "num_envs": 32}  # what bench/rl_loop.bench.ts sets for PixelCopter
CONFIGS = {
    "seed CNN example": {
        "rnn_hidden_layers": 0,
        "sticky_action_probability": 0,
        "final_hidden_dim": 256,
        "final_hidden_layers": 3,
        "stacked_frames": 10,
        "z_dim": 1024,
        "gradient_clip": 1,
    },
    "default LSTM": {},
    "learn_config (36px CNN)": {  # rl/learn_config.ts LEARN_PIXELCOPTER
        "frame_resize": 36,
        "stacked_frames": 2,
        "stacked_frames_rnd": 1,
        "z_dim": 64,
        "rnn_hidden_layers": 0,
        "final_hidden_layers": 1,
        "final_hidden_dim": 64,
        "initial_normalization_num_trials": 8,
        "epochs_per_iteration": 4,
        "sequence_length": 64,
        "minibatches": 8,
        "sticky_action_probability": 0,
        "model_policy_lr": 5e-4,
        "model_value_lr": 5e-4,
        "model_rnd_predictor_lr": 5e-4,
        "gamma_extrinsic": 0.99,
        "beta_entropy": 0.01,
        "gradient_clip": 1,
    },
}


def config_args(name):
    return {**DEFAULTS, **CONFIGS[name], **BENCH}


def checked(args):
    """The flags the peer reads (missing ones take the defaults); an option it does not implement is an error."""
    for k, v in UNSUPPORTED.items():
        if k in args and args[k] != v:
            raise SystemExit(f"rl_loop.py: --{k} {args[k]!r} is not ported to the PyTorch peer (only {v!r})")
    return {k: args.get(k, v) for k, v in DEFAULTS.items()}


class Trainer:
    """The loop's state: networks, optimizers, games, statistics and the random streams (seeded from rng_seed)."""

    def __init__(self, a):
        self.a = a
        seed = a["rng_seed"]
        torch.manual_seed(seed)
        self.nets = build_networks(a, NUM_ACTIONS)
        lr = {"value": a["model_value_lr"], "policy": a["model_policy_lr"], "rnd_predictor": a["model_rnd_predictor_lr"]}
        self.optims = {k: torch.optim.Adam(self.nets[k].trained_parameters(), lr=lr[k], eps=a["adam_epsilon"]) for k in lr}
        self.rng_action = np.random.default_rng(seed + 1)
        self.rng_env = np.random.default_rng(seed + 2)
        self.rng_train = np.random.default_rng(seed + 3)
        self.slots = min(a["num_envs"], max(a["num_trials"], a["initial_normalization_num_trials"], 1))
        self.games = Games(self.slots, a["frame_resize"])
        self.obs_stats = RunningMeanStd(a["frame_resize"] ** 2)
        self.int_stats = RunningMeanStd(1)
        self.norm = None
        self.is_normalized = False

    def int_std(self):
        s = float(np.sqrt(self.int_stats.var[0]))
        return s if s > 0 else 1.0

    def learn(self, eps):
        """Steps 2 to 5 on a rollout's episodes (their RND inputs normalized as in the rollout: self.norm)."""
        a = self.a
        for s, T in zip(eps.starts, eps.lengths):  # step 2: statistics, episode by episode
            self.obs_stats.merge(eps.frames[s : s + T])
            self.int_stats.merge(discounted(eps.r_int[s : s + T], a["gamma_intrinsic"])[:, None])
        return train_iteration(self, eps, normalize_rnd(eps.frames, self.norm, a["rnd_obs_norm_clip"]))

    def iteration(self):
        """Steps 0 (once) to 5; returns env steps, the seconds of the iteration, the env's share, and counts."""
        a = self.a
        t0, env0 = time.perf_counter(), self.games.env_seconds
        if not self.is_normalized:  # step 0: random episodes, no network
            eps = collect(self, a["initial_normalization_num_trials"], True)
            for s, T in zip(eps.starts, eps.lengths):
                self.obs_stats.merge(eps.frames[s : s + T])
            self.is_normalized = True
        t1, env1 = time.perf_counter(), self.games.env_seconds
        if self.obs_stats.count > 0:
            self.norm = (self.obs_stats.mean.astype(np.float32), (1 / (np.sqrt(self.obs_stats.var) + 1e-5)).astype(np.float32))
        eps = collect(self, a["num_trials"], False)
        t2 = time.perf_counter()
        counts = self.learn(eps)
        t3 = time.perf_counter()
        return {
            "steps": eps.total,
            "seconds": t3 - t1,
            "env_seconds": self.games.env_seconds - env1,
            "rollout_seconds": t2 - t1,
            "train_seconds": t3 - t2,
            "warmup_seconds": t1 - t0,
            "warmup_env_seconds": env1 - env0,
            **counts,
        }


def loss_means(m):
    """The last iteration's losses and entropy, means over its gradient steps (the predictor's over its own)."""
    steps = max(1, m["grad_steps"])
    out = {k: m[k] / steps for k in ("loss_value", "loss_policy", "entropy")}
    return {**out, "loss_rnd": m["loss_rnd"] / max(1, m["rnd_steps"])}


def run(name, a, threads, iters, warmup):
    torch.set_num_threads(threads)
    tr = Trainer(a)
    for _ in range(warmup):
        tr.iteration()
    ms = [tr.iteration() for _ in range(iters)]
    tot = {k: sum(m[k] for m in ms) for k in ms[0]}
    learner = tot["seconds"] - tot["env_seconds"]
    return {
        "config": name,
        "threads": threads,
        "steps_per_s": tot["steps"] / learner,
        "steps_per_s_with_env": tot["steps"] / tot["seconds"],
        "steps_per_iter": tot["steps"] / iters,
        "torch": torch.__version__.split("+")[0],
        "iters": iters,
        "env_s_per_iter": tot["env_seconds"] / iters,
        "rollout_s_per_iter": tot["rollout_seconds"] / iters,
        "train_s_per_iter": tot["train_seconds"] / iters,
        "grad_steps_per_iter": tot["grad_steps"] / iters,
        "records_trained_per_iter": tot["records"] / iters,
        "rnd_records_per_iter": tot["rnd_records"] / iters,
        "max_batch_records": max(m["max_batch"] for m in ms),
        **loss_means(ms[-1]),
        "params": param_counts(tr.nets),
    }


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--config", default="", help="run the configs whose names contain this (default: all)")
    p.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")
    p.add_argument("--iters", type=int, default=2, help="timed iterations")
    p.add_argument("--warmup", type=int, default=1, help="untimed iterations first (the first holds step 0)")
    p.add_argument("--args", default=None, help="arguments as JSON, over the config's (the bench passes all of its own)")
    p.add_argument("--list", action="store_true", help="print each config's arguments as JSON and exit")
    o = p.parse_args()
    names = [n for n in CONFIGS if o.config in n]
    if o.list:
        print(json.dumps({n: config_args(n) for n in names}))
        return
    if not names:
        raise SystemExit(f"rl_loop.py: no ported config matches {o.config!r}; ported: {', '.join(CONFIGS)}")
    if o.iters < 1 or o.threads < 1:
        raise SystemExit("rl_loop.py: --iters and --threads must be >= 1")
    for n in names:
        a = checked({**config_args(n), **(json.loads(o.args) if o.args else {})})
        print(json.dumps(run(n, a, o.threads, o.iters, o.warmup)), flush=True)


if __name__ == "__main__":
    main()
