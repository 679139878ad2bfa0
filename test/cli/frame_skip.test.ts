// `train --frame_skip k` end to end: the trainer's games skip k frames, the final policy's metadata records k, and
// `play --model` plays at it (its greedy episodes equal the model's on a game made with frameSkip k).
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { loadPolicy, policyFrameSkip } from '../../cli/train.ts'
import { make } from '../../env/index.ts'
import { cli, TINY, tmpDir, expDir } from './run.ts'

const test = suite('cli/frame_skip')

test('train --frame_skip 3 saves k in the models; play --model plays at k', async () => {
  const d = tmpDir('frame-skip')
  const r = cli(['train', '--data_dir', d, ...TINY, '--frame_skip', '3', '--target_cumulative_rewards_extrinsic', '-100'], {}, 120_000)
  assert.is(r.status, 0, r.stderr)
  assert.match(r.stdout, /Target cumulative reward reached!/)
  assert.is(policyFrameSkip(expDir(d)), 3)
  // the CLI's greedy episodes equal the model played here on a game that skips 3 frames (play: seed 24, plain resets)
  const p = cli(['play', '--model', expDir(d), '--episodes', '3', '--actions', 'greedy'])
  assert.is(p.status, 0, p.stderr)
  const shown = [...p.stdout.matchAll(/episode \d+: length (\d+), return (-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])])
  const model = await loadPolicy(expDir(d), 'PixelCopter-v0', 'wasm', true)
  const env = make('PixelCopter-v0', { seed: 24, frameSkip: 3 })
  const mine: number[][] = []
  for (let e = 0; e < 3; e++) {
    let { obs } = env.reset(),
      length = 0,
      ret = 0
    for (;;) {
      const r = env.step(await model.policy(obs as Uint8Array, { step: length }))
      obs = r.obs
      length++
      ret += r.reward
      if (r.terminated || r.truncated) break
    }
    mine.push([length, ret])
  }
  model.dispose()
  assert.equal(shown, mine)
})

test.run()
