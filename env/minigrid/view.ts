// MiniGrid's partially observable view (minigrid_env.py gen_obs_grid / gen_obs, core/grid.py slice, rotate_left,
// process_vis, encode), computed straight from the grid's encoding into a 7x7x3 byte image.
//
// MiniGrid slices the 7x7 square in front of the agent (cells outside the grid are walls), rotates it left
// agent_dir + 1 times so the agent sits at (3, 6) looking towards vy = 0, runs process_vis, then puts the carried
// object (or nothing) on the agent's cell. The slice-and-rotate is a fixed map per direction, precomputed here:
//   view (vx, vy) <- world agent + f * (6 - vy) + r * (vx - 3),  f = DIR_TO_VEC[dir], r = (-f.y, f.x)
// (the same map minigrid_env.py get_full_render uses to highlight the view).
// process_vis (grid.py): the agent's cell is visible; rows are swept from the agent's row (vy = 6) away from it;
// in each row, left to right then right to left, a visible cell that light passes (not a wall, not a closed or
// locked door) makes its side neighbour and the two cells beyond (same column and the side one, next row) visible.
// Invisible cells encode as (0, 0, 0). With see_through_walls (Empty) every cell is visible.
// Output layout: image[(vx * 7 + vy) * 3 + c], numpy's C order of obs['image'] ([vx][vy][c]).
import { DIR_TO_VEC, OBJECT_IDX, STATE } from './constants.ts'
import type { WorldObj } from './objects.ts'

export const VIEW = 7
const CELLS = VIEW * VIEW
// module-local copies: imported bindings can cost a getter call per access under some loaders (tsx)
const WALL = OBJECT_IDX.wall,
  DOOR = OBJECT_IDX.door,
  EMPTY = OBJECT_IDX.empty,
  OPEN = STATE.open
/** The agent's cell in the view: (vx, vy) = (3, 6). */
export const AGENT_VIEW_CELL = (VIEW >> 1) * VIEW + (VIEW - 1)

// per direction, the world offset of each view cell k = vx * 7 + vy
const OFF_X = new Int8Array(4 * CELLS)
const OFF_Y = new Int8Array(4 * CELLS)
for (let d = 0; d < 4; d++) {
  const [fx, fy] = DIR_TO_VEC[d],
    rx = -fy,
    ry = fx
  for (let vx = 0; vx < VIEW; vx++) {
    for (let vy = 0; vy < VIEW; vy++) {
      const k = d * CELLS + vx * VIEW + vy
      OFF_X[k] = fx * (VIEW - 1 - vy) + rx * (vx - (VIEW >> 1))
      OFF_Y[k] = fy * (VIEW - 1 - vy) + ry * (vx - (VIEW >> 1))
    }
  }
}

/** View-cell -> world-cell offsets for direction d (for renderers highlighting the view cone). */
export function viewOffset(d: number, vx: number, vy: number): [number, number] {
  const k = d * CELLS + vx * VIEW + vy
  return [OFF_X[k], OFF_Y[k]]
}

/** Scratch for one view computation (reused across steps: nothing is allocated per step). */
export class ViewScratch {
  readonly opaque = new Uint8Array(CELLS)
  readonly visible = new Uint8Array(CELLS)
}

/**
 * Write the agent's 7x7x3 view into `image` (147 bytes); `visible` (in scratch) holds process_vis's mask after.
 * enc: the grid encoding [x][y][c] of a width x height grid.
 */
export function genObs(
  enc: Uint8Array,
  width: number,
  height: number,
  ax: number,
  ay: number,
  dir: number,
  carrying: WorldObj | null,
  seeThroughWalls: boolean,
  image: Uint8Array,
  scratch: ViewScratch,
): void {
  const { opaque, visible } = scratch
  const base = dir * CELLS
  for (let k = 0; k < CELLS; k++) {
    const x = ax + OFF_X[base + k],
      y = ay + OFF_Y[base + k],
      o = k * 3
    let t: number = WALL,
      c = 5,
      s = 0 // outside the grid: a grey wall
    if (x >= 0 && x < width && y >= 0 && y < height) {
      const e = (x * height + y) * 3
      t = enc[e]
      c = enc[e + 1]
      s = enc[e + 2]
    }
    image[o] = t
    image[o + 1] = c
    image[o + 2] = s
    opaque[k] = t === WALL || (t === DOOR && s !== OPEN) ? 1 : 0
  }
  if (seeThroughWalls) visible.fill(1)
  else processVis(opaque, visible)
  if (!seeThroughWalls) {
    for (let k = 0; k < CELLS; k++) {
      if (!visible[k]) {
        const o = k * 3
        image[o] = 0
        image[o + 1] = 0
        image[o + 2] = 0
      }
    }
  }
  const o = AGENT_VIEW_CELL * 3
  if (carrying === null) {
    image[o] = EMPTY
    image[o + 1] = 0
    image[o + 2] = 0
  } else {
    image[o] = carrying.typeIdx
    image[o + 1] = carrying.colorIdx
    image[o + 2] = carrying.state()
  }
}

// Grid.process_vis on the rotated view, cell (i, j) = (vx, vy) at index i * 7 + j
function processVis(opaque: Uint8Array, mask: Uint8Array): void {
  mask.fill(0)
  mask[AGENT_VIEW_CELL] = 1
  for (let j = VIEW - 1; j >= 0; j--) {
    for (let i = 0; i < VIEW - 1; i++) {
      const k = i * VIEW + j
      if (!mask[k] || opaque[k]) continue
      mask[k + VIEW] = 1
      if (j > 0) {
        mask[k + VIEW - 1] = 1
        mask[k - 1] = 1
      }
    }
    for (let i = VIEW - 1; i >= 1; i--) {
      const k = i * VIEW + j
      if (!mask[k] || opaque[k]) continue
      mask[k - VIEW] = 1
      if (j > 0) {
        mask[k - VIEW - 1] = 1
        mask[k - 1] = 1
      }
    }
  }
}
