import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { PuckWorld } from '../../env/puckworld.ts'
import { randomEpisodes, replayTrace } from './ple_trace.ts'

const test = suite('puckworld')

test("replays PLE's traced episode exactly: target draws, state, rewards, alpha-blended frames' SHA-256", () => {
  const steps = replayTrace<PuckWorld>({
    id: 'PuckWorld-v0',
    cls: PuckWorld,
    game: 'puckworld',
    state: (g) => ({
      player_x: g.agent.x,
      player_y: g.agent.y,
      player_vx: g.agent.vx,
      player_vy: g.agent.vy,
      good_x: g.goodX,
      good_y: g.goodY,
      bad_x: g.badX,
      bad_y: g.badY,
      score: g.score,
      ticks: g.ticks,
    }),
  })
  assert.is(steps, 300)
})

// The band, from the rules (docs/games.md §8). The game never ends, so every episode is gym's 10000 steps. A step
// pays minus the agent's distance to the target, which sits uniformly in [9, 56.5]^2 (redrawn every 500 steps),
// plus at most -2 when the puck is within 17 px. Random keys give the agent a velocity of about 36 px/s spread
// (each key adds 12.8, the decay is 0.975 per step), so it roams its whole box [0, 58]^2 and stops dead at each
// wall. Its mean distance to the target lies between that of a point spread uniformly over the box (28.1 px)
// and of a point on the walls (36.5 px), both computed by integrating over the two uniform squares: mean return
// in [-10000 x (36.5 + 0.5), -10000 x 28.1] = [-370000, -281000].
test('statistics: 40 uniform-random episodes (the 10000-step limit) inside the band the rules give', () => {
  const s = randomEpisodes('PuckWorld-v0', 40)
  console.log(`  PuckWorld uniform random x40: mean length ${s.meanLength}, mean return ${s.meanReturn.toFixed(1)}`)
  assert.ok(
    s.lengths.every((n) => n === 10000),
    'only the time limit ends an episode',
  )
  assert.ok(s.meanReturn >= -370000 && s.meanReturn <= -281000, `mean return ${s.meanReturn}`)
  // a step pays at least -(the box's diagonal 82.1 px + 2) and at most 0
  assert.ok(
    s.returns.every((r) => r < 0 && r > -10000 * 84.1),
    `returns ${Math.min(...s.returns)}`,
  )
})

test.run()
