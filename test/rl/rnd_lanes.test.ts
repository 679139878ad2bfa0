// The recurrent RND predictor on its selected lanes only (rl/rnd_lanes.ts, issue #12): the index arrays worked by
// hand, then a whole training iteration (LSTM and DNC cores, f64 ref backend) against the seed's masked predictor over
// every lane: the predictor's loss, gradient norm and trained weights agree to rounding, value and policy are bitwise
// the same, and the predictor did run on fewer lanes than the batch has.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { RefBackend, type Tensor } from '../../engine/index.ts'
import { DEFAULT_ARGS, type Args } from '../../rl/args.ts'
import { PpoRnd } from '../../rl/ppo_rnd.ts'
import { rndLanes } from '../../rl/rnd_lanes.ts'
import type { PackedRows, RecState } from '../../rl/networks.ts'
import { close } from '../helpers.ts'

const test = suite('rl: rnd lanes')

test('rndLanes: selected lanes, their rows, the packed layout and the way back, by hand', () => {
  // lanes: 0 = episode 0 (selected, 2 steps), 1 idle, 2 = episode 1 (not selected, 3 steps), 3 = episode 2 (selected, 1)
  // batch rows: lane 0 -> 0, 1; lane 2 -> 2, 3, 4; lane 3 -> 5
  const s = rndLanes(
    [{ ep: 0, off: 0, len: 2, isStart: true }, null, { ep: 1, off: 4, len: 3, isStart: false }, { ep: 2, off: 0, len: 1, isStart: true }],
    Uint8Array.from([1, 0, 1]),
  )
  assert.equal(s.lanes, [0, 3])
  assert.equal(s.rows, [0, 1, 5])
  assert.is(s.T, 2)
  // gathered rows 0, 1 (lane 0, t 0 and 1), 2 (lane 3, t 0); time-major t * 2 + j; 3 is the zero row
  assert.equal(s.padIdx, [0, 2, 1, 3])
  assert.equal(s.realIdx, [0, 2, 1])
  // concat([sub state (2 rows), full state (4 rows)]): lane 0 -> 0, lane 3 -> 1, lanes 1 and 2 keep theirs (2 + b)
  assert.equal(s.back, [0, 3, 4, 1])
  const none = rndLanes([{ ep: 1, off: 0, len: 2, isStart: true }], Uint8Array.from([1, 0]))
  assert.equal([none.lanes, none.rows, none.T, none.padIdx, none.realIdx, none.back], [[], [], 0, [], [], [0]])
})

const TINY: Args = {
  ...DEFAULT_ARGS,
  frame_resize: 36,
  z_dim: 6,
  rnn_hidden_dim: 5,
  num_trials: 8,
  num_envs: 4,
  initial_normalization_num_trials: 2,
  epochs_per_iteration: 2,
  sequence_length: 3,
  minibatches: 4,
  portion_experience_train_rnd_predictor: 0.25,
  backend: 'ref',
}

async function iteration(args: Args, masked: boolean) {
  const be = new RefBackend(64)
  const t = await PpoRnd.create(args, be)
  t.maskedRndPredictor = masked
  const lanes: number[] = []
  const net = t.nets.rnd_predictor,
    seq = net.sequence.bind(net)
  net.sequence = (x: Tensor, T: number, state: RecState, pack?: PackedRows) => {
    if (pack) lanes.push(pack.B) // training calls only (rollouts step one row per env)
    return seq(x, T, state, pack)
  }
  await t.initNormalization()
  const m = await t.runIteration()
  const weights = net.parameters().map((p) => Float64Array.from(be.raw(p.buf) as Float64Array))
  t.dispose()
  return { m, lanes, weights }
}

for (const [name, extra] of [
  ['LSTM', {}],
  ['DNC 6,4,2,3', { dnc: '6,4,2,3' }],
] as const)
  test(`${name}: the predictor on its selected lanes == the masked predictor over every lane (f64 ref)`, async () => {
    const args = { ...TINY, ...extra }
    const sub = await iteration(args, false),
      all = await iteration(args, true)
    assert.ok(all.lanes.length > 0 && all.lanes.every((b) => b === 4), `masked lanes ${all.lanes}`)
    assert.ok(sub.lanes.length > 0 && sub.lanes.every((b) => b < 4), `selected lanes ${sub.lanes}`)
    assert.equal(
      [sub.m.loss_value, sub.m.loss_policy, sub.m.entropy, sub.m.approx_kl, sub.m.grad_norm_value, sub.m.grad_norm_policy],
      [all.m.loss_value, all.m.loss_policy, all.m.entropy, all.m.approx_kl, all.m.grad_norm_value, all.m.grad_norm_policy],
    )
    assert.ok(all.m.loss_rnd > 0)
    close([sub.m.loss_rnd, sub.m.grad_norm_rnd_predictor], [all.m.loss_rnd, all.m.grad_norm_rnd_predictor], { atol: 0, rtol: 1e-10 }, 'rnd loss, grad norm')
    sub.weights.forEach((w, i) => close(w, all.weights[i], { atol: 1e-12, rtol: 0 }, `predictor parameter ${i}`))
  })

test.run()
