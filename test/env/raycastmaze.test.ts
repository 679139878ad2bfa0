import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { RaycastMaze } from '../../env/raycastmaze.ts'
import { checkConstruction, loadTrace, replayEpisode, sha } from './ple_replay.ts'

const TRACE = loadTrace('raycastmaze')
const test = suite('raycastmaze')

const mapRows = (g: RaycastMaze) => Array.from({ length: 11 }, (_, r) => Array.from(g.map.subarray(r * 11, r * 11 + 11)).join(''))
const state = (g: RaycastMaze) => [[...g.pos], [...g.dir], [...g.plane], [...g.objLoc], g.score, g.gameOver]

test('the two construction inits make the traced RNG calls (maze walks, target pick)', () => {
  checkConstruction(RaycastMaze, TRACE)
})

test('replays the traced episode (2000 random steps, seed 24) exactly: RNG, maze, state, rewards, frame SHA-256', () => {
  replayEpisode<RaycastMaze>(
    'RaycastMaze-v0',
    TRACE,
    (game, reset, obs) => {
      assert.equal(mapRows(game), reset.map, 'maze')
      assert.equal(state(game), [reset.pos, reset.dir, reset.plane, reset.obj_loc, reset.score, reset.is_game_over])
      assert.is(sha(obs), reset.sha256, 'stale reset frame')
    },
    (game, s, r, at) => {
      assert.equal(state(game), [s.pos, s.dir, s.plane, s.obj_loc, s.score, s.is_game_over], `${at}: state`)
      assert.is(sha(r.obs), s.sha256, `${at}: frame sha256`)
    },
  )
})

test.run()
