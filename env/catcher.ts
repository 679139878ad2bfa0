// Catcher: PLE's `Catcher(width=64, height=64, init_lives=3)` (ple/games/catcher.py), bit-exact, without pygame.
// Rules, numbers and citations: docs/games.md §5. Positions live in pygame rects, so they are integers: each
// move computes a float and stores its truncation (pygame's rect.center setter). Both sprites are drawn with
// their top-left corner at their rect's centre (PLE blits at rect.center), half a sprite right of and below
// where the collision rects are.
import type { Game } from './game.ts'
import { rectsCollide, rectSprite, rectStart, Surface } from './pygame_draw.ts'
import type { RandomState } from './random_state.ts'

const W = 64
const H = 64
const DT = 1000 / 30 // PLE force_fps: dt = 1000/fps ms every step
const FRUIT = 4 // percent_round_int(H, 0.06) = round(3.84)
const FALL = 0.00095 * H * DT // fruit speed * dt, px per step
const PUSH = 0.021 * W // player_speed: the velocity a key press adds
const PADDLE_W = 13 // percent_round_int(W, 0.2) = round(12.8)
const PADDLE_H = 3 // percent_round_int(H, 0.04) = round(2.56)
const PADDLE_Y = H - PADDLE_H - 3 // the paddle's centre row: 58
const BLACK = [0, 0, 0] as const

export class Catcher implements Game {
  static readonly width = W
  static readonly height = H
  static readonly actions = ['left', 'right'] as const

  private readonly surface = new Surface(W, H)
  readonly screen = this.surface.rgb
  score = 0
  lives = 3
  /** Paddle centre x (an integer: the rect's centre) and velocity. */
  playerX = 0
  playerVel = 0
  /** Fruit centre (integers). */
  fruitX = 0
  fruitY = 0
  /** The velocity change of the last step (PLE's `dx`). */
  dx = 0
  private readonly paddle = rectSprite(PADDLE_W, PADDLE_H, [255, 255, 255])
  private readonly fruit = rectSprite(FRUIT, FRUIT, [255, 120, 120])

  constructor(public rng: RandomState) {}

  init(): void {
    this.score = 0
    this.lives = 3
    this.playerX = Math.trunc(W / 2 - PADDLE_W / 2) // centre (25.5, 58) truncates to 25
    this.playerVel = 0
    this.resetFruit()
  }

  isGameOver(): boolean {
    return this.lives === 0
  }

  step(action: number): void {
    this.dx = action === 0 ? -PUSH : action === 1 ? PUSH : 0
    if (this.fruitY >= H) {
      this.score += -1
      this.lives -= 1
      this.resetFruit()
    }
    if (
      rectsCollide(
        rectStart(this.playerX, PADDLE_W),
        rectStart(PADDLE_Y, PADDLE_H),
        PADDLE_W,
        PADDLE_H,
        rectStart(this.fruitX, FRUIT),
        rectStart(this.fruitY, FRUIT),
        FRUIT,
        FRUIT,
      )
    ) {
      this.score += 1
      this.resetFruit()
    }
    // paddle: velocity += dx, *= 0.9; x = centre + velocity, stopped at the walls
    this.playerVel = (this.playerVel + this.dx) * 0.9
    let nx = this.playerX + this.playerVel
    if (nx <= 0) {
      this.playerVel = 0
      nx = 0
    }
    if (nx + PADDLE_W >= W) {
      this.playerVel = 0
      nx = W - PADDLE_W
    }
    this.playerX = Math.trunc(nx)
    this.fruitY = Math.trunc(this.fruitY + FALL)
    if (this.lives === 0) this.score += -5
    const s = this.surface
    s.fill(BLACK)
    this.paddle.blit(s, this.playerX, PADDLE_Y)
    this.fruit.blit(s, this.fruitX, this.fruitY)
  }

  state(): Record<string, number> {
    return { player_x: this.playerX, player_vel: this.playerVel, fruit_x: this.fruitX, fruit_y: this.fruitY }
  }

  // Fruit.reset: x = choice(range(8, 56, 4)), y = choice(range(4, 32, 4)); centre (x, -y), above the screen.
  // numpy's choice over n items is randint(0, n).
  private resetFruit(): void {
    this.fruitX = 2 * FRUIT + FRUIT * this.rng.randint(0, Math.ceil((W - 4 * FRUIT) / FRUIT))
    this.fruitY = -(FRUIT + FRUIT * this.rng.randint(0, Math.ceil((Math.trunc(H / 2) - FRUIT) / FRUIT)))
  }
}
