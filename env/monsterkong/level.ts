// MonsterKong's level (ple/games/monsterkong/board.py): the tile map, its random ladders and coins, and the
// collision queries against the wall and ladder sprites it is turned into. docs/games.md, MonsterKong.
//
// The map is 32 rows x 33 columns of 15-px tiles (board.py makeMap: int(475 / 15 + 1) x int(500 / 15)); values
// 0 empty, 1 wall, 2 ladder, 3 coin. Walls and ladders become sprites once (populateMap), in row-major order, with
// rect (15 col, 15 row, 15, 15); pygame's spritecollide lists the ones a rect overlaps in that order, which the
// game relies on (the first wall hit decides a landing), so the queries below walk cells row-major too.
import type { RandomState } from '../random_state.ts'

export const TILE = 15
export const ROWS = 32
export const COLS = 33
const HEIGHT = 465 + 10 // Board's __height
const WIDTH = 500

export interface Coin {
  /** Centre (col * 15 + 7.5, row * 15 + 7.5); its rect is the tile. */
  x: number
  y: number
  /** Animation state 0..24 (Coin.animateCoin), for drawing only. */
  anim: number
}

export class Level {
  readonly map = new Uint8Array(ROWS * COLS)
  /** Wall / ladder sprites by tile (populateMap's snapshot of the map; coins never change them). */
  readonly wall = new Uint8Array(ROWS * COLS)
  readonly ladder = new Uint8Array(ROWS * COLS)
  coins: Coin[] = []
  /** Bumped whenever coins are taken or made (for the renderer). */
  coinVersion = 0

  constructor(private rng: RandomState) {}

  /** Board.initializeGame: walls, princess chamber, random ladders, holes, random coins, then the sprites. */
  generate(): void {
    const m = this.map
    m.fill(0)
    for (let i = 0; i < Math.trunc(HEIGHT / TILE); i++) m[i * COLS] = m[i * COLS + Math.trunc(WIDTH / TILE - 1)] = 1
    for (let i = 2; i < Math.trunc(HEIGHT / (TILE * 4)); i++) m.fill(1, i * 5 * COLS, i * 5 * COLS + COLS)
    // princess chamber: a wall column and floor, and its ladder (rows 4..9, columns 7 and 8)
    for (let j = 0; j < 4; j++) m[j * COLS + 9] = 1
    for (let j = 0; j < 10; j++) m[4 * COLS + j] = 1
    for (let j = 0; j < 6; j++) m[(4 + j) * COLS + 7] = m[(4 + j) * COLS + 8] = 2
    // one 2-wide ladder per floor (floors 2..5), redrawn while within 4 columns of the floor above's ladder
    const span = WIDTH / TILE - 20
    for (let i = 2; i < Math.trunc(HEIGHT / (TILE * 4) - 1); i++) {
      let pos = 7 + Math.floor(this.rng.randomSample() * span)
      while (this.nearLadder(pos, i - 1)) pos = 7 + Math.floor(this.rng.randomSample() * span)
      for (let k = 0; k < 5; k++) m[(i * 5 + k) * COLS + pos] = m[(i * 5 + k) * COLS + pos + 1] = 2
    }
    // holes: 5 tiles at the left end of even floors, at the right end of odd ones (floors 3..5)
    for (let i = 3; i < Math.trunc(HEIGHT / (TILE * 4) - 1); i++) {
      for (let k = 1; k < 6; k++) {
        if (i % 2 === 0) m[i * 5 * COLS + k] = 0
        else m[i * 5 * COLS + Math.trunc(WIDTH / TILE - 1 - k)] = 0
      }
    }
    this.coins = []
    this.generateCoins()
    for (let c = 0; c < ROWS * COLS; c++) {
      this.wall[c] = m[c] === 1 ? 1 : 0
      this.ladder[c] = m[c] === 2 ? 1 : 0
    }
  }

  // checkMapForMatch(pos, floor, 2, 0): a ladder tile within 4 columns of pos on row floor * 5 (floors >= 1).
  private nearLadder(pos: number, floor: number): boolean {
    if (floor < 1) return false
    const row = floor * 5 * COLS
    for (let i = 0; i < 5; i++) {
      if (this.map[row + pos + i] === 2 || this.map[row + pos - i] === 2) return true
    }
    return false
  }

  /** Board.GenerateCoins: one draw per empty tile of rows 6.. with a wall one or two tiles below; a coin where
   *  floor(rand * 1000) % 35 == 0 (at most 26, never right of another coin); again while 15 or fewer.
   *  PLE recurses for "again". Taken coins' tiles go back to 0, but coins left at the end of a round stay 3 in the
   *  map forever, so after enough rounds no tile is left: PLE then recurses until Python's RecursionError. Ours
   *  stops with an error at the first pass that finds no tile at all. */
  generateCoins(): void {
    const m = this.map
    this.coinVersion++
    do {
      let tiles = 0
      for (let i = 6; i < ROWS; i++) {
        for (let j = 0; j < COLS; j++) {
          const c = i * COLS + j
          if (m[c] !== 0) continue
          if (!((i + 1 < ROWS && m[c + COLS] === 1) || (i + 2 < ROWS && m[c + 2 * COLS] === 1))) continue
          tiles++
          const r = Math.floor(this.rng.randomSample() * 1000)
          if (r % 35 === 0 && this.coins.length <= 25) {
            m[c] = 3
            if (j - 1 >= 0 && m[c - 1] === 3) m[c] = 0
            if (m[c] === 3) this.coins.push({ x: j * TILE + TILE / 2, y: i * TILE + TILE / 2, anim: 0 })
          }
        }
      }
      if (tiles === 0) throw new Error('MonsterKong: no free tile left for new coins (PLE recurses without end here)')
    } while (this.coins.length <= 15)
  }

  /** Tiles of `grid` overlapped by the rect (left, top, w, h), row-major (pygame spritecollide's order). */
  hits(grid: Uint8Array, left: number, top: number, w: number, h: number): number[] {
    const out: number[] = []
    const r1 = Math.min(ROWS - 1, Math.floor((top + h - 1) / TILE))
    const c0 = Math.max(0, Math.floor(left / TILE))
    const c1 = Math.min(COLS - 1, Math.floor((left + w - 1) / TILE))
    for (let r = Math.max(0, Math.floor(top / TILE)); r <= r1; r++) {
      for (let c = c0; c <= c1; c++) if (grid[r * COLS + c]) out.push(r * COLS + c)
    }
    return out
  }
}

/** Centre y of tile `cell` (the wall or ladder sprite's getPosition()[1]). */
export function tileY(cell: number): number {
  return Math.floor(cell / COLS) * TILE + TILE / 2
}
