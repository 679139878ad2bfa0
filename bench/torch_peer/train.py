"""Steps 4 and 5 of docs/algorithm.md for the PyTorch peer: rewards, returns and GAE per episode (rl/advantages.ts),
then epochs_per_iteration epochs of training (rl/train_loop.ts): each epoch the longest episode first and the others
shuffled, the RND predictor's share of episodes drawn, `minibatches` lanes walking the episodes in chunks of
sequence_length (planChunks), one gradient step per row of chunks; the LSTM's state carried from chunk to chunk of a
lane, detached (truncated BPTT), zeroed when a lane starts an episode. The losses of rl/losses.ts, one backward,
gradient clipping by global norm per network, one Adam step each (the predictor's only when it had records).
"""

import math

import numpy as np
import torch
import torch.nn.functional as F

P_MIN, P_MAX = 1e-5, 1 - 1e-5
TRAINED = ("value", "policy", "rnd_predictor")


def discounted(r, gamma):
    out = np.zeros(len(r))
    acc = 0.0
    for t in range(len(r) - 1, -1, -1):
        acc = r[t] + gamma * acc
        out[t] = acc
    return out


def gae(r, v, gamma, lam):
    out = np.zeros(len(r))
    acc = 0.0
    for t in range(len(r) - 1, -1, -1):
        nxt = v[t + 1] if t + 1 < len(r) else 0.0
        acc = r[t] + gamma * nxt - v[t] + gamma * lam * acc
        out[t] = acc
    return out


def targets(a, eps, int_std):
    """Per record: extrinsic and intrinsic returns [n, 2] and the combined advantage [n] (not normalized)."""
    ret = np.zeros((eps.total, 2), np.float32)
    adv = np.zeros(eps.total, np.float32)
    c = a["extrinsic_reward_clip"]
    for s, T in zip(eps.starts, eps.lengths):
        sl = slice(s, s + T)
        r_ext = a["extrinsic_coefficient"] * np.clip(eps.rewards[sl].astype(np.float64), -c, c)
        r_int = a["intrinsic_coefficient"] * eps.r_int[sl].astype(np.float64) / int_std
        v = eps.values[sl].astype(np.float64)
        ret[sl, 0] = discounted(r_ext, a["gamma_extrinsic"])
        ret[sl, 1] = discounted(r_int, a["gamma_intrinsic"])
        adv[sl] = gae(r_ext, v[:, 0], a["gamma_extrinsic"], a["lambda_gae"]) + gae(r_int, v[:, 1], a["gamma_intrinsic"], a["lambda_gae"])
    return ret, adv


def plan_chunks(order, lengths, B, L):
    """rl/train_loop.ts planChunks: one row of B lanes per gradient step, each (ep, off, len, is_start) or None."""
    lanes = [None] * B
    q = 0
    steps = []
    while True:
        row = []
        for b in range(B):
            lane, is_start = lanes[b], False
            if lane is None or lane[1] >= lengths[lane[0]]:
                lane = lanes[b] = [order[q], 0] if q < len(order) else None
                q += lane is not None
                is_start = True
            if lane is None:
                row.append(None)
                continue
            n = min(L, lengths[lane[0]] - lane[1])
            row.append((lane[0], lane[1], n, is_start))
            lane[1] += n
        if all(c is None for c in row):
            return steps
        steps.append(row)


def stack_index(eps, S):
    """[n, S] rows of each record's stacked frames, oldest first; row n (a zero frame) before an episode's start."""
    g = np.arange(eps.total)
    t = g - np.repeat(eps.starts, eps.lengths)
    back = np.arange(S - 1, -1, -1)
    idx = g[:, None] - back[None, :]
    idx[t[:, None] < back[None, :]] = eps.total
    return torch.from_numpy(idx)


def train_iteration(tr, eps, norm_frames):
    """Step 5 on a rollout's episodes; norm_frames are its RND-normalized frames. Returns counts for the report."""
    a, nets = tr.a, tr.nets
    K, B, L, Fr = len(eps.lengths), a["minibatches"], a["sequence_length"], a["frame_resize"]
    ret, adv = targets(a, eps, tr.int_std())
    zero = np.zeros((1, Fr * Fr), np.float32)
    logits = torch.from_numpy(eps.logits)
    actions = torch.from_numpy(eps.actions.astype(np.int64)).view(-1, 1)
    adv_t = torch.from_numpy(adv).view(-1, 1)
    e = a["epsilon_ppo"]
    # every record's inputs and loss terms, indexed by record (row) per gradient step
    data = {
        "obs": torch.from_numpy(np.concatenate([eps.frames / np.float32(255), zero])),
        "rnd": torch.from_numpy(np.concatenate([norm_frames, zero])),
        "obs_idx": stack_index(eps, a["stacked_frames"]),
        "rnd_idx": stack_index(eps, a["stacked_frames_rnd"]),
        "actions": actions,
        "p_old": torch.softmax(logits, 1).gather(1, actions).clamp(P_MIN, P_MAX),
        "adv": adv_t,
        "bound": torch.where(adv_t > 0, adv_t * (1 + e), adv_t * (1 - e)),
        "v_target": torch.from_numpy(ret),
        "rnd_target": torch.from_numpy(eps.target),
    }
    counts = {"grad_steps": 0, "records": 0, "rnd_records": 0, "max_batch": 0, "rnd_steps": 0}
    counts.update({k: 0.0 for k in ("loss_value", "loss_policy", "loss_rnd", "entropy")})
    lengths = [int(x) for x in eps.lengths]
    for _ in range(a["epochs_per_iteration"]):
        longest = int(np.argmax(eps.lengths))  # the first of the longest, as ours
        rest = [e for e in range(K) if e != longest]
        tr.rng_train.shuffle(rest)
        p = a["portion_experience_train_rnd_predictor"]
        n_sel = max(1, round(p * K)) if p > 0 else 0
        rnd_sel = np.zeros(K, bool)
        rnd_sel[tr.rng_train.permutation(K)[:n_sel]] = True
        carried = {k: nets[k].initial_state(B) for k in TRAINED}
        for chunks in plan_chunks([longest, *rest], lengths, B, L):
            carried = gradient_step(tr, eps, data, chunks, rnd_sel, carried, counts)
    return counts


def gradient_step(tr, eps, d, chunks, rnd_sel, carried, counts):
    """One gradient step of the three trained networks on a row of chunks (one per lane, None = idle)."""
    a, nets, opts = tr.a, tr.nets, tr.optims
    B = len(chunks)
    T = max(c[2] if c else 0 for c in chunks)
    recs, sel, keep = [], [], np.zeros(B, np.float32)
    pad_idx = np.full(T * B, -1, np.int64)
    real_idx = []
    n = 0
    for b, c in enumerate(chunks):
        if c is None:
            continue
        e, off, ln, is_start = c
        keep[b] = 0 if is_start else 1
        recs.append(eps.starts[e] + off + np.arange(ln))
        sel.append(np.full(ln, rnd_sel[e]))
        pos = np.arange(ln) * B + b
        pad_idx[pos] = n + np.arange(ln)
        real_idx.append(pos)
        n += ln
    pad_idx[pad_idx < 0] = n  # the zero row
    rec = torch.from_numpy(np.concatenate(recs))
    sel = np.concatenate(sel)
    rnd_count = int(sel.sum())
    Fr, S, Sr = a["frame_resize"], a["stacked_frames"], a["stacked_frames_rnd"]
    x = d["obs"][d["obs_idx"][rec]].view(n, S, Fr, Fr)
    xr = d["rnd"][d["rnd_idx"][rec]].view(n, Sr, Fr, Fr)
    pad = (torch.from_numpy(pad_idx), torch.from_numpy(np.concatenate(real_idx)))
    km = torch.from_numpy(keep).view(1, B, 1)
    st = {k: None if s is None else tuple(t * km for t in s) for k, s in carried.items()}
    v, st_v = nets["value"].sequence(x, T, B, st["value"], *pad)
    loss_v = ((v - d["v_target"][rec]) ** 2).sum() / n
    logits, st_p = nets["policy"].sequence(x, T, B, st["policy"], *pad)
    prob = torch.softmax(logits, 1)
    pa = prob.gather(1, d["actions"][rec]).clamp(P_MIN, P_MAX)
    surr = torch.minimum(pa / d["p_old"][rec] * d["adv"][rec], d["bound"][rec])
    ent = -(prob * F.log_softmax(logits, 1)).sum(1)
    loss_p = -(surr.sum() + a["beta_entropy"] * ent.sum()) / n
    losses = [loss_v, loss_p]
    st_r = st["rnd_predictor"]
    if rnd_count > 0 and rnd_count < n:
        # the predictor on its selected rows only: rows are independent without recurrence; a recurrent predictor
        # runs on the lanes whose episode is selected (rl/rnd_lanes.ts), the other lanes keeping their carried state,
        # which nothing reads before their next episode restarts it
        idx = torch.from_numpy(np.nonzero(sel)[0])
        if not nets["value"].is_recurrent:
            pred, _ = nets["rnd_predictor"].sequence(xr[idx], 1, len(idx), None, None, None)
        else:
            pred, st_r = rnd_lanes_step(nets["rnd_predictor"], xr[idx], chunks, rnd_sel, st_r)
        losses.append(((pred - d["rnd_target"][rec][idx]) ** 2).sum() / (rnd_count * pred.shape[1]))
    elif rnd_count > 0:
        pred, st_r = nets["rnd_predictor"].sequence(xr, T, B, st_r, *pad)
        mask = torch.from_numpy(sel.astype(np.float32)).view(-1, 1)
        losses.append((((pred - d["rnd_target"][rec]) ** 2) * mask).sum() / (rnd_count * pred.shape[1]))
    sum(losses).backward()
    values = torch.stack([x.detach() for x in [*losses, ent.detach().sum() / n]]).tolist()  # the step's one readback
    for name, val in zip(TRAINED, values[:-1]):
        if not math.isfinite(val):
            raise FloatingPointError(f"the {name} loss is {val}")
    trained = TRAINED if len(losses) == 3 else TRAINED[:2]
    for k in trained:
        if a["gradient_clip"] > 0:
            torch.nn.utils.clip_grad_norm_(nets[k].trained_parameters(), a["gradient_clip"])
        opts[k].step()
    for k in TRAINED:
        opts[k].zero_grad(set_to_none=True)
    for k, val in zip(("loss_value", "loss_policy", "loss_rnd"), values[:-1]):
        counts[k] += val
    counts["entropy"] += values[-1]
    counts["rnd_steps"] += len(losses) == 3
    counts["grad_steps"] += 1
    counts["records"] += n
    counts["rnd_records"] += rnd_count
    counts["max_batch"] = max(counts["max_batch"], n)
    det = lambda s: None if s is None else tuple(t.detach() for t in s)  # noqa: E731
    return {"value": det(st_v), "policy": det(st_p), "rnd_predictor": det(st_r)}


def rnd_lanes_step(net, xs, chunks, rnd_sel, state):
    """The recurrent predictor on the selected lanes of a step (rl/rnd_lanes.ts rndLanes): xs their rows, in batch
    order, packed on J lanes; returns their predictions and the state of all B lanes (the others unchanged)."""
    B = len(chunks)
    lanes = [b for b, c in enumerate(chunks) if c is not None and rnd_sel[c[0]]]
    lens = [chunks[b][2] for b in lanes]
    J, Tj = len(lanes), max(lens)
    pad_idx = np.full(Tj * J, len(xs), np.int64)
    real_idx, k = [], 0
    for j, ln in enumerate(lens):
        pos = np.arange(ln) * J + j
        pad_idx[pos] = k + np.arange(ln)
        real_idx.append(pos)
        k += ln
    lane_t = torch.tensor(lanes)
    if state is None:  # a fresh epoch: zeros, as nn.LSTM's default
        L, H = net.lstm.num_layers, net.lstm.hidden_size
        state = (xs.new_zeros(L, B, H), xs.new_zeros(L, B, H))
    sub = tuple(t[:, lane_t] for t in state)
    pred, sub = net.sequence(xs, Tj, J, sub, torch.from_numpy(pad_idx), torch.from_numpy(np.concatenate(real_idx)))
    return pred, tuple(full.index_copy(1, lane_t, s) for full, s in zip(state, sub))
