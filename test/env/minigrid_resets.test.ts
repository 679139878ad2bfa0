// Every ported MiniGrid level against MiniGrid 3.1.0 itself (test/fixtures/minigrid/resets_seeds0-4.json): for
// seeds 0..4, reset(seed) makes the same generator calls (low, high, value, in order), the same grid (bytes and
// SHA-256), agent pose, mission and first observation (bytes and SHA-256), and leaves the generator in the same
// place (64-bit outputs consumed, a 32-bit half pending or not).
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { make, type MiniGridEnv } from '../../env/index.ts'
import { MINIGRID_LEVELS } from '../../env/minigrid/index.ts'

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/minigrid/${name}`, import.meta.url), 'utf8'))
const RESETS = fixture('resets_seeds0-4.json')
const META = fixture('meta.json')
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')
const test = suite('minigrid resets')

test("the 9 registered ids, with MiniGrid's sizes, max_steps and see_through_walls", () => {
  assert.equal(Object.keys(MINIGRID_LEVELS).sort(), Object.keys(META.envs).sort())
  assert.equal(Object.keys(RESETS).sort(), Object.keys(META.envs).sort())
  for (const [id, m] of Object.entries<Record<string, unknown>>(META.envs)) {
    const env = make(id).unwrapped as MiniGridEnv
    assert.equal(
      [env.width, env.height, env.maxSteps, env.seeThroughWalls, env.agentViewSize],
      [m.width, m.height, m.max_steps, m.see_through_walls, m.agent_view_size],
      id,
    )
    assert.is(env.actionSpace.n, m.action_space_n)
  }
})

for (const [id, ref] of Object.entries<{ seeds: Record<string, any>[] }>(RESETS)) {
  test(`${id}: reset(seed) for seeds 0..4`, () => {
    const env = make(id).unwrapped as MiniGridEnv
    for (const r of ref.seeds) {
      const at = `${id} seed ${r.seed}`
      const log: [number, number, number][] = []
      env.rngLog = log
      env.reset({ seed: r.seed })
      const g = env.npRandom!
      assert.equal(
        log,
        r.rng_calls.map((c: number[]) => c.slice(1)),
        `${at}: integers() calls (low, high, value)`,
      )
      assert.is(g.calls, r.rng_calls.length)
      assert.is(g.bitGenerator.next64Count, r.rng_next64_used, `${at}: 64-bit outputs`)
      assert.is(g.bitGenerator.state.hasUint32, r.rng_has_uint32_after, `${at}: pending 32-bit half`)
      const grid = env.encodeGrid()
      assert.is(sha256(grid), r.grid_sha256, `${at}: grid`)
      assert.equal(Array.from(grid), r.grid.flat(2), `${at}: grid bytes`)
      assert.equal(env.agentPos, r.agent_pos, `${at}: agent_pos`)
      assert.is(env.agentDir, r.agent_dir, `${at}: agent_dir`)
      assert.is(env.mission, r.mission, `${at}: mission`)
      assert.is(sha256(env.image), r.obs_image_sha256, `${at}: obs`)
      assert.equal(Array.from(env.image), r.obs_image.flat(2), `${at}: obs bytes`)
      assert.is(env.direction, r.obs_direction)
    }
  })
}

test.run()
