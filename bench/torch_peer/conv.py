"""PyTorch CPU's convolution kernels on the layers of bench/conv2d.bench.ts (issue #12): how fast the peer's own
kernels run the same arithmetic on this machine, beside the WebAssembly SIMD peak measured in the same run.

    python3 bench/torch_peer/conv.py --layers JSON [--threads N] [--check DIR]

--layers: a JSON list of {N, C, H, W, K, R, S, STRIDE} (no padding, NCHW, filters [K, C, R, S], as ours).
For each layer, the three kernels the training loop calls, each the call autograd makes:
  conv2d_forward          torch.nn.functional.conv2d (with a bias, as ours)
  conv2d_backward_input   aten.convolution_backward, output_mask [True, False, False]
  conv2d_backward_weight  aten.convolution_backward, output_mask [False, True, False]
Timing: 3 warm-up calls, then the best mean of 5 rounds of calls lasting >= 0.2 s each. One JSON line per layer:
{"layer": i, "ms": {kernel: ms}, "torch": version, "threads": n}.

--check DIR: before timing, read DIR/x_i.f32, w_i.f32, b_i.f32, dy_i.f32 (layer i at 2 images, float32 little
endian) and write DIR/fwd_i.f32, dx_i.f32, dw_i.f32, so the caller can hold the peer's results against its ref.
"""

import argparse
import json
import os
import time

import numpy as np
import torch


def kernels(L, x, w, b, dy):
    st = (L["STRIDE"], L["STRIDE"])
    aten = torch.ops.aten.convolution_backward
    return {
        "conv2d_forward": lambda: torch.nn.functional.conv2d(x, w, b, st),
        "conv2d_backward_input": lambda: aten(dy, x, w, None, st, (0, 0), (1, 1), False, (0, 0), 1, (True, False, False))[0],
        "conv2d_backward_weight": lambda: aten(dy, x, w, None, st, (0, 0), (1, 1), False, (0, 0), 1, (False, True, False))[1],
    }


def out_hw(L):
    """The output map's height and width (no padding)."""
    return (L["H"] - L["R"]) // L["STRIDE"] + 1, (L["W"] - L["S"]) // L["STRIDE"] + 1


def tensors(L, n, rng):
    P, Q = out_hw(L)
    x = torch.from_numpy(rng.standard_normal((n, L["C"], L["H"], L["W"]), dtype=np.float32))
    w = torch.from_numpy(rng.standard_normal((L["K"], L["C"], L["R"], L["S"]), dtype=np.float32) * 0.1)
    b = torch.from_numpy(rng.standard_normal(L["K"], dtype=np.float32))
    dy = torch.from_numpy(rng.standard_normal((n, L["K"], P, Q), dtype=np.float32))
    return x, w, b, dy


def best_ms(fn):
    with torch.no_grad():
        for _ in range(3):
            fn()
        n, t = 1, 0.0
        while t < 0.2:
            n *= 2
            t0 = time.perf_counter()
            for _ in range(n):
                fn()
            t = time.perf_counter() - t0
        best = t / n
        for _ in range(5):
            t0 = time.perf_counter()
            for _ in range(n):
                fn()
            best = min(best, (time.perf_counter() - t0) / n)
    return best * 1000


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--layers", required=True)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--check", default="")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    layers = json.loads(a.layers)
    version = torch.__version__.split("+")[0]
    if a.check:
        for i, L in enumerate(layers):
            P, Q = out_hw(L)

            def load(name, shape):
                return torch.from_numpy(np.fromfile(os.path.join(a.check, f"{name}_{i}.f32"), dtype="<f4").reshape(shape))

            x = load("x", (2, L["C"], L["H"], L["W"]))
            w = load("w", (L["K"], L["C"], L["R"], L["S"]))
            b = load("b", (L["K"],))
            dy = load("dy", (2, L["K"], P, Q))
            with torch.no_grad():
                for name, fn in kernels(L, x, w, b, dy).items():
                    short = {"conv2d_forward": "fwd", "conv2d_backward_input": "dx", "conv2d_backward_weight": "dw"}[name]
                    fn().contiguous().numpy().astype("<f4").tofile(os.path.join(a.check, f"{short}_{i}.f32"))
    rng = np.random.default_rng(0)
    for i, L in enumerate(layers):
        ks = kernels(L, *tensors(L, L["N"], rng))
        print(json.dumps({"layer": i, "ms": {k: best_ms(f) for k, f in ks.items()}, "torch": version, "threads": a.threads}), flush=True)


if __name__ == "__main__":
    main()
