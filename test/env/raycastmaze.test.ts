import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { make } from '../../env/index.ts'
import { RandomState } from '../../env/random_state.ts'
import { RaycastMaze } from '../../env/raycastmaze.ts'
import { constructionCalls, loadTrace, primitive, recordedEnv, sha } from './ple_trace.ts'

const TRACE = loadTrace('raycastmaze')
const EP = TRACE.episodes[0]
const test = suite('raycastmaze')

const mapRows = (g: RaycastMaze) =>
  Array.from({ length: 11 }, (_, r) => Array.from(g.map.subarray(r * 11, r * 11 + 11)).join(''))

test('the two construction inits make the traced RNG calls (maze walks, target pick)', () => {
  const [first, second] = constructionCalls(RaycastMaze)
  assert.equal(first, TRACE.construction.init1_rng.map(primitive))
  assert.equal(second, TRACE.construction.init2_rng.map(primitive))
})

test('replays the traced episode (2000 random steps, seed 24) exactly: RNG, maze, state, rewards, frame SHA-256', () => {
  const { env, rec } = recordedEnv('RaycastMaze-v0')
  const game = env.unwrapped as RaycastMaze
  const { obs } = env.reset()
  const reset = EP.reset
  assert.equal(rec.calls, reset.rng.map(primitive), 'reset RNG calls')
  assert.equal(mapRows(game), reset.map, 'maze')
  assert.equal([[...game.pos], [...game.dir], [...game.plane], [...game.objLoc]],
    [reset.pos, reset.dir, reset.plane, reset.obj_loc], 'reset state')
  assert.is(sha(obs), reset.sha256, 'stale reset frame')
  let ret = 0
  for (const s of EP.steps) {
    rec.calls = []
    const r = env.step(s.a)
    const at = `step ${s.t} (action ${s.a})`
    ret += r.reward
    assert.is(r.reward, s.r, `${at}: reward`)
    assert.is(r.terminated, s.done, `${at}: done`)
    assert.equal([[...game.pos], [...game.dir], [...game.plane], [...game.objLoc], game.score, game.gameOver],
      [s.pos, s.dir, s.plane, s.obj_loc, s.score, s.is_game_over], `${at}: state`)
    assert.equal(rec.calls, (s.rng ?? []).map(primitive), `${at}: RNG calls`)
    assert.is(sha(r.obs), s.sha256, `${at}: frame sha256`)
  }
  assert.is(ret, EP.return)
  assert.is(EP.steps.length, EP.length)
})

test.run()
