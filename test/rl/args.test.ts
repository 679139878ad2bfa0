// rl/args.ts: every seed flag present with its default; validateArgs names the bad flag in one line.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { DEFAULT_ARGS, ARG_DOCS, NETWORK_FLAGS, validateArgs, type Args } from '../../rl/args.ts'

const test = suite('rl: args')

test('defaults are valid; every flag has a doc line', () => {
  assert.is(validateArgs(DEFAULT_ARGS), null)
  assert.equal(Object.keys(ARG_DOCS).sort(), Object.keys(DEFAULT_ARGS).sort())
  for (const k of NETWORK_FLAGS) assert.ok(k in DEFAULT_ARGS)
  assert.is(DEFAULT_ARGS.num_trials, 128)
  assert.is(DEFAULT_ARGS.gamma_extrinsic, 0.999)
})

const bad: [Partial<Args>, RegExp][] = [
  [{ num_trials: 0 }, /--num_trials must be an integer >= 1/],
  [{ sequence_length: 0 }, /--sequence_length/],
  [{ epsilon_greedy: 1.5 }, /--epsilon_greedy must be a probability/],
  [{ portion_experience_train_rnd_predictor: -0.1 }, /portion_experience_train_rnd_predictor/],
  [{ frame_resize: 35 }, /--frame_resize 35 is too small.*36/],
  [{ game: 'Tetris-v0' }, /unknown --game 'Tetris-v0'.*PixelCopter-v0/],
  [{ final_hidden_layers: 2, final_hidden_dim: 0 }, /final_hidden_dim/],
  [{ dnc: '256,64,4,0' }, /--dnc is not supported/],
  [{ model_value_lr: 0 }, /--model_value_lr/],
]
for (const [patch, re] of bad) {
  test(`rejects ${JSON.stringify(patch)}`, () => {
    const msg = validateArgs({ ...DEFAULT_ARGS, ...patch })
    assert.ok(msg && re.test(msg) && !msg.includes('\n'), String(msg))
  })
}
test('frame_resize 36 is accepted', () => assert.is(validateArgs({ ...DEFAULT_ARGS, frame_resize: 36 }), null))

test.run()
