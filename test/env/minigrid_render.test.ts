// env/minigrid/render.ts: real pixel values of the full-grid picture (hand-worked from MiniGrid's drawing rules:
// 3x supersampled tiles, grid lines to 0.031 of a tile, the seen cells lightened by 30% towards white), and
// `rl-rnd play --gif` on a MiniGrid level.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { make, type RgbImage } from '../../env/index.ts'
import { ACTIONS } from '../../env/minigrid/constants.ts'

const test = suite('minigrid render')
const T = 8
// pixel (px, py) of the tile of cell (cx, cy)
const at = (img: RgbImage, cx: number, cy: number, px = T / 2, py = T / 2) => {
  const o = ((cy * T + py) * img.width + cx * T + px) * 3
  return Array.from(img.rgb.subarray(o, o + 3))
}

test('Empty 8x8 at reset: agent, walls, goal, seen and unseen floor, grid lines', () => {
  const env = make('MiniGrid-Empty-8x8-v0', { seed: 0 })
  env.reset()
  const img = env.render()
  assert.equal([img.width, img.height, img.rgb.length], [64, 64, 64 * 64 * 3])
  assert.equal(at(img, 1, 1), [255, 76, 76], 'the agent, red, in a seen (lightened) cell')
  assert.equal(at(img, 0, 7), [100, 100, 100], 'an unseen wall')
  assert.equal(at(img, 4, 0), [146, 146, 146], 'a seen wall: 100 + 0.3 * 155')
  assert.equal(at(img, 6, 6), [0, 255, 0], 'the goal, out of view')
  assert.equal(at(img, 3, 3), [76, 76, 76], 'seen floor: 0.3 * 255')
  assert.equal(at(img, 3, 6), [0, 0, 0], 'unseen floor')
  assert.equal(at(img, 3, 6, 0, 0), [55, 55, 55], 'grid-line corner: 5 of 9 subpixels at 100')
  assert.equal(at(img, 3, 6, 4, 0), [33, 33, 33], 'top grid line: 3 of 9 subpixels')
})

test('the agent triangle points its way; the view cone follows it', () => {
  const env = make('MiniGrid-Empty-8x8-v0', { seed: 0 })
  env.reset()
  assert.equal(at(env.render(), 1, 1, 6, 2), [76, 76, 76], 'facing right: the corner (6, 2) is floor')
  env.step(ACTIONS.left)
  env.step(ACTIONS.left) // facing left, into the wall
  const img = env.render()
  assert.equal(at(img, 1, 1, 6, 2), [255, 76, 76], "facing left: the triangle's base covers (6, 2)")
  assert.equal(at(img, 3, 3), [0, 0, 0], 'behind the agent: no longer seen')
  assert.equal(at(img, 0, 1), [146, 146, 146], 'the wall in front: seen')
})

test('DoorKey: the locked yellow door and the key are drawn in yellow', () => {
  const env = make('MiniGrid-DoorKey-8x8-v0', { seed: 0 })
  env.reset()
  const enc = env.unwrapped as { encodeGrid(): Uint8Array }
  const g = enc.encodeGrid()
  let door: [number, number] = [-1, -1],
    key: [number, number] = [-1, -1]
  for (let x = 0; x < 8; x++)
    for (let y = 0; y < 8; y++) {
      if (g[(x * 8 + y) * 3] === 4) door = [x, y]
      if (g[(x * 8 + y) * 3] === 5) key = [x, y]
    }
  const img = env.render(),
    hl = (v: number) => [v, Math.trunc(v + 0.3 * (255 - v))]
  // top row: 1 of 3 subpixel rows is the frame (255), 2 the inside (0.45 * 255 = 114); lightened: 255, 156
  const frame = JSON.stringify(at(img, ...door, 4, 0))
  assert.ok(frame === '[161,161,0]' || frame === '[189,189,76]', `door frame ${frame}`)
  const inside = at(img, ...door, 2, 3) // 0.45 * yellow inside a locked door
  assert.ok(hl(114).includes(inside[0]) && hl(0).includes(inside[2]), `locked door inside ${inside}`)
  const stem = at(img, ...key, 4, 5) // the key's vertical bar at x 0.50-0.63
  assert.ok(hl(255).includes(stem[0]) && hl(0).includes(stem[2]) && stem[0] === stem[1], `key ${stem}`)
})

test('rl-rnd play --game MiniGrid-MultiRoom-N2-S4-v0 --policy random --gif writes a GIF of the grid', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rl-rnd-minigrid-'))
  try {
    const bin = fileURLToPath(new URL('../../cli/bin.js', import.meta.url))
    const gif = join(dir, 'm.gif')
    const r = spawnSync(
      process.execPath,
      [bin, 'play', '--game', 'MiniGrid-MultiRoom-N2-S4-v0', '--policy', 'random', '--episodes', '2', '--seed', '0', '--scale', '1', '--gif', gif],
      { encoding: 'utf8' },
    )
    assert.is(r.status, 0, r.stderr)
    assert.match(r.stdout, /episode 1: length \d+, return [\d.]+\nepisode 2: length \d+, return [\d.]+\n/)
    const bytes = readFileSync(gif)
    assert.is(bytes.subarray(0, 6).toString(), 'GIF89a')
    assert.equal([bytes.readUInt16LE(6), bytes.readUInt16LE(8)], [25 * T, 25 * T])
    const envs = spawnSync(process.execPath, [bin, 'envs'], { encoding: 'utf8' })
    assert.match(
      envs.stdout,
      /MiniGrid-ObstructedMaze-1Dl-v0 {2}obs 7x7x3 uint8 {2}actions \[0=left 1=right 2=forward 3=pickup 4=drop 5=toggle 6=done\] {2}max 288 steps/,
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test.run()
