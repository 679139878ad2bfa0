// MiniGrid's Grid (minigrid/core/grid.py): a width x height array of world objects (null = empty), plus its
// encoding kept up to date on every set(), so observations and encode() read bytes instead of objects.
//   enc: Uint8Array (width, height, 3) indexed [x][y][c], c = (OBJECT_IDX, COLOR_IDX, state); an empty cell is
//        (1, 0, 0). Byte for byte MiniGrid's `grid.encode().tobytes()`.
// A door changing state in place must be re-encoded with refresh(x, y) (the env does it after a toggle).
import { OBJECT_IDX } from './constants.ts'
import { Wall, type WorldObj } from './objects.ts'

const EMPTY = OBJECT_IDX.empty // a module-local copy (imported bindings can be getters under tsx)

export class Grid {
  /** Cells, row-major as MiniGrid's list: cells[y * width + x]. */
  readonly cells: (WorldObj | null)[]
  readonly enc: Uint8Array

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    if (width < 3 || height < 3) throw new Error(`Grid: width and height must be >= 3, got ${width}x${height}`)
    this.cells = new Array(width * height).fill(null)
    this.enc = new Uint8Array(width * height * 3)
    for (let i = 0; i < width * height; i++) this.enc[i * 3] = EMPTY
  }

  get(x: number, y: number): WorldObj | null {
    this.check(x, y)
    return this.cells[y * this.width + x]
  }

  set(x: number, y: number, v: WorldObj | null): void {
    this.check(x, y)
    this.cells[y * this.width + x] = v
    this.refresh(x, y)
  }

  /** Re-encode cell (x, y) (after its object changed state). */
  refresh(x: number, y: number): void {
    const v = this.cells[y * this.width + x],
      o = (x * this.height + y) * 3
    if (v === null) {
      this.enc[o] = EMPTY
      this.enc[o + 1] = 0
      this.enc[o + 2] = 0
    } else {
      this.enc[o] = v.typeIdx
      this.enc[o + 1] = v.colorIdx
      this.enc[o + 2] = v.state()
    }
  }

  horzWall(x: number, y: number, length = this.width - x): void {
    for (let i = 0; i < length; i++) this.set(x + i, y, new Wall())
  }

  vertWall(x: number, y: number, length = this.height - y): void {
    for (let j = 0; j < length; j++) this.set(x, y + j, new Wall())
  }

  wallRect(x: number, y: number, w: number, h: number): void {
    this.horzWall(x, y, w)
    this.horzWall(x, y + h - 1, w)
    this.vertWall(x, y, h)
    this.vertWall(x + w - 1, y, h)
  }

  /** Grid.encode(): a copy of the (width, height, 3) encoding, the agent not in it. */
  encode(): Uint8Array {
    return this.enc.slice()
  }

  private check(x: number, y: number): void {
    if (!(x >= 0 && x < this.width && y >= 0 && y < this.height)) {
      throw new RangeError(`Grid: (${x}, ${y}) is outside the ${this.width}x${this.height} grid`)
    }
  }
}
