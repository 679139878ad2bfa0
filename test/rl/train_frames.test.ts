// Training stacks from prepared frames (rl/rollout.ts prepareTrainFrames + copyStack, used by rl/train_batch.ts):
// each record's policy/value stack is frame / divisor and its RND stack the per-pixel normalized frame, zeros before
// the episode's (or segment's) start, the same values the rollout's fillStack / fillRndStack build; a record of an
// episode whose frames were not prepared (or were reset since) is an error, never stale inputs.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { EpisodeBuffer, ObsNormalizer, copyStack, fillRndStack, fillStack, prepareTrainFrames } from '../../rl/rollout.ts'
import { TrainBatch } from '../../rl/train_batch.ts'

const HW = 3
function episode(): EpisodeBuffer {
  const ep = new EpisodeBuffer(HW, 2, 1, 255)
  ep.length = 4
  // frame t pixel j = 10 t + 100 j (raw gray levels)
  for (let t = 0; t < 4; t++) for (let j = 0; j < HW; j++) ep.frames[t * HW + j] = 10 * t + 100 * j
  return ep
}
function normalizer(): ObsNormalizer {
  const n = new ObsNormalizer(HW, 1)
  n.mean.set([20, 100, 200])
  n.invStd.set([0.1, 0.05, 0.01])
  n.isActive = true
  return n
}

test('policy/value stacks: frame / 255, oldest first, zeros before the start', () => {
  const ep = episode()
  prepareTrainFrames(ep, normalizer())
  const dst = new Float32Array(2 * HW).fill(7)
  copyStack(dst, 0, ep, ep.scaled, 0, 2) // step 0: the frame before the start is zeros
  assert.equal([...dst], [0, 0, 0, 0, 100 / 255, 200 / 255].map(Math.fround))
  copyStack(dst, 0, ep, ep.scaled, 3, 2)
  assert.equal(
    [...dst],
    [20, 120, 220, 30, 130, 230].map((v) => Math.fround(v / 255)),
  )
  // a fixed-length segment whose episode started at step 2: step 2's older frame is zeros
  ep.epStart = Int32Array.from([0, 0, 2, 2])
  prepareTrainFrames(ep, normalizer())
  copyStack(dst, 0, ep, ep.scaled, 2, 2)
  assert.equal(
    [...dst],
    [0, 0, 0, 20, 120, 220].map((v) => Math.fround(v / 255)),
  )
})

test('RND stacks: (frame - mean) * invStd clipped to +-clip; raw while the normalizer is inactive', () => {
  const ep = episode(),
    norm = normalizer()
  prepareTrainFrames(ep, norm)
  const dst = new Float32Array(HW)
  copyStack(dst, 0, ep, ep.normed, 1, 1) // frame 1: 10, 110, 210
  const inv = [0.1, 0.05, 0.01].map(Math.fround) // invStd is float32
  assert.equal([...dst], [(10 - 20) * inv[0] /* -1 */, (110 - 100) * inv[1] /* 0.5 */, (210 - 200) * inv[2]].map(Math.fround))
  copyStack(dst, 0, ep, ep.normed, 3, 1) // frame 3: 30, 130, 230: 1 (clip), 1.5 -> 1, 0.3
  assert.equal([...dst], [1, 1, Math.fround(30 * inv[2])])
  norm.isActive = false
  prepareTrainFrames(ep, norm)
  copyStack(dst, 0, ep, ep.normed, 3, 1)
  assert.equal([...dst], [30, 130, 230])
})

test('prepared stacks equal the rollout stacks bitwise (random frames, every step, S = 1..3)', () => {
  const ep = new EpisodeBuffer(50, 2, 1, 255),
    norm = new ObsNormalizer(50, 5)
  ep.length = 9
  let u = 1
  const rnd = () => (u = (u * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
  for (let i = 0; i < 9 * 50; i++) ep.frames[i] = rnd() * 255
  for (let j = 0; j < 50; j++) (norm.mean[j] = 100 * rnd()), (norm.invStd[j] = 0.2 * rnd())
  norm.isActive = true
  prepareTrainFrames(ep, norm)
  for (let S = 1; S <= 3; S++)
    for (let t = 0; t < 9; t++) {
      const a = new Float32Array(S * 50),
        b = new Float32Array(S * 50)
      fillStack(a, 0, ep, t, S)
      copyStack(b, 0, ep, ep.scaled, t, S)
      assert.equal(b, a)
      fillRndStack(a, 0, ep, t, S, norm)
      copyStack(b, 0, ep, ep.normed, t, S)
      assert.equal(b, a)
    }
})

test('a record of an unprepared or reset episode is an error', () => {
  const dims = { S: 2, Sr: 1, C: 1, F: 1, A: 2, D: 1, epsilonPpo: 0.2, norm: normalizer() }
  const batch = new TrainBatch({ ...dims, F: Math.sqrt(HW) }, 4)
  const ep = episode()
  assert.throws(() => batch.push({ ep, s: 0, rndSel: 1 }), /not prepared/)
  batch.prepare([ep])
  batch.push({ ep, s: 0, rndSel: 1 })
  ep.reset()
  ep.length = 4
  assert.throws(() => batch.push({ ep, s: 1, rndSel: 1 }), /not prepared/)
})

test.run()
