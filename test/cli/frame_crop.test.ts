// `train --frame_crop TOP,LEFT,SIZE` end to end: the models record the crop, `play --model` and the actor cut their
// frames as the trainer's VectorEnv does, and a resume with another crop is refused with one line.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { VectorEnv } from '../../env/vector_env.ts'
import { DEFAULT_ARGS } from '../../rl/args.ts'
import { frameWriter, obsLayout } from '../../rl/observation.ts'
import { cli, TINY, tmpDir, expDir } from './run.ts'

const test = suite('cli/frame_crop')

/** The __metadata__ of a safetensors file. */
const metadata = (file: string) => {
  const b = fs.readFileSync(file)
  const n = Number(b.readBigUInt64LE(0))
  return JSON.parse(b.subarray(8, 8 + n).toString('utf8')).__metadata__
}

test("the actor's frames (play, web) are the trainer's VectorEnv frames of the same crop", () => {
  const args = { ...DEFAULT_ARGS, frame_resize: 36, frame_crop: '6,12,36' }
  const write = frameWriter(obsLayout(args), args.game)
  const venv = new VectorEnv(args.game, { numEnvs: 1, seed: 3, frameResize: 36, stackedFrames: 1, crop: { top: 6, left: 12, size: 36 } })
  venv.reset()
  const whole = frameWriter(obsLayout({ ...args, frame_crop: '' }), args.game)
  const mine = new Float32Array(36 * 36),
    uncropped = new Float32Array(36 * 36)
  let differ = 0
  for (let t = 0; t < 60; t++) {
    venv.step([t % 4 === 0 ? 0 : 1])
    write(venv.envs[0].obs, mine)
    assert.equal(Array.from(mine), Array.from(venv.frame), `step ${t}`)
    whole(venv.envs[0].obs, uncropped)
    if (uncropped.some((v, i) => v !== mine[i])) differ++
  }
  assert.ok(differ > 50, `the crop changes the frames (${differ} of 60 differ)`)
})

test('train --frame_crop saves the crop in the models; play --model uses it; a resume with another crop is refused', () => {
  const d = tmpDir('frame-crop')
  const r = cli(['train', '--data_dir', d, ...TINY, '--frame_crop', '6,12,36', '--target_cumulative_rewards_extrinsic', '-100'], {}, 120_000)
  assert.is(r.status, 0, r.stderr)
  const flags = JSON.parse(metadata(path.join(expDir(d), 'policy.model')).args)
  assert.is(flags.frame_crop, '6,12,36')
  const p = cli(['play', '--model', expDir(d), '--episodes', '2', '--actions', 'greedy'])
  assert.is(p.status, 0, p.stderr)
  assert.match(p.stdout, /episode 2: length \d+/)
  const again = cli(['train', '--data_dir', d, ...TINY, '--frame_crop', '0,0,48', '--target_cumulative_rewards_extrinsic', '-100'], {}, 120_000)
  assert.is(again.status, 2, again.stdout)
  assert.match(again.stderr, /--frame_crop "6,12,36" \(this run: "0,0,48"\)/)
  assert.is(again.stderr.trim().split('\n').length, 1, again.stderr)
})

test.run()
