// FlappyBird: PLE's `FlappyBird()` (ple/games/flappybird/__init__.py), exact in state, score and RNG draws, without
// pygame. Rules, numbers and citations: docs/games.md, FlappyBird. PLE draws bundled PNG sprites we do not ship: ours
// (env/flappybird_sprites.ts) have the same sizes, transparency layout and colour choices, so the game plays and
// looks the same while the pixels differ.
//
// Geometry (pygame rects; a float centre is truncated toward zero):
//   bird   hit box 34x24 centred at (57, trunc(y)); PLE blits its image with the top-left at that centre
//   pipe   hit box 52x512 (the whole column), centre (trunc(x), 256); the gap is tested on numbers, not pixels
// State that survives init(): the bird's velocity (BirdPlayer.init does not reset it), the base's scroll offset,
// and the sprite objects themselves (built by the first init only, hence its extra draws).
import { BACKGROUNDS, BASE, BIRDS, PIPES } from './flappybird_sprites.ts'
import type { Game } from './game.ts'
import type { RandomState } from './random_state.ts'
import { Surface } from './pygame_draw.ts'
import type { Canvas, SampleGrid } from './sampled.ts'

const W = 288
const H = 512
const DT = 1000 / 30 / 1000 // step(): dt / 1000.0
const PIPE_GAP = 100
const PIPE_W = 52 // pipe-*.png width
const PIPE_H = 320 // pipe-*.png height
const BIRD_W = 34 // *bird-*.png
const BIRD_H = 24
const BASE_W = 336 // base.png
const BIRD_X = Math.trunc(W * 0.2) // 57
const BIRD_Y = Math.trunc(H / 2) // 256
const PIPE_MIN = Math.trunc(PIPE_GAP / 4) // 25
const PIPE_MAX = Math.trunc(H * 0.79 * 0.6 - PIPE_GAP / 2) // 192
const PIPE_OFFSETS = [0, W * 0.5, W] // init's offsets of the three pipes
const SPEED = 4.0 // pipes and base, px per step (4.0 * scale, scale = 30 / fps = 1)
const FLAP_POWER = 9
const MAX_DROP_SPEED = 10.0
const GRAVITY = 1.0
const GROUND = 0.79 * H - BIRD_H // the bird dies at y >= 380.48...
const BASE_Y = Math.trunc(H * 0.79) // blit position 404.48 truncated
const BASE_MAX_MOVE = BASE_W - W // 48: the base scrolls back after 48 px
const DAY_NIGHT = ['day', 'night'] as const
const BIRD_COLOURS = ['red', 'blue', 'yellow'] as const
const PIPE_COLOURS = ['red', 'green'] as const

export class FlappyBird implements Game {
  static readonly width = W
  static readonly height = H
  static readonly actions = ['up'] as const

  private readonly surface = new Surface(W, H)
  score = 0
  lives = 1
  gameTick = 0
  // the bird (BirdPlayer)
  birdY = BIRD_Y
  vel = 0
  flapped = true
  thrustTime = 0.0
  birdImage = 0
  birdTick = 0
  /** The bird's rect top-left; its size is always 34x24. (0, 0) until the first step after init, as in PLE. */
  rectX = 0
  rectY = 0
  birdColour = 0
  // the pipes, in pygame group order
  readonly pipeX = new Float64Array(3)
  readonly gapStart = new Int32Array(3)
  pipeColour = 0
  background = 0
  baseX = 0
  private built = false
  // what the last step drew (drawn: whether any step has; pending: not painted on the screen yet)
  private readonly drawn = { background: 0, pipe: 0, pipeLeft: new Int32Array(3), gap: new Int32Array(3), base: 0, bird: 0, wing: 0, birdY: 0 }
  private hasDrawn = false
  private pending = false

  constructor(public rng: RandomState) {}

  init(): void {
    if (!this.built) {
      // first init: BirdPlayer.__init__ jitters y by 8 sin(pi rand) (undone by the player.init below), then the
      // three pipes are built, each drawing a gap
      this.rng.randomSample()
      for (let i = 0; i < 3; i++) this.generatePipe(i, [-75, -75 + W / 2, -75 + W * 1.5][i])
      this.built = true
    }
    this.background = this.rng.randint(0, DAY_NIGHT.length) // rng.choice(["day", "night"])
    this.birdColour = this.rng.randint(0, BIRD_COLOURS.length)
    this.birdY = BIRD_Y // player.init(): vel is kept
    this.flapped = true
    this.birdImage = 0
    this.rectX = this.rectY = 0
    this.thrustTime = 0.0
    this.birdTick = 0
    this.pipeColour = this.rng.randint(0, PIPE_COLOURS.length)
    for (let i = 0; i < 3; i++) this.generatePipe(i, PIPE_OFFSETS[i])
    this.score = 0.0
    this.lives = 1
    this.gameTick = 0
  }

  isGameOver(): boolean {
    return this.lives <= 0
  }

  step(action: number): void {
    this.gameTick += 1
    this.score += 0 // tick
    if (action === 0 && this.birdY > -2.0 * BIRD_H) {
      // flap
      this.vel = 0.0
      this.flapped = true
    }
    for (let i = 0; i < 3; i++) {
      // collisions are tested with the rects as they are before this step's movement
      const x = this.pipeX[i]
      const inPipe = x - PIPE_W / 2 - 20 <= BIRD_X && BIRD_X < x + PIPE_W / 2
      for (let h = 0; h < 3; h++) {
        if (!this.birdHitsPipe(h)) continue
        if (this.birdY - BIRD_H / 2 + 12 <= this.gapStart[h] && inPipe) this.lives -= 1
        if (this.birdY + BIRD_H > this.gapStart[h] + PIPE_GAP && inPipe) this.lives -= 1
      }
      if (x - PIPE_W / 2 <= BIRD_X && BIRD_X < x - PIPE_W / 2 + 4) this.score += 1.0
      if (x < -PIPE_W) this.generatePipe(i, W * 0.2)
    }
    if (this.birdY >= GROUND) this.lives -= 1
    if (this.birdY <= 0) this.lives -= 1
    this.updateBird()
    for (let i = 0; i < 3; i++) this.pipeX[i] -= SPEED
    if (this.lives <= 0) this.score += -5.0
    this.baseX = this.baseX > -BASE_MAX_MOVE ? this.baseX - SPEED : 0
    this.record()
  }

  /** The screen: the last step's frame (painted when first read after a step; reset draws nothing). */
  get screen(): Uint8Array {
    if (this.pending) {
      this.draw(this.surface)
      this.pending = false
    }
    return this.surface.rgb
  }

  /** The same frame drawn at the sample grid's positions (grayscale into out at offset; black before any step). */
  sample(grid: SampleGrid, out: Float32Array, offset: number): void {
    if (this.hasDrawn) this.draw(grid.target(out, offset))
    else out.fill(0, offset, offset + grid.dw * grid.dh)
  }

  /** PLE's getGameState(): the bird and the next two pipes (by x, among those right of the bird). */
  state(): Record<string, number> {
    const ahead = [0, 1, 2].filter((i) => this.pipeX[i] > BIRD_X).sort((a, b) => this.pipeX[a] - this.pipeX[b])
    let [next, nextNext] = [ahead[1], ahead[0]]
    if (this.pipeX[nextNext] < this.pipeX[next]) [next, nextNext] = [nextNext, next]
    return {
      player_y: this.birdY,
      player_vel: this.vel,
      next_pipe_dist_to_player: this.pipeX[next] - BIRD_X,
      next_pipe_top_y: this.gapStart[next],
      next_pipe_bottom_y: this.gapStart[next] + PIPE_GAP,
      next_next_pipe_dist_to_player: this.pipeX[nextNext] - BIRD_X,
      next_next_pipe_top_y: this.gapStart[nextNext],
      next_next_pipe_bottom_y: this.gapStart[nextNext] + PIPE_GAP,
    }
  }

  /** Pipe i's rect left edge: centre x truncated, minus half the width. */
  pipeRectX(i: number): number {
    return Math.trunc(this.pipeX[i]) - PIPE_W / 2
  }

  // _generatePipes / Pipe.init: a new gap (random_integers(25, 192)) and x = W + pipe width + offset.
  private generatePipe(i: number, offset: number): void {
    this.gapStart[i] = this.rng.randint(PIPE_MIN, PIPE_MAX + 1)
    this.pipeX[i] = W + PIPE_W + offset
  }

  // pygame Rect.colliderect of the bird's 34x24 rect and pipe h's 52x512 rect (rows 0..511).
  private birdHitsPipe(h: number): boolean {
    const px = this.pipeRectX(h)
    return this.rectX < px + PIPE_W && this.rectX + BIRD_W > px && this.rectY < H && this.rectY + BIRD_H > 0
  }

  // BirdPlayer.update: wing image every 15 ticks, gravity unless a flap impulse is running, the impulse (-9) on
  // the flap step only (thrust_time + dt exceeds 1/30 on the next), then y += vel.
  private updateBird(): void {
    this.birdTick += 1
    if ((this.birdTick + 1) % 15 === 0) {
      this.birdImage += 1
      if (this.birdImage >= 3) this.birdImage = 0
    }
    if (this.vel < MAX_DROP_SPEED && this.thrustTime === 0.0) this.vel += GRAVITY
    if (this.thrustTime + DT <= 1.0 / 30.0 && this.flapped) {
      this.thrustTime += DT
      this.vel += -1.0 * FLAP_POWER
    } else {
      this.thrustTime = 0.0
      this.flapped = false
    }
    this.birdY += this.vel
    this.rectX = BIRD_X - BIRD_W / 2
    this.rectY = Math.trunc(this.birdY) - BIRD_H / 2
  }

  // Draw order: background, pipes (each a 52x512 image holding the upper pipe ending at the gap and the lower pipe
  // from gap + 100), the base at (trunc(x), 404), the bird with its top-left at its rect's centre. A step records
  // the positions; draw() paints them when the frame is wanted.
  private record(): void {
    const d = this.drawn
    d.background = this.background
    d.pipe = this.pipeColour
    for (let i = 0; i < 3; i++) {
      d.pipeLeft[i] = this.pipeRectX(i)
      d.gap[i] = this.gapStart[i]
    }
    d.base = Math.trunc(this.baseX)
    d.bird = this.birdColour
    d.wing = this.birdImage
    d.birdY = this.rectY + BIRD_H / 2
    this.hasDrawn = this.pending = true
  }

  private draw(c: Canvas): void {
    const d = this.drawn
    // rows from BASE_Y down are covered by the base, opaque and at least 288 px wide from x <= 0: not copied
    c.image(BACKGROUNDS[d.background], BASE_Y)
    const pipe = PIPES[d.pipe]
    for (let i = 0; i < 3; i++) {
      const left = d.pipeLeft[i]
      if (left >= W || left + PIPE_W <= 0) continue
      c.blit(pipe.upper, left, d.gap[i] - PIPE_H)
      c.blit(pipe.lower, left, d.gap[i] + PIPE_GAP)
    }
    c.blit(BASE, d.base, BASE_Y)
    c.blit(BIRDS[d.bird][d.wing], BIRD_X, d.birdY)
  }
}
