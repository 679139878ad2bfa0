// Sprites drawn from code for the games whose PLE assets are PNGs we do not ship (FlappyBird, MonsterKong): RGBA
// images with alpha 0 or 255 (a PNG's transparent and opaque pixels) and pygame's blit onto an RGB screen.

export type RGB = readonly [number, number, number]

export interface Sprite {
  w: number
  h: number
  rgba: Uint8Array
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
  return { w, h, rgba }
}

/** Blit `s` with its top-left at integer (x, y) onto a W-wide, H-high RGB screen, clipped; transparent pixels skip. */
export function blit(screen: Uint8Array, W: number, H: number, s: Sprite, x: number, y: number): void {
  const x0 = Math.max(0, x), x1 = Math.min(W, x + s.w)
  const y0 = Math.max(0, y), y1 = Math.min(H, y + s.h)
  const px = s.rgba
  for (let r = y0; r < y1; r++) {
    let i = ((r - y) * s.w + (x0 - x)) * 4
    let o = (r * W + x0) * 3
    for (let c = x0; c < x1; c++, i += 4, o += 3) {
      if (px[i + 3] === 0) continue
      screen[o] = px[i]
      screen[o + 1] = px[i + 1]
      screen[o + 2] = px[i + 2]
    }
  }
}
