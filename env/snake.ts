// Snake: PLE's `Snake(width=64, height=64, init_length=3)` (ple/games/snake.py), bit-exact, without pygame.
// Rules, numbers and citations: docs/games.md §7. The head moves continuously; each other segment moves 90% of
// the way to the one ahead of it every step. Collisions use the head's hit box, a thin rect ahead of the head,
// against 1 x 1 segment rects; everything is drawn with its top-left corner at its rect's centre.
import type { Game } from './game.ts'
import { rectsCollide, rectSprite, rectStart, type Sprite, Surface, type RGB } from './pygame_draw.ts'
import type { RandomState } from './random_state.ts'

const W = 64
const H = 64
const DT = 1000 / 30 / 1000.0 // PLE's dt in ms, divided by 1000 by the game
const SPEED = 29 // percent_round_int(W, 0.45) = round(28.8), px per second
const SEG = 3 // percent_round_int(W, 0.05) = round(3.2): segment images are 3 x 3, their rects 1 x 1
const FOOD = 6 // percent_round_int(W, 0.09) = round(5.76)
const HIT_THIN = 1 // percent_round_int(SEG, 0.25) = round(0.75): the hit box's thickness
const HIT_AHEAD = 3 // percent_round_int(SEG, 1.0): the hit box's offset ahead of the head, moving right or down
const INIT_LENGTH = 3
const BG: RGB = [25, 25, 25]
const BODY: RGB = [100, 255, 100]
const RED: RGB = [255, 0, 0]

export class Snake implements Game {
  static readonly width = W
  static readonly height = H
  static readonly actions = ['up', 'left', 'right', 'down'] as const

  private readonly surface = new Surface(W, H)
  readonly screen = this.surface.rgb
  score = 0
  lives = 1
  ticks = 0
  /** Segment positions, head first (floats). */
  bodyX: number[] = []
  bodyY: number[] = []
  dirX = 1
  dirY = 0
  foodX = 0
  foodY = 0
  /** The head's hit box (a pygame rect: left, top, width, height). */
  readonly headRect = [0, 0, 1, 1]
  /** Segment rects (1 x 1, so left = centre = the truncated position), as last set; the head's is unused. */
  rectX: number[] = []
  rectY: number[] = []
  private sprites: Sprite[] = [] // per segment; the head's is its red hit box
  private readonly food = rectSprite(FOOD, FOOD, [255, 100, 100])
  private readonly hitBoxes = {
    horizontal: rectSprite(HIT_THIN, SEG, RED), // moving left or right: 1 wide, 3 tall
    vertical: rectSprite(SEG, HIT_THIN, RED),
  }
  private readonly segmentSprites = new Map<string, Sprite>()

  constructor(public rng: RandomState) {}

  get length(): number {
    return this.bodyX.length
  }

  init(): void {
    this.dirX = 1
    this.dirY = 0
    this.bodyX = []
    this.bodyY = []
    this.sprites = []
    this.rectX = []
    this.rectY = []
    for (let i = 0; i < INIT_LENGTH; i++) {
      // the head's colour is (0, 155, 0), but its image is replaced by the red hit box before it is ever drawn
      this.addSegment(W / 2 - SEG * i, H / 2, i === 0 ? [0, 155, 0] : BODY)
    }
    this.headRect.splice(0, 4, Math.trunc(W / 2), Math.trunc(H / 2), 1, 1)
    this.placeFood()
    this.score = 0
    this.ticks = 0
    this.lives = 1
  }

  isGameOver(): boolean {
    return this.lives === -1
  }

  step(action: number): void {
    this.ticks += 1
    // a key turns the snake unless it points straight back
    if (action === 1 && this.dirX !== 1) [this.dirX, this.dirY] = [-1, 0]
    if (action === 2 && this.dirX !== -1) [this.dirX, this.dirY] = [1, 0]
    if (action === 0 && this.dirY !== 1) [this.dirX, this.dirY] = [0, -1]
    if (action === 3 && this.dirY !== -1) [this.dirX, this.dirY] = [0, 1]
    const [hx, hy, hw, hh] = this.headRect
    if (rectsCollide(hx, hy, hw, hh, rectStart(this.foodX, FOOD), rectStart(this.foodY, FOOD), FOOD, FOOD)) {
      this.score += 1
      this.grow()
      this.placeFood()
    }
    // segments from the fourth on can be hit (body_group); their rects are 1 x 1
    for (let i = INIT_LENGTH; i < this.length; i++) {
      if (rectsCollide(hx, hy, hw, hh, this.rectX[i], this.rectY[i], 1, 1)) this.lives = -1
    }
    const x = this.bodyX[0],
      y = this.bodyY[0]
    if (x < 0 || x + SEG / 2 > W || y < 0 || y + SEG / 2 > H) this.lives = -1
    if (this.lives <= 0.0) this.score += -5
    this.move()
    this.draw()
  }

  state(): Record<string, number> {
    return { snake_head_x: this.bodyX[0], snake_head_y: this.bodyY[0], food_x: this.foodX, food_y: this.foodY }
  }

  // SnakePlayer.update: from the tail forward, each segment to 0.9 of the one ahead (not yet moved) plus 0.1 of
  // itself; then the head moves 29 px/s along its direction and its hit box follows.
  private move(): void {
    const bx = this.bodyX,
      by = this.bodyY
    const scale = 0.1
    for (let i = this.length - 1; i > 0; i--) {
      bx[i] = (1.0 - scale) * bx[i - 1] + scale * bx[i]
      by[i] = (1.0 - scale) * by[i - 1] + scale * by[i]
      this.rectX[i] = Math.trunc(bx[i])
      this.rectY[i] = Math.trunc(by[i])
    }
    bx[0] += this.dirX * SPEED * DT
    by[0] += this.dirY * SPEED * DT
    // update_hitbox: 3 x 1 moving up or down, 1 x 3 moving left or right; 3 px ahead when moving right or
    // down, 1 px when moving left or up
    let x = bx[0],
      y = by[0],
      w: number,
      h: number
    if (this.dirX === 0) {
      w = SEG
      h = HIT_THIN
      y += this.dirY === 1 ? HIT_AHEAD : -HIT_THIN
    } else {
      w = HIT_THIN
      h = SEG
      x += this.dirX === 1 ? HIT_AHEAD : -HIT_THIN
    }
    const r = this.headRect
    r[0] = rectStart(x, w)
    r[1] = rectStart(y, h)
    r[2] = w
    r[3] = h
    this.sprites[0] = w === SEG ? this.hitBoxes.vertical : this.hitBoxes.horizontal
  }

  // grow: a segment at the tail's position; its colour alternates (200, 255, 200) / (0, 255, 0) with the length.
  private grow(): void {
    const add = (this.length + 1) % 2 === 0 ? 100 : -100
    const last = this.length - 1
    this.addSegment(this.bodyX[last], this.bodyY[last], [BODY[0] + add, BODY[1], BODY[2] + add])
  }

  private addSegment(x: number, y: number, c: RGB): void {
    this.bodyX.push(x)
    this.bodyY.push(y)
    this.rectX.push(Math.trunc(x))
    this.rectY.push(Math.trunc(y))
    const key = c.join()
    let s = this.segmentSprites.get(key)
    if (!s) this.segmentSprites.set(key, (s = rectSprite(SEG, SEG, c)))
    this.sprites.push(s)
  }

  // Food.new_position: redraw (x, then y, each choice(range(12, 52, 6))) while the position equals a segment's
  // (it starts at the head's, so there is always at least one round of draws).
  private placeFood(): void {
    let x = this.bodyX[0],
      y = this.bodyY[0]
    while (this.onBody(x, y)) {
      x = 2 * FOOD + FOOD * this.rng.randint(0, Math.ceil((W - 4 * FOOD) / FOOD))
      y = 2 * FOOD + FOOD * this.rng.randint(0, Math.ceil((H - 4 * FOOD) / FOOD))
    }
    this.foodX = x
    this.foodY = y
  }

  private onBody(x: number, y: number): boolean {
    for (let i = 0; i < this.length; i++) if (this.bodyX[i] === x && this.bodyY[i] === y) return true
    return false
  }

  // tail first, the head (its red hit box) last, then the food; each at its rect's centre
  private draw(): void {
    const s = this.surface
    s.fill(BG)
    for (let i = this.length - 1; i > 0; i--) this.sprites[i].blit(s, this.rectX[i], this.rectY[i])
    const r = this.headRect
    this.sprites[0].blit(s, r[0] + (r[2] >> 1), r[1] + (r[3] >> 1))
    this.food.blit(s, this.foodX, this.foodY)
  }
}
