// Observation preprocessing: resize (exactly as Pillow's Image.resize), grayscale, frame stacking, sticky actions.
//
// Resize, both modes bit-exact to Pillow (checked against Pillow output in test/env/preprocess.test.ts):
//   'nearest'  Pillow's NEAREST (Image.resize's default until Pillow 7, i.e. in 2019): ImagingScaleAffine samples
//              at pixel centres with an accumulated position, src(x) = trunc(s/2 + s + ... + s) with s = in/out
//              (x additions of s), which differs from floor((x + 0.5) * s) where that lands on an integer.
//   'bilinear' Pillow's BILINEAR (Resample.c): a separable convolution, horizontal pass first, each pass rounded
//              to 8 bits. Triangle filter of support 1 scaled by max(1, in/out) (so upscaling uses 2 taps),
//              sampled at pixel centres (centre = (x + 0.5) * s), weights normalised to sum 1 and converted to
//              22-bit fixed point; out = clip8((2^21 + sum(v * k)) >> 22).
// Grayscale: 0.299 R + 0.587 G + 0.114 B in doubles, stored as float32 (values 0..255, not rounded).
// Because nearest resampling only picks pixels, resize-then-grayscale equals grayscale-then-resize there, and Resizer
// reads and grayscales only the sampled pixels; bilinear resizes the RGB image first, as the seed's PIL pipeline does.

export type ResizeMode = 'nearest' | 'bilinear'

/** A square of the screen (rows top .. top + size - 1, columns left .. left + size - 1) that frames are cut from
 *  before the resize: the crop is resized as if it were the screen (nearest only: Pillow's crop, then resize). */
export interface Crop {
  top: number
  left: number
  size: number
}

/** What is wrong with `crop` on a w x h screen, or null when it lies inside it. */
export function cropProblem(crop: Crop, w: number, h: number): string | null {
  const { top, left, size } = crop
  if (![top, left, size].every(Number.isInteger) || top < 0 || left < 0 || size < 1) {
    return `a crop needs integers top >= 0, left >= 0 and size >= 1 (got ${top},${left},${size})`
  }
  if (top + size > h || left + size > w) {
    return `the crop ${top},${left},${size} reaches row ${top + size - 1} and column ${left + size - 1}, outside the ${w}x${h} screen`
  }
  return null
}

/** Source positions of a nearest resize of `crop` (the whole w x h screen when undefined) to dw x dh. */
export function nearestTables(w: number, h: number, dw: number, dh: number, crop?: Crop): { xi: Int32Array; yi: Int32Array } {
  if (!crop) return { xi: nearestIndex(w, dw), yi: nearestIndex(h, dh) }
  const bad = cropProblem(crop, w, h)
  if (bad) throw new Error(`Resizer: ${bad}`)
  const xi = nearestIndex(crop.size, dw),
    yi = nearestIndex(crop.size, dh)
  for (let i = 0; i < xi.length; i++) xi[i] += crop.left
  for (let i = 0; i < yi.length; i++) yi[i] += crop.top
  return { xi, yi }
}

/** Source index for each output index of Pillow's NEAREST resize (ImagingScaleAffine's pretabulated positions). */
export function nearestIndex(inSize: number, outSize: number): Int32Array {
  const idx = new Int32Array(outSize)
  const s = inSize / outSize
  let xo = s * 0.5
  for (let x = 0; x < outSize; x++) {
    idx[x] = Math.min(inSize - 1, Math.trunc(xo))
    xo += s
  }
  return idx
}

/** Pillow's bilinear taps for one axis: output x uses input pixels first[x] .. first[x] + count[x] - 1 with the
 *  22-bit fixed-point weights k[x * ksize + j] (Resample.c precompute_coeffs + normalize_coeffs_8bpc). */
export interface Taps {
  first: Int32Array
  count: Int32Array
  k: Int32Array
  ksize: number
}

export function bilinearTaps(inSize: number, outSize: number): Taps {
  const scale = inSize / outSize
  const filterscale = Math.max(1, scale)
  const support = 1.0 * filterscale
  const ksize = Math.ceil(support) * 2 + 1
  const first = new Int32Array(outSize)
  const count = new Int32Array(outSize)
  const k = new Int32Array(outSize * ksize)
  const w = new Float64Array(ksize)
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale
    const xmin = Math.max(0, Math.trunc(center - support + 0.5))
    const xmax = Math.min(inSize, Math.trunc(center + support + 0.5)) - xmin
    const ss = 1.0 / filterscale
    let ww = 0
    for (let x = 0; x < xmax; x++) {
      const d = Math.abs((x + xmin - center + 0.5) * ss)
      w[x] = d < 1 ? 1 - d : 0
      ww += w[x]
    }
    for (let x = 0; x < xmax; x++) {
      const v = ww !== 0 ? w[x] / ww : w[x]
      k[xx * ksize + x] = Math.trunc(v < 0 ? -0.5 + v * (1 << 22) : 0.5 + v * (1 << 22))
    }
    first[xx] = xmin
    count[xx] = xmax
  }
  return { first, count, k, ksize }
}

const clip8 = (ss: number) => {
  const v = ss >> 22
  return v < 0 ? 0 : v > 255 ? 255 : v
}

/** Resize an RGB image (h*w*3, row-major) to dw x dh exactly as Pillow's Image.resize with NEAREST or BILINEAR. */
export function resizeRgb(src: Uint8Array, w: number, h: number, dw: number, dh: number, mode: ResizeMode): Uint8Array {
  return new Resizer(w, h, dw, dh, mode).rgb(src, new Uint8Array(dw * dh * 3))
}

/** 0.299 R + 0.587 G + 0.114 B for each pixel of an RGB image, into out (float32, 0..255). */
export function grayscale(rgb: Uint8Array, out: Float32Array, outOffset = 0): Float32Array {
  for (let i = 0, o = outOffset; i < rgb.length; i += 3, o++) {
    out[o] = 0.299 * rgb[i] + 0.587 * rgb[i + 1] + 0.114 * rgb[i + 2]
  }
  return out
}

// Nearest: grayscale, raw and / 255, of the source pixels at rows yi and columns xi (Pillow's nearest positions), so
// only the sampled pixels are read (FlappyBird's 288x512 screen gives 84x84 of its 147456 pixels). Screens are mostly
// runs of one colour, so the last colour's values are memoised; an output row sampling the same source row as the
// previous one is copied from it. (One fused loop for both outputs runs twice as fast as two.)
function gatherGray(
  src: Uint8Array,
  raw: Float32Array,
  rawOffset: number,
  scaled: Float32Array,
  scaledOffset: number,
  xi: Int32Array,
  yi: Int32Array,
  w: number,
  dw: number,
  dh: number,
): void {
  let lastKey = -1,
    lastG = 0,
    lastS = 0
  for (let y = 0; y < dh; y++) {
    const r0 = rawOffset + y * dw,
      s0 = scaledOffset + y * dw,
      row = yi[y] * w
    if (y > 0 && yi[y] === yi[y - 1]) {
      raw.copyWithin(r0, r0 - dw, r0)
      scaled.copyWithin(s0, s0 - dw, s0)
      continue
    }
    for (let x = 0; x < dw; x++) {
      const p = (row + xi[x]) * 3
      const key = (src[p] << 16) | (src[p + 1] << 8) | src[p + 2]
      if (key !== lastKey) {
        lastKey = key
        lastG = Math.fround(0.299 * src[p] + 0.587 * src[p + 1] + 0.114 * src[p + 2])
        lastS = lastG / 255
      }
      raw[r0 + x] = lastG
      scaled[s0 + x] = lastS
    }
  }
}

/** A resize + grayscale pipeline for one fixed geometry, with its tables precomputed; no allocation per frame. */
export class Resizer {
  private xi?: Int32Array
  private yi?: Int32Array
  private scratch?: Float32Array // nearest: the unused scaled output of grayInto
  private tx?: Taps
  private ty?: Taps
  private tmp?: Int32Array // bilinear: horizontal pass result, h rows x dw packed RGB
  private srcKey?: Int32Array // bilinear: the source as packed RGB

  constructor(
    readonly w: number,
    readonly h: number,
    readonly dw: number,
    readonly dh: number,
    readonly mode: ResizeMode,
    readonly crop?: Crop,
  ) {
    if (mode !== 'nearest' && mode !== 'bilinear') throw new Error(`unknown resize mode '${mode}' (nearest, bilinear)`)
    if (mode === 'nearest') {
      const t = nearestTables(w, h, dw, dh, crop)
      this.xi = t.xi
      this.yi = t.yi
    } else {
      if (crop) throw new Error('Resizer: a crop works with the nearest resize only')
      this.tx = bilinearTaps(w, dw)
      this.ty = bilinearTaps(h, dh)
      this.tmp = new Int32Array(h * dw)
      this.srcKey = new Int32Array(w * h)
    }
  }

  /** RGB -> RGB (Pillow-exact). */
  rgb(src: Uint8Array, out: Uint8Array): Uint8Array {
    if (this.mode === 'nearest') {
      const xi = this.xi!,
        yi = this.yi!,
        { w, dw, dh } = this
      for (let y = 0, o = 0; y < dh; y++) {
        for (let x = 0; x < dw; x++, o += 3) {
          const p = (yi[y] * w + xi[x]) * 3
          out[o] = src[p]
          out[o + 1] = src[p + 1]
          out[o + 2] = src[p + 2]
        }
      }
      return out
    }
    this.horizontal(src)
    for (let y = 0, o = 0; y < this.dh; y++) {
      for (let x = 0; x < this.dw; x++, o += 3) {
        const v = this.vertical(x, y)
        out[o] = v >> 16
        out[o + 1] = (v >> 8) & 255
        out[o + 2] = v & 255
      }
    }
    return out
  }

  /** RGB -> resized grayscale (0..255), written to out[outOffset + y * dw + x]. */
  grayInto(src: Uint8Array, out: Float32Array, outOffset = 0): void {
    this.grayPair(src, out, outOffset)
  }

  /** RGB -> resized grayscale: raw (0..255) into raw[rawOffset + y * dw + x] and, if given, raw / 255 into
   *  scaled[scaledOffset + ...] (float32(float32(gray) / 255)), in one pass. */
  grayPair(src: Uint8Array, raw: Float32Array, rawOffset: number, scaled?: Float32Array, scaledOffset = 0): void {
    const { w, dw, dh } = this
    if (this.mode === 'bilinear') {
      this.horizontal(src)
      this.verticalGray(raw, rawOffset, scaled, scaledOffset)
      return
    }
    const sc = scaled ?? (this.scratch ??= new Float32Array(dw * dh))
    gatherGray(src, raw, rawOffset, sc, scaled ? scaledOffset : 0, this.xi!, this.yi!, w, dw, dh)
  }

  // the vertical pass of bilinear (as vertical() below, inlined) fused with grayscale, memoised per colour
  private verticalGray(raw: Float32Array, rawOffset: number, scaled: Float32Array | undefined, scaledOffset: number) {
    const { dw, dh } = this
    const { first, count, k, ksize } = this.ty!
    const t = this.tmp!
    let lastKey = -1,
      lastG = 0,
      lastS = 0
    for (let y = 0, o = 0; y < dh; y++) {
      const n = count[y],
        kb = y * ksize,
        f0 = first[y] * dw
      for (let x = 0; x < dw; x++, o++) {
        const f = f0 + x
        let key = t[f]
        let flat = true
        for (let j = 1; j < n; j++) if (t[f + j * dw] !== key) flat = false
        if (!flat) {
          let r = 1 << 21,
            g = 1 << 21,
            b = 1 << 21
          for (let j = 0; j < n; j++) {
            const kj = k[kb + j],
              v = t[f + j * dw]
            r += (v >> 16) * kj
            g += ((v >> 8) & 255) * kj
            b += (v & 255) * kj
          }
          key = (clip8(r) << 16) | (clip8(g) << 8) | clip8(b)
        }
        if (key !== lastKey) {
          lastKey = key
          lastG = Math.fround(0.299 * (key >> 16) + 0.587 * ((key >> 8) & 255) + 0.114 * (key & 255))
          lastS = lastG / 255
        }
        raw[rawOffset + o] = lastG
        if (scaled) scaled[scaledOffset + o] = lastS
      }
    }
  }

  // Horizontal pass: tmp[y * dw + x] = packed RGB (r << 16 | g << 8 | b) of the row-resampled source. Where all of
  // an output's taps have one colour the result is that colour (the 22-bit weights sum to 2^22 +- a few, which
  // cannot move v * sum + 2^21 across a multiple of 2^22 for v <= 255), so flat runs skip the arithmetic.
  private horizontal(src: Uint8Array): void {
    const { w, h, dw } = this
    const { first, count, k, ksize } = this.tx!
    const t = this.tmp!,
      sk = this.srcKey!
    for (let i = 0, p = 0; i < w * h; i++, p += 3) sk[i] = (src[p] << 16) | (src[p + 1] << 8) | src[p + 2]
    for (let y = 0, o = 0; y < h; y++) {
      const row = y * w
      for (let x = 0; x < dw; x++, o++) {
        const n = count[x],
          f = row + first[x]
        const k0 = sk[f]
        let flat = true
        for (let j = 1; j < n; j++) if (sk[f + j] !== k0) flat = false
        if (flat) {
          t[o] = k0
          continue
        }
        let r = 1 << 21,
          g = 1 << 21,
          b = 1 << 21
        for (let j = 0, kb = x * ksize; j < n; j++) {
          const kj = k[kb + j],
            v = sk[f + j]
          r += (v >> 16) * kj
          g += ((v >> 8) & 255) * kj
          b += (v & 255) * kj
        }
        t[o] = (clip8(r) << 16) | (clip8(g) << 8) | clip8(b)
      }
    }
  }

  // Vertical pass over the packed tmp rows for output pixel (x, y): its packed RGB, flat runs short-cut as above.
  private vertical(x: number, y: number): number {
    const { first, count, k, ksize } = this.ty!
    const t = this.tmp!,
      dw = this.dw
    const n = count[y],
      f = first[y] * dw + x
    const k0 = t[f]
    let flat = true
    for (let j = 1; j < n; j++) if (t[f + j * dw] !== k0) flat = false
    if (flat) return k0
    let r = 1 << 21,
      g = 1 << 21,
      b = 1 << 21
    for (let j = 0, kb = y * ksize; j < n; j++) {
      const kj = k[kb + j],
        v = t[f + j * dw]
      r += (v >> 16) * kj
      g += ((v >> 8) & 255) * kj
      b += (v & 255) * kj
    }
    return (clip8(r) << 16) | (clip8(g) << 8) | clip8(b)
  }
}

/** The last k frames (each h*w float32), oldest first, with zeros before an episode's first frame. */
export class FrameStack {
  readonly data: Float32Array
  private size: number

  constructor(
    readonly k: number,
    readonly h: number,
    readonly w: number,
  ) {
    this.size = h * w
    this.data = new Float32Array(k * this.size)
  }

  /** Start an episode: zeros everywhere, then `first` as the newest frame. */
  reset(first: Float32Array): Float32Array {
    this.data.fill(0, 0, (this.k - 1) * this.size)
    this.data.set(first.subarray(0, this.size), (this.k - 1) * this.size)
    return this.data
  }

  push(frame: Float32Array): Float32Array {
    this.data.copyWithin(0, this.size)
    this.data.set(frame.subarray(0, this.size), (this.k - 1) * this.size)
    return this.data
  }
}

/** Sticky actions (docs/algorithm.md, step 1): with probability p the previous action is repeated instead of the chosen
 *  one. u is a uniform draw in [0, 1) from the caller's RNG; prev < 0 means "no previous action" (episode start). */
export function applySticky(prev: number, action: number, p: number, u: number): number {
  return prev >= 0 && u < p ? prev : action
}
