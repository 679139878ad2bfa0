import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { FlappyBird } from '../../env/flappybird.ts'
import { checkRandomRuns, play, RUNS, replayTrace, runsToCheck } from './ple_trace.ts'

const test = suite('flappybird')

// frames are not compared: PLE draws PNG sprites we do not ship (ours are our own, of the same sizes)
test("replays PLE's traced episode (seed 24) exactly: init and reset draws, colours, bird, pipes, base, score, rewards", () => {
  const steps = replayTrace<FlappyBird>({
    id: 'FlappyBird-v0',
    cls: FlappyBird,
    game: 'flappybird',
    frames: false,
    state: (g) => ({
      bird_y: g.birdY,
      bird_vel: g.vel,
      flapped: g.flapped,
      thrust_time: g.thrustTime,
      bird_image: g.birdImage,
      bird_rect: [g.rectX, g.rectY, 34, 24],
      pipes: [0, 1, 2].map((i) => [g.pipeX[i], g.gapStart[i], g.pipeRectX(i)]),
      base_x: g.baseX,
      score: g.score,
      lives: g.lives,
      game_tick: g.gameTick,
    }),
    recordedAt: (g) => ({
      background: ['day', 'night'][g.background],
      bird_color: ['red', 'blue', 'yellow'][g.birdColour],
      pipe_color: ['red', 'green'][g.pipeColour],
    }),
  })
  assert.is(steps, 91)
})

test('random policy: 300 of the PLE episodes replayed exactly; mean length and return within the PLE band', () => {
  checkRandomRuns('FlappyBird-v0', 300)
})

test('a pilot that passes pipes (pipes re-made with x = 397.6): 30 of the PLE episodes replayed exactly', () => {
  const n = runsToCheck(30, RUNS.scripted['FlappyBird-v0'].length)
  const got = play('FlappyBird-v0', n, (env) => {
    const g = env.unwrapped as FlappyBird
    let next = -1
    for (let i = 0; i < 3; i++) if (g.pipeX[i] > 57 - 30 && (next < 0 || g.pipeX[i] < g.pipeX[next])) next = i
    return g.birdY + g.vel > g.gapStart[next] + 70 ? 0 : 1
  })
  assert.equal(
    got,
    RUNS.scripted['FlappyBird-v0'].slice(0, n).map(([l, r, o]) => [l, r, o ? 1 : 0]),
  )
  assert.ok(
    got.some(([l]) => l > 300),
    'episodes long enough to re-make pipes',
  )
})

test.run()
