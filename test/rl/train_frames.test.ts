// Training stacks from prepared frames (rl/rollout.ts prepareTrainFrames + copyStack, pooled by rl/train_batch.ts):
// each record's policy/value stack is frame / divisor and its RND stack the per-pixel normalized frame, zeros before
// the episode's (or segment's) start, the same values the rollout's fillStack / fillRndStack build; over the pool's
// byte budget the batch builds them from the raw frames, the same columns; a record of an episode not prepared for
// the current pass (or reset since) is an error, never stale inputs.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { RefBackend } from '../../engine/index.ts'
import { EpisodeBuffer, ObsNormalizer, copyStack, fillRndStack, fillStack, prepareTrainFrames } from '../../rl/rollout.ts'
import { TrainBatch, type ColumnName } from '../../rl/train_batch.ts'

const HW = 4
function episode(): EpisodeBuffer {
  const ep = new EpisodeBuffer(HW, 2, 1, 255)
  ep.length = 4
  // frame t pixel j = 10 t + 100 j (raw gray levels)
  for (let t = 0; t < 4; t++) for (let j = 0; j < HW; j++) ep.frames[t * HW + j] = 10 * t + 100 * j
  return ep
}
function normalizer(): ObsNormalizer {
  const n = new ObsNormalizer(HW, 1)
  n.mean.set([20, 100, 200, 300])
  n.invStd.set([0.1, 0.05, 0.01, 0.01])
  n.isActive = true
  return n
}
const prepared = (ep: EpisodeBuffer, norm: ObsNormalizer) => {
  prepareTrainFrames(ep, norm, new Float32Array(ep.length * HW), new Float32Array(ep.length * HW))
  return { scaled: ep.scaled!, normed: ep.normed! }
}

test('policy/value stacks: frame / 255, oldest first, zeros before the start', () => {
  const ep = episode()
  let { scaled } = prepared(ep, normalizer())
  const dst = new Float32Array(2 * HW).fill(7)
  copyStack(dst, 0, ep, scaled, 0, 2) // step 0: the frame before the start is zeros
  assert.equal([...dst], [0, 0, 0, 0, 0, 100 / 255, 200 / 255, 300 / 255].map(Math.fround))
  copyStack(dst, 0, ep, scaled, 3, 2)
  assert.equal(
    [...dst],
    [20, 120, 220, 320, 30, 130, 230, 330].map((v) => Math.fround(v / 255)),
  )
  // a fixed-length segment whose episode started at step 2: step 2's older frame is zeros
  ep.epStart = Int32Array.from([0, 0, 2, 2])
  ;({ scaled } = prepared(ep, normalizer()))
  copyStack(dst, 0, ep, scaled, 2, 2)
  assert.equal(
    [...dst],
    [0, 0, 0, 0, 20, 120, 220, 320].map((v) => Math.fround(v / 255)),
  )
})

test('RND stacks: (frame - mean) * invStd clipped to +-clip; raw while the normalizer is inactive', () => {
  const ep = episode(),
    norm = normalizer()
  let { normed } = prepared(ep, norm)
  const dst = new Float32Array(HW)
  const inv = [0.1, 0.05, 0.01, 0.01].map(Math.fround) // invStd is float32
  copyStack(dst, 0, ep, normed, 1, 1) // frame 1: 10, 110, 210, 310
  assert.equal([...dst], [(10 - 20) * inv[0] /* -1 */, (110 - 100) * inv[1] /* 0.5 */, 10 * inv[2], 10 * inv[3]].map(Math.fround))
  copyStack(dst, 0, ep, normed, 3, 1) // frame 3: 30, 130, 230, 330: 1 (clip), 1.5 -> 1, 0.3, 0.3
  assert.equal([...dst], [1, 1, Math.fround(30 * inv[2]), Math.fround(30 * inv[3])])
  norm.isActive = false
  ;({ normed } = prepared(ep, norm))
  copyStack(dst, 0, ep, normed, 3, 1)
  assert.equal([...dst], [30, 130, 230, 330])
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
  prepareTrainFrames(ep, norm, new Float32Array(9 * 50), new Float32Array(9 * 50))
  for (let S = 1; S <= 3; S++)
    for (let t = 0; t < 9; t++) {
      const a = new Float32Array(S * 50),
        b = new Float32Array(S * 50)
      fillStack(a, 0, ep, t, S)
      copyStack(b, 0, ep, ep.scaled!, t, S)
      assert.equal(b, a)
      fillRndStack(a, 0, ep, t, S, norm)
      copyStack(b, 0, ep, ep.normed!, t, S)
      assert.equal(b, a)
    }
})

const DIMS = { S: 2, Sr: 1, C: 1, F: 2, A: 2, D: 1, epsilonPpo: 0.2, norm: normalizer() }

test('pooled or over budget (built from the raw frames): the same obs and rnd columns', async () => {
  const be = new RefBackend()
  const cols = async (bytes: number) => {
    const batch = new TrainBatch(DIMS, 8, bytes),
      eps = [episode(), episode()]
    eps[1].length = 3
    batch.prepare(eps)
    assert.is(eps[0].scaled !== null, bytes > 0, 'pooled exactly when within the budget')
    for (const [e, s] of [
      [0, 0],
      [0, 3],
      [1, 2],
      [1, 0],
      [0, 1],
    ])
      batch.push({ ep: eps[e], s, rndSel: 1 })
    const read = (k: ColumnName) => batch.tensor(be, k).read()
    return { obs: await read('obs'), rnd: await read('rnd') }
  }
  const pooled = await cols(1 << 20),
    raw = await cols(0)
  assert.equal(pooled.obs, raw.obs)
  assert.equal(pooled.rnd, raw.rnd)
  assert.equal(
    [...pooled.obs.subarray(2 * HW, 3 * HW)],
    [20, 120, 220, 320].map((v) => Math.fround(v / 255)),
    'record 1: step 3, older frame',
  )
})

test('a record of an episode not prepared for this pass, or reset since, is an error', () => {
  const batch = new TrainBatch(DIMS, 4)
  const ep = episode(),
    other = episode()
  assert.throws(() => batch.push({ ep, s: 0, rndSel: 1 }), /not prepared/)
  batch.prepare([ep])
  batch.push({ ep, s: 0, rndSel: 1 })
  batch.prepare([other]) // a new pass: ep's prepared frames may be overwritten
  assert.throws(() => batch.push({ ep, s: 1, rndSel: 1 }), /not prepared/)
  batch.prepare([ep])
  ep.reset()
  ep.length = 4
  assert.throws(() => batch.push({ ep, s: 1, rndSel: 1 }), /not prepared/)
})

test.run()
