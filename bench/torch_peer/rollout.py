"""Steps 0 to 2 of docs/algorithm.md for the PyTorch peer: whole episodes, up to num_envs of them in lockstep, one
batched no-grad forward of the four networks per step (rl/ppo_rnd.ts collectEpisodes), and the running statistics
(rl/stats.ts). The time spent inside the game (reset and step, its frame included) is measured apart, so the
caller can leave it out: the figure compares learners. Frame resizing to frame_resize (Pillow's NEAREST positions),
stacking and the RND normalization are the learner's and are timed with it.
"""

import time

import numpy as np
import torch

from pixelcopter import H, W, NUM_ACTIONS, PixelCopter, nearest_index


class RunningMeanStd:
    """Per-value mean and population variance, merged batch by batch with the parallel formula, float64."""

    def __init__(self, size):
        self.count = 0
        self.mean = np.zeros(size)
        self.var = np.zeros(size)

    def merge(self, x):
        """x [n, size]: the batch's moments, then Chan, Golub and LeVeque's merge."""
        n = x.shape[0]
        if n == 0:
            return
        x = x.astype(np.float64)
        m, v = x.mean(0), x.var(0)
        tot = self.count + n
        delta = m - self.mean
        m2 = self.var * self.count + v * n + delta * delta * self.count * n / tot
        self.mean += delta * n / tot
        self.var = m2 / tot
        self.count = tot


class Episodes:
    """K episodes of one rollout, concatenated in episode order (episode e is rows starts[e] .. starts[e] + lengths[e])."""

    def __init__(self, cols, lengths):
        self.__dict__.update(cols)
        self.lengths = lengths
        self.starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
        self.total = int(lengths.sum())


class Games:
    """One PixelCopter per slot; the time inside reset and step is summed in env_seconds."""

    def __init__(self, n, frame):
        self.games = [PixelCopter() for _ in range(n)]
        self.env_seconds = 0.0
        self.yi, self.xi = nearest_index(H, frame), nearest_index(W, frame)

    def reset(self, i, seed):
        t = time.perf_counter()
        self.games[i].reset(seed)
        self.env_seconds += time.perf_counter() - t

    def step(self, slots, actions):
        """Step the games of `slots`; returns rewards, dones and their 48x48 screens."""
        t = time.perf_counter()
        out = [self.games[i].step(int(a)) for i, a in zip(slots, actions)]
        screens = np.stack([self.games[i].frame for i in slots])
        self.env_seconds += time.perf_counter() - t
        rewards = np.array([o[0] for o in out], np.float32)
        dones = np.array([o[1] or o[2] for o in out])
        return rewards, dones, screens

    def resize(self, screens):
        """[M, 48, 48] -> [M, F*F] at Pillow's NEAREST positions (the learner's preprocessing)."""
        return screens[:, self.yi][:, :, self.xi].reshape(len(screens), -1)


def sample_actions(logits, u):
    """softmax(logits) sampled by inverse CDF with one uniform per row (rl/rollout.ts sampleCategorical)."""
    p = np.exp(logits - logits.max(1, keepdims=True))
    c = np.cumsum(p, 1)
    return np.minimum((u[:, None] * c[:, -1:] < c).argmax(1), logits.shape[1] - 1)


def normalize_rnd(frames, norm, clip):
    """clip((x - mean) / (std + 1e-5)); raw frames while no statistics exist (norm None)."""
    if norm is None:
        return frames
    mean, inv = norm
    return np.clip((frames - mean) * inv, -clip, clip).astype(np.float32)


def collect(tr, K, is_random):
    """K whole episodes with the current networks (uniform random actions and no network when is_random)."""
    a, games, N = tr.a, tr.games, tr.slots
    F, S, Sr, D = a["frame_resize"], a["stacked_frames"], a["stacked_frames_rnd"], a["rnd_output_dim"]
    FF, A = F * F, NUM_ACTIONS
    stack = np.zeros((N, S, FF), np.float32)
    rstack = np.zeros((N, Sr, FF), np.float32)
    frame_now = np.zeros((N, FF), np.float32)
    prev = np.full(N, -1)
    slot_ep = np.full(N, -1)
    started = 0

    def start(i):
        nonlocal started
        games.reset(i, int(tr.rng_env.integers(2**31)))
        frame_now[i] = 0  # the first frame of every episode is blank
        stack[i] = 0
        rstack[i] = 0
        prev[i] = -1
        slot_ep[i] = started
        started += 1

    rows = []
    for i in range(min(N, K)):
        start(i)
        rows.append(i)
    states = None if is_random else {n: tr.nets[n].initial_state(len(rows)) for n in tr.nets}
    rec = {k: [] for k in ("ep", "frames", "actions", "rewards", "logits", "values", "target", "r_int")}
    while rows:
        r_ = np.array(rows)
        M = len(rows)
        f = frame_now[r_]
        rec["ep"].append(slot_ep[r_])
        rec["frames"].append(f)
        if is_random:
            act = tr.rng_action.integers(A, size=M)
        else:
            stack[r_, :-1] = stack[r_, 1:]
            stack[r_, -1] = f / 255
            rstack[r_, :-1] = rstack[r_, 1:]
            rstack[r_, -1] = normalize_rnd(f, tr.norm, a["rnd_obs_norm_clip"])
            with torch.no_grad():
                x = torch.from_numpy(stack[r_]).view(M, S, F, F)
                xr = torch.from_numpy(rstack[r_]).view(M, Sr, F, F)
                ys = {}
                for n in tr.nets:
                    ys[n], states[n] = tr.nets[n].step(xr if n.startswith("rnd") else x, states[n])
                out = torch.cat([ys["value"], ys["policy"], ys["rnd_target"], ys["rnd_predictor"]], 1).numpy()
            logits = out[:, 2 : 2 + A]
            act = sample_actions(logits, tr.rng_action.random(M))
            if a["epsilon_greedy"] > 0:
                g = tr.rng_action.random(M) < a["epsilon_greedy"]
                act[g] = tr.rng_action.integers(A, size=int(g.sum()))
            tgt, pred = out[:, 2 + A : 2 + A + D], out[:, 2 + A + D :]
            rec["logits"].append(logits)
            rec["values"].append(out[:, :2])
            rec["target"].append(tgt)
            rec["r_int"].append(((tgt - pred) ** 2).mean(1))
        if a["sticky_action_probability"] > 0:
            stick = (prev[r_] >= 0) & (tr.rng_action.random(M) < a["sticky_action_probability"])
            act = np.where(stick, prev[r_], act)
        prev[r_] = act
        rec["actions"].append(act)
        rewards, dones, screens = games.step(rows, act)
        frame_now[r_] = games.resize(screens)
        rec["rewards"].append(rewards)
        # episode ends: a freed slot starts the next episode (its state rows zeroed), or leaves the batch
        keep = np.ones(M, np.float32)
        survivors = []
        for j, i in enumerate(rows):
            if not dones[j]:
                survivors.append(j)
            elif started < K:
                start(i)
                keep[j] = 0
                survivors.append(j)
        if states is not None and (keep.min() == 0 or len(survivors) < M):
            km, idx = torch.from_numpy(keep).view(1, M, 1), torch.tensor(survivors, dtype=torch.long)
            for n, s in states.items():
                if s is not None:
                    states[n] = tuple((t * km)[:, idx] for t in s)
        rows = [rows[j] for j in survivors]
    ep = np.concatenate(rec.pop("ep"))
    order = np.argsort(ep, kind="stable")  # episode-major, each episode's steps in time order
    cols = {k: np.concatenate(v)[order] for k, v in rec.items() if v}
    return Episodes(cols, np.bincount(ep, minlength=K))
