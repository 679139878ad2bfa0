// PixelCopter: PLE's `Pixelcopter(width=48, height=48)` (ple/games/pixelcopter.py), bit-exact, without pygame.
// Rules, numbers and citations: docs/games.md §3. Every float operation keeps PLE's order of evaluation
// (IEEE doubles in both languages), and every RNG draw keeps numpy's order, so a replay matches the real game.
//
// Geometry (pygame rects, centre set by truncating the float position toward zero):
//   copter  2x2 at columns 15..16, rows trunc(y)-1 .. trunc(y)
//   block   4x9 at columns trunc(x)-2 .. trunc(x)+1, rows y-4 .. y+4
//   terrain 4x72 at columns trunc(x)-2 .. trunc(x)+1, rows ty-36 .. ty+35; green ceiling rows ..ty-13, floor ty+14..
// Rendering is incremental: each screen column is summarised by a 30-bit key (ceiling end, floor start, block rows,
// copter rows) and only columns whose key changed are redrawn. The keys describe what is in `screen`, which
// survives resets (PLE draws nothing at reset: the stale reset observation of docs/games.md §1).
import type { Game } from './game.ts'
import type { RandomState } from './random_state.ts'

const W = 48
const H = 48
const DT = 1000 / 30 // PLE force_fps: dt = 1000/fps ms every step
const SPEED = 0.0004 * W
const SCROLL = SPEED * DT // block and terrain `pos.x -= speed * dt`
const CLIMB_DT = SPEED * -0.875 * DT // (climb_speed) * dt
const FALL_DT = SPEED * 0.09 * DT // (fall_speed) * dt
const PLAYER_X = Math.trunc(W * 0.35) // 16
const PLAYER_H = H * 0.05 // 2.4000000000000004: the float height used by the ceiling test
const COPTER_LEFT = PLAYER_X - 1 // 2x2 sprite: Surface((2.4, 2.4)) truncates to 2 px
const BLOCK_W = Math.trunc(W * 0.1) // 4
const BLOCK_HALF = Math.trunc(Math.trunc(H * 0.2) / 2) // 9 px tall: rows y-4 .. y+4
const TERRAIN_W = Math.trunc(W * 0.1) // 4
const TERRAIN_HALF = Math.trunc(H * 1.5) / 2 // 36: the 72-px sprite spans ty-36 .. ty+35
const CEIL_END = Math.trunc(H * 0.5) - 1 - TERRAIN_HALF // -13: last ceiling row relative to ty
const FLOOR_START = Math.trunc(H * 1.05) - TERRAIN_HALF // +14: first floor row relative to ty
const QUARTER = H * 0.25 // 12: collision margin of the gap
const GREEN = [120, 240, 80]
const CAP = 128 // terrain columns alive at once: at most 13 + 48

export class PixelCopter implements Game {
  static readonly width = W
  static readonly height = H
  static readonly actions = ['up'] as const

  readonly screen = new Uint8Array(W * H * 3)
  score = 0
  lives = 1
  playerY = H / 2
  momentum = 0
  /** Blocks in pygame group order: centre x (float) and y (int). */
  readonly blockX = new Float64Array(8)
  readonly blockY = new Int32Array(8)
  nBlocks = 0
  /** Terrain columns alive are [head, tail), sorted by x (each batch is ascending and starts right of the last). */
  readonly terrainX = new Float64Array(CAP)
  readonly terrainY = new Int32Array(CAP)
  head = 0
  tail = 0
  private keys = new Int32Array(W)
  private drawn = new Int32Array(W).fill(-1) // key of what each screen column currently shows (-1: unknown)
  private ceil = new Int8Array(W)
  private floor = new Int8Array(W)

  constructor(public rng: RandomState) {}

  get terrainCount(): number {
    return this.tail - this.head
  }

  init(): void {
    this.score = 0
    this.lives = 1
    this.playerY = H / 2
    this.momentum = 0
    this.nBlocks = 0
    this.head = this.tail = 0
    this.addBlock()
    this.addTerrain(0, W * 4)
  }

  isGameOver(): boolean {
    return this.lives <= 0
  }

  step(action: number): void {
    // player (climbing iff the up key was posted this step), then every sprite moves
    this.momentum += action === 0 ? CLIMB_DT : FALL_DT
    this.momentum *= 0.99
    const y = (this.playerY += this.momentum)
    const pTop = Math.trunc(y) - 1
    const pBottom = pTop + 2
    const bx = this.blockX,
      by = this.blockY,
      tx = this.terrainX,
      ty = this.terrainY
    for (let i = 0; i < this.nBlocks; i++) {
      const x = (bx[i] -= SCROLL)
      const left = Math.trunc(x) - 2
      const overlapsX = left < COPTER_LEFT + 2 && left + BLOCK_W > COPTER_LEFT
      if (overlapsX && by[i] - BLOCK_HALF < pBottom && by[i] + BLOCK_HALF + 1 > pTop) {
        this.lives -= 1
      }
    }
    for (let i = this.head; i < this.tail; i++) {
      const x = (tx[i] -= SCROLL)
      const left = Math.trunc(x) - 2
      const t = ty[i]
      const overlapsX = left < COPTER_LEFT + 2 && left + TERRAIN_W > COPTER_LEFT
      if (overlapsX && t - TERRAIN_HALF < pBottom && t + TERRAIN_HALF > pTop) {
        if (y - PLAYER_H <= t - QUARTER) this.lives -= 1 // ceiling
        if (y >= t + QUARTER) this.lives -= 1 // floor
      }
    }
    // blocks: +1 and a new block when the only block passes the copter; removal off the left edge.
    // pygame iterates over a copy: the new block is not examined, and len(group) is the live count.
    const n0 = this.nBlocks
    let alive = n0
    let killed = 0
    for (let i = 0; i < n0; i++) {
      const x = bx[i]
      if (x <= PLAYER_X && alive === 1) {
        this.score += 1
        this.addBlock()
        alive++
      }
      if (x <= -BLOCK_W) {
        bx[i] = NaN // marked dead, compacted below
        alive--
        killed++
      }
    }
    if (killed > 0) this.compactBlocks()
    // terrain: every column off the left edge pays +1 (they leave from the front: the columns are sorted by x)
    while (this.head < this.tail && tx[this.head] <= -TERRAIN_W) {
      this.score += 1
      this.head++
    }
    if (y < H * 0.125) this.lives -= 1
    if (y > H * 0.875) this.lives -= 1
    if (this.tail - this.head <= 10 + 3) {
      tx.copyWithin(0, this.head, this.tail)
      ty.copyWithin(0, this.head, this.tail)
      this.tail -= this.head
      this.head = 0
      this.addTerrain(W, W * 5)
    }
    if (this.lives <= 0) this.score += -5
    this.render()
  }

  state(): Record<string, number> {
    const pTop = Math.trunc(this.playerY) - 1
    let t = NaN
    for (let i = this.head; i < this.tail; i++) {
      const left = Math.trunc(this.terrainX[i]) - 2
      const top = this.terrainY[i] - TERRAIN_HALF
      if (left < COPTER_LEFT + 2 && left + TERRAIN_W > COPTER_LEFT && top < pTop + 2 && top + 2 * TERRAIN_HALF > pTop) {
        t = this.terrainY[i]
        break
      }
    }
    let dist = 999
    let top = NaN
    for (let i = 0; i < this.nBlocks; i++) {
      const d = this.blockX[i] - PLAYER_X
      if (d > 0 && d < dist) {
        dist = d
        top = this.blockY[i]
      }
    }
    return {
      player_y: this.playerY,
      player_vel: this.momentum,
      player_dist_to_ceil: this.playerY - (t - H * 0.25),
      player_dist_to_floor: t + H * 0.25 - this.playerY,
      next_gate_dist_to_player: dist,
      next_gate_block_top: top,
      next_gate_block_bottom: top + 2 * BLOCK_HALF + 1,
    }
  }

  // _add_blocks: x = randint(W, 1.5W), y = randint(0.25H, 0.75H), in that order.
  private addBlock(): void {
    const x = this.rng.randint(W, Math.trunc(W * 1.5))
    const y = this.rng.randint(Math.trunc(H * 0.25), Math.trunc(H * 0.75))
    this.blockX[this.nBlocks] = x
    this.blockY[this.nBlocks] = y
    this.nBlocks++
  }

  private compactBlocks(): void {
    let j = 0
    for (let i = 0; i < this.nBlocks; i++) {
      if (Number.isNaN(this.blockX[i])) continue
      this.blockX[j] = this.blockX[i]
      this.blockY[j] = this.blockY[i]
      j++
    }
    this.nBlocks = j
  }

  // _add_terrain(start, end): columns centred at start+2, start+6, ... < end+2; one frequency draw, then one phase
  // draw per column: ty = int(H/2 + 0.125H * sin(freq * x + phase)).
  private addTerrain(start: number, end: number): void {
    const half = Math.trunc(TERRAIN_W / 2)
    const freq = 4.5 / W + this.rng.uniform(-0.01, 0.01)
    for (let x = start + half; x < end + half; x += TERRAIN_W) {
      const jitter = H * 0.125 * Math.sin(freq * x + this.rng.uniform(0.0, 0.5))
      this.terrainX[this.tail] = x
      this.terrainY[this.tail] = Math.trunc(H / 2.0 + jitter)
      this.tail++
    }
  }

  // Draw order is copter, blocks, terrain, all with colour key black, so a pixel is green if any block or terrain
  // covers it, else white if the copter does, else black.
  private render(): void {
    const { keys, drawn, ceil, floor } = this
    ceil.fill(-1)
    floor.fill(H)
    for (let i = this.head; i < this.tail; i++) {
      const left = Math.trunc(this.terrainX[i]) - 2
      if (left >= W) break // sorted by x: the rest are off screen too
      if (left + TERRAIN_W <= 0) continue
      const ce = this.terrainY[i] + CEIL_END
      const fs = this.terrainY[i] + FLOOR_START
      for (let c = Math.max(0, left); c < Math.min(W, left + TERRAIN_W); c++) {
        if (ce > ceil[c]) ceil[c] = ce // overlapping columns (the regeneration seam) draw their union
        if (fs < floor[c]) floor[c] = fs
      }
    }
    // key bits: [0,6) ceiling end + 1, [6,12) floor start, [12,18) block top + 1, [18,24) block bottom + 1,
    // [24,30) copter top + 2 (0: no copter). Blocks are >= 32 px apart, so a column holds at most one.
    for (let c = 0; c < W; c++) keys[c] = (ceil[c] + 1) | (floor[c] << 6)
    for (let i = 0; i < this.nBlocks; i++) {
      const left = Math.trunc(this.blockX[i]) - 2
      if (left >= W || left + BLOCK_W <= 0) continue
      const top = Math.max(0, this.blockY[i] - BLOCK_HALF)
      const bottom = Math.min(H - 1, this.blockY[i] + BLOCK_HALF)
      const bits = ((top + 1) << 12) | ((bottom + 1) << 18)
      for (let c = Math.max(0, left); c < Math.min(W, left + BLOCK_W); c++) keys[c] |= bits
    }
    const cTop = Math.trunc(this.playerY) - 1
    if (cTop >= -1 && cTop < H) {
      keys[COPTER_LEFT] |= (cTop + 2) << 24
      keys[COPTER_LEFT + 1] |= (cTop + 2) << 24
    }
    for (let c = 0; c < W; c++) {
      if (keys[c] !== drawn[c]) {
        this.drawColumn(c, keys[c])
        drawn[c] = keys[c]
      }
    }
  }

  private drawColumn(c: number, key: number): void {
    const s = this.screen
    const ce = (key & 63) - 1
    const fs = (key >> 6) & 63
    const bt = ((key >> 12) & 63) - 1
    const bb = ((key >> 18) & 63) - 1
    const ct = ((key >> 24) & 63) - 2
    const [gr, gg, gb] = GREEN
    for (let r = 0, o = c * 3; r < H; r++, o += W * 3) {
      if (r <= ce || r >= fs || (r >= bt && r <= bb)) {
        s[o] = gr
        s[o + 1] = gg
        s[o + 2] = gb
      } else {
        const v = r >= ct && r <= ct + 1 ? 255 : 0
        s[o] = s[o + 1] = s[o + 2] = v
      }
    }
  }
}
