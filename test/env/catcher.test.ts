import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { Catcher } from '../../env/catcher.ts'
import { randomEpisodes, replayTrace } from './ple_trace.ts'

const test = suite('catcher')

test("replays PLE's traced episode exactly: init and reset draws, state, rewards, frame SHA-256", () => {
  const steps = replayTrace<Catcher>({
    id: 'Catcher-v0',
    cls: Catcher,
    game: 'catcher',
    state: (g) => ({
      player_center: [g.playerX, 58],
      player_vel: g.playerVel,
      fruit_center: [g.fruitX, g.fruitY],
      dx: g.dx,
      score: g.score,
      lives: g.lives,
    }),
  })
  assert.is(steps, 180)
})

// The band, from the rules (docs/games.md §4). A fruit starts at y = -4 .. -28 and falls trunc(y + 2.0267) per
// step, so a missed fruit lasts 34 .. 42 steps (37.7 on average over its 7 starting heights) and a caught one,
// caught on rows 56 .. 61, 3 or 4 steps less (at least 30). An episode is 3 misses: with catch probability p per
// fruit it holds C = 3p / (1 - p) catches, returns C - 8 (+1 per catch, -1 per miss, -5 at the end) and lasts
// (3 + C) fruits. The catch window is 16 paddle centres wide (the 13 px paddle against the 4 px fruit) out of the
// 52 the paddle can take, p = 0.31 for a paddle spread evenly; we allow p in [0.2, 0.4], so C in [0.75, 2]:
// mean return in [-7.25, -6], mean length in [3.75 x 33.7, 5 x 37.7 + 1] = [126, 190].
test('statistics: 2000 uniform-random episodes inside the band the rules give; every episode obeys them', () => {
  const s = randomEpisodes('Catcher-v0', 2000)
  console.log(`  Catcher uniform random x2000: mean length ${s.meanLength.toFixed(2)}, ` + `mean return ${s.meanReturn.toFixed(4)}`)
  assert.ok(s.meanLength >= 126 && s.meanLength <= 190, `mean length ${s.meanLength}`)
  assert.ok(s.meanReturn >= -7.25 && s.meanReturn <= -6, `mean return ${s.meanReturn}`)
  s.returns.forEach((ret, i) => {
    const catches = ret + 8
    assert.ok(Number.isInteger(catches) && catches >= 0, `episode ${i}: return ${ret}`)
    assert.ok(s.lengths[i] >= 3 * 34 + 30 * catches, `episode ${i}: ${s.lengths[i]} steps, ${catches} catches`)
  })
})

test.run()
