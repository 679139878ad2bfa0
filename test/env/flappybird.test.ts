import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { FlappyBird } from '../../env/flappybird.ts'
import { constructionCalls, loadTrace, primitive, recordedEnv } from './ple_trace.ts'

const TRACE = loadTrace('flappybird')
const EP = TRACE.episodes[0]
const test = suite('flappybird')

const pipes = (g: FlappyBird) => [0, 1, 2].map((i) => [g.pipeX[i], g.gapStart[i], g.pipeRectX(i)])
const bird = (g: FlappyBird) =>
  [g.birdY, g.vel, g.flapped, g.thrustTime, g.birdImage, [g.rectX, g.rectY, 34, 24]]

test('the two construction inits make the traced RNG calls (wing jitter, pipes, colours, gaps)', () => {
  const [first, second] = constructionCalls(FlappyBird)
  assert.equal(first, TRACE.construction.init1_rng.map(primitive))
  assert.equal(second, TRACE.construction.init2_rng.map(primitive))
})

test('replays the traced episode (seed 24) exactly: RNG, colours, bird, pipes, base, score, rewards', () => {
  const { env, rec } = recordedEnv('FlappyBird-v0')
  const game = env.unwrapped as FlappyBird
  env.reset()
  const reset = EP.reset
  assert.equal(rec.calls, reset.rng.map(primitive), 'reset RNG calls')
  assert.equal([['day', 'night'][game.background], ['red', 'blue', 'yellow'][game.birdColour],
    ['red', 'green'][game.pipeColour]], [reset.background, reset.bird_color, reset.pipe_color], 'colours')
  assert.equal([bird(game), pipes(game), game.baseX, game.score, game.lives, game.gameTick],
    [[reset.bird_y, reset.bird_vel, reset.flapped, reset.thrust_time, reset.bird_image, reset.bird_rect],
      reset.pipes, reset.base_x, reset.score, reset.lives, reset.game_tick], 'reset state')
  let ret = 0
  for (const s of EP.steps) {
    rec.calls = []
    const r = env.step(s.a)
    const at = `step ${s.t} (action ${s.a})`
    ret += r.reward
    assert.is(r.reward, s.r, `${at}: reward`)
    assert.is(r.terminated, s.done, `${at}: done`)
    assert.equal(bird(game), [s.bird_y, s.bird_vel, s.flapped, s.thrust_time, s.bird_image, s.bird_rect],
      `${at}: bird`)
    assert.equal(pipes(game), s.pipes, `${at}: pipes`)
    assert.equal([game.baseX, game.score, game.lives, game.gameTick], [s.base_x, s.score, s.lives, s.game_tick],
      `${at}: base, score, lives, tick`)
    assert.equal(rec.calls, (s.rng ?? []).map(primitive), `${at}: RNG calls`)
  }
  assert.is(ret, EP.return)
  assert.is(EP.steps.length, EP.length)
})

test.run()
