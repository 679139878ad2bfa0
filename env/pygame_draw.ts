// The pieces of pygame (2.1.2, on SDL 2.26.5) that PLE's games use, bit-exact on our RGB screens:
//   Rect      a float centre becomes an integer by a C (int) cast, trunc toward zero (pg_IntFromObj); then
//             left = cx - w / 2 in C integer division, and reading .center back gives left + w / 2 = trunc(cx).
//   collide   Rect.colliderect: the interiors overlap on both axes (touching edges do not collide).
//   draw.rect width 0: SDL_FillRect, clipped to the surface.
//   draw.circle width 0: draw_circle_filled of src_c/draw.c (a midpoint circle filled with horizontal lines,
//             clipped to the surface), which is what every circle sprite of these games is made of.
//   blit      a sprite image onto a surface at an integer top-left, clipped; transparent pixels are skipped. The
//             primitive-drawn games' images have colour key black (set_colorkey), so pixels still holding the key
//             are transparent; a surface alpha (set_alpha) blends the others with SDL's ALPHA_BLEND_RGB:
//             d += trunc((s - d) * a / 255) (BlitNtoNSurfaceAlphaKey). The sprite games' images (FlappyBird,
//             MonsterKong: ours, drawn from code, standing in for PLE's PNGs) are transparent or opaque per pixel,
//             as a PNG's alpha 0 and 255 blit.
//   transform flip (mirror), rotate by 180 degrees, scale (nearest-neighbour) of such images.
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
  constructor(
    readonly w: number,
    readonly h: number,
    /** The pixels: new ones start black, as pygame surfaces do; or a buffer of w * h * 3 bytes to draw into. */
    readonly rgb: Uint8Array = new Uint8Array(w * h * 3),
  ) {
    if (rgb.length !== w * h * 3) throw new Error(`Surface ${w}x${h}: ${rgb.length} bytes`)
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

  /** Copies rows 0 .. rows - 1 of a full-screen image (a Canvas, env/sampled.ts). */
  image(rgb: Uint8Array, rows: number): void {
    this.rgb.set(rgb.subarray(0, Math.min(rows, this.h) * this.w * 3))
  }

  /** Surface.blit(sprite, (x, y)) (a Canvas, env/sampled.ts). */
  blit(s: Sprite, x: number, y: number): void {
    s.blit(this, x, y)
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

const BLACK: RGB = [0, 0, 0]

/** A sprite image ready to blit: its pixels, which of them are opaque, the opaque pixels as horizontal runs, and its
 *  surface alpha (255: none). Made by `keyed` (pygame's colour key) or `sprite` (a pixel function). A run of one
 *  colour is written from that colour (the primitive-drawn games' sprites are all such runs); a run of several is
 *  copied from the image with TypedArray.set of a kept view. */
export class Sprite {
  /** Run k covers image row runs[4k], columns runs[4k + 1] .. runs[4k + 2] - 1; runs[4k + 3] is its colour as
   *  0xRRGGBB when it has one colour, else -1, and views[k] its bytes of rgb. */
  private readonly runs: Int32Array
  private readonly views: Uint8Array[] = []
  /** With a surface alpha: the blend of source s over screen d, at [s * 256 + d]. */
  private readonly blend: Uint8Array | null = null

  constructor(
    readonly w: number,
    readonly h: number,
    /** w * h * 3 bytes, row-major. */
    readonly rgb: Uint8Array,
    /** w * h flags: 1 where the pixel is drawn. */
    readonly opaque: Uint8Array,
    readonly alpha = 255,
  ) {
    const runs: number[] = []
    const colour = (i: number) => (rgb[3 * i] << 16) | (rgb[3 * i + 1] << 8) | rgb[3 * i + 2]
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = y * w + x
        if (!opaque[i]) continue
        const last = runs.length - 4
        if (x > 0 && opaque[i - 1]) {
          runs[last + 2] = x + 1
          if (runs[last + 3] !== colour(i)) runs[last + 3] = -1
        } else runs.push(y, x, x + 1, colour(i))
      }
    }
    this.runs = Int32Array.from(runs)
    for (let k = 0; k < runs.length; k += 4) {
      this.views.push(rgb.subarray((runs[k] * w + runs[k + 1]) * 3, (runs[k] * w + runs[k + 2]) * 3))
    }
    if (alpha !== 255) {
      // SDL ALPHA_BLEND_RGB: C int arithmetic, the division truncates toward zero
      const t = (this.blend = new Uint8Array(65536))
      for (let sv = 0; sv < 256; sv++) {
        for (let d = 0; d < 256; d++) t[(sv << 8) | d] = d + Math.trunc(((sv - d) * alpha) / 255)
      }
    }
  }

  /** Pixel (x, y), null where transparent. */
  pixel(x: number, y: number): RGB | null {
    const i = y * this.w + x
    return this.opaque[i] ? [this.rgb[3 * i], this.rgb[3 * i + 1], this.rgb[3 * i + 2]] : null
  }

  /** Surface.blit(image, (x, y)) onto `dst`, clipped to it. */
  blit(dst: Surface, x: number, y: number): void {
    const W = dst.w,
      H = dst.h
    if (x >= W || y >= H || x + this.w <= 0 || y + this.h <= 0) return
    const s = dst.rgb,
      t = this.blend,
      runs = this.runs
    for (let k = 0; k < runs.length; k += 4) {
      const py = y + runs[k]
      if (py < 0 || py >= H) continue
      const a = x + runs[k + 1],
        b = x + runs[k + 2]
      const x0 = a < 0 ? 0 : a,
        x1 = b > W ? W : b
      if (x0 >= x1) continue
      const c = runs[k + 3]
      let o = (py * W + x0) * 3
      const end = (py * W + x1) * 3
      if (t !== null && c >= 0) {
        const tr = (c >> 16) << 8,
          tg = c & 0xff00,
          tb = (c & 255) << 8
        for (; o < end; o += 3) {
          s[o] = t[tr | s[o]]
          s[o + 1] = t[tg | s[o + 1]]
          s[o + 2] = t[tb | s[o + 2]]
        }
      } else if (t !== null) {
        let i = (runs[k] * this.w + x0 - x) * 3
        const src = this.rgb
        for (; o < end; o += 3, i += 3) {
          s[o] = t[(src[i] << 8) | s[o]]
          s[o + 1] = t[(src[i + 1] << 8) | s[o + 1]]
          s[o + 2] = t[(src[i + 2] << 8) | s[o + 2]]
        }
      } else if (c >= 0) {
        const r = c >> 16,
          g = (c >> 8) & 255,
          bl = c & 255
        for (; o < end; o += 3) {
          s[o] = r
          s[o + 1] = g
          s[o + 2] = bl
        }
      } else if (x0 === a && x1 === b) {
        s.set(this.views[k >> 2], o)
      } else {
        const i = (runs[k] * this.w + x0 - x) * 3
        s.set(this.rgb.subarray(i, i + end - o), o)
      }
    }
  }
}

/** pygame's colour key: `image` drawn where it is not `key` (black, as every PLE sprite has it), with `alpha`. */
export function keyed(image: Surface, key: RGB = BLACK, alpha = 255): Sprite {
  const p = image.rgb
  const opaque = new Uint8Array(image.w * image.h)
  for (let i = 0; i < opaque.length; i++) {
    opaque[i] = p[3 * i] === key[0] && p[3 * i + 1] === key[1] && p[3 * i + 2] === key[2] ? 0 : 1
  }
  return new Sprite(image.w, image.h, image.rgb.slice(), opaque, alpha)
}

/** A w x h sprite whose pixel (x, y) is colour(x, y), or transparent where that is null. */
export function sprite(w: number, h: number, colour: (x: number, y: number) => RGB | null): Sprite {
  const rgb = new Uint8Array(w * h * 3)
  const opaque = new Uint8Array(w * h)
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const c = colour(x, y)
      if (!c) continue
      rgb.set(c, (y * w + x) * 3)
      opaque[y * w + x] = 1
    }
  }
  return new Sprite(w, h, rgb, opaque)
}

/** pygame.transform.flip(s, True, False): left-right mirror image. */
export const mirror = (s: Sprite): Sprite => sprite(s.w, s.h, (x, y) => s.pixel(s.w - 1 - x, y))

/** pygame.transform.rotate(s, 180). */
export const rotate180 = (s: Sprite): Sprite => sprite(s.w, s.h, (x, y) => s.pixel(s.w - 1 - x, s.h - 1 - y))

/** Nearest-neighbour resize (what pygame.transform.scale does to a sprite PLE shrinks). */
export const shrink = (s: Sprite, w: number, h: number): Sprite => sprite(w, h, (x, y) => s.pixel(Math.floor((x * s.w) / w), Math.floor((y * s.h) / h)))

/** A solid w x h rectangle sprite: pygame.Surface((w, h)), draw.rect over all of it, colour key black. */
export function rectSprite(w: number, h: number, c: RGB): Sprite {
  const img = new Surface(w, h)
  img.fillRect(0, 0, w, h, c)
  return keyed(img)
}

/** A circle sprite: pygame.Surface((2r, 2r)) black, draw.circle at (r, r) radius r, colour key black. */
export function circleSprite(r: number, c: RGB): Sprite {
  const img = new Surface(2 * r, 2 * r)
  img.circle(r, r, r, c)
  return keyed(img)
}
