// PLE's ple/games/primitives.py, shared by PuckWorld and WaterWorld: the agent (Player) and the creeps (Creep),
// their movement rules only (the games draw them). docs/games.md §8.3 and §9.3 cite the lines.

/** primitives.Player: a position (the top-left corner of its drawing) and a velocity in px/s. */
export class Agent {
  x = 0
  y = 0
  vx = 0
  vy = 0

  /** The agent stays in [0, maxX] x [0, maxY] (the screen minus its 2r x 2r sprite). */
  constructor(
    private readonly maxX: number,
    private readonly maxY: number,
  ) {}

  place(x: number, y: number): void {
    this.x = x
    this.y = y
    this.vx = this.vy = 0.0
  }

  /** Player.update: velocity += the keys' push; the new position, unless outside the box, where the agent stops
   *  with velocity 0 (x's upper test is >=, y's is >); otherwise the velocity decays by 0.975. */
  move(dx: number, dy: number, dt: number): void {
    this.vx += dx
    this.vy += dy
    const nx = this.x + this.vx * dt
    const ny = this.y + this.vy * dt
    if (nx >= this.maxX) {
      this.x = this.maxX
      this.vx = 0.0
    } else if (nx < 0.0) {
      this.x = 0.0
      this.vx = 0.0
    } else {
      this.x = nx
      this.vx = this.vx * 0.975
    }
    if (ny > this.maxY) {
      this.y = this.maxY
      this.vy = 0.0
    } else if (ny < 0.0) {
      this.y = 0.0
      this.vy = 0.0
    } else {
      this.y = ny
      this.vy = this.vy * 0.975
    }
  }
}

/** primitives.Creep: a centre, a unit direction, a speed in px/s and a bounce jitter. */
export interface Creep {
  type: 0 | 1 // the game's creep type index
  x: number
  y: number
  dx: number
  dy: number
  speed: number
  jitter: number
  /** The rect's integer centre, as last set. */
  rectX: number
  rectY: number
}

/** Creep.update: move along the direction; at a wall (r .. size - r) stop there and reverse that component,
 *  scaled by 1 + jitter / 2; then renormalise the direction and centre the rect. */
export function moveCreep(c: Creep, w: number, h: number, r: number, dt: number): void {
  const mx = c.dx * c.speed * dt
  const my = c.dy * c.speed * dt
  if (c.x + mx > w - r || c.x + mx <= r) {
    c.x = c.x + mx > w - r ? w - r : r
    c.dx = -1 * c.dx * (1 + 0.5 * c.jitter)
  } else {
    c.x = c.x + mx
  }
  if (c.y + my > h - r || c.y + my <= r) {
    c.y = c.y + my > h - r ? h - r : r
    c.dy = -1 * c.dy * (1 + 0.5 * c.jitter)
  } else {
    c.y = c.y + my
  }
  const norm = Math.sqrt(c.dx * c.dx + c.dy * c.dy)
  c.dx /= norm
  c.dy /= norm
  c.rectX = Math.trunc(c.x)
  c.rectY = Math.trunc(c.y)
}
