// The pieces of pygame (2.1.2, on SDL 2.26.5) that PLE's primitive-drawn games use, bit-exact on our RGB screens:
//   Rect      a float centre becomes an integer by a C (int) cast, trunc toward zero (pg_IntFromObj); then
//             left = cx - w / 2 in C integer division, and reading .center back gives left + w / 2 = trunc(cx).
//   collide   Rect.colliderect: the interiors overlap on both axes (touching edges do not collide).
//   draw.rect width 0: SDL_FillRect, clipped to the surface.
//   draw.circle width 0: draw_circle_filled of src_c/draw.c (a midpoint circle filled with horizontal lines,
//             clipped to the surface), which is what every circle sprite of these games is made of.
//   blit      a sprite image onto the screen at an integer top-left, clipped. The images have colour key black
//             (set_colorkey), so pixels still holding the key are skipped; a surface alpha (set_alpha) blends the
//             others with SDL's ALPHA_BLEND_RGB: d += trunc((s - d) * a / 255) (BlitNtoNSurfaceAlphaKey).
// Screens and images are row-major (y, x) RGB bytes, the gym_ple observation layout.

export type RGB = readonly [number, number, number]

/** Left (or top) edge of a pygame Rect of `size` pixels whose centre is set to the float `centre`. */
export function rectStart(centre: number, size: number): number {
  return Math.trunc(centre) - (size >> 1)
}

/** pygame Rect.colliderect for rects of positive size. */
export function rectsCollide(ax: number, ay: number, aw: number, ah: number, bx: number, by: number, bw: number, bh: number): boolean {
  return ax < bx + bw && ay < by + bh && ax + aw > bx && ay + ah > by
}

/** An RGB surface: the screen, or a sprite image before it is turned into a Sprite. */
export class Surface {
  readonly rgb: Uint8Array

  constructor(
    readonly w: number,
    readonly h: number,
  ) {
    this.rgb = new Uint8Array(w * h * 3) // pygame surfaces start black
  }

  /** Surface.fill(colour); a grey fills as one memset. */
  fill(c: RGB): void {
    if (c[0] === c[1] && c[1] === c[2]) {
      this.rgb.fill(c[0])
      return
    }
    for (let o = 0; o < this.rgb.length; o += 3) {
      this.rgb[o] = c[0]
      this.rgb[o + 1] = c[1]
      this.rgb[o + 2] = c[2]
    }
  }

  /** pygame.draw.rect(surface, colour, (x, y, w, h), 0): a clipped fill. */
  fillRect(x: number, y: number, w: number, h: number, c: RGB): void {
    const x0 = Math.max(0, x),
      x1 = Math.min(this.w, x + w)
    const y0 = Math.max(0, y),
      y1 = Math.min(this.h, y + h)
    for (let r = y0; r < y1; r++) this.hline(x0, x1 - 1, r, c)
  }

  /** pygame.draw.circle(surface, colour, (x0, y0), radius, 0): draw_circle_filled. Its horizontal lines cover
   *  columns x0 - a .. x0 + a - 1 on rows y0 - b and y0 + b - 1, so a circle of radius r fills a 2r x 2r box. */
  circle(x0: number, y0: number, radius: number, c: RGB): void {
    if (radius < 1) return
    let f = 1 - radius
    let ddFx = 0
    let ddFy = -2 * radius
    let x = 0
    let y = radius
    while (x < y) {
      if (f >= 0) {
        y--
        ddFy += 2
        f += ddFy
      }
      x++
      ddFx += 2
      f += ddFx + 1
      if (f >= 0) {
        // the y-step is about to be taken: draw the cap lines once
        this.hlineClip(x0 - x, x0 + x - 1, y0 + y - 1, c)
        this.hlineClip(x0 - x, x0 + x - 1, y0 - y, c)
      }
      this.hlineClip(x0 - y, x0 + y - 1, y0 + x - 1, c)
      this.hlineClip(x0 - y, x0 + y - 1, y0 - x, c)
    }
  }

  private hlineClip(xa: number, xb: number, y: number, c: RGB): void {
    if (y < 0 || y >= this.h) return
    if (xb < xa) [xa, xb] = [xb, xa]
    xa = Math.max(xa, 0)
    xb = Math.min(xb, this.w - 1)
    if (xb < 0 || xa >= this.w) return
    this.hline(xa, xb, y, c)
  }

  private hline(xa: number, xb: number, y: number, c: RGB): void {
    const s = this.rgb
    for (let o = (y * this.w + xa) * 3, end = (y * this.w + xb) * 3; o <= end; o += 3) {
      s[o] = c[0]
      s[o + 1] = c[1]
      s[o + 2] = c[2]
    }
  }
}

/** A sprite image ready to blit: its pixels that differ from the colour key, as horizontal runs of one colour,
 *  and its surface alpha. */
export class Sprite {
  readonly w: number
  readonly h: number
  /** Run i covers image row runY[i], columns runX[i] .. runX[i] + runLen[i] - 1, in colour runRgb[3i .. 3i+2]. */
  private readonly runY: Int16Array
  private readonly runX: Int16Array
  private readonly runLen: Int16Array
  private readonly runRgb: Uint8Array
  /** With a surface alpha: the blend of source s over screen d, at [s * 256 + d]. */
  private readonly blend: Uint8Array | null = null

  constructor(
    image: Surface,
    key: RGB = [0, 0, 0],
    readonly alpha = 255,
  ) {
    this.w = image.w
    this.h = image.h
    const ys: number[] = [],
      xs: number[] = [],
      lens: number[] = [],
      rgb: number[] = []
    const p = image.rgb
    for (let y = 0; y < image.h; y++) {
      for (let x = 0; x < image.w; x++) {
        const o = (y * image.w + x) * 3
        const [r, g, b] = [p[o], p[o + 1], p[o + 2]]
        if (r === key[0] && g === key[1] && b === key[2]) continue
        const last = ys.length - 1
        if (last >= 0 && ys[last] === y && xs[last] + lens[last] === x && rgb[3 * last] === r && rgb[3 * last + 1] === g && rgb[3 * last + 2] === b) {
          lens[last]++
        } else {
          ys.push(y)
          xs.push(x)
          lens.push(1)
          rgb.push(r, g, b)
        }
      }
    }
    this.runY = Int16Array.from(ys)
    this.runX = Int16Array.from(xs)
    this.runLen = Int16Array.from(lens)
    this.runRgb = Uint8Array.from(rgb)
    if (alpha !== 255) {
      // SDL ALPHA_BLEND_RGB: C int arithmetic, the division truncates toward zero
      const t = (this.blend = new Uint8Array(65536))
      for (let sv = 0; sv < 256; sv++) {
        for (let d = 0; d < 256; d++) t[(sv << 8) | d] = d + Math.trunc(((sv - d) * alpha) / 255)
      }
    }
  }

  /** Surface.blit(image, (x, y)) onto `dst`, clipped to it. */
  blit(dst: Surface, x: number, y: number): void {
    const W = dst.w,
      H = dst.h,
      s = dst.rgb,
      t = this.blend
    const { runY, runX, runLen, runRgb } = this
    for (let i = 0; i < runY.length; i++) {
      const py = y + runY[i]
      if (py < 0 || py >= H) continue
      const x0 = Math.max(0, x + runX[i])
      const x1 = Math.min(W, x + runX[i] + runLen[i])
      if (x0 >= x1) continue
      const r = runRgb[3 * i],
        g = runRgb[3 * i + 1],
        b = runRgb[3 * i + 2]
      const end = (py * W + x1) * 3
      if (t === null) {
        for (let o = (py * W + x0) * 3; o < end; o += 3) {
          s[o] = r
          s[o + 1] = g
          s[o + 2] = b
        }
      } else {
        const tr = r << 8,
          tg = g << 8,
          tb = b << 8
        for (let o = (py * W + x0) * 3; o < end; o += 3) {
          s[o] = t[tr | s[o]]
          s[o + 1] = t[tg | s[o + 1]]
          s[o + 2] = t[tb | s[o + 2]]
        }
      }
    }
  }
}

/** A solid w x h rectangle sprite: pygame.Surface((w, h)), draw.rect over all of it, colour key black. */
export function rectSprite(w: number, h: number, c: RGB): Sprite {
  const img = new Surface(w, h)
  img.fillRect(0, 0, w, h, c)
  return new Sprite(img)
}

/** A circle sprite: pygame.Surface((2r, 2r)) black, draw.circle at (r, r) radius r, colour key black. */
export function circleSprite(r: number, c: RGB): Sprite {
  const img = new Surface(2 * r, 2 * r)
  img.circle(r, r, r, c)
  return new Sprite(img)
}
