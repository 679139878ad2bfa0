// Our own MonsterKong sprites, drawn from code (PLE's bundled PNGs are not ours to ship), and the board drawing in
// PLE's order (board.py redrawScreen): background (40, 20, 0), ladders, player, coins, walls, fireballs, monsters,
// princess. Sizes: the hit boxes' 15x15 for tiles, coins, the player, and a monster or fireball until it first
// moves (PLE scales those images to 15x15); then fireballs 20x20 (PLE's scale) and monsters 45x45 (the size PLE's
// code names for them; its images are drawn unscaled); the princess 18x25. Each is blitted with its top-left at its
// rect's top-left, so monsters and fireballs hang right and down from their hit boxes, as in PLE.
import { mirror, type RGB, shrink, type Sprite, Surface, sprite } from '../pygame_draw.ts'
import type { Canvas, SampleGrid } from '../sampled.ts'
import type { MonsterKong } from './index.ts'
import { COLS, type Level, ROWS, TILE } from './level.ts'

const W = 500
const H = 465
const BACKGROUND: RGB = [40, 20, 0]
const OUTLINE: RGB = [30, 16, 8]

// brick tile with mortar lines
const WALL = sprite(TILE, TILE, (x, y) => {
  if (y === 0 || y === 7 || (y < 7 ? x === 0 : x === 7)) return [96, 44, 22]
  return (x + 2 * y) % 9 === 0 ? [196, 98, 50] : [176, 82, 40]
})

const LADDER = sprite(TILE, TILE, (x, y) => (x === 1 || x === 2 || x === 12 || x === 13 || ((y === 3 || y === 10) && x > 2 && x < 12) ? [226, 196, 92] : null))

// a coin spinning: its width narrows and widens over the five frames
const COINS = [1, 0.66, 0.25, 0.66, 1].map((k) =>
  sprite(TILE, TILE, (x, y) => {
    const d = ((x - 7) / (6.5 * k + 0.5)) ** 2 + ((y - 7) / 6.5) ** 2
    return d > 1 ? null : d > 0.6 ? [204, 142, 20] : [250, 206, 48]
  }),
)

// the player: red cap, face, blue overalls, legs in three poses (0 standing, 1 and 2 walking)
function person(legs: number): Sprite {
  return sprite(TILE, TILE, (x, y) => {
    if (y <= 2) return x >= 4 && x <= 11 ? [220, 40, 40] : null
    if (y <= 5) return x >= 4 && x <= 10 ? (x === 9 && y === 4 ? OUTLINE : [250, 200, 150]) : null
    if (y <= 10) return x >= 3 && x <= 11 ? (x === 3 || x === 11 ? [250, 200, 150] : [40, 80, 220]) : null
    const l = legs === 0 ? [5, 9] : legs === 1 ? [3, 10] : [6, 8]
    return x === l[0] || x === l[0] + 1 || x === l[1] || x === l[1] + 1 ? [110, 60, 30] : null
  })
}
const PLAYER_RIGHT = { still: person(0), right: person(1), right2: person(2) }
const PLAYER = {
  still: PLAYER_RIGHT.still,
  right: PLAYER_RIGHT.right,
  right2: PLAYER_RIGHT.right2,
  left: mirror(PLAYER_RIGHT.right),
  left2: mirror(PLAYER_RIGHT.right2),
}

// the monster: a 45x45 ape facing right; `pose` 0..3 swings the arms and legs, 4 and 5 raise the arms (throwing)
function ape(pose: number): Sprite {
  const swing = [0, 3, 0, -3, 0, 0][pose]
  const armsUp = pose >= 4
  return sprite(45, 45, (x, y) => {
    const body = ((x - 22) / 14) ** 2 + ((y - 26) / 13) ** 2 <= 1
    const head = ((x - 26) / 9) ** 2 + ((y - 11) / 9) ** 2 <= 1
    const face = ((x - 29) / 6) ** 2 + ((y - 13) / 5) ** 2 <= 1
    const armY = armsUp ? y >= 2 && y <= 20 : y >= 20 + swing && y <= 36 + swing
    const arm = armY && (Math.abs(x - 7) <= 3 || Math.abs(x - 38) <= 3)
    const leg = y >= 36 && y <= 44 && (Math.abs(x - 14 - swing) <= 3 || Math.abs(x - 30 + swing) <= 3)
    if (face) return (x === 31 || x === 27) && y === 11 ? OUTLINE : [214, 164, 112]
    if (head || body || arm || leg) return [122, 70, 30]
    return null
  })
}
const APE = [0, 1, 2, 3, 4, 5].map(ape)
const MONSTER: Record<string, Sprite[]> = {} // frame -> [facing right, facing left]
for (const [i, f] of ['walk0', 'walk1', 'walk2', 'walk3', 'throw0', 'throw1'].entries()) {
  MONSTER[f] = [APE[i], mirror(APE[i])]
}
MONSTER.start = [shrink(APE[0], TILE, TILE), shrink(APE[0], TILE, TILE)]

// a fireball: a flame ball with a tail behind it (to the left when rolling right)
const FIRE_RIGHT = sprite(20, 20, (x, y) => {
  const d = ((x - 12) / 7) ** 2 + ((y - 10) / 7) ** 2
  const tail = x < 8 && Math.abs(y - 10) <= (x * 5) / 8 && (x + y) % 3 !== 0
  return d <= 0.3 ? [255, 240, 120] : d <= 1 ? [250, 140, 30] : tail ? [220, 60, 20] : null
})
const FIREBALL = { start: shrink(FIRE_RIGHT, TILE, TILE), right: FIRE_RIGHT, left: mirror(FIRE_RIGHT) }

// the princess, 18x25: hair, face, a pink dress widening downwards
const PRINCESS = sprite(18, 25, (x, y) => {
  if (y < 3) return x >= 5 && x <= 12 ? [250, 220, 60] : null
  if (y < 8) return x >= 5 && x <= 12 ? (x === 5 || x === 12 ? [250, 220, 60] : [250, 206, 170]) : null
  const half = 3 + Math.floor((y - 8) / 3)
  return Math.abs(x - 8.5) <= half ? [240, 110, 180] : null
})

/** What one step draws, recorded at the point of PLE's step where the board is drawn (before the fireballs move and
 *  coins are taken): the level, its coins (tile top-left and animation frame), and the moving sprites in draw order
 *  (the player, then the fireballs, then the monsters) with their top-left corners. */
export class Frame {
  level: Level | null = null
  coinVersion = 0
  coins = 0
  coinX = new Int32Array(32)
  coinY = new Int32Array(32)
  coinFrame = new Int32Array(32)
  /** sprites[0] is the player's; then the fireballs', then the monsters' */
  sprites: Sprite[] = []
  x: number[] = []
  y: number[] = []
  princessX = 0
  princessY = 0

  record(g: MonsterKong): void {
    const level = g.level
    this.level = level
    this.coinVersion = level.coinVersion
    const n = (this.coins = level.coins.length)
    if (n > this.coinX.length) {
      this.coinX = new Int32Array(2 * n)
      this.coinY = new Int32Array(2 * n)
      this.coinFrame = new Int32Array(2 * n)
    }
    for (let k = 0; k < n; k++) {
      const c = level.coins[k]
      this.coinX[k] = Math.trunc(c.x) - 7
      this.coinY[k] = Math.trunc(c.y) - 7
      this.coinFrame[k] = Math.floor(c.anim / 5)
    }
    const p = g.player.body
    let m = this.add(0, PLAYER[g.player.image], p.left, p.top)
    for (const f of g.fireballs) m = this.add(m, FIREBALL[f.image], f.body.left, f.body.top)
    for (const e of g.enemies) m = this.add(m, MONSTER[e.frame][e.direction], e.body.left, e.body.top)
    this.sprites.length = this.x.length = this.y.length = m
    this.princessX = g.princess.left
    this.princessY = g.princess.top
  }

  private add(m: number, t: Sprite, x: number, y: number): number {
    this.sprites[m] = t
    this.x[m] = x
    this.y[m] = y
    return m + 1
  }
}

function tiles(s: Canvas, grid: Uint8Array, t: Sprite, r0: number, r1: number, c0: number, c1: number): void {
  for (let r = r0; r <= r1; r++) {
    for (let c = c0; c <= c1; c++) if (grid[r * COLS + c]) s.blit(t, c * TILE, r * TILE)
  }
}

/** The background, ladders and walls of a level. */
function board(s: Canvas & { fill(c: RGB): void }, level: Level): void {
  s.fill(BACKGROUND)
  tiles(s, level.wall, WALL, 0, ROWS - 1, 0, COLS - 1)
  tiles(s, level.ladder, LADDER, 0, ROWS - 1, 0, COLS - 1)
}

/** The walls PLE draws over the player (after it): those of the up to 2x2 tiles its rect touches. */
function wallsOver(s: Canvas, level: Level, left: number, top: number): void {
  const c0 = Math.floor(left / TILE),
    r0 = Math.floor(top / TILE)
  tiles(s, level.wall, WALL, Math.max(0, r0), Math.min(ROWS - 1, r0 + 1), Math.max(0, c0), Math.min(COLS - 1, c0 + 1))
}

/** Draws a recorded frame at a SampleGrid's positions, in PLE's order: the board (cached per level in `cache`),
 *  the player, the coins, the walls over the player, the fireballs, the monsters, the princess. */
export function drawSampled(
  f: Frame,
  grid: SampleGrid,
  out: Float32Array,
  offset: number,
  cache: { level: Level | null; grid: SampleGrid | null; board: Float32Array },
): void {
  const level = f.level
  if (level === null) {
    out.fill(0, offset, offset + grid.dw * grid.dh) // nothing drawn yet: black
    return
  }
  if (cache.level !== level || cache.grid !== grid) {
    if (cache.board.length !== grid.dw * grid.dh) cache.board = new Float32Array(grid.dw * grid.dh)
    board(grid.target(cache.board), level)
    cache.level = level
    cache.grid = grid
  }
  grid.target(out, offset).copy(cache.board)
  grid.blit(f.sprites[0], f.x[0], f.y[0])
  for (let k = 0; k < f.coins; k++) grid.blit(COINS[f.coinFrame[k]], f.coinX[k], f.coinY[k])
  wallsOver(grid, level, f.x[0], f.y[0])
  for (let m = 1; m < f.sprites.length; m++) grid.blit(f.sprites[m], f.x[m], f.y[m])
  grid.blit(PRINCESS, f.princessX, f.princessY)
}

/** A screen rectangle a sprite covered: restored from the layer before the next frame is drawn. */
interface Rect {
  x: number
  y: number
  w: number
  h: number
}

// Drawing a recorded Frame onto the full screen is incremental, with the same result as PLE's full redraw: `base`
// holds the background, ladders and walls of the level, `layer` adds the coins and the princess (rebuilt when a coin
// is taken or made; a coin turning to its next frame redraws its tile); each draw restores from `layer` the
// rectangles the moving sprites covered in the last frame drawn and draws them again, re-drawing on top what PLE draws
// after them (coins and walls over the player, the princess over everything). Frames may be skipped (the screen is
// drawn only when it is read): the layer and the restored rectangles do not depend on the frames in between.
export class Renderer {
  private base = new Surface(W, H)
  private layer = new Surface(W, H)
  private readonly out: Surface
  private layerVersion = -1 // the coin set version the layer shows; -1: rebuild it, and redraw the whole screen
  private coinFrames = new Int32Array(0) // the frame the layer shows of each coin
  private dirty: Rect[] = []
  private level: Level | null = null

  constructor(private screen: Uint8Array) {
    this.out = new Surface(W, H, screen)
  }

  newLevel(level: Level): void {
    this.level = level
    board(this.base, level)
    this.layerVersion = -1
  }

  draw(f: Frame): void {
    const level = f.level
    if (level === null) return // nothing drawn yet
    if (level !== this.level) this.newLevel(level)
    const s = this.out
    const [qx, qy, qw, qh] = [f.princessX, f.princessY, PRINCESS.w, PRINCESS.h]
    const overPrincess = (r: Rect) => r.x < qx + qw && r.x + r.w > qx && r.y < qy + qh && r.y + r.h > qy
    if (f.coinVersion !== this.layerVersion) {
      this.layer.rgb.set(this.base.rgb)
      for (let k = 0; k < f.coins; k++) COINS[f.coinFrame[k]].blit(this.layer, f.coinX[k], f.coinY[k])
      PRINCESS.blit(this.layer, qx, qy)
      this.screen.set(this.layer.rgb)
      this.layerVersion = f.coinVersion
      this.coinFrames = f.coinFrame.slice(0, f.coins)
    } else {
      // a coin turned to its next frame: its tile (coins sit one to a tile, on no wall) redrawn in the layer
      for (let k = 0; k < f.coins; k++) {
        if (f.coinFrame[k] === this.coinFrames[k]) continue
        this.coinFrames[k] = f.coinFrame[k]
        const r = { x: f.coinX[k], y: f.coinY[k], w: TILE, h: TILE }
        this.copy(this.base.rgb, this.layer.rgb, r)
        COINS[f.coinFrame[k]].blit(this.layer, r.x, r.y)
        if (overPrincess(r)) PRINCESS.blit(this.layer, qx, qy)
        this.dirty.push(r)
      }
      for (const r of this.dirty) this.copy(this.layer.rgb, this.screen, r)
    }
    this.dirty.length = 0
    const [px, py] = [f.x[0], f.y[0]]
    this.draw1(f.sprites[0], px, py)
    // coins and walls are drawn after the player in PLE: redraw those under it
    for (let k = 0; k < f.coins; k++) {
      if (Math.abs(f.coinX[k] - px) < TILE && Math.abs(f.coinY[k] - py) < TILE) COINS[f.coinFrame[k]].blit(s, f.coinX[k], f.coinY[k])
    }
    wallsOver(s, level, px, py)
    for (let m = 1; m < f.sprites.length; m++) this.draw1(f.sprites[m], f.x[m], f.y[m])
    if (this.dirty.some(overPrincess)) PRINCESS.blit(s, qx, qy)
  }

  private draw1(t: Sprite, x: number, y: number): void {
    t.blit(this.out, x, y)
    this.dirty.push({ x, y, w: t.w, h: t.h })
  }

  /** Copies rectangle r (clipped to the screen) from one W x H RGB buffer to another. */
  private copy(from: Uint8Array, to: Uint8Array, r: Rect): void {
    const x0 = Math.max(0, r.x),
      x1 = Math.min(W, r.x + r.w)
    if (x0 >= x1) return
    for (let y = Math.max(0, r.y), y1 = Math.min(H, r.y + r.h); y < y1; y++) {
      to.set(from.subarray((y * W + x0) * 3, (y * W + x1) * 3), (y * W + x0) * 3)
    }
  }
}
