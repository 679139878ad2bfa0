// MiniGrid's world objects (minigrid/core/world_object.py) for the ported levels: Wall, Door, Key, Ball, Box, Goal.
// (Floor and Lava exist upstream but no ported level places them.) Objects are compared by identity, as MiniGrid's
// `self.carrying == self.obj` does (WorldObj defines no __eq__).
import { COLOR_IDX, OBJECT_IDX, STATE, type Color, type ObjectType } from './constants.ts'
import type { Grid } from './grid.ts'

// module-local copies (imported bindings can cost a getter call per access under tsx; walls are made by the hundred)
const TYPE_IDX: Readonly<Record<string, number>> = { ...OBJECT_IDX }
const COLOR_INDEX: Readonly<Record<string, number>> = { ...COLOR_IDX }
const { open: OPEN, closed: CLOSED, locked: LOCKED } = STATE

export abstract class WorldObj {
  /** A box's content (MiniGrid's WorldObj.contains). */
  contains: WorldObj | null = null
  /** OBJECT_IDX[type], COLOR_IDX[color]: the first two channels of the encoding. */
  readonly typeIdx: number
  readonly colorIdx: number

  constructor(
    readonly type: ObjectType,
    readonly color: Color,
  ) {
    this.typeIdx = TYPE_IDX[type]
    this.colorIdx = COLOR_INDEX[color]
  }

  /** The agent may stand on it. */
  canOverlap(): boolean {
    return false
  }

  canPickup(): boolean {
    return false
  }

  /** Light passes (process_vis). */
  seeBehind(): boolean {
    return true
  }

  /** The toggle action on it, lying at (x, y); returns whether something happened. The caller re-encodes the cell. */
  toggle(_carrying: WorldObj | null, _grid: Grid, _x: number, _y: number): boolean {
    return false
  }

  /** The third channel of the encoding. */
  state(): number {
    return 0
  }

  /** (OBJECT_IDX, COLOR_IDX, state) */
  encode(): [number, number, number] {
    return [this.typeIdx, this.colorIdx, this.state()]
  }
}

export class Wall extends WorldObj {
  constructor(color: Color = 'grey') {
    super('wall', color)
  }

  override seeBehind(): boolean {
    return false
  }
}

export class Goal extends WorldObj {
  constructor() {
    super('goal', 'green')
  }

  override canOverlap(): boolean {
    return true
  }
}

export class Door extends WorldObj {
  constructor(
    color: Color,
    public isOpen = false,
    public isLocked = false,
  ) {
    super('door', color)
  }

  override canOverlap(): boolean {
    return this.isOpen
  }

  override seeBehind(): boolean {
    return this.isOpen
  }

  // a locked door opens (and unlocks) only for a carried key of its colour; an unlocked one flips open/closed
  override toggle(carrying: WorldObj | null): boolean {
    if (this.isLocked) {
      if (carrying instanceof Key && carrying.color === this.color) {
        this.isLocked = false
        this.isOpen = true
        return true
      }
      return false
    }
    this.isOpen = !this.isOpen
    return true
  }

  override state(): number {
    return this.isOpen ? OPEN : this.isLocked ? LOCKED : CLOSED
  }
}

/** Key, Ball and Box: the objects the agent can pick up. */
abstract class Carriable extends WorldObj {
  override canPickup(): boolean {
    return true
  }
}

export class Key extends Carriable {
  constructor(color: Color = 'blue') {
    super('key', color)
  }
}

export class Ball extends Carriable {
  constructor(color: Color = 'blue') {
    super('ball', color)
  }
}

export class Box extends Carriable {
  constructor(color: Color, contains: WorldObj | null = null) {
    super('box', color)
    this.contains = contains
  }

  // toggling a box replaces it by its content (possibly nothing)
  override toggle(_carrying: WorldObj | null, grid: Grid, x: number, y: number): boolean {
    grid.set(x, y, this.contains)
    return true
  }
}
