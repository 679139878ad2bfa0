import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { Pong } from '../../env/pong.ts'
import { randomEpisodes, replayTrace } from './ple_trace.ts'

const test = suite('pong')

test("replays PLE's traced episode exactly: reset serve draws, state, rewards, RNG draws, frame SHA-256", () => {
  const steps = replayTrace<Pong>({
    id: 'Pong-v0',
    cls: Pong,
    game: 'pong',
    state: (g) => ({
      agent_y: g.agentY,
      agent_vy: g.agentVy,
      cpu_y: g.cpuY,
      cpu_vy: g.cpuVy,
      ball_x: g.ballX,
      ball_y: g.ballY,
      ball_vx: g.ballVx,
      ball_vy: g.ballVy,
      score_agent: g.scoreAgent,
      score_cpu: g.scoreCpu,
      score_sum: g.score,
      dy: g.dy,
    }),
  })
  assert.is(steps, 340)
})

// The band, from the rules (docs/games.md §6). A serve leaves x = 32 at 36 px/s, 1.2 px per step, and a point
// is lost when the ball reaches x <= 0: at least 27 steps; after a lost point the serve goes toward the agent
// again. So an episode the agent never scores in lasts >= 11 x 27 = 297 steps and returns -11 - 5 = -16; each
// agent point adds 1 to that return. The cpu paddle moves 0.96 px per step, faster than any serve's y speed
// (< 18 px/s, 0.6 px per step), so only a ball sped up by the agent's paddle velocity can pass it: points for a
// random agent are rare, mean return in [-16, -15.9]. Length: the agent's 7 px paddle (9 rows of contact with the
// 2 px ball) meets the ball with probability p of roughly 9/48; each return adds a rally of about 90 steps
// (53 px there at 1.14 px per step and back at 1.2): 11 x (27 + 90 p / (1 - p)) steps, plus about 22 for a first
// serve that goes to the cpu half the time. For p in [0.1, 0.3]: mean length in [420, 750].
test('statistics: 2000 uniform-random episodes inside the band the rules give; every episode obeys them', () => {
  const s = randomEpisodes('Pong-v0', 2000)
  console.log(`  Pong uniform random x2000: mean length ${s.meanLength.toFixed(2)}, mean return ${s.meanReturn}`)
  assert.ok(s.meanLength >= 420 && s.meanLength <= 750, `mean length ${s.meanLength}`)
  assert.ok(s.meanReturn >= -16 && s.meanReturn <= -15.9, `mean return ${s.meanReturn}`)
  s.returns.forEach((ret, i) => {
    const points = ret + 16
    assert.ok(Number.isInteger(points) && points >= 0 && points < 11, `episode ${i}: return ${ret}`)
    assert.ok(s.lengths[i] >= 297, `episode ${i}: ${s.lengths[i]} steps`)
  })
})

test.run()
