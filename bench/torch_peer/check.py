"""Steps 2 to 5 of the peer on our rollout, from our weights: does the peer compute what ours computes?

    python3 bench/torch_peer/check.py < input.json

The input (test/bench/torch_peer.test.ts writes it from a PpoRnd trainer): the arguments, the four networks'
parameters by our names and in our layouts, the observation and intrinsic-return statistics before the rollout's
merge, the RND normalization the rollout used, and the rollout's episodes. The output: the iteration's mean losses
and entropy, its gradient steps, and the three trained networks' parameters after training, in our names and
layouts, to compare with ours after PpoRnd.learn on the same rollout.

Layouts: our Linear W is [in, out] (PyTorch's weight is [out, in]); our LSTM's gate blocks are a, i, f, o (a the
cell input, Chainer's order) where PyTorch's are i, f, g, o, and ours has one bias where PyTorch has two (b_hh stays
zero). Convolutions are [out, in, k, k] in both.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from rl_loop import Trainer, checked, loss_means  # noqa: E402
from rollout import Episodes  # noqa: E402


def gates(x, U, to_torch):
    """Reorder the 4U gate blocks along axis 0: ours a, i, f, o <-> PyTorch's i, f, g, o."""
    blocks = [x[k * U : (k + 1) * U] for k in range(4)]
    a, i, f, o = blocks if to_torch else (blocks[2], blocks[0], blocks[1], blocks[3])
    return np.concatenate([i, f, a, o] if to_torch else [a, i, f, o])


def mapping(net):
    """(our name, torch parameter, to torch, from torch) for every parameter of one network."""
    out = [(f"conv{i + 1}.{k}", getattr(c, w), None, None) for i, c in enumerate(net.conv) for k, w in (("W", "weight"), ("b", "bias"))]
    linears = [("fc", net.fc), *((f"hidden{i}", h) for i, h in enumerate(net.hidden)), ("out", net.out)]
    for name, lin in linears:
        out += [(f"{name}.W", lin.weight, lambda x: x.T, lambda x: x.T), (f"{name}.b", lin.bias, None, None)]
    if net.lstm is not None:
        U = net.lstm.hidden_size
        for i in range(net.lstm.num_layers):
            to_t, from_t = (lambda x, U=U: gates(x.T, U, True)), (lambda x, U=U: gates(x, U, False).T)
            out.append((f"lstm{i}.Wx", getattr(net.lstm, f"weight_ih_l{i}"), to_t, from_t))
            out.append((f"lstm{i}.Wh", getattr(net.lstm, f"weight_hh_l{i}"), to_t, from_t))
            out.append((f"lstm{i}.b", getattr(net.lstm, f"bias_ih_l{i}"), lambda x, U=U: gates(x, U, True), lambda x, U=U: gates(x, U, False)))
    return out


def load(net, named):
    with torch.no_grad():
        for name, p, to_t, _ in mapping(net):
            x = np.asarray(named[name]["data"], np.float32).reshape(named[name]["shape"])
            p.copy_(torch.from_numpy(np.ascontiguousarray(to_t(x) if to_t else x)))


def dump(net):
    return {name: (from_t(p.detach().numpy()) if from_t else p.detach().numpy()).ravel().tolist() for name, p, _, from_t in mapping(net)}


def stats_into(rms, s):
    rms.count = s["count"]
    rms.mean = np.asarray(s["mean"], np.float64)
    rms.var = np.asarray(s["var"], np.float64)


def main():
    inp = json.load(sys.stdin)
    a = checked(inp["args"])
    torch.set_num_threads(1)
    tr = Trainer(a)
    for n, net in tr.nets.items():
        load(net, inp["weights"][n])
    stats_into(tr.obs_stats, inp["obs_stats"])
    stats_into(tr.int_stats, inp["int_stats"])
    norm = inp["norm"]
    tr.norm = (np.asarray(norm["mean"], np.float32), np.asarray(norm["inv_std"], np.float32)) if norm["active"] else None
    eps = inp["episodes"]
    A, D = 2, a["rnd_output_dim"]
    shapes = {"frames": (-1, a["frame_resize"] ** 2), "logits": (-1, A), "values": (-1, 2), "target": (-1, D)}
    cols = {
        k: np.concatenate([np.asarray(e[k], np.int64 if k == "actions" else np.float32) for e in eps]).reshape(shapes.get(k, (-1,)))
        for k in ("frames", "actions", "rewards", "logits", "values", "target", "r_int")
    }
    m = tr.learn(Episodes(cols, np.array([len(e["actions"]) for e in eps])))
    out = loss_means(m)
    out["grad_steps"] = m["grad_steps"]
    out["weights"] = {n: dump(tr.nets[n]) for n in ("value", "policy", "rnd_predictor")}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
