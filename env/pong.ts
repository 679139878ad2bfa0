// Pong: PLE's `Pong(width=64, height=48)` (ple/games/pong.py), bit-exact, without pygame. gym_ple does not
// register it; `Pong-v0` is ours, built the way gym_ple builds the others. Rules, numbers and citations:
// docs/games.md §6. Speeds are px per second and dt is in seconds (1000/30 / 1000), except the agent paddle's
// velocity, which is px per step. The sprites are drawn through pygame's Group.draw: at their rect's top-left.
import type { Game } from './game.ts'
import { circleSprite, rectSprite, rectStart, Surface } from './pygame_draw.ts'
import type { RandomState } from './random_state.ts'

const W = 64
const H = 48
const DT = 1000 / 30 / 1000.0 // PLE's dt in ms, divided by 1000 by the game
const RADIUS = 1 // percent_round_int(H, 0.03) = round(1.44)
const PADDLE_W = 1 // percent_round_int(W, 0.023) = round(1.472)
const PADDLE_H = 7 // percent_round_int(H, 0.15) = round(7.2)
const WALL_DIST = 4 // percent_round_int(W, 0.0625)
const AGENT_SPEED = 0.4 * H
const CPU_SPEED = 0.6 * H
const BALL_SPEED = 0.75 * H
const MAX_SCORE = 11
const WHITE = [255, 255, 255] as const

export class Pong implements Game {
  static readonly width = W
  static readonly height = H
  static readonly actions = ['up', 'down'] as const

  private readonly surface = new Surface(W, H)
  readonly screen = this.surface.rgb
  /** PLE's score_sum: the score PLE's rewards are the changes of. */
  score = 0
  scoreAgent = 0
  scoreCpu = 0
  agentY = 0
  agentVy = 0
  cpuY = 0
  cpuVy = 0
  ballX = 0
  ballY = 0
  ballVx = 0
  ballVy = 0
  /** Where the ball was at the end of the last update (the start of the segment tested against the paddles). */
  ballX0 = 0
  ballY0 = 0
  /** The agent's input of the last step (PLE's `dy`). */
  dy = 0
  // the rects' integer centres, updated only where PLE sets them (a paddle keeps its rect on a scoring step)
  private agentRectY = 0
  private cpuRectY = 0
  private ballRectX = 0
  private ballRectY = 0
  private readonly paddle = rectSprite(PADDLE_W, PADDLE_H, WHITE)
  private readonly ball = circleSprite(RADIUS, WHITE) // radius 1: the whole 2 x 2 image

  constructor(public rng: RandomState) {}

  init(): void {
    this.scoreAgent = this.scoreCpu = 0
    this.score = 0
    this.ballX = this.ballX0 = W / 2
    this.ballY = this.ballY0 = H / 2
    this.ballVx = BALL_SPEED
    this.ballVy = -1.0 * BALL_SPEED
    this.agentY = this.cpuY = H / 2
    this.agentVy = this.cpuVy = 0
    this.agentRectY = this.cpuRectY = Math.trunc(H / 2)
    this.ballRectX = Math.trunc(W / 2)
    this.ballRectY = Math.trunc(H / 2)
  }

  /** Pong.reset: init, then a serve in a random direction (one draw) with a random y velocity (one draw). */
  reset(): void {
    this.init()
    this.resetBall(this.rng.randomSample() > 0.5 ? 1 : -1)
  }

  isGameOver(): boolean {
    return this.scoreAgent === MAX_SCORE || this.scoreCpu === MAX_SCORE
  }

  step(action: number): void {
    this.dy = action === 0 ? -AGENT_SPEED : action === 1 ? AGENT_SPEED : 0
    this.updateBall()
    let point = false
    if (this.ballX <= 0) {
      this.score += -1
      this.scoreCpu += 1.0
      this.resetBall(-1)
      point = true
    }
    if (this.ballX >= W) {
      this.score += 1
      this.scoreAgent += 1.0
      this.resetBall(1)
      point = true
    }
    if (point) {
      if (this.scoreAgent === MAX_SCORE) this.score += 5
      if (this.scoreCpu === MAX_SCORE) this.score += -5
    } else {
      this.updateAgent()
      this.updateCpu()
    }
    const s = this.surface
    s.fill([0, 0, 0])
    this.paddle.blit(s, WALL_DIST, rectStart(this.agentRectY, PADDLE_H))
    this.paddle.blit(s, W - WALL_DIST, rectStart(this.cpuRectY, PADDLE_H))
    this.ball.blit(s, rectStart(this.ballRectX, 2 * RADIUS), rectStart(this.ballRectY, 2 * RADIUS))
  }

  state(): Record<string, number> {
    return {
      player_y: this.agentY,
      player_velocity: this.agentVy,
      cpu_y: this.cpuY,
      ball_x: this.ballX,
      ball_y: this.ballY,
      ball_velocity_x: this.ballVx,
      ball_velocity_y: this.ballVy,
    }
  }

  // _reset_ball: back to the middle column (y and the segment start stay), x speed toward `direction`.
  private resetBall(direction: number): void {
    this.ballX = W / 2
    this.ballVx = BALL_SPEED * direction
    this.ballVy = this.rng.randomSample() * BALL_SPEED - BALL_SPEED * 0.5
  }

  // Ball.update: move, bounce off a paddle whose face the step's segment crosses, then off the top and bottom.
  private updateBall(): void {
    this.ballX += this.ballVx * DT
    this.ballY += this.ballVy * DT
    let hit = false
    const half = PADDLE_H / 2
    if (this.ballX <= WALL_DIST + PADDLE_W) {
      const face = WALL_DIST + PADDLE_W / 2
      if (this.crosses(face, this.agentY - half, face, this.agentY + half)) {
        this.ballX = Math.max(0, this.ballX)
        this.ballVx = -1 * (this.ballVx + BALL_SPEED * 0.05)
        this.ballVy += this.agentVy * 2.0
        this.ballX += RADIUS
        hit = true
      }
    }
    if (this.ballX >= W - WALL_DIST - PADDLE_W) {
      const face = W - WALL_DIST - PADDLE_W / 2
      if (this.crosses(face, this.cpuY - half, face, this.cpuY + half)) {
        this.ballX = Math.min(W, this.ballX)
        this.ballVx = -1 * (this.ballVx + BALL_SPEED * 0.05)
        this.ballVy += this.cpuVy * 0.006
        this.ballX -= RADIUS
        hit = true
      }
    }
    if (hit) this.ballVy += this.rng.randomSample() * 0.001 - 0.0005
    if (this.ballY - RADIUS <= 0) {
      this.ballVy *= -0.99
      this.ballY += 1.0
    }
    if (this.ballY + RADIUS >= H) {
      this.ballVy *= -0.99
      this.ballY -= 1.0
    }
    this.ballX0 = this.ballX
    this.ballY0 = this.ballY
    this.ballRectX = Math.trunc(this.ballX)
    this.ballRectY = Math.trunc(this.ballY)
  }

  // Ball.line_intersection of the segment (ballX0, ballY0) -> (ballX, ballY) with (p2x, p2y) -> (p3x, p3y).
  private crosses(p2x: number, p2y: number, p3x: number, p3y: number): boolean {
    const p0x = this.ballX0,
      p0y = this.ballY0
    const s1x = this.ballX - p0x,
      s1y = this.ballY - p0y
    const s2x = p3x - p2x,
      s2y = p3y - p2y
    const s = (-s1y * (p0x - p2x) + s1x * (p0y - p2y)) / (-s2x * s1y + s1x * s2y)
    const t = (s2x * (p0y - p2y) - s2y * (p0x - p2x)) / (-s2x * s1y + s1x * s2y)
    return s >= 0 && s <= 1 && t >= 0 && t <= 1
  }

  // Player.update: velocity += dy * dt, *= 0.9; y += velocity, held inside the screen.
  private updateAgent(): void {
    this.agentVy += this.dy * DT
    this.agentVy *= 0.9
    this.agentY += this.agentVy
    if (this.agentY - PADDLE_H / 2 <= 0) {
      this.agentY = PADDLE_H / 2
      this.agentVy = 0.0
    }
    if (this.agentY + PADDLE_H / 2 >= H) {
      this.agentY = H - PADDLE_H / 2
      this.agentVy = 0.0
    }
    this.agentRectY = Math.trunc(this.agentY)
  }

  // Player.updateCpu: chase the ball at full speed while it comes toward the cpu's half, else drift toward the
  // middle at a quarter speed; clamped before it moves.
  private updateCpu(): void {
    let dy: number
    if (this.ballVx >= 0 && this.ballX >= W / 2) {
      dy = CPU_SPEED
      if (this.cpuY > this.ballY) dy = -1.0 * dy
    } else {
      dy = (1.0 * CPU_SPEED) / 4.0
      if (this.cpuY > H / 2.0) dy = (-1.0 * CPU_SPEED) / 4.0
    }
    if (this.cpuY - PADDLE_H / 2 <= 0) {
      this.cpuY = PADDLE_H / 2
      this.cpuVy = 0.0
    }
    if (this.cpuY + PADDLE_H / 2 >= H) {
      this.cpuY = H - PADDLE_H / 2
      this.cpuVy = 0.0
    }
    this.cpuY += dy * DT
    this.cpuRectY = Math.trunc(this.cpuY)
  }
}
