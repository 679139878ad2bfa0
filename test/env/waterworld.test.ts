import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { WaterWorld } from '../../env/waterworld.ts'
import { randomEpisodes, replayTrace } from './ple_trace.ts'

const test = suite('waterworld')

test("replays PLE's traced episode exactly: creep draws, creeps in group order, rewards, frame SHA-256", () => {
  const steps = replayTrace<WaterWorld>({
    id: 'WaterWorld-v0',
    cls: WaterWorld,
    game: 'waterworld',
    state: (g) => ({
      player_x: g.agent.x,
      player_y: g.agent.y,
      player_vx: g.agent.vx,
      player_vy: g.agent.vy,
      creeps: g.creeps.map((c) => [c.type === 0 ? 'GOOD' : 'BAD', c.x, c.y, c.dx, c.dy, c.speed, c.jitter]),
      good: g.counts[0],
      bad: g.counts[1],
      score: g.score,
    }),
  })
  assert.is(steps, 1680)
})

// The band, from the rules (docs/games.md §9). A creep's type is drawn (GOOD or BAD, 1/2 each) independently of
// everything that decides which creep the agent touches, so each eaten creep is GOOD with probability g / 3,
// g the GOOD creeps among the three, and its replacement is GOOD with probability 1/2. The expected return R(g)
// then solves R(g) = g/3 (1 + (R(g) + [g > 1 ? R(g - 1) : 5]) / 2) + (3 - g)/3 (-1 + (R(g) + R(g + 1)) / 2),
// giving R = 7, 9, 11 for g = 1, 2, 3 (and 14, 18, 20 creeps eaten). The three initial types are Binomial(3, 1/2):
// with g = 0 (1/8 of resets) the game is over before the first step (one step, reward 0). Mean return: 3/8 x 7 +
// 3/8 x 9 + 1/8 x 11 = 7.375; the return's spread is 4.9, so 1000 episodes give 7.375 +- 0.62 at 4 standard
// errors. Length: about 100 steps per creep (the agent's 7 x 7 px catch area swept at about 1 px per step among 3
// creeps on 44 x 44 px, slowed by the walls that stop it) x 14.5 creeps: we allow [800, 2200].
test('statistics: 1000 uniform-random episodes inside the band the rules give; every episode obeys them', () => {
  const s = randomEpisodes('WaterWorld-v0', 1000)
  console.log(`  WaterWorld uniform random x1000: mean length ${s.meanLength.toFixed(1)}, ` + `mean return ${s.meanReturn.toFixed(4)}`)
  assert.ok(s.meanReturn >= 7.375 - 0.62 && s.meanReturn <= 7.375 + 0.62, `mean return ${s.meanReturn}`)
  assert.ok(s.meanLength >= 800 && s.meanLength <= 2200, `mean length ${s.meanLength}`)
  const over = s.lengths.filter((n, i) => n === 1 && s.returns[i] === 0).length
  assert.ok(over >= 125 - 42 && over <= 125 + 42, `${over} resets with no green creep, expected 1000/8`)
  s.returns.forEach((r, i) => assert.ok(Number.isInteger(r), `episode ${i}: return ${r}`)) // +-1 per creep, +5
})

test.run()
