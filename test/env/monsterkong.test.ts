import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { make } from '../../env/index.ts'
import { MonsterKong } from '../../env/monsterkong/index.ts'
import { Renderer } from '../../env/monsterkong/sprites.ts'
import { checkRandomRuns, play, RUNS, randomPolicy, replayTrace, runsToCheck } from './ple_trace.ts'

const test = suite('monsterkong')

// frames are not compared: PLE draws PNG sprites we do not ship (ours are our own, of the hit boxes' sizes)
test("replays PLE's traced episode (2000 random steps, seed 24) exactly: init and reset draws, map, coins, actors, score, lives", () => {
  const steps = replayTrace<MonsterKong>({
    id: 'MonsterKong-v0',
    cls: MonsterKong,
    game: 'monsterkong',
    frames: false,
    state: (g) => {
      const p = g.player
      return {
        player: [p.body.x, p.body.y],
        jumping: p.isJumping,
        on_ladder: p.onLadder,
        jump_speed: p.jumpSpeed,
        enemies: g.enemies.map((e) => [e.body.x, e.body.y, e.direction, e.stopDuration, e.cycles]),
        fireballs: g.fireballs.map((f) => [f.index, f.body.x, f.body.y, f.direction, f.fall]),
        n_coins: g.level.coins.length,
        score: g.score,
        lives: g.lives,
        fireball_timer: g.fireballTimer,
        direction: g.direction,
        cycles: g.cycles,
      }
    },
    recordedAt: (g) => ({
      map: Array.from({ length: 32 }, (_, r) => Array.from(g.level.map.subarray(r * 33, r * 33 + 33)).join('')),
      coins: g.level.coins.map((c) => [c.x, c.y]),
    }),
  })
  assert.is(steps, 2000)
})

test('random policy: 10 of the PLE episodes replayed exactly; mean length and return within the PLE band', () => {
  checkRandomRuns('MonsterKong-v0', 10)
})

test('rounds won (player put above row 4 at steps 100, 600): 5 of the PLE episodes replayed exactly, 3 monsters', () => {
  const n = runsToCheck(5, RUNS.scripted['MonsterKong-v0'].length)
  const policy = randomPolicy(7)
  let most = 0
  const got = play('MonsterKong-v0', n, (env, t) => {
    const g = env.unwrapped as MonsterKong
    const a = policy(env)
    if (t === 100 || t === 600) g.player.body.y = 30 // Person.setPosition: the rect stays behind
    most = Math.max(most, g.enemies.length)
    return a
  })
  assert.equal(
    got,
    RUNS.scripted['MonsterKong-v0'].slice(0, n).map(([l, r, o]) => [l, r, o ? 1 : 0]),
  )
  assert.is(most, 3)
})

test('incremental drawing equals a full redraw of the same state, frame by frame (600 random steps, 2 rounds)', () => {
  const env = make('MonsterKong-v0')
  const g = env.unwrapped as MonsterKong
  const policy = randomPolicy(3)
  const full = new Uint8Array(g.screen.length)
  const fresh = new Renderer(full)
  const r = (g as unknown as { renderer: Renderer }).renderer
  const screen = (g as unknown as { rgb: Uint8Array }).rgb
  const draw = r.draw.bind(r)
  let frames = 0
  r.draw = (frame) => {
    draw(frame)
    fresh.newLevel(frame.level!) // forgets everything: the next draw paints the whole screen
    fresh.draw(frame)
    assert.ok(Buffer.from(screen).equals(full), `frame ${++frames}`)
  }
  env.reset()
  for (let t = 0; t < 600; t++) {
    if (t === 150 || t === 400) g.player.body.y = 30 // new rounds: new coins, more monsters
    if (env.step(policy(env)).terminated) env.reset()
  }
  assert.is(frames, 600)
  assert.is(g.enemies.length, 3)
})

test.run()
