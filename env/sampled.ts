// Drawing straight at the nearest-resize sample positions (a "sampled render"): a game whose screen is big next to
// the 84x84 observation draws only the pixels the resize picks. Pillow's NEAREST resize reads source pixel
// (xi[x], yi[y]) for output (x, y) (env/preprocess.ts, nearestIndex); painting a sprite and then sampling gives the
// same pixel as sampling the sprite at the same position, since every pixel of these sprites is opaque or fully
// transparent (no blending). So blitting onto the sample grid, in the game's draw order, gives exactly the
// grayscale frame Resizer.grayPair computes from the full screen (test/env/sprite_frames.test.ts).
// Values are the grayscale 0..255 as float32, computed as in env/preprocess.ts: 0.299 R + 0.587 G + 0.114 B.
import { nearestTables, type Crop } from './preprocess.ts'
import type { RGB, Sprite } from './pygame_draw.ts'

/** What a game draws on: the full-size screen (pygame_draw's Surface) or a SampleGrid. */
export interface Canvas {
  /** Copy rows 0 .. rows - 1 of a constant, opaque, full-screen image (w * h * 3 bytes). */
  image(rgb: Uint8Array, rows: number): void
  /** Surface.blit(sprite, (x, y)), clipped. */
  blit(s: Sprite, x: number, y: number): void
}

const grayOf = (r: number, g: number, b: number) => Math.fround(0.299 * r + 0.587 * g + 0.114 * b)

// a sprite's pixels as grayscale, -1 where transparent
const spriteGray = new WeakMap<Sprite, Float32Array>()
function grayPixels(s: Sprite): Float32Array {
  let g = spriteGray.get(s)
  if (g) return g
  if (s.alpha !== 255) throw new Error('SampleGrid: sprites with a surface alpha blend; they cannot be sampled')
  g = new Float32Array(s.w * s.h)
  for (let i = 0; i < g.length; i++) g[i] = s.opaque[i] ? grayOf(s.rgb[3 * i], s.rgb[3 * i + 1], s.rgb[3 * i + 2]) : -1
  spriteGray.set(s, g)
  return g
}

/** The dw x dh nearest sample positions of a w x h screen (or of a crop of it), as a Canvas that writes grayscale
 *  into `out` at `offset` (set by target()). One grid serves any number of games of the same screen size, one
 *  after another. */
export class SampleGrid implements Canvas {
  /** source column of each output column, source row of each output row */
  readonly xi: Int32Array
  readonly yi: Int32Array
  /** xFirst[s]: the first output column whose source column is >= s (s = 0 .. w); yFirst likewise */
  private readonly xFirst: Int32Array
  private readonly yFirst: Int32Array
  private readonly images = new Map<Uint8Array, Float32Array>()
  private out: Float32Array = new Float32Array(0)
  private off = 0

  constructor(
    readonly w: number,
    readonly h: number,
    readonly dw: number,
    readonly dh: number,
    crop?: Crop,
  ) {
    const t = nearestTables(w, h, dw, dh, crop)
    this.xi = t.xi
    this.yi = t.yi
    const first = (idx: Int32Array, n: number) => {
      const f = new Int32Array(n + 1)
      for (let s = 0, o = 0; s <= n; s++) {
        while (o < idx.length && idx[o] < s) o++
        f[s] = o
      }
      return f
    }
    this.xFirst = first(this.xi, w)
    this.yFirst = first(this.yi, h)
  }

  /** Where the next draws go: out[offset + y * dw + x]. */
  target(out: Float32Array, offset = 0): this {
    this.out = out
    this.off = offset
    return this
  }

  fill(c: RGB): void {
    this.out.fill(grayOf(c[0], c[1], c[2]), this.off, this.off + this.dw * this.dh)
  }

  /** Copy a whole sampled frame (dw * dh values). */
  copy(gray: Float32Array): void {
    this.out.set(gray, this.off)
  }

  image(rgb: Uint8Array, rows: number): void {
    let g = this.images.get(rgb)
    if (!g) {
      g = new Float32Array(this.dw * this.dh)
      for (let y = 0; y < this.dh; y++) {
        for (let x = 0; x < this.dw; x++) {
          const p = (this.yi[y] * this.w + this.xi[x]) * 3
          g[y * this.dw + x] = grayOf(rgb[p], rgb[p + 1], rgb[p + 2])
        }
      }
      this.images.set(rgb, g)
    }
    this.out.set(g.subarray(0, this.yFirst[Math.min(rows, this.h)] * this.dw), this.off)
  }

  blit(s: Sprite, x: number, y: number): void {
    const g = grayPixels(s)
    const sw = s.w
    const x0 = this.xFirst[x < 0 ? 0 : x > this.w ? this.w : x],
      x1 = this.xFirst[x + sw < 0 ? 0 : x + sw > this.w ? this.w : x + sw]
    const y0 = this.yFirst[y < 0 ? 0 : y > this.h ? this.h : y],
      y1 = this.yFirst[y + s.h < 0 ? 0 : y + s.h > this.h ? this.h : y + s.h]
    if (x0 >= x1) return
    const { xi, yi, out, dw } = this
    for (let oy = y0; oy < y1; oy++) {
      const row = (yi[oy] - y) * sw - x,
        o = this.off + oy * dw
      for (let ox = x0; ox < x1; ox++) {
        const v = g[row + xi[ox]]
        if (v >= 0) out[o + ox] = v
      }
    }
  }
}
