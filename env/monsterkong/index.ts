// MonsterKong: PLE's `MonsterKong()` (ple/games/monsterkong/), exact in state, score and RNG draws, without pygame.
// Rules, numbers and citations: docs/games.md, MonsterKong. PLE draws bundled PNG sprites we do not ship; ours
// (./sprites.ts) have the hit boxes' sizes and PLE's draw order.
//   ./level.ts   the tile map: walls, ladders, coins (board.py)
//   ./actors.ts  the player, monsters and fireballs (player.py, monsterPerson.py, fireball.py)
//   this file    one step in PLE's order (__init__.py step) and the board's checks (board.py)
import type { Game } from '../game.ts'
import type { RandomState } from '../random_state.ts'
import type { SampleGrid } from '../sampled.ts'
import { Body, Fireball, Monster, Player, PLAYER_SPEED } from './actors.ts'
import { COLS, Level, TILE, tileY } from './level.ts'
import { drawSampled, Frame, Renderer } from './sprites.ts'

const W = 500
const H = 465
// MonsterKong's own reward table (__init__.py): coin, princess, fireball hit, tick; there is no loss term
const COIN = 5
const WIN = 50
const HIT = -25
const LEFT = 0,
  RIGHT = 1,
  JUMP = 2,
  UP = 3,
  DOWN = 4
const RESPAWN = [50, 440] as const

export class MonsterKong implements Game {
  static readonly width = W
  static readonly height = H
  static readonly actions = ['left', 'right', 'jump', 'up', 'down'] as const

  score = 0
  lives = 3
  /** Board.direction / cycles: the walking animation (4 right, 3 left). */
  direction = 0
  cycles = 0
  fireballTimer = 0
  level: Level
  player = new Player(W / 2, 435)
  enemies: Monster[] = []
  fireballs: Fireball[] = []
  /** The princess (18x25 rect centred at (50, 48)) and the fireballs' end point (15x15 at (50, 440)). */
  readonly princess = new Body(50, 48, 18, 25)
  readonly endpoint = new Body(50, 440, 15, 15)
  private readonly rgb = new Uint8Array(W * H * 3)
  private readonly renderer = new Renderer(this.rgb)
  // what the last step drew, painted on the screen when it is read (pending: not yet), or drawn sampled
  private readonly frame = new Frame()
  private pending = false
  private readonly sampledBoard = { level: null as Level | null, grid: null as SampleGrid | null, board: new Float32Array(0) }

  constructor(public rng: RandomState) {
    this.level = new Level(rng)
  }

  // init(): a new Board (resetGroups): score 0, 3 lives, the player at (250, 435), one monster at (100, 117)
  // (one draw: its direction), then the level (ladder and coin draws).
  init(): void {
    this.score = 0
    this.lives = 3
    this.direction = 0
    this.cycles = 0
    this.player = new Player(W / 2, 435)
    this.enemies = [new Monster(100, 117, this.rng)]
    this.fireballs = []
    this.level = new Level(this.rng)
    this.level.generate()
    this.fireballTimer = 0
  }

  /** The screen: the last step's frame (painted when first read after a step; reset draws nothing). */
  get screen(): Uint8Array {
    if (this.pending) {
      this.renderer.draw(this.frame)
      this.pending = false
    }
    return this.rgb
  }

  /** The same frame drawn at the sample grid's positions (grayscale into out at offset; black before any step). */
  sample(grid: SampleGrid, out: Float32Array, offset: number): void {
    drawSampled(this.frame, grid, out, offset, this.sampledBoard)
  }

  isGameOver(): boolean {
    return this.lives <= 0
  }

  step(action: number): void {
    const p = this.player
    const b = p.body
    const level = this.level
    this.score += 0 // tick
    // a fireball from monster 0 every 70 steps, from monsters 1 and 2 at offsets 23 and 46
    const t = this.fireballTimer
    if (t === 0) this.createFireball(0)
    else if (this.enemies.length >= 2 && t === 23) this.createFireball(1)
    else if (this.enemies.length >= 3 && t === 46) this.createFireball(2)
    this.fireballTimer = (t + 1) % 70
    for (const c of level.coins) c.anim = (c.anim + 1) % 25
    // what is 2 px below and 2 px above the player
    b.moveY(2)
    const laddersBelow = b.ladders(level)
    const wallsBelow = b.walls(level)
    b.moveY(-2)
    b.moveY(-2)
    const wallsAbove = b.walls(level)
    b.moveY(2)
    // Board.ladderCheck
    if (laddersBelow.length > 0 && wallsBelow.length === 0) {
      for (const l of laddersBelow) {
        if (tileY(l) >= b.y) {
          p.onLadder = 1
          p.isJumping = 0
          if (wallsAbove.length > 0) b.moveY(3)
        }
      }
    } else {
      p.onLadder = 0
    }
    if (action >= 0) this.key(action, wallsBelow.length > 0)
    p.update(level)
    this.frame.record(this) // the board is drawn here (PLE's redrawScreen), before the checks below
    this.pending = true
    this.fireballCheck()
    this.coinCheck()
    this.checkVictory()
    for (const e of this.enemies) e.update(level)
  }

  /** PLE's getGameState() for MonsterKong is None; these are the fields the trace records. */
  state(): Record<string, number> {
    return {
      player_x: this.player.body.x,
      player_y: this.player.body.y,
      jumping: this.player.isJumping,
      on_ladder: this.player.onLadder,
      jump_speed: this.player.jumpSpeed,
      enemies: this.enemies.length,
      fireballs: this.fireballs.length,
      coins: this.level.coins.length,
      score: this.score,
      lives: this.lives,
    }
  }

  // The KEYDOWN handler of step(): jump (or up at a ladder) starts a jump from a floor; left and right walk 5 px
  // unless that enters a wall; up and down climb 2.5 px on a ladder (up only while still on the ladder).
  private key(action: number, onFloor: boolean): void {
    const p = this.player
    const b = p.body
    const level = this.level
    const laddersHere = b.ladders(level)
    if ((action === JUMP && p.onLadder === 0) || (action === UP && laddersHere.length > 0)) {
      if (p.isJumping === 0 && onFloor) {
        p.isJumping = 1
        p.jumpSpeed = 7
      }
    }
    if (action === RIGHT || action === LEFT) {
      const dir = action === RIGHT ? 4 : 3
      const v = action === RIGHT ? PLAYER_SPEED : -PLAYER_SPEED
      if (this.direction !== dir) {
        this.direction = dir
        this.cycles = -1
      }
      this.cycles = (this.cycles + 1) % 4
      const name = action === RIGHT ? 'right' : 'left'
      p.image = this.cycles < 2 ? name : `${name}2`
      b.moveX(v)
      if (b.walls(level).length > 0) {
        p.image = name
        b.moveX(-v)
      }
    }
    if (action === UP && p.onLadder) {
      p.image = 'still'
      b.moveY(-PLAYER_SPEED / 2)
      if (b.ladders(level).length === 0 || b.walls(level).length !== 0) b.moveY(PLAYER_SPEED / 2)
    }
    if (action === DOWN && p.onLadder) {
      p.image = 'still'
      b.moveY(PLAYER_SPEED / 2)
    }
  }

  // Board.CreateFireball: at most 5 per monster; starts 15 px below the monster, index = count, speed
  // 2 + monsters / 2; the monster rises 12 px and stands for 15 steps.
  private createFireball(k: number): void {
    if (this.fireballs.length >= this.enemies.length * 5) return
    const e = this.enemies[k]
    const speed = 2 + this.enemies.length / 2
    this.fireballs.push(new Fireball(e.body.x, e.body.y + 15, this.fireballs.length, speed, this.rng))
    e.stopDuration = 15
    e.body.y = e.body.y - 12
    e.body.setCenter()
  }

  // Board.fireballCheck over the fireballs as they were: move; a fireball landing on the player costs a life and
  // 25 points and respawns the player (position only); one touching the end point destroys the fireball holding
  // its index (DestroyFireball), which after a hit removal may be another one.
  private fireballCheck(): void {
    for (const f of [...this.fireballs]) {
      f.update(this.level)
      if (f.hitsFromAbove(this.player.body)) {
        this.fireballs.splice(this.fireballs.indexOf(f), 1)
        this.player.body.x = RESPAWN[0]
        this.player.body.y = RESPAWN[1]
        this.score += HIT
        this.lives += -1
      }
      if (f.body.overlaps(this.endpoint)) this.destroyFireball(f.index)
    }
  }

  private destroyFireball(index: number): void {
    const i = this.fireballs.findIndex((f) => f.index === index)
    if (i < 0) return
    this.fireballs.splice(i, 1)
    for (const f of this.fireballs) if (f.index > index) f.index -= 1
  }

  // coins under the player's rect, in list order: +5 each, and the map tile is emptied
  private coinCheck(): void {
    const b = this.player.body
    const level = this.level
    for (const c of [...level.coins]) {
      const left = Math.trunc(c.x) - 7
      const top = Math.trunc(c.y) - 7
      if (!(b.left < left + TILE && b.top < top + TILE && b.left + b.w > left && b.top + b.h > top)) continue
      this.score += COIN
      level.map[Math.trunc((c.y - TILE / 2) / TILE) * COLS + Math.trunc((c.x - TILE / 2) / TILE)] = 0
      level.coins.splice(level.coins.indexOf(c), 1)
      level.coinVersion++
    }
  }

  // Board.checkVictory: touching the princess or being above row 4 (y < 60) scores 50 and starts the next round
  // in the same episode: fireballs cleared, the player respawned (position only), new coins, one more monster
  // (at x 700, then 400) up to three.
  private checkVictory(): void {
    const b = this.player.body
    if (!(b.overlaps(this.princess) || b.y < 4 * TILE)) return
    this.score += WIN
    this.fireballs = []
    b.x = RESPAWN[0]
    b.y = RESPAWN[1]
    this.level.coins = []
    this.level.generateCoins()
    if (this.enemies.length === 1) this.enemies.push(new Monster(700, 117, this.rng))
    else if (this.enemies.length === 2) this.enemies.push(new Monster(400, 117, this.rng))
  }
}
