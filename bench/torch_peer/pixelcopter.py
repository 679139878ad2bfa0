"""PixelCopter-v0 for the PyTorch peer: env/pixelcopter.ts (our exact port of PLE's Pixelcopter(48, 48)) ported
once more, minimally, so that the peer's episodes last as long as ours and so its work per iteration is ours.

The state dynamics keep the TypeScript's order of float operations and the RNG draws keep numpy's (PLE's game RNG
is numpy's legacy RandomState, which numpy gives us directly), so an episode from a seed and actions is the same
game as ours. The frame is drawn whole with numpy each step, straight to grayscale (0.299 R + 0.587 G + 0.114 B
of PLE's colours): cheap, and outside the peer's timed learner work anyway (bench/torch_peer/rl_loop.py).
gym_ple's shape: reset(seed) -> RandomState(seed), init(); step(a) -> reward = score change, terminated = game
over, truncated at gym's 10000-step TimeLimit. Actions: 0 = up, 1 = noop. The first frame of an episode is the
trainer's business (blank), not the game's.
"""

import math

import numpy as np

W = 48
H = 48
DT = 1000 / 30
SPEED = 0.0004 * W
SCROLL = SPEED * DT
CLIMB_DT = SPEED * -0.875 * DT
FALL_DT = SPEED * 0.09 * DT
PLAYER_X = math.trunc(W * 0.35)  # 16
PLAYER_H = H * 0.05
COPTER_LEFT = PLAYER_X - 1
BLOCK_W = math.trunc(W * 0.1)  # 4
BLOCK_HALF = math.trunc(math.trunc(H * 0.2) / 2)  # 4: 9 px tall
TERRAIN_W = math.trunc(W * 0.1)  # 4
TERRAIN_HALF = math.trunc(H * 1.5) / 2  # 36
CEIL_END = math.trunc(H * 0.5) - 1 - TERRAIN_HALF  # -13
FLOOR_START = math.trunc(H * 1.05) - TERRAIN_HALF  # +14
QUARTER = H * 0.25
GREEN_GRAY = np.float32(0.299 * 120 + 0.587 * 240 + 0.114 * 80)
WHITE_GRAY = np.float32(0.299 * 255 + 0.587 * 255 + 0.114 * 255)
MAX_EPISODE_STEPS = 10000
NUM_ACTIONS = 2
_ROWS = np.arange(H)[:, None]


class PixelCopter:
    """One game; reset(seed) starts an episode, step(action) returns (reward, terminated, truncated)."""

    def __init__(self):
        self.frame = np.zeros((H, W), np.float32)

    def reset(self, seed):
        self.rng = np.random.RandomState(seed)
        self.score = 0.0
        self.lives = 1
        self.player_y = H / 2
        self.momentum = 0.0
        self.block_x, self.block_y = [], []
        self.terrain_x, self.terrain_y = [], []
        self.elapsed = 0
        self._add_block()
        self._add_terrain(0, W * 4)

    def step(self, action):
        if self.lives <= 0:  # PLE does nothing once the game is over
            self.elapsed += 1
            return 0.0, True, self.elapsed >= MAX_EPISODE_STEPS
        before = self.score
        self._update(action == 0)
        self.elapsed += 1
        return self.score - before, self.lives <= 0, self.elapsed >= MAX_EPISODE_STEPS

    def _update(self, climb):
        self.momentum += CLIMB_DT if climb else FALL_DT
        self.momentum *= 0.99
        self.player_y += self.momentum
        y = self.player_y
        p_top = math.trunc(y) - 1
        p_bottom = p_top + 2
        bx, by = self.block_x, self.block_y
        for i in range(len(bx)):
            bx[i] -= SCROLL
            left = math.trunc(bx[i]) - 2
            if left < COPTER_LEFT + 2 and left + BLOCK_W > COPTER_LEFT and by[i] - BLOCK_HALF < p_bottom and by[i] + BLOCK_HALF + 1 > p_top:
                self.lives -= 1
        tx, ty = self.terrain_x, self.terrain_y
        for i in range(len(tx)):
            tx[i] -= SCROLL
            left = math.trunc(tx[i]) - 2
            t = ty[i]
            if left < COPTER_LEFT + 2 and left + TERRAIN_W > COPTER_LEFT and t - TERRAIN_HALF < p_bottom and t + TERRAIN_HALF > p_top:
                if y - PLAYER_H <= t - QUARTER:
                    self.lives -= 1
                if y >= t + QUARTER:
                    self.lives -= 1
        # blocks: +1 and a new block when the only live block passes the copter (pygame iterates over a copy)
        n0, alive, dead = len(bx), len(bx), []
        for i in range(n0):
            if bx[i] <= PLAYER_X and alive == 1:
                self.score += 1
                self._add_block()
                alive += 1
            if bx[i] <= -BLOCK_W:
                dead.append(i)
                alive -= 1
        for i in reversed(dead):
            del bx[i], by[i]
        while tx and tx[0] <= -TERRAIN_W:  # columns leave from the front (sorted by x), each pays +1
            self.score += 1
            del tx[0], ty[0]
        if y < H * 0.125:
            self.lives -= 1
        if y > H * 0.875:
            self.lives -= 1
        if len(tx) <= 10 + 3:
            self._add_terrain(W, W * 5)
        if self.lives <= 0:
            self.score += -5
        self._render()

    def _add_block(self):
        x = self.rng.randint(W, math.trunc(W * 1.5))
        y = self.rng.randint(math.trunc(H * 0.25), math.trunc(H * 0.75))
        self.block_x.append(float(x))
        self.block_y.append(int(y))

    def _add_terrain(self, start, end):
        half = math.trunc(TERRAIN_W / 2)
        freq = 4.5 / W + self.rng.uniform(-0.01, 0.01)
        for x in range(start + half, end + half, TERRAIN_W):
            jitter = H * 0.125 * math.sin(freq * x + self.rng.uniform(0.0, 0.5))
            self.terrain_x.append(float(x))
            self.terrain_y.append(math.trunc(H / 2.0 + jitter))

    def _render(self):
        """Green where terrain or a block covers a pixel, else white on the copter, else black (PLE's draw order)."""
        ceil = np.full(W, -1)
        floor = np.full(W, H)
        green = np.zeros((H, W), bool)
        for x, t in zip(self.terrain_x, self.terrain_y):
            left = math.trunc(x) - 2
            if left >= W:
                break
            if left + TERRAIN_W <= 0:
                continue
            cols = slice(max(0, left), min(W, left + TERRAIN_W))
            ceil[cols] = np.maximum(ceil[cols], t + CEIL_END)
            floor[cols] = np.minimum(floor[cols], t + FLOOR_START)
        green |= (_ROWS <= ceil[None, :]) | (_ROWS >= floor[None, :])
        for x, y in zip(self.block_x, self.block_y):
            left = math.trunc(x) - 2
            if left < W and left + BLOCK_W > 0:
                green[max(0, y - BLOCK_HALF) : y + BLOCK_HALF + 1, max(0, left) : min(W, left + BLOCK_W)] = True
        f = self.frame
        f.fill(0)
        top = math.trunc(self.player_y) - 1
        if -1 <= top < H:
            f[max(0, top) : top + 2, COPTER_LEFT : COPTER_LEFT + 2] = WHITE_GRAY
        f[green] = GREEN_GRAY


def nearest_index(in_size, out_size):
    """Pillow's NEAREST source positions (env/preprocess.ts nearestIndex): an accumulated position, truncated."""
    idx = np.zeros(out_size, np.int64)
    s = in_size / out_size
    xo = s * 0.5
    for x in range(out_size):
        idx[x] = min(in_size - 1, math.trunc(xo))
        xo += s
    return idx


def trace(episodes):
    """Play [{seed, actions}] until each episode ends: per episode its rewards and each frame after a step as a
    string of pixel classes ('0' black, '1' green, '2' white): what test/bench/torch_peer.test.ts compares to ours."""
    game, out = PixelCopter(), []
    codes = {0.0: "0", float(GREEN_GRAY): "1", float(WHITE_GRAY): "2"}
    for ep in episodes:
        game.reset(ep["seed"])
        rewards, frames = [], []
        for act in ep["actions"]:
            r, terminated, truncated = game.step(act)
            rewards.append(r)
            frames.append("".join(codes[float(v)] for v in game.frame.ravel()))
            if terminated or truncated:
                break
        out.append({"rewards": rewards, "frames": frames})
    return out


if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(trace(json.load(sys.stdin))))
