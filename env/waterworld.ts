// WaterWorld: PLE's `WaterWorld(width=48, height=48, num_creeps=3)` (ple/games/waterworld.py,
// ple/games/primitives.py), bit-exact, without pygame. Rules, numbers and citations: docs/games.md §9.
// Three creeps drift and bounce around; touching one eats it (+1 green, -1 red) and a new random one appears.
// The episode ends when no green creep is left (+5). The agent is drawn with its top-left corner at its centre;
// the creeps by pygame's Group.draw, at their rects' top-left, in the group's order.
import type { Game } from './game.ts'
import { Agent, moveCreep, type Creep } from './ple_primitives.ts'
import { circleSprite, rectsCollide, rectStart, Surface, type RGB } from './pygame_draw.ts'
import type { RandomState } from './random_state.ts'

const W = 48
const H = 48
const DT = 1000 / 30 / 1000.0 // PLE's dt in ms, divided by 1000 by the game
const R = 2 // percent_round_int(W, 0.047) = round(2.256): agent and creep radius
const AGENT_SPEED = 0.25 * W // velocity added per key press, px/s
const CREEP_SPEED = 0.25 * W // the most a creep's speed can be, px/s
const N_CREEPS = 3
const COLOURS: readonly RGB[] = [
  [40, 140, 40],
  [150, 95, 95],
]
const REWARDS = [1.0, -1.0] // PLE's positive and negative

export class WaterWorld implements Game {
  static readonly width = W
  static readonly height = H
  static readonly actions = ['up', 'left', 'right', 'down'] as const

  private readonly surface = new Surface(W, H)
  readonly screen = this.surface.rgb
  score = 0
  readonly agent = new Agent(W - R * 2, H - R * 2)
  /** The creeps in pygame group order (creation order of the living ones). */
  creeps: Creep[] = []
  /** Living creeps per type: [GOOD, BAD]. */
  readonly counts = [0, 0]
  private readonly agentSprite = circleSprite(R, [60, 60, 140])
  private readonly sprites = COLOURS.map((c) => circleSprite(R, c))

  constructor(public rng: RandomState) {}

  init(): void {
    this.counts[0] = this.counts[1] = 0
    this.agent.place(W / 2, H / 2)
    this.creeps = []
    for (let i = 0; i < N_CREEPS; i++) this.addCreep()
    this.score = 0
  }

  isGameOver(): boolean {
    return this.counts[0] === 0
  }

  step(action: number): void {
    const dx = action === 1 ? -AGENT_SPEED : action === 2 ? AGENT_SPEED : 0
    const dy = action === 0 ? -AGENT_SPEED : action === 3 ? AGENT_SPEED : 0
    const a = this.agent
    a.move(dx, dy, DT)
    // spritecollide(player, creeps, dokill=True): the agent's 4 x 4 rect against each creep's, in group order
    const px = rectStart(a.x, 2 * R),
      py = rectStart(a.y, 2 * R)
    const eaten = this.creeps.filter((c) => rectsCollide(px, py, 2 * R, 2 * R, rectStart(c.rectX, 2 * R), rectStart(c.rectY, 2 * R), 2 * R, 2 * R))
    if (eaten.length > 0) {
      this.creeps = this.creeps.filter((c) => !eaten.includes(c))
      for (const c of eaten) {
        this.counts[c.type] -= 1
        this.score += REWARDS[c.type]
        this.addCreep()
      }
    }
    if (this.counts[0] === 0) this.score += 5
    for (const c of this.creeps) moveCreep(c, W, H, R, DT)
    const s = this.surface
    s.fill([255, 255, 255])
    this.agentSprite.blit(s, Math.trunc(a.x), Math.trunc(a.y))
    for (const c of this.creeps) this.sprites[c.type].blit(s, rectStart(c.rectX, 2 * R), rectStart(c.rectY, 2 * R))
  }

  state(): Record<string, number> {
    return {
      player_x: this.agent.x,
      player_y: this.agent.y,
      player_velocity_x: this.agent.vx,
      player_velocity_y: this.agent.vy,
      good: this.counts[0],
      bad: this.counts[1],
    }
  }

  // _add_creep: type = choice([0, 1]); a position uniform(3, 45) (x, then y) redrawn while it is within 1.5 px
  // of the agent; direction choice([-1, 1], 2); speed rand() * 12; jitter rand().
  private addCreep(): void {
    const type = this.rng.randint(0, 2) as 0 | 1
    const lo = R * 1.5
    let x = 0,
      y = 0,
      dist = 0.0
    while (dist < 1.5) {
      x = this.rng.uniform(lo, H - lo)
      y = this.rng.uniform(lo, H - lo)
      const ex = this.agent.x - x,
        ey = this.agent.y - y // ** 2 is C pow(v, 2): exactly v * v
      dist = Math.sqrt(ex * ex + ey * ey)
    }
    const dirX = this.rng.randint(0, 2) === 0 ? -1 : 1
    const dirY = this.rng.randint(0, 2) === 0 ? -1 : 1
    const norm = Math.sqrt(dirX * dirX + dirY * dirY)
    const speed = this.rng.randomSample() * CREEP_SPEED
    const jitter = this.rng.randomSample()
    this.creeps.push({
      type,
      x,
      y,
      dx: dirX / norm,
      dy: dirY / norm,
      speed,
      jitter,
      rectX: Math.trunc(x),
      rectY: Math.trunc(y),
    })
    this.counts[type] += 1
  }
}
