// Every ported MiniGrid level replays MiniGrid 3.1.0's own 600-step trace (test/fixtures/minigrid/traces_seed0.json):
// reset(seed=0), then random actions (RandomState(1000).randint(0, 7)), an episode ended by termination, truncation
// or 300 steps and followed by reset() without a seed (the generator continues). At every step: reward (to the bit),
// terminated, truncated, agent pose, what is carried, step_count, observation SHA-256; at every reset its pose,
// mission, grid and observation hashes and how much of the generator it used; the grid hash after every step that
// changed the grid, and no grid change anywhere else.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { make, RandomState, type MiniGridEnv } from '../../env/index.ts'

const TRACES = JSON.parse(readFileSync(new URL('../fixtures/minigrid/traces_seed0.json', import.meta.url), 'utf8'))
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')
const test = suite('minigrid traces')

/** Python's float.hex() back to a double (normal numbers: [-]0x1.<13 hex digits>p<exp>). */
function fromHex(s: string): number {
  const m = /^(-?)0x1\.([0-9a-f]{13})p([+-]?\d+)$/.exec(s)
  if (!m) throw new Error(`unsupported float.hex ${s}`)
  const v = (1 + parseInt(m[2], 16) / 2 ** 52) * 2 ** Number(m[3])
  return m[1] ? -v : v
}

test('fromHex: hand-worked values', () => {
  assert.is(fromHex('0x1.0000000000000p+0'), 1)
  assert.is(fromHex('0x1.8000000000000p-1'), 0.75)
  assert.is(fromHex('-0x1.4000000000000p+2'), -5)
})

let replayedSteps = 0,
  replayedResets = 0,
  nonzero = 0

for (const [id, [trace]] of Object.entries<any[]>(TRACES)) {
  test(`${id}: 600 steps from reset(seed=0), seedless resets included`, () => {
    const env = make(id).unwrapped as MiniGridEnv
    const S = trace.steps,
      resets = new Map<number, any>(trace.resets.map((r: any) => [r.before_step, r]))
    const changes = new Map<number, string>(trace.grid_changes)
    const policy = new RandomState(1000)
    let episodeSteps = 0,
      lastGrid = ''
    const checkReset = (t: number) => {
      const r = resets.get(t)
      const g = env.npRandom
      const calls0 = g?.calls ?? 0,
        next0 = g?.bitGenerator.next64Count ?? 0
      if (t === 0) env.reset({ seed: trace.seed })
      else env.reset()
      const at = `${id} ${r.how} before step ${t}`
      assert.is(env.npRandom!.calls - (t === 0 ? 0 : calls0), r.rng_integers_calls, `${at}: integers() calls`)
      assert.is(env.npRandom!.bitGenerator.next64Count - (t === 0 ? 0 : next0), r.rng_next64_used, `${at}: 64-bit outputs`)
      lastGrid = sha256(env.encodeGrid())
      assert.is(lastGrid, r.grid_sha256, `${at}: grid`)
      assert.is(sha256(env.image), r.obs_sha256, `${at}: obs`)
      assert.equal(env.agentPos, r.agent_pos, `${at}: agent_pos`)
      assert.is(env.agentDir, r.agent_dir, `${at}: agent_dir`)
      assert.is(env.mission, r.mission, `${at}: mission`)
      episodeSteps = 0
      replayedResets++
    }
    checkReset(0)
    for (let t = 0; t < S.action.length; t++) {
      if (t > 0) {
        const ended = S.terminated[t - 1] || S.truncated[t - 1] || episodeSteps === 300
        assert.is(resets.has(t), !!ended, `${id}: a reset before step ${t} iff the episode ended`)
        if (ended) checkReset(t)
      }
      const a = policy.randint(0, 7)
      assert.is(a, S.action[t], `${id}: the policy's action ${t}`)
      const { reward, terminated, truncated, obs, info } = env.step(a)
      episodeSteps++
      const at = `${id} step ${t}`
      assert.ok(Object.is(reward, S.reward[t]), `${at}: reward ${reward} vs ${S.reward[t]}`)
      assert.is(terminated, S.terminated[t] === 1, `${at}: terminated`)
      assert.is(truncated, S.truncated[t] === 1, `${at}: truncated`)
      assert.equal(env.agentPos, S.agent_pos[t], `${at}: agent_pos`)
      assert.is(env.agentDir, S.agent_dir[t], `${at}: agent_dir`)
      assert.is(info.direction, S.agent_dir[t])
      const carrying = env.carrying ? [env.carrying.type, env.carrying.color] : null
      assert.equal(carrying, S.carrying[t], `${at}: carrying`)
      assert.is(env.stepCount, S.step_count[t], `${at}: step_count`)
      assert.is(sha256(obs), S.obs_sha256[t], `${at}: obs`)
      const grid = sha256(env.encodeGrid())
      assert.is(grid !== lastGrid, changes.has(t), `${at}: the grid changed iff MiniGrid's did`)
      if (changes.has(t)) assert.is(grid, changes.get(t), `${at}: grid after the change`)
      lastGrid = grid
      replayedSteps++
    }
    for (const nz of trace.nonzero_rewards) {
      assert.is(S.reward[nz.step], fromHex(nz.reward_hex), `${id}: the trace's reward at ${nz.step} is its float.hex`)
      assert.is(S.step_count[nz.step], nz.step_count)
      assert.is(S.reward[nz.step], 1 - 0.9 * (nz.step_count / env.maxSteps), `${id}: 1 - 0.9 * step_count / max_steps`)
      nonzero++
    }
  })
}

test('totals: 9 traces, 5400 steps', () => {
  assert.is(replayedSteps, 9 * 600)
  assert.ok(replayedResets >= 9 * 2, `${replayedResets} resets`)
  assert.ok(nonzero >= 1)
  console.log(`  replayed ${replayedSteps} steps, ${replayedResets} resets (${replayedResets - 9} seedless), ` + `${nonzero} success rewards`)
})

test.run()
