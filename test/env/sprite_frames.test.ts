// FlappyBird and MonsterKong draw lazily (a step records what to draw; the screen is painted when it is read) and
// VectorEnv's nearest resize draws them straight at the sampled positions (env/sampled.ts). These tests hold both
// to the eager full-size drawing they replaced: the full frames are byte for byte the ones the eager code drew
// (digests recorded from it, commit e0e547a), whether they are read every step or now and then, and the sampled
// observations equal the full frame resized, step by step, across resets and rounds.
import { createHash } from 'node:crypto'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { FlappyBird } from '../../env/flappybird.ts'
import { type Env, make } from '../../env/index.ts'
import type { MonsterKong } from '../../env/monsterkong/index.ts'
import { Resizer } from '../../env/preprocess.ts'
import { RandomState } from '../../env/random_state.ts'
import { VectorEnv } from '../../env/vector_env.ts'

const test = suite('sprite_frames')

// FlappyBird: odd episodes flown by the pipe-passing pilot of flappybird.test.ts, even ones at random
function flappyPolicy(seed: number): (env: Env, t: number, episode: number) => number {
  const rs = new RandomState(seed)
  return (env, _t, episode) => {
    const r = rs.randint(0, 2)
    if (episode % 2 === 0) return r
    const g = env.unwrapped as FlappyBird
    let next = -1
    for (let i = 0; i < 3; i++) if (g.pipeX[i] > 57 - 30 && (next < 0 || g.pipeX[i] < g.pipeX[next])) next = i
    return g.birdY + g.vel > g.gapStart[next] + 70 ? 0 : 1
  }
}

// MonsterKong: random, with new rounds forced (the player put above row 4) at a few steps
function kongPolicy(seed: number): (env: Env, t: number) => number {
  const rs = new RandomState(seed)
  return (env, t) => {
    if (t === 150 || t === 400 || t === 1200) (env.unwrapped as MonsterKong).player.body.y = 30
    return rs.randint(0, env.actionSpace.n)
  }
}

const POLICIES: Record<string, { steps: number; policy: () => (env: Env, t: number, episode: number) => number }> = {
  'FlappyBird-v0': { steps: 1500, policy: () => flappyPolicy(11) },
  'MonsterKong-v0': { steps: 2500, policy: () => kongPolicy(3) },
}

/** Plays `id` and calls see(t, read) after each step (t = its index) and each reset (t = -1): read() reads the
 *  full frame (env.obs). Episodes end on game over; the reset's frame is the stale last one. */
function run(id: string, see: (t: number, read: () => Uint8Array, env: Env) => void): void {
  const { steps, policy } = POLICIES[id]
  const env = make(id)
  const act = policy()
  env.reset()
  see(-1, () => env.obs, env)
  let episode = 0
  for (let t = 0; t < steps; t++) {
    env.act(act(env, t, episode))
    see(t, () => env.obs, env)
    if (env.terminated) {
      env.reset()
      episode++
      see(-1, () => env.obs, env)
    }
  }
}

// sha256 over every frame, reset frames included, in order; recorded from the eager drawing at commit e0e547a
const GOLDEN: Record<string, string> = {
  'FlappyBird-v0': '22c151a6f70fb9c883c6994c3bc07d3a9410ea274c961e0ec68cd738ae17dd8e',
  'MonsterKong-v0': 'fbbf3929e2d65b5e2042c88fe44f11d4b2a7c409f05d63feecd3049b5cd76346',
}

for (const id of Object.keys(POLICIES)) {
  test(`${id}: full-size frames read every step are byte for byte the eager drawing's (render() too)`, () => {
    const h = createHash('sha256')
    let frames = 0
    run(id, (_t, read, env) => {
      const f = read()
      assert.ok(env.render().rgb === f || Buffer.from(env.render().rgb).equals(f), 'render() is the screen')
      h.update(f)
      frames++
    })
    assert.ok(frames > POLICIES[id].steps)
    assert.is(h.digest('hex'), GOLDEN[id])
  })

  test(`${id}: frames read only now and then equal the frames read every step`, () => {
    const dense: string[] = []
    run(id, (_t, read) => {
      dense.push(createHash('sha256').update(read()).digest('hex'))
    })
    const gaps = new RandomState(5)
    let k = 0,
      next = 0,
      checked = 0
    run(id, (_t, read) => {
      if (k++ !== next) return
      assert.is(createHash('sha256').update(read()).digest('hex'), dense[k - 1], `frame ${k - 1}`)
      checked++
      next = k + gaps.randint(0, 40) // gaps of 1 to 40 frames, resets inside some
    })
    assert.ok(checked > 50, `${checked}`)
  })

  for (const resize of ['nearest', 'bilinear'] as const) {
    test(`${id}: VectorEnv ${resize} observations equal the full frame resized (4 envs, every step, resets)`, () => {
      const N = 4,
        S = 84
      const venv = new VectorEnv(id, { numEnvs: N, frameResize: S, stackedFrames: 4, resize }).reset()
      const [h, w] = venv.envs[0].observationSpace.shape
      const rz = new Resizer(w, h, S, S, resize)
      const want = new Float32Array(S * S)
      const policies = Array.from({ length: N }, (_, i) => (id === 'FlappyBird-v0' ? flappyPolicy(20 + i) : kongPolicy(20 + i)))
      const episodes = new Int32Array(N)
      const actions = new Int32Array(N)
      const check = (at: string) => {
        for (let i = 0; i < N; i++) {
          rz.grayInto(venv.envs[i].obs, want)
          const got = venv.frame.subarray(i * S * S, (i + 1) * S * S)
          const newest = venv.obs.subarray((i * 4 + 3) * S * S, (i * 4 + 4) * S * S)
          for (let j = 0; j < S * S; j++) {
            if (got[j] !== want[j] || newest[j] !== Math.fround(want[j] / 255)) {
              assert.unreachable(`${at}, env ${i}, pixel ${j}: ${got[j]} / ${newest[j] * 255}, want ${want[j]}`)
            }
          }
        }
      }
      check('reset')
      const steps = resize === 'nearest' ? 1200 : 300
      let ends = 0
      for (let t = 0; t < steps; t++) {
        for (let i = 0; i < N; i++) actions[i] = policies[i](venv.envs[i], t, episodes[i])
        venv.step(actions)
        for (let i = 0; i < N; i++) if (venv.terminated[i]) episodes[i]++, ends++
        // nearest: the envs' full screens are read only every 7th step (the sampled path alone draws the rest)
        if (resize === 'bilinear' || t % 7 === 0) check(`step ${t}`)
      }
      if (id === 'FlappyBird-v0' && resize === 'nearest') assert.ok(ends > 10, `${ends} episodes ended`)
    })
  }
}

test.run()
