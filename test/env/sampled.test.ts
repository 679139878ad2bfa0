import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { Resizer } from '../../env/preprocess.ts'
import { Sprite, sprite, Surface } from '../../env/pygame_draw.ts'
import { RandomState } from '../../env/random_state.ts'
import { SampleGrid } from '../../env/sampled.ts'

const test = suite('sampled')

test('SampleGrid: random sprites (holes, clipped on every side) and a partial image == full drawing then nearest resize', () => {
  const rs = new RandomState(1)
  const colour = () => [rs.randint(0, 256), rs.randint(0, 256), rs.randint(0, 256)] as const
  for (const [w, h, dw, dh] of [
    [288, 512, 84, 84],
    [500, 465, 84, 84],
    [64, 48, 84, 84],
    [37, 91, 20, 33],
  ]) {
    const bg = new Uint8Array(w * h * 3).map(() => rs.randint(0, 256))
    const full = new Surface(w, h)
    const grid = new SampleGrid(w, h, dw, dh)
    const got = new Float32Array(dw * dh + 5)
    const want = new Float32Array(dw * dh)
    grid.target(got, 5)
    const rows = rs.randint(0, h + 1)
    full.image(bg, rows)
    grid.image(bg, rows)
    for (let k = 0; k < 40; k++) {
      const sw = rs.randint(1, 60),
        sh = rs.randint(1, 60)
      const cs = [colour(), colour(), colour()]
      const s = sprite(sw, sh, (x, y) => ((x * 7 + y * 3 + k) % 5 === 0 ? null : cs[(x + y) % 3]))
      const x = rs.randint(-sw - 2, w + 3),
        y = rs.randint(-sh - 2, h + 3)
      full.blit(s, x, y)
      grid.blit(s, x, y)
    }
    new Resizer(w, h, dw, dh, 'nearest').grayInto(full.rgb, want)
    // rows the partial image did not cover hold what the grid had before (zeros here), as the surface's do
    assert.equal(Array.from(got.subarray(5)), Array.from(want), `${w}x${h} -> ${dw}x${dh}`)
  }
})

test('SampleGrid refuses sprites with a surface alpha (they blend)', () => {
  const grid = new SampleGrid(10, 10, 5, 5).target(new Float32Array(25))
  const s = sprite(2, 2, () => [1, 2, 3])
  const blended = new Sprite(2, 2, s.rgb, s.opaque, 128)
  assert.throws(() => grid.blit(blended, 0, 0), /alpha/)
})

test.run()
