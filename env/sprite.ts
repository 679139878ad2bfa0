// Sprites drawn from code for the games whose PLE assets are PNGs we do not ship (FlappyBird, MonsterKong): RGBA
// images with alpha 0 or 255 (a PNG's transparent and opaque pixels) and pygame's blit onto an RGB screen.

export type RGB = readonly [number, number, number]

export interface Sprite {
  w: number
  h: number
  rgba: Uint8Array
  /** The same pixels as RGB rows, and the opaque runs as (row, x0, x1) triples, each with a ready view of its
   *  bytes: blit copies runs (TypedArray.set of a kept view is the fastest copy V8 offers), not pixels. */
  rgb: Uint8Array
  runs: Int32Array
  views: Uint8Array[]
}

/** A w x h sprite whose pixel (x, y) is colour(x, y), or transparent where that is null. */
export function sprite(w: number, h: number, colour: (x: number, y: number) => RGB | null): Sprite {
  const rgba = new Uint8Array(w * h * 4)
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const c = colour(x, y)
      if (c) rgba.set([c[0], c[1], c[2], 255], (y * w + x) * 4)
    }
  }
  const rgb = new Uint8Array(w * h * 3)
  const runs: number[] = []
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x
      rgb.set(rgba.subarray(i * 4, i * 4 + 3), i * 3)
      if (rgba[i * 4 + 3] && (x === 0 || !rgba[i * 4 - 1])) runs.push(y, x, x + 1)
      else if (rgba[i * 4 + 3]) runs[runs.length - 1] = x + 1
    }
  }
  const views: Uint8Array[] = []
  for (let k = 0; k < runs.length; k += 3) {
    views.push(rgb.subarray((runs[k] * w + runs[k + 1]) * 3, (runs[k] * w + runs[k + 2]) * 3))
  }
  return { w, h, rgba, rgb, runs: Int32Array.from(runs), views }
}

/** Pixel (x, y) of a sprite, null where transparent. */
export function pixel(s: Sprite, x: number, y: number): RGB | null {
  const i = (y * s.w + x) * 4
  return s.rgba[i + 3] ? [s.rgba[i], s.rgba[i + 1], s.rgba[i + 2]] : null
}

/** Left-right mirror image. */
export const mirror = (s: Sprite): Sprite => sprite(s.w, s.h, (x, y) => pixel(s, s.w - 1 - x, y))

/** Turned 180 degrees (pygame.transform.rotate(s, 180)). */
export const rotate180 = (s: Sprite): Sprite => sprite(s.w, s.h, (x, y) => pixel(s, s.w - 1 - x, s.h - 1 - y))

/** Nearest-neighbour resize (what pygame.transform.scale does to a sprite PLE shrinks). */
export const shrink = (s: Sprite, w: number, h: number): Sprite => sprite(w, h, (x, y) => pixel(s, Math.floor((x * s.w) / w), Math.floor((y * s.h) / h)))

/** Blit `s` with its top-left at integer (x, y) onto a W-wide, H-high RGB screen, clipped; transparent pixels skip. */
export function blit(screen: Uint8Array, W: number, H: number, s: Sprite, x: number, y: number): void {
  if (x >= W || y >= H || x + s.w <= 0 || y + s.h <= 0) return
  const runs = s.runs
  const rgb = s.rgb
  for (let k = 0; k < runs.length; k += 3) {
    const r = y + runs[k]
    if (r < 0 || r >= H) continue
    const a = Math.max(0, x + runs[k + 1])
    const b = Math.min(W, x + runs[k + 2])
    if (a >= b) continue
    const to = (r * W + a) * 3
    if (a === x + runs[k + 1] && b === x + runs[k + 2]) screen.set(s.views[k / 3], to)
    else {
      const from = (runs[k] * s.w + (a - x)) * 3
      screen.set(rgb.subarray(from, from + (b - a) * 3), to)
    }
  }
}
