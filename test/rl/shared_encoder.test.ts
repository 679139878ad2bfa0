// --shared_encoder (rl/networks.ts, CleanRL's shared trunk): the value runs the policy's encoder and owns only its
// head; valuePolicy's outputs against each network's own step and the head on the policy's code; the encoder's
// gradient is the policy loss's plus value_loss_coef times the value loss's (each backward alone, summed by hand);
// the whole trainer: same seed, same metrics, an exact resume, and a snapshot of the other layout refused by name.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { RefBackend, Rng, Tensor, backward, concat, mul, mulScalar, reshape, square, sum } from '../../engine/index.ts'
import { DEFAULT_ARGS, validateArgs, type Args } from '../../rl/args.ts'
import { buildNetworks, valuePolicy } from '../../rl/networks.ts'
import { PpoRnd } from '../../rl/ppo_rnd.ts'
import { TINY_TRAINING, untimed as strip, runTrainer } from './tiny_trainer.ts'

const test = suite('rl: shared encoder')
const be = new RefBackend()
const NETS: Args = { ...DEFAULT_ARGS, frame_resize: 36, stacked_frames: 2, z_dim: 8, rnn_hidden_layers: 0, final_hidden_layers: 1, final_hidden_dim: 8 }

test('the value owns only its head and runs the policy encoder; valuePolicy matches each step', () => {
  const nets = buildNetworks({ ...NETS, shared_encoder: true }, be, 3)
  const names = nets.value.namedParameters().map(([k]) => k)
  assert.equal(names, ['hidden0.W', 'hidden0.b', 'out.W', 'out.b'])
  assert.ok(nets.policy.namedParameters().some(([k]) => k === 'conv1.W'))
  assert.is(nets.value.conv, nets.policy.conv)
  const x = Tensor.fromArray(be, new Rng(5).normalArray(4 * 2 * 36 * 36, 1), [4, 2, 36, 36])
  const { v, p } = valuePolicy(nets.value, nets.policy, x, { value: [], policy: [] })
  assert.equal(v.y.shape, [4, 2])
  assert.equal(p.y.readSync(), nets.policy.step(x, []).y.readSync())
  assert.equal(v.y.readSync(), nets.value.head(nets.policy.encode(x)).readSync())
  // without the flag: two encoders, and valuePolicy is each network's own step
  const two = buildNetworks(NETS, be, 3)
  assert.ok(two.value.namedParameters().some(([k]) => k === 'conv1.W'))
  assert.is.not(two.value.conv, two.policy.conv)
  const r = valuePolicy(two.value, two.policy, x, { value: [], policy: [] })
  assert.equal(r.v.y.readSync(), two.value.step(x, []).y.readSync())
})

test("the shared encoder's gradient: policy loss's + coef x value loss's", () => {
  const nets = buildNetworks({ ...NETS, shared_encoder: true }, be, 3)
  const x = Tensor.fromArray(be, new Rng(6).normalArray(3 * 2 * 36 * 36, 1), [3, 2, 36, 36])
  const w = Tensor.fromArray(be, new Rng(7).normalArray(9, 1), [3, 3])
  const coef = 0.25
  const losses = () => {
    const { v, p } = valuePolicy(nets.value, nets.policy, x, { value: [], policy: [] })
    return { lv: sum(square(v.y)), lp: sum(mul(p.y, w)) }
  }
  const grads = () => {
    const out = [nets.policy.conv[0].w, nets.policy.fc.w, nets.value.out.w].map((t) => Float32Array.from(t.grad!.readSync()))
    nets.policy.zeroGrad()
    nets.value.zeroGrad()
    return out
  }
  let l = losses()
  backward(concat([reshape(mulScalar(l.lv, coef), [1]), reshape(l.lp, [1])], 0))
  const both = grads()
  l = losses()
  backward(l.lp)
  const onlyP = [nets.policy.conv[0].w, nets.policy.fc.w].map((t) => Float32Array.from(t.grad!.readSync()))
  nets.policy.zeroGrad()
  l = losses()
  backward(l.lv)
  const onlyV = grads()
  for (let k = 0; k < 2; k++) {
    let scale = 0
    for (let i = 0; i < both[k].length; i++) scale = Math.max(scale, Math.abs(onlyP[k][i]), Math.abs(onlyV[k][i]))
    assert.ok(scale > 0)
    for (let i = 0; i < both[k].length; i++) {
      const want = onlyP[k][i] + coef * onlyV[k][i]
      assert.ok(Math.abs(both[k][i] - want) <= 1e-5 * scale, `layer ${k} [${i}]: ${both[k][i]} vs ${want}`)
    }
  }
  // the value head: coef x its own gradient (the policy loss does not reach it)
  for (let i = 0; i < both[2].length; i++) assert.ok(Math.abs(both[2][i] - coef * onlyV[2][i]) <= 1e-6 * (1 + Math.abs(onlyV[2][i])))
})

test('--shared_encoder with a recurrent core: one line', () => {
  assert.match(validateArgs({ ...DEFAULT_ARGS, shared_encoder: true }) ?? '', /^--shared_encoder needs a convolutional-only network: add --rnn_hidden_layers 0/)
  assert.is(validateArgs({ ...NETS, shared_encoder: true }), null)
  assert.match(validateArgs({ ...NETS, value_loss_coef: 0 }) ?? '', /^--value_loss_coef must be/)
})

const TINY: Args = { ...NETS, ...TINY_TRAINING, shared_encoder: true, value_loss_coef: 0.25 }
const run = (args: Args, iterations: number) => runTrainer(args, be, iterations)

test('the trainer: same seed, same metrics; exact resume; a snapshot of the other layout is refused by name', async () => {
  const a = await run(TINY, 1)
  const b = await run(TINY, 1)
  assert.equal(a.out, b.out)
  assert.ok(Number.isFinite(a.out[0].loss_value) && a.out[0].loss_value > 0)
  const snap = await a.t.exportState()
  assert.equal(Object.keys(snap.models.value).sort(), ['hidden0.W', 'hidden0.b', 'out.W', 'out.b'])
  const next = strip(await a.t.runIteration())
  const fresh = await PpoRnd.create(TINY, be)
  fresh.importState(structuredClone(snap))
  assert.equal(strip(await fresh.runIteration()), next)
  const twoEncoders = await PpoRnd.create({ ...TINY, shared_encoder: false }, be)
  assert.throws(() => twoEncoders.importState(structuredClone(snap)), /value.*conv1\.W is missing/)
  const unshared = await run({ ...TINY, shared_encoder: false }, 1)
  assert.not.equal(unshared.out[0].loss_value, a.out[0].loss_value)
  for (const t of [a.t, b.t, fresh, twoEncoders, unshared.t]) t.dispose()
})

test.run()
