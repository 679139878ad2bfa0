// Our own FlappyBird sprites, drawn from code (PLE's bundled PNGs are not ours to ship). Same sizes as PLE's assets
// and the same choices: day/night background 288x512, base 336x112, pipes 52x320 in red or green (the upper one
// is the lower one turned 180 degrees), birds 34x24 in red, blue or yellow with three wing frames (up, mid, down).

import { rotate180, sprite, type RGB, type Sprite } from './pygame_draw.ts'

// Backgrounds, full screen and opaque: sky, a band of clouds, a skyline, bushes (the base covers rows 404..511).
function background(night: boolean): Uint8Array {
  const W = 288
  const H = 512
  const sky: RGB = night ? [12, 52, 86] : [78, 192, 202]
  const cloud: RGB = night ? [36, 86, 118] : [232, 250, 240]
  const city: RGB = night ? [26, 70, 92] : [170, 222, 200]
  const window: RGB = night ? [236, 212, 96] : [130, 196, 180]
  const bush: RGB = night ? [18, 104, 60] : [94, 200, 100]
  const out = new Uint8Array(W * H * 3)
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const cloudTop = 330 + 10 * Math.abs(Math.sin(x / 14))
      const building = Math.floor(x / 24)
      const cityTop = 352 + ((building * 37) % 5) * 7
      const bushTop = 388 + 7 * Math.abs(Math.sin(x / 9))
      let c = sky
      if (y >= cloudTop) c = cloud
      if (y >= cityTop) c = x % 24 >= 4 && x % 24 < 20 && y % 8 < 4 && (x >> 2) % 2 === 0 ? window : city
      if (y >= bushTop) c = bush
      out.set(c, (y * W + x) * 3)
    }
  }
  return out
}

export const BACKGROUNDS = [background(false), background(true)] // day, night: rng.choice(["day", "night"])

// The base: a grass strip with diagonal stripes over sand.
export const BASE = sprite(336, 112, (x, y) => {
  if (y === 0 || y === 17) return [84, 56, 71]
  if (y < 3) return [228, 253, 139]
  if (y < 14) return (x + y) % 12 < 6 ? [156, 230, 89] : [115, 191, 46]
  if (y < 17) return [85, 128, 34]
  return (x * 7 + y * 3) % 29 === 0 ? [208, 200, 130] : [222, 216, 149]
})

// Pipes: a 48-px body (2 transparent columns each side) under a full-width 26-px cap at the gap end.
function pipe(body: RGB, light: RGB, dark: RGB): { lower: Sprite; upper: Sprite } {
  const outline: RGB = [84, 56, 71]
  const lower = sprite(52, 320, (x, y) => {
    const cap = y < 26
    const l = cap ? 0 : 2
    const r = cap ? 51 : 49
    if (x < l || x > r) return null
    if (x === l || x === r || y === 0 || y === 25) return outline
    if (x < l + 6) return light
    if (x > r - 10) return dark
    return body
  })
  return { lower, upper: rotate180(lower) }
}

export const PIPES = [
  pipe([220, 82, 56], [246, 150, 118], [166, 52, 36]), // red
  pipe([115, 191, 46], [166, 230, 90], [84, 140, 32]), // green
]

// Birds: an outlined oval body with a white eye, an orange beak and a wing at three heights (the animation cycle).
function bird(body: RGB, wing: RGB, frame: number): Sprite {
  const wingDy = [-4, 0, 4][frame]
  return sprite(34, 24, (x, y) => {
    const ex = (x - 15.5) / 15,
      ey = (y - 11.5) / 11
    const inBody = ex * ex + ey * ey <= 1
    const beak = x >= 22 && x <= 33 && y >= 13 && y <= 18
    if (beak) return y === 13 || y === 18 || x === 33 ? [84, 56, 71] : y < 16 ? [250, 120, 40] : [230, 80, 30]
    if (!inBody) return null
    if (ex * ex + ey * ey > 0.8) return [84, 56, 71]
    const eye = (x - 23) ** 2 + (y - 7) ** 2
    if (eye <= 3) return [20, 20, 20]
    if (eye <= 20) return [250, 250, 250]
    const wx = (x - 8) / 7,
      wy = (y - 12 - wingDy) / 4
    const w = wx * wx + wy * wy
    if (w <= 1) return w > 0.6 ? [84, 56, 71] : wing
    return body
  })
}

export const BIRDS = (
  [
    [
      [238, 80, 50],
      [250, 210, 190],
    ], // red
    [
      [70, 160, 230],
      [210, 236, 250],
    ], // blue
    [
      [250, 196, 40],
      [252, 240, 200],
    ], // yellow
  ] as [RGB, RGB][]
).map(([body, wing]) => [0, 1, 2].map((f) => bird(body, wing, f)))
