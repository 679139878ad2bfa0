// Drawing for `rl-rnd graph`: a chart draws once on a Surface, which writes it as a PNG (our own rasterizer and a
// 5x7 bitmap font, through pngjs) or as an SVG (text; the same layout, the font as monospace text of the same width).
import { PNG } from 'pngjs'

export type RGB = [number, number, number]

/** What a chart draws with; coordinates in pixels, y down. */
export interface Surface {
  readonly w: number
  readonly h: number
  line(x0: number, y0: number, x1: number, y1: number, c: RGB, width?: number): void
  /** filled, corners included */
  rect(x0: number, y0: number, x1: number, y1: number, c: RGB): void
  /** a filled band between two polylines over the same xs */
  band(xs: number[], lo: number[], hi: number[], c: RGB, alpha: number): void
  /** `s` with its top-left corner at (x, y), glyphs 5x7 on a 6-pixel pitch, times `scale` */
  text(s: string, x: number, y: number, c: RGB, scale?: number): void
}

/** Width of `s` drawn by Surface.text. */
export const textWidth = (s: string, scale = 1) => s.length * 6 * scale - scale

// 5x7 glyphs, one 5-bit row per number (bit 4 = leftmost pixel); lowercase letters draw as uppercase.
const FONT: Record<string, number[]> = {
  '0': [14, 17, 19, 21, 25, 17, 14],
  '1': [4, 12, 4, 4, 4, 4, 14],
  '2': [14, 17, 1, 2, 4, 8, 31],
  '3': [31, 2, 4, 2, 1, 17, 14],
  '4': [2, 6, 10, 18, 31, 2, 2],
  '5': [31, 16, 30, 1, 1, 17, 14],
  '6': [6, 8, 16, 30, 17, 17, 14],
  '7': [31, 1, 2, 4, 8, 8, 8],
  '8': [14, 17, 17, 14, 17, 17, 14],
  '9': [14, 17, 17, 15, 1, 2, 12],
  A: [14, 17, 17, 31, 17, 17, 17],
  B: [30, 17, 17, 30, 17, 17, 30],
  C: [14, 17, 16, 16, 16, 17, 14],
  D: [28, 18, 17, 17, 17, 18, 28],
  E: [31, 16, 16, 30, 16, 16, 31],
  F: [31, 16, 16, 30, 16, 16, 16],
  G: [14, 17, 16, 23, 17, 17, 15],
  H: [17, 17, 17, 31, 17, 17, 17],
  I: [14, 4, 4, 4, 4, 4, 14],
  J: [7, 2, 2, 2, 2, 18, 12],
  K: [17, 18, 20, 24, 20, 18, 17],
  L: [16, 16, 16, 16, 16, 16, 31],
  M: [17, 27, 21, 21, 17, 17, 17],
  N: [17, 17, 25, 21, 19, 17, 17],
  O: [14, 17, 17, 17, 17, 17, 14],
  P: [30, 17, 17, 30, 16, 16, 16],
  Q: [14, 17, 17, 17, 21, 18, 13],
  R: [30, 17, 17, 30, 20, 18, 17],
  S: [15, 16, 16, 14, 1, 1, 30],
  T: [31, 4, 4, 4, 4, 4, 4],
  U: [17, 17, 17, 17, 17, 17, 14],
  V: [17, 17, 17, 17, 17, 10, 4],
  W: [17, 17, 17, 21, 21, 21, 10],
  X: [17, 17, 10, 4, 10, 17, 17],
  Y: [17, 17, 10, 4, 4, 4, 4],
  Z: [31, 1, 2, 4, 8, 16, 31],
  '-': [0, 0, 0, 31, 0, 0, 0],
  '.': [0, 0, 0, 0, 0, 12, 12],
  ',': [0, 0, 0, 0, 12, 4, 8],
  ':': [0, 12, 12, 0, 12, 12, 0],
  '/': [1, 1, 2, 4, 8, 16, 16],
  '(': [2, 4, 8, 8, 8, 4, 2],
  ')': [8, 4, 2, 2, 2, 4, 8],
  _: [0, 0, 0, 0, 0, 0, 31],
  '+': [0, 4, 4, 31, 4, 4, 0],
  "'": [12, 4, 8, 0, 0, 0, 0],
  '>': [8, 4, 2, 1, 2, 4, 8],
  '<': [2, 4, 8, 16, 8, 4, 2],
  '=': [0, 0, 31, 0, 31, 0, 0],
  ' ': [0, 0, 0, 0, 0, 0, 0],
}

/** Our own rasterizer over a pngjs image: white background, alpha blending, the 5x7 font. */
export class PngSurface implements Surface {
  private readonly png: PNG
  constructor(
    readonly w: number,
    readonly h: number,
  ) {
    this.png = new PNG({ width: w, height: h })
    this.png.data.fill(255)
  }
  encode(): Buffer {
    return PNG.sync.write(this.png)
  }
  set(x: number, y: number, [r, g, b]: RGB, alpha = 1): void {
    x = Math.round(x)
    y = Math.round(y)
    if (x < 0 || y < 0 || x >= this.w || y >= this.h) return
    const i = (y * this.w + x) * 4,
      d = this.png.data
    d[i] = d[i] * (1 - alpha) + r * alpha
    d[i + 1] = d[i + 1] * (1 - alpha) + g * alpha
    d[i + 2] = d[i + 2] * (1 - alpha) + b * alpha
  }
  rect(x0: number, y0: number, x1: number, y1: number, c: RGB): void {
    for (let y = Math.round(y0); y <= Math.round(y1); y++) {
      for (let x = Math.round(x0); x <= Math.round(x1); x++) this.set(x, y, c)
    }
  }
  line(x0: number, y0: number, x1: number, y1: number, c: RGB, width = 1): void {
    const n = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0)) * 2))
    for (let i = 0; i <= n; i++) {
      const x = x0 + ((x1 - x0) * i) / n,
        y = y0 + ((y1 - y0) * i) / n
      if (width <= 1) this.set(x, y, c)
      else this.rect(x - (width - 1) / 2, y - (width - 1) / 2, x + (width - 1) / 2, y + (width - 1) / 2, c)
    }
  }
  /** A filled band between two polylines over the same x (vertical spans per pixel column). */
  band(xs: number[], lo: number[], hi: number[], c: RGB, alpha: number): void {
    const drawn = new Set<number>()
    for (let i = 0; i < xs.length; i++) {
      const j = Math.min(i + 1, xs.length - 1)
      const xa = Math.round(xs[i]),
        xb = Math.round(xs[j])
      for (let x = xa; x <= xb; x++) {
        if (drawn.has(x)) continue
        drawn.add(x)
        const t = xb === xa ? 0 : (x - xa) / (xb - xa)
        const a = lo[i] + (lo[j] - lo[i]) * t,
          b = hi[i] + (hi[j] - hi[i]) * t
        for (let y = Math.round(Math.min(a, b)); y <= Math.round(Math.max(a, b)); y++) this.set(x, y, c, alpha)
      }
    }
  }
  text(s: string, x: number, y: number, c: RGB, scale = 1): void {
    for (const ch of s) {
      const g = FONT[ch] ?? FONT[ch.toUpperCase()] ?? FONT[' ']
      for (let r = 0; r < 7; r++)
        for (let col = 0; col < 5; col++) {
          const px = x + col * scale,
            py = y + r * scale
          if (g[r] & (16 >> col)) this.rect(px, py, px + scale - 1, py + scale - 1, c)
        }
      x += 6 * scale
    }
  }
}

const rgb = ([r, g, b]: RGB) => `rgb(${r},${g},${b})`
const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
const n = (v: number) => +v.toFixed(2)

/** The same drawing as SVG elements. */
export class SvgSurface implements Surface {
  private readonly parts: string[] = []
  constructor(
    readonly w: number,
    readonly h: number,
  ) {}
  encode(): string {
    return (
      `<svg xmlns="http://www.w3.org/2000/svg" width="${this.w}" height="${this.h}" viewBox="0 0 ${this.w} ${this.h}">\n` +
      `<rect width="100%" height="100%" fill="white"/>\n${this.parts.join('\n')}\n</svg>\n`
    )
  }
  line(x0: number, y0: number, x1: number, y1: number, c: RGB, width = 1): void {
    this.parts.push(`<line x1="${n(x0)}" y1="${n(y0)}" x2="${n(x1)}" y2="${n(y1)}" stroke="${rgb(c)}" stroke-width="${width}"/>`)
  }
  rect(x0: number, y0: number, x1: number, y1: number, c: RGB): void {
    this.parts.push(`<rect x="${n(x0)}" y="${n(y0)}" width="${n(x1 - x0 + 1)}" height="${n(y1 - y0 + 1)}" fill="${rgb(c)}"/>`)
  }
  band(xs: number[], lo: number[], hi: number[], c: RGB, alpha: number): void {
    const pts = [...xs.map((x, i) => `${n(x)},${n(hi[i])}`), ...xs.map((x, i) => `${n(x)},${n(lo[i])}`).reverse()]
    this.parts.push(`<polygon points="${pts.join(' ')}" fill="${rgb(c)}" fill-opacity="${alpha}"/>`)
  }
  text(s: string, x: number, y: number, c: RGB, scale = 1): void {
    // monospace glyphs are 0.6 em wide: a 10*scale font keeps the bitmap font's 6*scale pitch
    this.parts.push(`<text x="${n(x)}" y="${n(y + 7 * scale)}" font-family="monospace" font-size="${10 * scale}" ` + `fill="${rgb(c)}">${xml(s)}</text>`)
  }
}

/** About `count` round tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (!(hi > lo)) {
    hi = lo + 1
    lo = lo - 1
  }
  const raw = (hi - lo) / count
  const mag = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag
  const ticks: number[] = []
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
    ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v)
  }
  return ticks
}

export function fmtTick(v: number, step: number): string {
  const digits = Math.max(0, -Math.floor(Math.log10(step) + 1e-9))
  return v.toFixed(digits)
}

export const BLACK: RGB = [30, 30, 30]
const GRID: RGB = [225, 225, 225]

/** A plot area in pixels: left, right, top, bottom. */
export interface Box {
  L: number
  R: number
  T: number
  B: number
}

/**
 * Grid lines, ticks, tick labels and the two axes of `box`, for x (iterations, frames: integer ticks, labelled by
 * xLabel) in [x0, x1] and y covering [lo, hi]. Returns the data -> pixel maps.
 */
export function axes(
  s: Surface,
  { L, R, T, B }: Box,
  x0: number,
  x1: number,
  lo: number,
  hi: number,
  xLabel: (v: number) => string = String,
): { px: (x: number) => number; py: (y: number) => number } {
  const yt = niceTicks(lo, hi)
  const y0 = Math.min(yt[0], lo),
    y1 = Math.max(yt[yt.length - 1], hi)
  x1 = Math.max(x1, x0 + 1)
  const xt = niceTicks(x0, x1, 8).filter((v) => Number.isInteger(v))
  const px = (x: number) => L + ((x - x0) / (x1 - x0)) * (R - L)
  const py = (y: number) => B - ((y - y0) / (y1 - y0 || 1)) * (B - T)
  const ystep = yt.length > 1 ? yt[1] - yt[0] : 1
  for (const v of yt) {
    s.line(L, py(v), R, py(v), GRID)
    s.line(L - 5, py(v), L, py(v), BLACK)
    const label = fmtTick(v, ystep)
    s.text(label, L - 9 - textWidth(label), py(v) - 3, BLACK)
  }
  for (const v of xt) {
    s.line(px(v), T, px(v), B, GRID)
    s.line(px(v), B, px(v), B + 5, BLACK)
    const label = xLabel(v)
    s.text(label, px(v) - textWidth(label) / 2, B + 10, BLACK)
  }
  s.line(L, T, L, B, BLACK)
  s.line(L, B, R, B, BLACK)
  return { px, py }
}

/** A count for an axis: 0, 750, 1.5k, 20k, 2.5M (frames). */
export function fmtCount(v: number): string {
  const a = Math.abs(v)
  const [div, unit] = a >= 1e9 ? [1e9, 'G'] : a >= 1e6 ? [1e6, 'M'] : a >= 1e3 ? [1e3, 'k'] : [1, '']
  return `${+(v / div).toFixed(2)}${unit}`
}
