import { createHash } from 'node:crypto'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { applySticky, bilinearTaps, cropProblem, FrameStack, grayscale, nearestIndex, Resizer, resizeRgb } from '../../env/preprocess.ts'

const test = suite('preprocess')
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')
/** Deterministic RGB test image, byte i = ((i + 1) * 2654435761 mod 2^32) >> 24 (as in the Python that made PILLOW). */
const image = (w: number, h: number) => Uint8Array.from({ length: w * h * 3 }, (_, i) => Math.imul(i + 1, 2654435761) >>> 24)
/** Flat 5x3 blocks of random colours (exercises the flat-run shortcuts): block b = (y / 3) * 97 + x / 5. */
const blocky = (w: number, h: number) =>
  Uint8Array.from({ length: w * h * 3 }, (_, i) => {
    const p = Math.floor(i / 3),
      c = i % 3,
      x = p % w,
      y = Math.floor(p / w)
    const b = Math.floor(y / 3) * 97 + Math.floor(x / 5)
    return Math.imul(b * 3 + c + 1, 2654435761) >>> 24
  })

// SHA-256 of Pillow's Image.resize(size, NEAREST | BILINEAR) output for image(w, h); printed by Pillow 12.3.0, whose
// NEAREST (ImagingScaleAffine) and BILINEAR (Resample.c convolution, 22-bit fixed point) paths are the 2019 ones.
const PILLOW: Record<string, string> = {
  '48x48->84x84 nearest': '12813cbbc1cbf1f4a2b217898e5f2f9de6af26e39c709ea3847299531b554f51',
  '48x48->84x84 bilinear': '5ab4ebe62095e770b8200f0df29857a13a7953a5037969a36f6340d08df8be8f',
  '48x48->42x42 nearest': 'c9ea196c2e9f85838a70e87e19ffd1fa3f3615c517c340b5dd838bbfaada8b26',
  '48x48->42x42 bilinear': 'cbb2554557218a3fb4cbb2731371277c65d6af0cbe3d370328d1b86cc2995a37',
  '48x48->100x100 nearest': '09bdce11e8ce8b804b43a01b27f44017d8d3d1e6037807f2f8465a44a7fb373c',
  '48x48->100x100 bilinear': 'da908c8f4f3632d66826f565e8eae186e4844d1032d3e30be8e7163e298b8d20',
  '48x48->7x7 nearest': '7ceed385523701b2f321a1b28ec06527394c351d83e17be134907687390522ef',
  '48x48->7x7 bilinear': '86566bed0dc520669559f0325830d8912996f955b940c89423d9ad8628e5291f',
  '5x3->7x9 nearest': '6545fc23bc5768a927c882ef1c356c156c9d21b52bd0420cdfea8abc57e6e974',
  '5x3->7x9 bilinear': '0aad34a768cd5ae033bd94ca1bf031fce3f84f66c1c27bf1beedb2e4c8c5f5a5',
  '48x48->64x64 nearest': 'eb3730986c5e73fe72916ca1dad4963368a3362fcc15c01bc2c9bb69625df37b',
  '48x48->64x64 bilinear': 'b0a5ff3700dbfa1e1f9c42639e32b06401322167c105b6248237e573cdccb6a4',
  '48x48->160x160 nearest': 'ea452a0e588639a1f88e1dacd60bf6d5c8dd379103f298740499903429791771',
  '48x48->160x160 bilinear': '022ffa0cca563367a648165250d57178ddcf3615fa77fc7125268bb7f6db5e42',
  'blocky 48x48->84x84 nearest': 'ea0990587912d6910ee54930558260e48577c13abef7bdd45217c78ef7ed2612',
  'blocky 48x48->84x84 bilinear': '4b9ef376b0057d191fe7625020d1f905e41a60d4e043d7a82263f4a4801936f4',
  'blocky 48x48->42x42 nearest': 'b328a52eb65776c0bc200d448c9bd4aa62d8af0643f2fdb456497136a74f3a03',
  'blocky 48x48->42x42 bilinear': 'e065c6b33dc2dd65fadfea7556774b5abf822f8dc49efb80d298ab421b1328d1',
  'blocky 48x48->7x7 nearest': 'de760a4569a49a649294247dace706ff1b8b0553ef31a08393ec4033ac6825fd',
  'blocky 48x48->7x7 bilinear': 'd7e1905b94d9db880a6d8601880f802bc53141c180353fd957630e0d3ef4c7a8',
  'blocky 48x48->100x100 nearest': '00640b158d3d1c691d64f59edbe56deda460c0a53d637651acf42a634e8ee06d',
  'blocky 48x48->100x100 bilinear': '95849bff65e869bd2e0e961b2989022ffd3daf9ca30883b66cef56f97df2c583',
}

test('hand-worked: 1-D [0, 100] to 4 and [0, 100, 200] to 2', () => {
  // bilinear 2 -> 4: centres 0.25, 0.75, 1.25, 1.75; at 0.75 the taps are 0.75 * 0 + 0.25 * 100 = 25 (+ half, floored)
  // and at 0.25 only pixel 0 is within distance 1 (weight renormalised to 1)
  const one = (px: number[], dw: number, mode: 'nearest' | 'bilinear') => {
    const rgb = Uint8Array.from(px.flatMap((v) => [v, v, v]))
    return Array.from(resizeRgb(rgb, px.length, 1, dw, 1, mode).filter((_, i) => i % 3 === 0))
  }
  assert.equal(one([0, 100], 4, 'bilinear'), [0, 25, 75, 100])
  assert.equal(one([0, 100], 4, 'nearest'), [0, 0, 100, 100])
  // 3 -> 2 downscale: support 1.5, centre 0.75: weights 0.8333, 0.5 -> 0.625, 0.375 -> 37.5 -> 38
  assert.equal(one([0, 100, 200], 2, 'bilinear'), [38, 163])
  // x = 3: (3 + 0.5) * 48/84 is exactly 2, but the accumulated position is 1.999...: Pillow samples pixel 1
  assert.equal(Array.from(nearestIndex(48, 84).subarray(0, 8)), [0, 0, 1, 1, 2, 3, 3, 4])
  const t = bilinearTaps(2, 4)
  assert.equal(
    [Array.from(t.first), Array.from(t.count)],
    [
      [0, 0, 0, 1],
      [1, 2, 2, 1],
    ],
  )
})

test('resize == Pillow (NEAREST and BILINEAR, up and down, non-square, noise and flat blocks)', () => {
  for (const [key, want] of Object.entries(PILLOW)) {
    const [, w, h, dw, dh, mode] = key.match(/(\d+)x(\d+)->(\d+)x(\d+) (\w+)/)!
    const src = (key.startsWith('blocky') ? blocky : image)(+w, +h)
    const got = resizeRgb(src, +w, +h, +dw, +dh, mode as 'nearest' | 'bilinear')
    assert.is(sha(got), want, key)
  }
})

test('grayscale, and Resizer.grayInto == grayscale(resizeRgb) for both modes', () => {
  const g = grayscale(Uint8Array.of(120, 240, 80, 255, 255, 255, 0, 0, 0), new Float32Array(3))
  assert.equal(Array.from(g), [Math.fround(0.299 * 120 + 0.587 * 240 + 0.114 * 80), Math.fround(255), 0])
  const src = blocky(48, 48)
  for (const mode of ['nearest', 'bilinear'] as const) {
    for (const d of [84, 42, 48]) {
      const r = new Resizer(48, 48, d, d, mode)
      const got = new Float32Array(d * d + 5)
      r.grayInto(src, got, 5)
      const want = grayscale(resizeRgb(src, 48, 48, d, d, mode), new Float32Array(d * d))
      assert.equal(Array.from(got.subarray(5)), Array.from(want), `${mode} ${d}`)
      assert.is(sha(r.rgb(src, new Uint8Array(d * d * 3))), sha(resizeRgb(src, 48, 48, d, d, mode)))
    }
  }
  assert.throws(() => new Resizer(48, 48, 84, 84, 'bicubic' as never), /unknown resize mode 'bicubic'/)
})

test('Resizer.grayPair == grayscale(resizeRgb) and its / 255, the PLE screens that are not square (both modes)', () => {
  for (const [w, h] of [
    [64, 48],
    [288, 512],
    [500, 465],
  ]) {
    const src = blocky(w, h)
    for (const mode of ['nearest', 'bilinear'] as const) {
      for (const d of [36, 84]) {
        const raw = new Float32Array(d * d + 3),
          scaled = new Float32Array(d * d + 7)
        new Resizer(w, h, d, d, mode).grayPair(src, raw, 3, scaled, 7)
        const want = grayscale(resizeRgb(src, w, h, d, d, mode), new Float32Array(d * d))
        assert.equal(Array.from(raw.subarray(3)), Array.from(want), `${w}x${h} ${mode} ${d}`)
        assert.equal(Array.from(scaled.subarray(7)), Array.from(Float32Array.from(want, (v) => v / 255)), `${w}x${h} ${mode} ${d} / 255`)
      }
    }
  }
})

test('FrameStack: zeros before the first frame, oldest first', () => {
  const fs = new FrameStack(3, 1, 2)
  const f = (v: number) => Float32Array.of(v, v + 0.5)
  assert.equal(Array.from(fs.reset(f(1))), [0, 0, 0, 0, 1, 1.5])
  assert.equal(Array.from(fs.push(f(2))), [0, 0, 1, 1.5, 2, 2.5])
  assert.equal(Array.from(fs.push(f(3))), [1, 1.5, 2, 2.5, 3, 3.5])
  assert.equal(Array.from(fs.push(f(4))), [2, 2.5, 3, 3.5, 4, 4.5])
  assert.equal(Array.from(fs.reset(f(9))), [0, 0, 0, 0, 9, 9.5])
})

test('applySticky: repeat the previous action with probability p', () => {
  assert.is(applySticky(1, 0, 0.25, 0.2), 1)
  assert.is(applySticky(1, 0, 0.25, 0.25), 0)
  assert.is(applySticky(-1, 0, 1, 0), 0) // no previous action at an episode's start
  assert.is(applySticky(1, 0, 0, 0), 0)
})

/** rows top .. top + size - 1 and columns left .. left + size - 1 of a w-wide RGB image, copied out by hand. */
const cropRgb = (src: Uint8Array, w: number, top: number, left: number, size: number) => {
  const out = new Uint8Array(size * size * 3)
  for (let y = 0; y < size; y++) out.set(src.subarray(((top + y) * w + left) * 3, ((top + y) * w + left + size) * 3), y * size * 3)
  return out
}

test('Resizer with a crop == the crop cut out by hand, then resized (nearest): rgb, gray and / 255', () => {
  for (const [w, h, top, left, size] of [
    [48, 48, 6, 12, 36], // PixelCopter ahead of the copter, native resolution (an identity resize)
    [48, 48, 0, 0, 48],
    [64, 48, 5, 20, 40],
    [288, 512, 300, 17, 211],
  ]) {
    const src = blocky(w, h),
      cut = cropRgb(src, w, top, left, size)
    for (const d of [size, 36, 84]) {
      const rz = new Resizer(w, h, d, d, 'nearest', { top, left, size })
      const want = resizeRgb(cut, size, size, d, d, 'nearest')
      assert.is(sha(rz.rgb(src, new Uint8Array(d * d * 3))), sha(want), `${w}x${h} crop ${top},${left},${size} to ${d}: rgb`)
      const raw = new Float32Array(d * d + 2),
        scaled = new Float32Array(d * d)
      rz.grayPair(src, raw, 2, scaled, 0)
      const gray = grayscale(want, new Float32Array(d * d))
      assert.equal(Array.from(raw.subarray(2)), Array.from(gray), `${w}x${h} crop ${top},${left},${size} to ${d}: gray`)
      assert.equal(Array.from(scaled), Array.from(Float32Array.from(gray, (v) => v / 255)), `to ${d}: / 255`)
    }
  }
  // the identity crop of PixelCopter's frame: every output pixel is the source pixel 6 rows down, 12 columns right
  const src = image(48, 48),
    out = new Float32Array(36 * 36)
  new Resizer(48, 48, 36, 36, 'nearest', { top: 6, left: 12, size: 36 }).grayInto(src, out)
  const p = ((6 + 7) * 48 + 12 + 5) * 3
  assert.is(out[7 * 36 + 5], Math.fround(0.299 * src[p] + 0.587 * src[p + 1] + 0.114 * src[p + 2]))
})

test('crops outside the screen, and crops with the bilinear filter, are refused with one line', () => {
  assert.is(cropProblem({ top: 6, left: 12, size: 36 }, 48, 48), null)
  assert.is(cropProblem({ top: 13, left: 0, size: 36 }, 48, 48), 'the crop 13,0,36 reaches row 48 and column 35, outside the 48x48 screen')
  assert.match(cropProblem({ top: 0, left: 0, size: 0 }, 48, 48) ?? '', /size >= 1/)
  assert.match(cropProblem({ top: -1, left: 0, size: 4 }, 48, 48) ?? '', /top >= 0/)
  assert.throws(() => new Resizer(48, 48, 36, 36, 'nearest', { top: 0, left: 20, size: 36 }), /outside the 48x48 screen/)
  assert.throws(() => new Resizer(48, 48, 36, 36, 'bilinear', { top: 0, left: 0, size: 36 }), /nearest resize only/)
})
test.run()
