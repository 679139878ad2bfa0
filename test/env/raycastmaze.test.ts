import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { RaycastMaze } from '../../env/raycastmaze.ts'
import { checkRandomRuns, replayTrace } from './ple_trace.ts'

const test = suite('raycastmaze')

test("replays PLE's traced episode (2000 random steps, seed 24) exactly: maze walks, target, state, rewards, frame SHA-256", () => {
  const steps = replayTrace<RaycastMaze>({
    id: 'RaycastMaze-v0',
    cls: RaycastMaze,
    game: 'raycastmaze',
    state: (g) => ({
      pos: [...g.pos],
      dir: [...g.dir],
      plane: [...g.plane],
      obj_loc: [...g.objLoc],
      score: g.score,
      is_game_over: g.gameOver,
    }),
    recordedAt: (g) => ({
      map: Array.from({ length: 11 }, (_, r) => Array.from(g.map.subarray(r * 11, r * 11 + 11)).join('')),
    }),
  })
  assert.is(steps, 2000)
})

test('random policy: 30 of the PLE episodes replayed exactly; mean length and return within the PLE band', () => {
  checkRandomRuns('RaycastMaze-v0', 30)
})

test.run()
