import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { FlappyBird } from '../../env/flappybird.ts'
import { checkConstruction, loadTrace, replayEpisode } from './ple_replay.ts'

const TRACE = loadTrace('flappybird')
const test = suite('flappybird')

const state = (g: FlappyBird) => [
  g.birdY,
  g.vel,
  g.flapped,
  g.thrustTime,
  g.birdImage,
  [g.rectX, g.rectY, 34, 24],
  [0, 1, 2].map((i) => [g.pipeX[i], g.gapStart[i], g.pipeRectX(i)]),
  g.baseX,
  g.score,
  g.lives,
  g.gameTick,
]
const traced = (s: Record<string, unknown>) => [
  s.bird_y,
  s.bird_vel,
  s.flapped,
  s.thrust_time,
  s.bird_image,
  s.bird_rect,
  s.pipes,
  s.base_x,
  s.score,
  s.lives,
  s.game_tick,
]

test('the two construction inits make the traced RNG calls (wing jitter, pipes, colours, gaps)', () => {
  checkConstruction(FlappyBird, TRACE)
})

test('replays the traced episode (seed 24) exactly: RNG, colours, bird, pipes, base, score, rewards', () => {
  replayEpisode<FlappyBird>(
    'FlappyBird-v0',
    TRACE,
    (game, reset) => {
      assert.equal(
        [['day', 'night'][game.background], ['red', 'blue', 'yellow'][game.birdColour], ['red', 'green'][game.pipeColour]],
        [reset.background, reset.bird_color, reset.pipe_color],
        'colours',
      )
      assert.equal(state(game), traced(reset), 'reset state')
    },
    (game, s, _r, at) => assert.equal(state(game), traced(s), `${at}: state`),
  )
})

test.run()
