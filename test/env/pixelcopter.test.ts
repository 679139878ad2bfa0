import { readFileSync } from 'node:fs'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { make } from '../../env/index.ts'
import type { PixelCopter } from '../../env/pixelcopter.ts'
import { RandomState } from '../../env/random_state.ts'
import { RecordingRng, sha } from './ple_trace.ts'

const TRACE_URL = new URL('../fixtures/pixelcopter_trace_seed24_first3.json', import.meta.url)
const TRACE = JSON.parse(readFileSync(TRACE_URL, 'utf8'))
const test = suite('pixelcopter')

// This older trace (test/fixtures/README.md) has its own layout: three episodes of given actions, and the draws
// already as [kind, lo, hi, value], the way RecordingRng (test/env/ple_trace.ts) logs them.
test('replays the first 3 traced episodes (seed 24) exactly: state, RNG draws, rewards, frame SHA-256', () => {
  const env = make('PixelCopter-v0')
  const game = env.unwrapped as PixelCopter
  const rec = RecordingRng.following(game.rng) // same stream, now logged
  game.rng = rec
  for (const [e, ep] of TRACE.episodes.entries()) {
    rec.take()
    const { obs } = env.reset()
    const where = `episode ${e}`
    assert.is(sha(obs), ep.reset_obs_sha256, `${where}: stale reset obs`)
    assert.equal(rec.take(), ep.init_rng_calls, `${where}: init RNG draws`)
    assert.equal(
      [game.playerY, game.momentum, game.terrainCount, game.score, game.lives],
      [ep.init_state.y, ep.init_state.mom, ep.init_state.n_terrain, ep.init_state.score, ep.init_state.lives],
    )
    const terrain = Array.from({ length: game.terrainCount }, (_, i) => [game.terrainX[i], game.terrainY[i]])
    assert.equal(terrain, ep.init_terrain, `${where}: initial terrain`)
    let ret = 0
    for (const s of ep.steps) {
      const r = env.step(s.a)
      const at = `${where} step ${s.t}`
      ret += r.reward
      assert.is(r.reward, s.r, `${at}: reward`)
      assert.is(r.terminated, s.done, `${at}: done`)
      assert.is(r.truncated, false)
      assert.is(game.playerY, s.y, `${at}: y`)
      assert.is(game.momentum, s.mom, `${at}: momentum`)
      const blocks = Array.from({ length: game.nBlocks }, (_, i) => [game.blockX[i], game.blockY[i]])
      assert.equal(blocks, s.blocks, `${at}: blocks`)
      assert.is(game.terrainCount, s.n_terrain, `${at}: terrain count`)
      assert.equal([game.score, game.lives], [s.score, s.lives], `${at}: score, lives`)
      assert.equal(rec.take(), s.rng_calls ?? [], `${at}: RNG draws`)
      assert.is(sha(r.obs), s.sha256, `${at}: frame sha256`)
    }
    assert.is(ret, ep.return)
    assert.is(ep.steps.length, ep.length)
  }
})

test('double init before the first reset; reset({seed}) reseeds like gym_ple seed() + reset()', () => {
  const rs = new RandomState(24)
  const firstX = rs.randint(48, 72)
  const a = make('PixelCopter-v0')
  a.reset({ seed: 24 })
  assert.is((a.unwrapped as PixelCopter).blockX[0], firstX)
  const b = make('PixelCopter-v0', { seed: 7 })
  const c = make('PixelCopter-v0', { seed: 7 })
  b.reset()
  c.reset()
  for (let i = 0; i < 30; i++) assert.is(sha(b.step(i % 3 ? 1 : 0).obs), sha(c.step(i % 3 ? 1 : 0).obs))
})

/** Full redraw the pygame way (fill black; blit copter, blocks, terrain with colour key black), for checking
 *  the incremental renderer. Terrain sprite: 4x72, green rows 0..23 and 50..71. */
function naiveFrame(g: PixelCopter): Uint8Array {
  const f = new Uint8Array(48 * 48 * 3)
  const paint = (left: number, top: number, w: number, h: number, rgb: number[]) => {
    for (let y = Math.max(0, top); y < Math.min(48, top + h); y++) {
      for (let x = Math.max(0, left); x < Math.min(48, left + w); x++) f.set(rgb, (y * 48 + x) * 3)
    }
  }
  const green = [120, 240, 80]
  paint(15, Math.trunc(g.playerY) - 1, 2, 2, [255, 255, 255])
  for (let i = 0; i < g.nBlocks; i++) paint(Math.trunc(g.blockX[i]) - 2, g.blockY[i] - 4, 4, 9, green)
  for (let i = g.head; i < g.tail; i++) {
    const left = Math.trunc(g.terrainX[i]) - 2
    const top = g.terrainY[i] - 36
    paint(left, top, 4, 24, green)
    paint(left, top + 50, 4, 22, green)
  }
  return f
}

/** A heuristic pilot: aim at the gap of the column ahead, away from the block, predicting 6 steps of momentum. */
function steer(g: PixelCopter): number {
  let tyAhead = 24
  for (let i = g.head; i < g.tail; i++) {
    if (g.terrainX[i] >= 22) {
      tyAhead = g.terrainY[i]
      break
    }
  }
  let target = tyAhead + 1
  for (let i = 0; i < g.nBlocks; i++) {
    const d = g.blockX[i] - 16
    if (d > -4 && d < 20) target = g.blockY[i] > tyAhead ? g.blockY[i] - 9 : g.blockY[i] + 9
  }
  return g.playerY + g.momentum * 6 > target + 1 ? 0 : 1
}

test('terrain regeneration at step 222 with its seam; incremental frames == full redraws throughout', () => {
  // hold the copter in the gap with a simple controller until the terrain has regenerated twice
  const env = make('PixelCopter-v0')
  const game = env.unwrapped as PixelCopter
  const regens: number[] = []
  let frames = 0
  for (let ep = 0; ep < 100 && regens.length < 2; ep++) {
    env.reset()
    regens.length = 0
    for (let t = 1; ; t++) {
      const before = game.terrainCount
      const r = env.step(steer(game))
      frames++
      assert.ok(Buffer.from(r.obs).equals(naiveFrame(game)), `frame ${t} of episode ${ep}`)
      if (game.terrainCount > before + 40) regens.push(t)
      if (r.terminated || regens.length >= 2) break
    }
  }
  assert.is(regens[0], 222)
  assert.ok(regens[1] > 222 + 280 && regens[1] < 222 + 310, `second regeneration at ${regens[1]}`)
  assert.ok(frames > 500)
})

test('statistics: 2000 uniform-random episodes, always-noop lengths, only the 3 spec colours', () => {
  const env = make('PixelCopter-v0')
  const policy = new RandomState(0)
  const colours = new Set<number>()
  const seeColours = (o: Uint8Array) => {
    for (let i = 0; i < o.length; i += 3) colours.add((o[i] << 16) | (o[i + 1] << 8) | o[i + 2])
  }
  let steps = 0
  let total = 0
  const N = 2000
  for (let ep = 0; ep < N; ep++) {
    env.reset()
    for (;;) {
      const r = env.step(policy.randint(0, 2))
      steps++
      total += r.reward
      if (ep < 200) seeColours(r.obs)
      if (r.terminated || r.truncated) break
    }
  }
  const meanLen = steps / N
  const meanRet = total / N
  console.log(`  uniform random x${N}: mean length ${meanLen.toFixed(3)}, mean return ${meanRet.toFixed(3)}`)
  assert.ok(meanLen >= 7.0 && meanLen <= 7.3, `mean length ${meanLen}`)
  assert.ok(meanRet >= -4.86 && meanRet <= -4.77, `mean return ${meanRet}`)
  let lo = Infinity
  let hi = -Infinity
  for (let ep = 0; ep < 500; ep++) {
    env.reset()
    let t = 0
    for (;;) {
      t++
      const r = env.step(1)
      seeColours(r.obs)
      if (r.terminated) break
    }
    lo = Math.min(lo, t)
    hi = Math.max(hi, t)
  }
  console.log(`  always noop x500: lengths ${lo}..${hi}`)
  assert.ok(lo >= 18 && hi <= 24, `noop lengths ${lo}..${hi}`)
  assert.equal(
    [...colours].sort((a, b) => a - b),
    [0x000000, 0x78f050, 0xffffff],
  )
})

test('API: spaces, unknown id, invalid action, step before reset, truncation, stepping after the end', () => {
  const env = make('PixelCopter-v0', { maxEpisodeSteps: 5 })
  assert.equal(env.actionSpace, { n: 2, meanings: ['up', 'noop'] })
  assert.equal(env.observationSpace, { shape: [48, 48, 3], dtype: 'uint8' })
  assert.throws(() => env.step(0), /reset/)
  const { obs, info } = env.reset()
  assert.is(obs.length, 48 * 48 * 3)
  assert.ok(
    obs.every((v) => v === 0),
    'first reset obs is black',
  )
  assert.equal(info, {})
  assert.throws(() => env.step(2), /invalid action 2.*0 = up, 1 = noop/)
  assert.throws(() => env.step(0.5), /invalid action/)
  assert.throws(() => env.step(-1), /invalid action/)
  assert.throws(() => make('Tetris-v0'), /unknown environment 'Tetris-v0'; registered: PixelCopter-v0, /)
  assert.throws(() => make('PixelCopter-v0', { sede: 1 } as never), /unknown option 'sede'/)
  assert.is(make('PixelCopter-v0').maxEpisodeSteps, 10000) // gym_ple's TimeLimit
  const acts = [0, 1, 1, 1, 1]
  let last
  for (const a of acts) last = env.step(a)
  assert.is(last!.truncated, true)
  assert.is(last!.terminated, false)
  // after the game is over PLE does nothing: reward 0, same frame
  env.reset()
  let r
  do r = env.step(0)
  while (!r.terminated)
  const frame = sha(r.obs)
  const again = env.step(0)
  assert.is(again.reward, 0)
  assert.is(again.terminated, true)
  assert.is(sha(again.obs), frame)
})

test.run()
