// env/pygame_draw.ts against values worked by hand from pygame's and SDL's C code (docs/games.md §4); the game
// tests check the same code through PLE's frame hashes.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { circleSprite, keyed, mirror, rectsCollide, rectStart, rotate180, shrink, sprite, Surface } from '../../env/pygame_draw.ts'

const test = suite('pygame_draw')

/** The image's non-black pixels as rows of '#' and '.'. */
function mask(s: Surface): string[] {
  const rows: string[] = []
  for (let y = 0; y < s.h; y++) {
    let r = ''
    for (let x = 0; x < s.w; x++) r += s.rgb[(y * s.w + x) * 3] ? '#' : '.'
    rows.push(r)
  }
  return rows
}

test('draw.circle (draw_circle_filled): radius 1, 2, 3 centred at (r, r) on a 2r x 2r image', () => {
  const shape = (r: number) => {
    const s = new Surface(2 * r, 2 * r)
    s.circle(r, r, r, [9, 9, 9])
    return mask(s)
  }
  assert.equal(shape(1), ['##', '##'])
  assert.equal(shape(2), ['.##.', '####', '####', '.##.'])
  assert.equal(shape(3), ['..##..', '.####.', '######', '######', '.####.', '..##..'])
  const clipped = new Surface(3, 3) // a radius-2 circle centred on the corner: only its lower right quarter
  clipped.circle(0, 0, 2, [9, 9, 9])
  assert.equal(mask(clipped), ['##.', '#..', '...'])
})

test('rect centres truncate toward zero; colliderect needs overlapping interiors', () => {
  assert.is(rectStart(-5.97, 4), -7) // (int)-5.97 = -5, minus 4 / 2
  assert.is(rectStart(25.5, 13), 19)
  assert.is(rectStart(2.9, 3), 1)
  assert.ok(rectsCollide(0, 0, 4, 4, 3, 3, 4, 4))
  assert.not.ok(rectsCollide(0, 0, 4, 4, 4, 0, 4, 4)) // touching edges
})

test('blit: colour key black skipped, clipped at the edges; surface alpha 191 blends as SDL does', () => {
  const screen = new Surface(4, 4)
  screen.fill([255, 255, 255])
  const dot = circleSprite(2, [150, 95, 95]) // the rounded 4 x 4: its corners are key-black
  keyed(new Surface(1, 1)).blit(screen, 0, 0) // all key: draws nothing
  dot.blit(screen, 2, 2) // only its top-left quarter lands: rows 0 .. 1 of it, columns 0 .. 1
  assert.equal(mask(screen), ['####', '####', '####', '####'])
  const px = (x: number, y: number) => Array.from(screen.rgb.subarray((y * 4 + x) * 3, (y * 4 + x) * 3 + 3))
  assert.equal(px(2, 2), [255, 255, 255]) // the image's corner (0, 0) is key-black
  assert.equal(px(3, 2), [150, 95, 95])
  assert.equal(px(2, 3), [150, 95, 95])
  const img = new Surface(1, 1)
  img.fillRect(0, 0, 1, 1, [150, 95, 95])
  const ghost = keyed(img, [0, 0, 0], 191)
  screen.fill([255, 255, 255])
  ghost.blit(screen, 1, 1)
  // d + trunc((s - d) * 191 / 255): 255 - 78 = 177 (-78.6), 255 - 119 = 136 (-119.8); pygame's own
  // ((s - d) * a + s) >> 8 would give 135 for green
  assert.equal(px(1, 1), [177, 136, 136])
  ghost.blit(screen, 1, 1) // over itself: 177 + trunc(-27 * 191 / 255) = 157, 136 + trunc(-41 * 191 / 255) = 106
  assert.equal(px(1, 1), [157, 106, 106])
  assert.equal(px(0, 0), [255, 255, 255])
})

test('sprite from a pixel function (a PNG of alpha 0 / 255): runs of several colours copied, clipped; transforms', () => {
  const A = [10, 20, 30] as const,
    B = [40, 50, 60] as const,
    C = [0, 0, 0] as const // opaque black: drawn, unlike a colour key
  // row 0: A B . (two runs: A B, then nothing); row 1: C A B
  const img = sprite(3, 2, (x, y) => (y === 0 ? [A, B, null][x] : [C, A, B][x]))
  const px = (s: Surface, x: number, y: number) => Array.from(s.rgb.subarray((y * s.w + x) * 3, (y * s.w + x) * 3 + 3))
  const screen = new Surface(4, 2)
  screen.fill([255, 255, 255])
  img.blit(screen, -1, 0) // clipped at the left: columns 1 .. 2 of the image land on 0 .. 1
  assert.equal([px(screen, 0, 0), px(screen, 1, 0), px(screen, 2, 0)], [[...B], [255, 255, 255], [255, 255, 255]])
  assert.equal([px(screen, 0, 1), px(screen, 1, 1), px(screen, 2, 1)], [[...A], [...B], [255, 255, 255]])
  img.blit(screen, 1, 0) // whole
  assert.equal([px(screen, 1, 0), px(screen, 2, 0), px(screen, 3, 0)], [[...A], [...B], [255, 255, 255]])
  assert.equal([px(screen, 1, 1), px(screen, 2, 1), px(screen, 3, 1)], [[...C], [...A], [...B]])
  const rows = (t: ReturnType<typeof sprite>) => Array.from({ length: t.h }, (_, y) => Array.from({ length: t.w }, (_, x) => t.pixel(x, y)))
  assert.equal(rows(mirror(img)), [
    [null, B, A],
    [B, A, C],
  ])
  assert.equal(rows(rotate180(img)), [
    [B, A, C],
    [null, B, A],
  ])
  assert.equal(rows(shrink(img, 2, 1)), [[A, B]]) // nearest: column floor(x * 3 / 2) of row floor(y * 2 / 1)
})

test.run()
