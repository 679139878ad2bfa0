// PuckWorld: PLE's `PuckWorld(width=64, height=64)` (ple/games/puckworld.py, ple/games/primitives.py), bit-exact,
// without pygame. Rules, numbers and citations: docs/games.md §8. The game never ends (gym's TimeLimit does);
// each step pays minus the agent's distance to the green target, and more when the red puck, which creeps
// toward the agent, is close. The agent is drawn with its top-left corner at its centre; the target and the
// half-transparent puck (surface alpha 191) are drawn by pygame's Group.draw, at their rects' top-left.
import type { Game } from './game.ts'
import { Agent } from './ple_primitives.ts'
import { circleSprite, keyed, rectStart, type Sprite, Surface, type RGB } from './pygame_draw.ts'
import type { RandomState } from './random_state.ts'

const W = 64
const H = 64
const DT = 1000 / 30 / 1000.0 // PLE's dt in ms, divided by 1000 by the game
const R = 3 // percent_round_int(W, 0.047) = round(3.008): agent, target and puck core radius
const R_OUTER = 17 // percent_round_int(W, 0.265) = round(16.96)
const AGENT_SPEED = 0.2 * W // velocity added per key press, px/s
const PUCK_SPEED = 0.05 * W // px/s
const RELOCATE = 500 // the target moves every 500 steps
const WHITE: RGB = [255, 255, 255]

export class PuckWorld implements Game {
  static readonly width = W
  static readonly height = H
  static readonly actions = ['up', 'left', 'right', 'down'] as const

  private readonly surface = new Surface(W, H)
  readonly screen = this.surface.rgb
  score = 0
  ticks = 0
  readonly agent = new Agent(W - R * 2, H - R * 2)
  goodX = 0
  goodY = 0
  badX = 0
  badY = 0
  private readonly agentSprite = circleSprite(R, [60, 60, 140])
  private readonly good = circleSprite(R, [40, 140, 40])
  private readonly bad: Sprite

  constructor(public rng: RandomState) {
    // PuckCreep's image: the outer circle, then (after set_alpha, which applies to the whole image) the core
    const img = new Surface(2 * R_OUTER, 2 * R_OUTER)
    img.circle(R_OUTER, R_OUTER, R_OUTER, [150, 95, 95])
    img.circle(R_OUTER, R_OUTER, R, [110, 45, 45])
    this.bad = keyed(img, [0, 0, 0], Math.trunc(255 * 0.75))
  }

  init(): void {
    this.agent.place(R * 1.5, R * 1.5)
    ;[this.goodX, this.goodY] = this.targetPosition()
    this.badX = W
    this.badY = H
    this.score = 0
    this.ticks = 0
  }

  isGameOver(): boolean {
    return false
  }

  step(action: number): void {
    this.ticks += 1
    const dx = action === 1 ? -AGENT_SPEED : action === 2 ? AGENT_SPEED : 0.0
    const dy = action === 0 ? -AGENT_SPEED : action === 3 ? AGENT_SPEED : 0.0
    const a = this.agent
    a.move(dx, dy, DT)
    let ex = a.x - this.goodX
    let ey = a.y - this.goodY
    const toGood = Math.sqrt(ex * ex + ey * ey)
    ex = a.x - this.badX
    ey = a.y - this.badY
    const toBad = Math.sqrt(ex * ex + ey * ey)
    let reward = -toGood
    if (toBad < R_OUTER) reward += (2.0 * (toBad - R_OUTER)) / R_OUTER
    this.score += reward
    if (this.ticks % RELOCATE === 0) [this.goodX, this.goodY] = this.targetPosition()
    const nx = toBad === 0.0 ? 0.0 : ex / toBad
    const ny = toBad === 0.0 ? 0.0 : ey / toBad
    this.badX += nx * PUCK_SPEED * DT
    this.badY += ny * PUCK_SPEED * DT
    // the target (a Creep of speed 0) stays where it is: it lies 9 .. 56.5 px in, far from the walls it would
    // bounce off
    const s = this.surface
    s.fill(WHITE)
    this.agentSprite.blit(s, Math.trunc(a.x), Math.trunc(a.y))
    this.good.blit(s, rectStart(this.goodX, 2 * R), rectStart(this.goodY, 2 * R))
    this.bad.blit(s, rectStart(this.badX, 2 * R_OUTER), rectStart(this.badY, 2 * R_OUTER))
  }

  state(): Record<string, number> {
    return {
      player_x: this.agent.x,
      player_y: this.agent.y,
      player_velocity_x: this.agent.vx,
      player_velocity_y: this.agent.vy,
      good_creep_x: this.goodX,
      good_creep_y: this.goodY,
      bad_creep_x: this.badX,
      bad_creep_y: this.badY,
    }
  }

  // _rngCreepPos: x then y, each uniform(3 r, W - 2.5 r) = uniform(9, 56.5).
  private targetPosition(): [number, number] {
    const x = this.rng.uniform(R * 3, W - R * 2.5)
    const y = this.rng.uniform(R * 3, H - R * 2.5)
    return [x, y]
  }
}
