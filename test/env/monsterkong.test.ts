import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { MonsterKong } from '../../env/monsterkong/index.ts'
import { checkConstruction, loadTrace, replayEpisode } from './ple_replay.ts'

const TRACE = loadTrace('monsterkong')
const test = suite('monsterkong')

const mapRows = (g: MonsterKong) => Array.from({ length: 32 }, (_, r) => Array.from(g.level.map.subarray(r * 33, r * 33 + 33)).join(''))
const coins = (g: MonsterKong) => g.level.coins.map((c) => [c.x, c.y])
const state = (g: MonsterKong) => {
  const p = g.player
  return [
    [p.body.x, p.body.y],
    p.isJumping,
    p.onLadder,
    p.jumpSpeed,
    g.enemies.map((e) => [e.body.x, e.body.y, e.direction, e.stopDuration, e.cycles]),
    g.fireballs.map((f) => [f.index, f.body.x, f.body.y, f.direction, f.fall]),
    g.level.coins.length,
    g.score,
    g.lives,
    g.fireballTimer,
    g.direction,
    g.cycles,
  ]
}
const traced = (s: Record<string, unknown>) => [
  s.player,
  s.jumping,
  s.on_ladder,
  s.jump_speed,
  s.enemies,
  s.fireballs,
  s.n_coins,
  s.score,
  s.lives,
  s.fireball_timer,
  s.direction,
  s.cycles,
]

test('the two construction inits make the traced RNG calls (monster, ladders, coins)', () => {
  checkConstruction(MonsterKong, TRACE)
})

test('replays the traced episode (2000 random steps, seed 24) exactly: RNG, map, coins, actors, score, lives', () => {
  replayEpisode<MonsterKong>(
    'MonsterKong-v0',
    TRACE,
    (game, reset) => {
      assert.equal(mapRows(game), reset.map, 'map')
      assert.equal(coins(game), reset.coins, 'coins')
      assert.equal(state(game), traced(reset), 'reset state')
    },
    (game, s, _r, at) => {
      assert.equal(state(game), traced(s), `${at}: state`)
      if (s.coins) assert.equal(coins(game), s.coins, `${at}: coins`)
    },
  )
})

test.run()
