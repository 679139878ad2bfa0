// A picture of the whole grid for people, in MiniGrid's look (core/grid.py render_tile/render, world_object.py
// render methods, utils/rendering.py): each cell a tile drawn at 3x and averaged down (MiniGrid's supersampling),
// grey grid lines on the top and left edges, objects in their colours, the agent a red triangle pointing its way,
// the cells the agent sees lightened by 30% towards white (minigrid_env.py get_full_render). Not pixel-exact to
// MiniGrid (it renders 32-pixel tiles; ours default to 8); tiles are cached by what they show.
import type { RgbImage } from '../api.ts'
import { COLOR_RGB, DIR_TO_VEC } from './constants.ts'
import type { Door, WorldObj } from './objects.ts'
import { VIEW, viewOffset } from './view.ts'

type Shape = (x: number, y: number) => boolean
type Rgb = readonly [number, number, number]

const SUBDIVS = 3
const GRID_LINE: Rgb = [100, 100, 100]
const AGENT: Rgb = [255, 0, 0]
const BLACK: Rgb = [0, 0, 0]

const rect =
  (x0: number, x1: number, y0: number, y1: number): Shape =>
  (x, y) =>
    x >= x0 && x <= x1 && y >= y0 && y <= y1
const circle =
  (cx: number, cy: number, r: number): Shape =>
  (x, y) =>
    (x - cx) ** 2 + (y - cy) ** 2 <= r * r

// rendering.py point_in_triangle: barycentric coordinates u, v >= 0 and u + v < 1
type Point = readonly [number, number]

function triangle(a: Point, b: Point, c: Point): Shape {
  const v0x = c[0] - a[0],
    v0y = c[1] - a[1],
    v1x = b[0] - a[0],
    v1y = b[1] - a[1]
  const d00 = v0x * v0x + v0y * v0y,
    d01 = v0x * v1x + v0y * v1y,
    d11 = v1x * v1x + v1y * v1y
  const inv = 1 / (d00 * d11 - d01 * d01)
  return (x, y) => {
    const v2x = x - a[0],
      v2y = y - a[1]
    const d02 = v0x * v2x + v0y * v2y,
      d12 = v1x * v2x + v1y * v2y
    const u = (d11 * d02 - d01 * d12) * inv,
      v = (d00 * d12 - d01 * d02) * inv
    return u >= 0 && v >= 0 && u + v < 1
  }
}

// rendering.py rotate_fn: rotate the shape by theta around (cx, cy)
function rotate(f: Shape, cx: number, cy: number, theta: number): Shape {
  const c = Math.cos(-theta),
    s = Math.sin(-theta)
  return (x, y) => {
    const dx = x - cx,
      dy = y - cy
    return f(cx + dx * c - dy * s, cy + dy * c + dx * s)
  }
}

class Canvas {
  readonly px: Float32Array
  constructor(readonly size: number) {
    this.px = new Float32Array(size * size * 3)
  }

  // rendering.py fill_coords: every pixel whose centre, in [0, 1]^2 tile coordinates, is in the shape
  fill(shape: Shape, [r, g, b]: Rgb): void {
    const n = this.size
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) {
        if (!shape((x + 0.5) / n, (y + 0.5) / n)) continue
        const o = (y * n + x) * 3
        this.px[o] = Math.trunc(r)
        this.px[o + 1] = Math.trunc(g)
        this.px[o + 2] = Math.trunc(b)
      }
    }
  }
}

// world_object.py render(): each object's drawing on its tile
function drawObject(cv: Canvas, obj: WorldObj): void {
  const c = COLOR_RGB[obj.color]
  switch (obj.type) {
    case 'wall':
    case 'goal':
      cv.fill(rect(0, 1, 0, 1), c)
      break
    case 'door': {
      const door = obj as Door
      if (door.isOpen) {
        cv.fill(rect(0.88, 1, 0, 1), c)
        cv.fill(rect(0.92, 0.96, 0.04, 0.96), BLACK)
      } else if (door.isLocked) {
        cv.fill(rect(0, 1, 0, 1), c)
        cv.fill(rect(0.06, 0.94, 0.06, 0.94), [0.45 * c[0], 0.45 * c[1], 0.45 * c[2]])
        cv.fill(rect(0.52, 0.75, 0.5, 0.56), c) // key slot
      } else {
        cv.fill(rect(0, 1, 0, 1), c)
        cv.fill(rect(0.04, 0.96, 0.04, 0.96), BLACK)
        cv.fill(rect(0.08, 0.92, 0.08, 0.92), c)
        cv.fill(rect(0.12, 0.88, 0.12, 0.88), BLACK)
        cv.fill(circle(0.75, 0.5, 0.08), c) // handle
      }
      break
    }
    case 'key':
      cv.fill(rect(0.5, 0.63, 0.31, 0.88), c)
      cv.fill(rect(0.38, 0.5, 0.59, 0.66), c)
      cv.fill(rect(0.38, 0.5, 0.81, 0.88), c)
      cv.fill(circle(0.56, 0.28, 0.19), c)
      cv.fill(circle(0.56, 0.28, 0.064), BLACK)
      break
    case 'ball':
      cv.fill(circle(0.5, 0.5, 0.31), c)
      break
    case 'box':
      cv.fill(rect(0.12, 0.88, 0.12, 0.88), c)
      cv.fill(rect(0.18, 0.82, 0.18, 0.82), BLACK)
      cv.fill(rect(0.16, 0.84, 0.47, 0.53), c)
      break
  }
}

const tileCache = new Map<string, Uint8Array>()

/** One tile (tile x tile x 3, row-major): grid lines, the object, the agent facing agentDir (or -1), highlight. */
export function renderTile(obj: WorldObj | null, agentDir: number, highlight: boolean, tile: number): Uint8Array {
  const key = `${obj ? obj.encode().join(',') : '-'}|${agentDir}|${highlight ? 1 : 0}|${tile}`
  const cached = tileCache.get(key)
  if (cached) return cached
  const cv = new Canvas(tile * SUBDIVS)
  cv.fill(rect(0, 0.031, 0, 1), GRID_LINE)
  cv.fill(rect(0, 1, 0, 0.031), GRID_LINE)
  if (obj) drawObject(cv, obj)
  if (agentDir >= 0) {
    const tri = triangle([0.12, 0.19], [0.87, 0.5], [0.12, 0.81])
    cv.fill(rotate(tri, 0.5, 0.5, 0.5 * Math.PI * agentDir), AGENT)
  }
  const px = cv.px
  if (highlight) for (let i = 0; i < px.length; i++) px[i] = Math.trunc(px[i] + 0.3 * (255 - px[i]))
  // downsample: the mean of each SUBDIVS x SUBDIVS block, truncated to uint8
  const out = new Uint8Array(tile * tile * 3),
    n = tile * SUBDIVS
  for (let y = 0; y < tile; y++) {
    for (let x = 0; x < tile; x++) {
      for (let ch = 0; ch < 3; ch++) {
        let s = 0
        for (let dy = 0; dy < SUBDIVS; dy++) {
          for (let dx = 0; dx < SUBDIVS; dx++) s += px[((y * SUBDIVS + dy) * n + x * SUBDIVS + dx) * 3 + ch]
        }
        out[(y * tile + x) * 3 + ch] = Math.trunc(s / (SUBDIVS * SUBDIVS))
      }
    }
  }
  tileCache.set(key, out)
  return out
}

export interface Renderable {
  readonly width: number
  readonly height: number
  readonly grid: { get(x: number, y: number): WorldObj | null }
  readonly agentPos: readonly [number, number]
  readonly agentDir: number
}

/** The full grid, `tile` pixels per cell; `visible` is the last observation's visibility mask ([vx * 7 + vy]). */
export function renderFull(env: Renderable, visible: Uint8Array, tile: number): RgbImage {
  if (!Number.isInteger(tile) || tile < 1) throw new RangeError(`render: tile size must be a positive integer, got ${tile}`)
  const { width: W, height: H } = env
  const [ax, ay] = env.agentPos
  const hl = new Uint8Array(W * H)
  if (env.agentDir >= 0 && DIR_TO_VEC[env.agentDir]) {
    for (let vx = 0; vx < VIEW; vx++) {
      for (let vy = 0; vy < VIEW; vy++) {
        if (!visible[vx * VIEW + vy]) continue
        const [ox, oy] = viewOffset(env.agentDir, vx, vy)
        const x = ax + ox,
          y = ay + oy
        if (x >= 0 && x < W && y >= 0 && y < H) hl[y * W + x] = 1
      }
    }
  }
  const width = W * tile,
    height = H * tile
  const rgb = new Uint8Array(width * height * 3)
  for (let j = 0; j < H; j++) {
    for (let i = 0; i < W; i++) {
      const t = renderTile(env.grid.get(i, j), i === ax && j === ay ? env.agentDir : -1, hl[j * W + i] === 1, tile)
      for (let y = 0; y < tile; y++) rgb.set(t.subarray(y * tile * 3, (y + 1) * tile * 3), ((j * tile + y) * width + i * tile) * 3)
    }
  }
  return { rgb, width, height }
}
