// RaycastMaze: PLE's `RaycastMaze()` (ple/games/raycastmaze.py, ple/games/raycast.py), bit-exact, without pygame.
// Rules, numbers and citations: docs/games.md, RaycastMaze. PLE keeps the player's pos, dir and plane in numpy
// float32 arrays and mixes them with Python scalars under numpy 1.24's promotion rules; each operation below says
// which precision numpy used (f32: Math.fround after every operation; f64: plain doubles), so every value rounds
// as it did there.
//   array(f32) op python float   -> f32 (the scalar is cast to float32 first)
//   np.float32 scalar op python scalar -> float64 (numpy < 2: scalar-scalar promotion), stored back into f32
//   int64 array op f32 array     -> float64
// numpy >= 1.24 removed np.int / np.bool, which the game uses (raycastmaze.py:190, raycast.py:212): PLE itself
// breaks there. We follow numpy 1.23's meaning, np.int = int and np.bool = bool (the trace was measured so).
import type { Game } from './game.ts'
import type { RandomState } from './random_state.ts'

const W = 48
const H = 48
const MAP_SIZE = 10
const DIM = Math.floor(MAP_SIZE / 2) * 2 + 1 // 11: the maze is DIM x DIM cells
const COMPLEXITY = Math.trunc(0.75 * (5 * (DIM + DIM))) // 82 random-walk steps per isle
const DENSITY = Math.trunc(0.75 * Math.floor((Math.floor(DIM / 2) * DIM) / 2)) // 20 isles: `dim//2*dim//2` is (5*11)//2
const DISTANCE_TO_TARGET = Math.max(1, MAP_SIZE * MAP_SIZE) // init_pos_distance_to_target default
const DT = 1000 / 30 / 1000 // _handle_player_events: dt / 1000.0, in seconds
const MOVE = 20 // move_speed, cells per second
const TURN = 13 // turn_speed, radians per second
const EPS = 1e-7
const EPS32 = Math.fround(EPS)
const F = Math.fround
// f32 pieces of `pos + dir * move_speed * dt` (the target-cell test of a move): dt cast to float32
const DT32 = F(DT)
// turns: np.cos / np.sin of a Python float (float64)
const COS_R = Math.cos(TURN * DT)
const SIN_R = Math.sin(TURN * DT)
const COS_L = Math.cos(-TURN * DT)
const SIN_L = Math.sin(-TURN * DT)
const GREY = 92
const PLANE_Y = F(0.66)
// 2.0 * cameraX / float(width) - 1.0 in float32, one per screen column
const CAMERA_X = Float32Array.from({ length: W }, (_, i) => F(F(F(2 * i) / W) - 1))

export class RaycastMaze implements Game {
  static readonly width = W
  static readonly height = H
  static readonly actions = ['forward', 'left', 'right', 'backward'] as const

  readonly screen = new Uint8Array(W * H * 3)
  score = 0
  gameOver = false
  /** pos, dir, plane: float32 values (numpy's), [0] indexes the map's rows, [1] its columns. */
  readonly pos = new Float32Array(2)
  readonly dir = new Float32Array(2)
  readonly plane = new Float32Array(2)
  /** The maze, row-major DIM x DIM: 0 free, 1 wall, 2 the target. */
  readonly map = new Uint8Array(DIM * DIM)
  /** Map cell (row, column) of the target. */
  readonly objLoc = new Int32Array(2)
  private drawn = '' // the state the screen shows ('' = unknown), so unchanged steps skip the raycast

  constructor(public rng: RandomState) {}

  init(): void {
    this.score = 0
    this.gameOver = false
    this.pos.set([1, 1])
    this.dir.set([1, 0])
    this.plane.set([0, PLANE_Y])
    this.makeMaze()
    const walls = this.reachableWalls()
    // available positions: walls next to the reachable cells, row-major; one randint picks the target
    const available: number[] = []
    for (let y = 0; y <= MAP_SIZE; y++) {
      for (let x = 0; x <= MAP_SIZE; x++) {
        const d = walls.get(y * DIM + x)
        if (this.map[y * DIM + x] === 1 && d !== undefined && d <= DISTANCE_TO_TARGET) available.push(y * DIM + x)
      }
    }
    const cell = available[this.rng.randint(0, available.length)]
    this.objLoc[0] = Math.trunc(cell / DIM)
    this.objLoc[1] = cell % DIM
    this.map[cell] = 2
    if (this.angleToObject() < 1.5) {
      // turn away from the target at the start
      this.dir[0] *= -1
      this.dir[1] *= -1
      this.plane[0] *= -1
      this.plane[1] *= -1
    }
    this.drawn = ''
  }

  isGameOver(): boolean {
    return this.gameOver
  }

  step(action: number): void {
    if (!this.gameOver) {
      this.score += 0 // tick
      if (action >= 0) this.handleKey(action)
      const key = `${this.pos[0]},${this.pos[1]},${this.dir[0]},${this.dir[1]},${this.plane[0]},${this.plane[1]}`
      if (key !== this.drawn) {
        this.render()
        this.drawn = key
      }
      const dy = this.pos[0] - (this.objLoc[0] + 0.5)
      const dx = this.pos[1] - (this.objLoc[1] + 0.5)
      if (Math.sqrt(dy * dy + dx * dx) < 1.1 && this.angleToObject() < 0.8) {
        this.score += 5 // win
        this.gameOver = true
      }
    } else {
      this.screen.fill(0) // PLE still clears the screen and draws the floor, nothing else
      for (let o = (H / 2) * W * 3; o < this.screen.length; o++) this.screen[o] = GREY
      this.drawn = ''
    }
  }

  /** PLE's getGameState() is None for this game; these are the fields the trace records. */
  state(): Record<string, number> {
    return {
      pos_0: this.pos[0],
      pos_1: this.pos[1],
      dir_0: this.dir[0],
      dir_1: this.dir[1],
      plane_0: this.plane[0],
      plane_1: this.plane[1],
      obj_loc_0: this.objLoc[0],
      obj_loc_1: this.objLoc[1],
    }
  }

  // _make_maze: borders, then DENSITY isles, each a random walk of COMPLEXITY steps over even cells.
  private makeMaze(): void {
    const Z = this.map
    const rng = this.rng
    Z.fill(0)
    for (let i = 0; i < DIM; i++) Z[i] = Z[(DIM - 1) * DIM + i] = Z[i * DIM] = Z[i * DIM + DIM - 1] = 1
    const ny = new Int32Array(4)
    const nx = new Int32Array(4)
    const half = Math.floor(DIM / 2)
    for (let i = 0; i < DENSITY; i++) {
      let x = rng.randint(0, half + 1) * 2 // random_integers(0, shape[1] // 2): x first, then y
      let y = rng.randint(0, half + 1) * 2
      Z[y * DIM + x] = 1
      for (let j = 0; j < COMPLEXITY; j++) {
        let n = 0
        if (x > 1) (ny[n] = y), (nx[n++] = x - 2)
        if (x < DIM - 2) (ny[n] = y), (nx[n++] = x + 2)
        if (y > 1) (ny[n] = y - 2), (nx[n++] = x)
        if (y < DIM - 2) (ny[n] = y + 2), (nx[n++] = x)
        const k = rng.randint(0, n) // random_integers(0, len(neighbours) - 1)
        const y2 = ny[k]
        const x2 = nx[k]
        if (Z[y2 * DIM + x2] === 0) {
          Z[y2 * DIM + x2] = 1
          Z[(y2 + Math.floor((y - y2) / 2)) * DIM + x2 + Math.floor((x - x2) / 2)] = 1
          x = x2
          y = y2
        }
      }
    }
  }

  // init()'s flood from the start cell with getFiltredPositions, quirks kept: a free neighbour already listed is
  // marked checked when seen again, even if it was never expanded, so some free cells are never expanded and walls
  // only next to them are not candidates. Returns wall cell -> distance (the first distance it was listed with).
  private reachableWalls(): Map<number, number> {
    const Z = this.map
    interface Cell {
      pos: number
      dist: number
      checked: boolean
    }
    const start: Cell = { pos: Math.trunc(this.pos[0]) * DIM + Math.trunc(this.pos[1]), dist: 0, checked: false }
    const cells: Cell[] = [start]
    const index = new Map<number, Cell>([[start.pos, start]])
    const walls = new Map<number, number>()
    const OFFSETS = [0, -DIM, DIM, -1, 1] // (0,0), (-1,0), (1,0), (0,-1), (0,1) as (row, column)
    let check: Cell[] = [start]
    while (check.length > 0) {
      for (const c of check) {
        if (Z[c.pos] !== 0) continue
        for (const off of OFFSETS) {
          const p = c.pos + off
          const dist = c.dist + (off === 0 ? 0 : 1)
          if (Z[p] === 0) {
            const seen = index.get(p)
            if (seen === undefined) {
              const cell = { pos: p, dist, checked: off === 0 }
              cells.push(cell)
              index.set(p, cell)
            } else {
              seen.checked = true
            }
          } else if (!walls.has(p)) {
            walls.set(p, dist)
          }
        }
      }
      check = cells.filter((c) => !c.checked)
    }
    return walls
  }

  // angle_to_obj_rad: arccos of the dot product of the unit vector to the target's centre (float64) and the unit
  // view direction (normalised in place in a float32 copy of dir).
  private angleToObject(): number {
    let ty = this.objLoc[0] + 0.5 - this.pos[0]
    let tx = this.objLoc[1] + 0.5 - this.pos[1]
    const tn = Math.sqrt(ty * ty + tx * tx)
    ty /= tn
    tx /= tn
    const d0 = this.dir[0]
    const d1 = this.dir[1]
    const dn = Math.sqrt(d0 * d0 + d1 * d1)
    return Math.acos(ty * F(d0 / dn) + tx * F(d1 / dn))
  }

  // _handle_player_events for one KEYDOWN. A move goes ahead only if the cell `trunc(pos +- dir * 20 * dt)`
  // (computed in float32) is free and inside the map; the move itself is computed per coordinate in float64
  // (np.float32 scalar times Python scalars) and stored as float32.
  private handleKey(action: number): void {
    const pos = this.pos
    const dir = this.dir
    if (action === 0 || action === 3) {
      const sign = action === 0 ? 1 : -1
      const nx = Math.trunc(F(pos[0] + sign * F(F(dir[0] * MOVE) * DT32)))
      const ny = Math.trunc(F(pos[1] + sign * F(F(dir[1] * MOVE) * DT32)))
      // numpy wraps negative indices (the border walls keep them from arising)
      const row = nx < 0 ? nx + DIM : nx
      const col = ny < 0 ? ny + DIM : ny
      if (nx < DIM && ny < DIM && this.map[row * DIM + col] === 0) {
        pos[0] = pos[0] + sign * (dir[0] * MOVE * DT)
        pos[1] = pos[1] + sign * (dir[1] * MOVE * DT)
      }
    } else {
      const c = action === 2 ? COS_R : COS_L
      const s = action === 2 ? SIN_R : SIN_L
      const [d0, d1] = dir
      dir[0] = d0 * c - d1 * s
      dir[1] = d0 * s + d1 * c
      const [p0, p1] = this.plane
      this.plane[0] = p0 * c - p1 * s
      this.plane[1] = p0 * s + p1 * c
    }
  }

  // draw() and the step's drawing: black ceiling rows 0..23, grey floor rows 24..47, then per column one vertical
  // line (pygame.draw.line, both ends inclusive) of the wall colour from the DDA raycast.
  private render(): void {
    const s = this.screen
    s.fill(0, 0, (H / 2) * W * 3)
    s.fill(GREY, (H / 2) * W * 3)
    const px = this.pos[0],
      py = this.pos[1]
    const mx0 = Math.trunc(px),
      my0 = Math.trunc(py)
    const Z = this.map
    for (let col = 0; col < W; col++) {
      const cam = CAMERA_X[col]
      const rdx = F(this.dir[0] + F(this.plane[0] * cam))
      const rdy = F(this.dir[1] + F(this.plane[1] * cam))
      const powX = F(F(rdx * rdx) + EPS32)
      const powY = F(F(rdy * rdy) + EPS32)
      const div = F(powX / powY)
      const ddx = F(Math.sqrt(F(1 + F(1 / div))))
      const ddy = F(Math.sqrt(F(1 + div)))
      const sx = rdx < 0 ? -1 : 1
      const sy = rdy < 0 ? -1 : 1
      let mx = mx0,
        my = my0
      let sdx = rdx < 0 ? (px - mx) * ddx : (mx + 1.0 - px) * ddx
      let sdy = rdy < 0 ? (py - my) * ddy : (my + 1.0 - py) * ddy
      let side: number
      for (;;) {
        if (sdx < sdy) {
          sdx += ddx
          mx += sx
          side = 0
        } else {
          sdy += ddy
          my += sy
          side = 1
        }
        if (Z[mx * DIM + my] > 0) break
      }
      const perp = side === 0 ? (mx - px + (1.0 - sx) / 2.0) / F(rdx + EPS32) : (my - py + (1.0 - sy) / 2.0) / F(rdy + EPS32)
      const lineHeight = Math.trunc(H / (perp + EPS))
      let top = -lineHeight / 2.0 + H / 2.0
      if (top < 0) top = 0.0
      let bottom = lineHeight / 2.0 + H / 2.0
      if (bottom >= H) bottom = H - 1
      const shading = Math.abs(perp * 15) * 1.5
      const target = Z[mx * DIM + my] === 2
      let r = Math.min(255, Math.max(0, 255 - shading))
      let g = Math.min(255, Math.max(0, (target ? 100 : 255) - shading))
      if (side === 1) {
        r *= 0.65
        g *= 0.65
      }
      const R = Math.trunc(r),
        G = Math.trunc(g)
      const t = Math.trunc(top),
        b = Math.trunc(bottom)
      const y0 = Math.max(0, Math.min(t, b)),
        y1 = Math.min(H - 1, Math.max(t, b))
      for (let y = y0, o = (y0 * W + col) * 3; y <= y1; y++, o += W * 3) {
        s[o] = R
        s[o + 1] = s[o + 2] = G
      }
    }
  }
}
