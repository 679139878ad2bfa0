import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { RandomState } from '../../env/random_state.ts'
import { Snake } from '../../env/snake.ts'
import { randomEpisodes, replayTrace } from './ple_trace.ts'

const test = suite('snake')

test("replays PLE's traced episode exactly: food draws, body, hit box, rewards, frame SHA-256", () => {
  const steps = replayTrace<Snake>({
    id: 'Snake-v0',
    cls: Snake,
    game: 'snake',
    state: (g) => ({
      head_x: g.bodyX[0],
      head_y: g.bodyY[0],
      dir: [g.dirX, g.dirY],
      length: g.length,
      body: g.bodyX.map((x, i) => [x, g.bodyY[i]]),
      head_rect: [...g.headRect],
      food_x: g.foodX,
      food_y: g.foodY,
      score: g.score,
      lives: g.lives,
      ticks: g.ticks,
    }),
  })
  assert.is(steps, 156)
})

const pixel = (g: Snake, x: number, y: number) => Array.from(g.screen.subarray((y * 64 + x) * 3, (y * 64 + x) * 3 + 3))

// The traced episode eats nothing, so eating, growing and hitting the body are checked here against values worked
// by hand from the rules (docs/games.md §7): segments move to 0.9 x the one ahead + 0.1 x themselves.
test('eating: +1, a (200, 255, 200) segment at the tail, food redrawn by two choices; worked by hand', () => {
  const g = new Snake(new RandomState(3))
  g.init()
  g.foodX = 36 // straight ahead: the food's rect is columns 33 .. 38, rows 29 .. 34
  g.foodY = 32
  g.step(-1) // the head's 1 x 1 rect at (32, 32) stops short of column 33
  assert.is(g.score, 0)
  assert.equal(g.bodyX, [32.96666666666667, 31.700000000000003, 28.700000000000003])
  assert.equal(g.headRect, [35, 31, 1, 3]) // 1 x 3, centred 3 px ahead of the head
  const rng = new RandomState(0)
  rng.setState(g.rng.getState())
  g.step(-1) // the hit box overlaps the food: eaten, the snake grows at its tail (28.7, 32), then moves
  assert.is(g.score, 1)
  assert.is(g.length, 4)
  assert.equal(g.bodyX, [33.93333333333334, 32.84, 31.400000000000006, 28.700000000000003])
  assert.equal(g.bodyY, [32, 32, 32, 32])
  assert.equal([g.foodX, g.foodY], [12 + 6 * rng.randint(0, 7), 12 + 6 * rng.randint(0, 7)])
  // drawn tail first at each rect's centre: the new segment's 3 x 3 at columns 28 .. 30, then segment 2 from 31
  assert.equal(pixel(g, 28, 32), [200, 255, 200])
  assert.equal(pixel(g, 30, 34), [200, 255, 200])
  assert.equal(pixel(g, 31, 32), [100, 255, 100])
  assert.equal(pixel(g, 36, 34), [255, 0, 0]) // the head is drawn as its red hit box
  assert.equal(pixel(g, 28, 35), [25, 25, 25])
})

test('the body can be hit from its fourth segment on: -5 and game over', () => {
  for (const [idx, dies] of [
    [1, false],
    [2, false],
    [3, true],
  ] as const) {
    const g = new Snake(new RandomState(3))
    g.init()
    g.foodX = 36
    g.foodY = 32
    g.step(-1)
    g.step(-1) // eats: 4 segments
    g.foodX = g.foodY = 12 // out of the way
    const [hx, hy] = g.headRect // (36, 31, 1, 3)
    g.rectX[idx] = hx
    g.rectY[idx] = hy + 2
    g.step(-1)
    assert.is(g.isGameOver(), dies, `segment ${idx}`)
    assert.is(g.score, dies ? -4 : 1, `segment ${idx}`)
  }
})

// The band, from the rules (docs/games.md §7). Under uniform random keys the head keeps its direction with
// probability 3/5 (noop, the same key, or the ignored reverse) and turns left or right with 1/5 each, moving
// 29/30 px per step: a correlated random walk with mean cos(turn) c = 0.6, whose diffusion constant is
// D = s^2 (1 + c) / (1 - c) / 4 = 0.93 px^2 per step. The head dies leaving the 63 x 63 px it may occupy; the mean
// exit time from the centre of a square of side a is 0.0737 a^2 / D = 313 steps for Brownian motion. We allow
// [180, 420] for the discreteness of the walk and for the early deaths of a snake that eats and hits its body.
// Food: the 3 px hit box sweeps a 9 px wide band against the 6 px food; over ~250 px of path, much of it
// revisited, that meets 0.3 .. 0.8 foods: mean return in [-4.7, -4.2]. An episode that eats nothing ends at a
// wall, at least 32 steps away (x > 62.5 moving right from 32 at 29/30 px per step).
test('statistics: 3000 uniform-random episodes inside the band the rules give; every episode obeys them', () => {
  const s = randomEpisodes('Snake-v0', 3000)
  console.log(`  Snake uniform random x3000: mean length ${s.meanLength.toFixed(2)}, ` + `mean return ${s.meanReturn.toFixed(4)}`)
  assert.ok(s.meanLength >= 180 && s.meanLength <= 420, `mean length ${s.meanLength}`)
  assert.ok(s.meanReturn >= -4.7 && s.meanReturn <= -4.2, `mean return ${s.meanReturn}`)
  s.returns.forEach((ret, i) => {
    const eaten = ret + 5
    assert.ok(Number.isInteger(eaten) && eaten >= 0, `episode ${i}: return ${ret}`)
    if (eaten === 0) assert.ok(s.lengths[i] >= 32, `episode ${i}: ${s.lengths[i]} steps`)
  })
})

test.run()
