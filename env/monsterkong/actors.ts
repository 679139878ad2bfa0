// MonsterKong's moving things: the player (player.py, person.py), the monsters (monsterPerson.py) and their
// fireballs (fireball.py, onBoard.py). docs/games.md, MonsterKong.
//
// Every sprite has a float position and a pygame rect whose centre is the position truncated toward zero; the rect
// follows the position only when the code says so (Person.setPosition leaves it behind: a respawned player keeps
// its old rect until it next moves, and PLE's collisions see that old rect). The games' probing moves (down 2 and
// back up, ahead by the speed and back) are kept as float additions, since y + a - a need not be y.
import type { RandomState } from '../random_state.ts'
import { type Level, tileY } from './level.ts'

export class Body {
  /** rect centre, truncated from the position when the rect is updated */
  cx: number
  cy: number

  constructor(
    public x: number,
    public y: number,
    readonly w: number,
    readonly h: number,
  ) {
    this.cx = Math.trunc(x)
    this.cy = Math.trunc(y)
  }

  /** rect.center = position */
  setCenter(): void {
    this.cx = Math.trunc(this.x)
    this.cy = Math.trunc(this.y)
  }

  get left(): number {
    return this.cx - (this.w >> 1)
  }

  get top(): number {
    return this.cy - (this.h >> 1)
  }

  /** updateWH(.., "H", v) / update(.., "H", v): the position moves, the rect follows. */
  moveX(v: number): void {
    this.x = this.x + v
    this.setCenter()
  }

  /** updateY(v) / updateWH(.., "V", v) */
  moveY(v: number): void {
    this.y = this.y + v
    this.setCenter()
  }

  /** pygame Rect.colliderect */
  overlaps(o: Body): boolean {
    const a = this.left,
      b = this.top,
      c = o.left,
      d = o.top
    return a < c + o.w && b < d + o.h && a + this.w > c && b + this.h > d
  }

  walls(level: Level): number[] {
    return level.hits(level.wall, this.left, this.top, this.w, this.h)
  }

  ladders(level: Level): number[] {
    return level.hits(level.ladder, this.left, this.top, this.w, this.h)
  }
}

export type PlayerImage = 'still' | 'right' | 'right2' | 'left' | 'left2'

const GRAVITY = 0.85
export const PLAYER_SPEED = 5

export class Player {
  readonly body: Body
  isJumping = 0
  onLadder = 0
  jumpSpeed = 0
  image: PlayerImage = 'still'

  constructor(x: number, y: number) {
    this.body = new Body(x, y, 15, 15)
  }

  // Player.continuousUpdate: off a ladder, start falling when nothing is 2 px below; while jumping, a wall hit
  // lands (wall below: y = wall y - 16) or bumps (wall above: y = wall y + 16, speed 0), then y -= speed and
  // speed -= 0.85 down to -8.
  update(level: Level): void {
    if (this.onLadder !== 0) return
    const b = this.body
    let walls = b.walls(level)
    if (this.isJumping === 0) {
      b.moveY(2)
      const ladders = b.ladders(level)
      walls = b.walls(level)
      b.moveY(-2)
      if (walls.length === 0 && ladders.length === 0) {
        this.isJumping = 1
        this.jumpSpeed = 0
      }
    }
    if (this.isJumping) {
      if (walls.length > 0) {
        const wy = tileY(walls[0])
        if (wy > b.y) {
          this.isJumping = 0
          b.y = wy - (b.h + 1)
        } else if (wy < b.y) {
          this.jumpSpeed = 0
          b.y = wy + (b.h + 1)
        }
      }
      b.setCenter()
      if (this.isJumping) {
        b.moveY(-this.jumpSpeed)
        this.jumpSpeed -= GRAVITY
        if (this.jumpSpeed < -8) this.jumpSpeed = -8
      }
    }
  }
}

export class Monster {
  readonly body: Body
  /** 0 right, 1 left */
  direction: number
  cycles = 0
  stopDuration = 0
  /** Which image PLE shows: the 15x15 scaled start image until the first update, then a walking or throwing one. */
  frame = 'start'

  constructor(x: number, y: number, rng: RandomState) {
    this.body = new Body(x, y, 15, 15)
    this.direction = Math.trunc(rng.randomSample() * 100) % 2
  }

  // MonsterPerson.continuousUpdate: walk 2 px a step, turning when a wall is 20 px ahead; while throwing
  // (stopDuration > 0) stand still, and drop back the 12 px it rose when the throw ends.
  update(level: Level): void {
    const b = this.body
    if (this.stopDuration === 0) {
      const dx = this.direction === 0 ? 2 : -2
      this.cycles += 1
      this.frame = `walk${Math.min(3, Math.floor((this.cycles % 24) / 6))}`
      b.moveX(dx)
      if (this.wallAhead(level)) {
        this.direction = this.direction === 0 ? 1 : 0
        this.cycles = 0
        b.moveX(-dx)
      }
    } else {
      this.stopDuration -= 1
      if (this.stopDuration === 0) b.moveY(12)
      this.frame = this.stopDuration >= 5 && this.stopDuration < 10 ? 'throw1' : 'throw0'
      b.moveX(0)
    }
  }

  // checkWall: the walls the rect overlaps 20 px ahead
  private wallAhead(level: Level): boolean {
    const b = this.body
    const d = this.direction === 0 ? 20 : -20
    b.moveX(d)
    const hit = b.walls(level).length > 0
    b.moveX(-d)
    return hit
  }
}

export class Fireball {
  readonly body: Body
  direction: number
  fall = 0
  /** PLE's image: the 15x15 scaled one until the first horizontal move, then the 20x20 one it moved with. */
  image: 'start' | 'right' | 'left' = 'start'

  constructor(
    x: number,
    y: number,
    public index: number,
    readonly speed: number,
    private rng: RandomState,
  ) {
    this.body = new Body(x, y, 15, 15)
    this.direction = Math.trunc(Math.floor(rng.randomSample() * 100)) % 2
  }

  // Fireball.continuousUpdate: falling, drop by the speed until a wall is below (then a new random direction);
  // else on a ladder top start falling with probability 5/20, off a floor's edge always, and roll by the speed,
  // turning at walls.
  update(level: Level): void {
    const b = this.body
    if (this.fall === 1) {
      b.moveY(this.speed)
      if (this.below(level.wall, level).length > 0) {
        this.fall = 0
        this.direction = Math.trunc(Math.floor(this.rng.randomSample() * 100)) % 2
      }
      return
    }
    if (this.below(level.ladder, level).length > 0 && this.below(level.wall, level).length === 0) {
      const r = Math.trunc(Math.floor(this.rng.randomSample() * 100)) % 20
      this.fall = r < 15 ? 0 : 1
    }
    if (this.below(level.ladder, level).length === 0 && this.below(level.wall, level).length === 0) this.fall = 1
    const v = this.direction === 0 ? this.speed : -this.speed
    b.moveX(v)
    this.image = this.direction === 0 ? 'right' : 'left'
    if (this.ahead(level)) {
      this.direction = this.direction === 0 ? 1 : 0
      b.moveX(-v)
    }
  }

  /** checkCollision(group, "V"): what the rect overlaps one speed lower. */
  below(grid: Uint8Array, level: Level): number[] {
    const b = this.body
    b.moveY(this.speed)
    const hit = level.hits(grid, b.left, b.top, b.w, b.h)
    b.moveY(-this.speed)
    return hit
  }

  /** checkCollision(player group, "V") */
  hitsFromAbove(other: Body): boolean {
    const b = this.body
    b.moveY(this.speed)
    const hit = b.overlaps(other)
    b.moveY(-this.speed)
    return hit
  }

  // checkCollision(wallGroup, "H"): walls one speed ahead in the current direction
  private ahead(level: Level): boolean {
    const b = this.body
    const v = this.direction === 0 ? this.speed : -this.speed
    b.moveX(v)
    const hit = b.walls(level).length > 0
    b.moveX(-v)
    return hit
  }
}
