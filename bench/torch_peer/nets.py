"""The four networks of docs/algorithm.md in PyTorch, the shapes of rl/networks.ts (nature encoder only):
conv 32 8x8/4 -> leaky_relu -> conv 64 4x4/2 -> leaky_relu -> conv 64 3x3/1 -> leaky_relu -> flatten -> linear z_dim,
then rnn_hidden_layers stacked LSTMs of rnn_hidden_dim (nn.LSTM; none for the convolutional-only network), then
final_hidden_layers x (linear final_hidden_dim -> leaky_relu) and a linear output. leaky_relu slope 0.2 (Chainer's).
Initialization as ours (Chainer's): LeCun normal weights (std sqrt(1 / fan_in)), zero biases, forget-gate bias 1.

nn.LSTM has two bias vectors (b_ih, b_hh) where ours has one: b_hh is kept at zero and frozen, so the trained
parameters, and so Adam's work and the parameter counts, are ours exactly.
"""

import torch
from torch import nn
import torch.nn.functional as F

SLOPE = 0.2
ENCODER = ((32, 8, 4), (64, 4, 2), (64, 3, 1))


def encoder_out_size(size):
    """rl/networks.ts encoderOutSize('nature', size)."""
    o1 = (size - 8) // 4 + 1
    o2 = (o1 - 4) // 2 + 1
    return o2 - 3 + 1 if o1 >= 4 else 0


def lecun_(w, fan_in):
    with torch.no_grad():
        w.normal_(0.0, (1.0 / fan_in) ** 0.5)


class Net(nn.Module):
    def __init__(self, in_ch, frame, z_dim, rnn_layers, rnn_hidden, final_layers, final_hidden, out_dim):
        super().__init__()
        self.conv = nn.ModuleList()
        c = in_ch
        for out, k, s in ENCODER:
            conv = nn.Conv2d(c, out, k, stride=s)
            lecun_(conv.weight, c * k * k)
            nn.init.zeros_(conv.bias)
            self.conv.append(conv)
            c = out
        o = encoder_out_size(frame)
        self.flat = c * o * o
        self.fc = self._linear(self.flat, z_dim)
        d = z_dim
        self.lstm = None
        if rnn_layers > 0:
            self.lstm = nn.LSTM(z_dim, rnn_hidden, num_layers=rnn_layers)
            U = rnn_hidden
            for i in range(rnn_layers):
                lecun_(getattr(self.lstm, f"weight_ih_l{i}"), z_dim if i == 0 else U)
                lecun_(getattr(self.lstm, f"weight_hh_l{i}"), U)
                b_ih, b_hh = getattr(self.lstm, f"bias_ih_l{i}"), getattr(self.lstm, f"bias_hh_l{i}")
                with torch.no_grad():
                    b_ih.zero_()
                    b_ih[U : 2 * U] = 1.0  # PyTorch's gate order i, f, g, o: the forget gate is the second block
                    b_hh.zero_()
                b_hh.requires_grad_(False)
            d = U
        self.hidden = nn.ModuleList()
        for _ in range(final_layers):
            self.hidden.append(self._linear(d, final_hidden))
            d = final_hidden
        self.out = self._linear(d, out_dim)

    @staticmethod
    def _linear(i, o):
        lin = nn.Linear(i, o)
        lecun_(lin.weight, i)
        nn.init.zeros_(lin.bias)
        return lin

    @property
    def is_recurrent(self):
        return self.lstm is not None

    def trained_parameters(self):
        return [p for p in self.parameters() if p.requires_grad]

    def initial_state(self, n):
        if self.lstm is None:
            return None
        z = torch.zeros(self.lstm.num_layers, n, self.lstm.hidden_size)
        return (z, z.clone())

    def encode(self, x):
        for conv in self.conv:
            x = F.leaky_relu(conv(x), SLOPE)
        return self.fc(x.reshape(x.shape[0], self.flat))

    def head(self, h):
        for lin in self.hidden:
            h = F.leaky_relu(lin(h), SLOPE)
        return self.out(h)

    def step(self, x, state):
        """One step of a batch: x [N, C, F, F] -> y [N, out], new state."""
        z = self.encode(x)
        if self.lstm is None:
            return self.head(z), state
        h, state = self.lstm(z.unsqueeze(0), state)
        return self.head(h[0]), state

    def sequence(self, x, T, B, state, pad_idx, real_idx):
        """A training chunk batch: x holds the real records only; pad_idx [T*B] maps the time-major padded layout
        (row t*B + b) to a real row (or the zero row after them), real_idx the padded row of each real row, as
        Net.sequence with PackedRows: the encoder and head run on real rows, the LSTM steps T times on B lanes."""
        z = self.encode(x)
        if self.lstm is None:
            return self.head(z), state
        zpad = torch.cat([z, z.new_zeros(1, z.shape[1])])[pad_idx].reshape(T, B, -1)
        h, state = self.lstm(zpad, state)
        return self.head(h.reshape(T * B, -1)[real_idx]), state


NET_NAMES = ("value", "policy", "rnd_target", "rnd_predictor")


def build_networks(a, num_actions):
    """value, policy, rnd_target, rnd_predictor, built in that order (rl/networks.ts netSpecs)."""
    F_ = a["frame_resize"]
    base = (F_, a["z_dim"], a["rnn_hidden_layers"], a["rnn_hidden_dim"], a["final_hidden_layers"], a["final_hidden_dim"])
    S, Sr, D = a["stacked_frames"], a["stacked_frames_rnd"], a["rnd_output_dim"]
    outs = {"value": (S, 2), "policy": (S, num_actions), "rnd_target": (Sr, D), "rnd_predictor": (Sr, D)}
    nets = {n: Net(outs[n][0], *base, outs[n][1]) for n in NET_NAMES}
    for p in nets["rnd_target"].parameters():
        p.requires_grad_(False)
    return nets


def param_counts(nets):
    """Parameters per network as ours counts them (the target's too; the frozen duplicate LSTM bias left out)."""
    out = {}
    for n, net in nets.items():
        out[n] = sum(p.numel() for name, p in net.named_parameters() if not name.startswith("lstm.bias_hh"))
    return out
