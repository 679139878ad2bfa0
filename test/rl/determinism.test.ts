// The whole trainer with tiny flags (cleanrl-style smoke): same seed -> same metrics run after run; a snapshot
// exported after one iteration and imported into a fresh trainer continues exactly as the uninterrupted run (LSTM and
// DNC cores: a snapshot falls between iterations, where no recurrent state is carried, so models, optimizers,
// statistics and random streams are all it needs); a NaN
// loss stops with NonFiniteLossError naming the network; memory stays flat across iterations.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { RefBackend } from '../../engine/index.ts'
import { DEFAULT_ARGS, type Args } from '../../rl/args.ts'
import { PpoRnd, NonFiniteLossError } from '../../rl/ppo_rnd.ts'
import { TINY_TRAINING, untimed as strip, runTrainer as run } from './tiny_trainer.ts'

const test = suite('rl: determinism')
const TINY: Args = { ...DEFAULT_ARGS, frame_resize: 36, z_dim: 8, rnn_hidden_dim: 8, ...TINY_TRAINING }

const CORES = [
  ['LSTM', {}],
  ['CNN', { rnn_hidden_layers: 0, final_hidden_layers: 1, final_hidden_dim: 8 }],
  ['DNC 6,4,2,3', { dnc: '6,4,2,3' }],
] as const
for (const [name, extra] of CORES) {
  test(`${name}: same seed, same metrics (ref)`, async () => {
    const args = { ...TINY, ...extra }
    const a = await run(args, new RefBackend(), 2),
      b = await run(args, new RefBackend(), 2)
    assert.equal(a.out, b.out)
    assert.ok(a.out[0].returns.length === 4 && a.out[0].env_steps > 4)
    assert.ok(Number.isFinite(a.out[1].loss_value) && a.out[1].entropy > 0)
    const c = await run({ ...args, rng_seed: 7 }, new RefBackend(), 1)
    assert.not.equal(c.out[0], a.out[0], 'another seed differs')
    for (const r of [a, b, c]) r.t.dispose()
  })
}

for (const [name, extra] of [
  ['LSTM', {}],
  ['DNC 6,4,2,3', { dnc: '6,4,2,3' }],
] as const)
  test(`${name}: snapshot after iteration 1 resumes exactly; shapes are validated`, async () => {
    const be = new RefBackend()
    const args = { ...TINY, ...extra }
    const a = await run(args, be, 1)
    const snap = await a.t.exportState()
    const next = strip(await a.t.runIteration())
    const fresh = await PpoRnd.create(args, be)
    fresh.importState(structuredClone(snap))
    assert.is(fresh.iteration, 1)
    assert.ok(fresh.isNormalized)
    assert.equal(strip(await fresh.runIteration()), next)
    const bad = structuredClone(snap)
    bad.models.policy['out.W'] = { shape: [3, 3], data: new Float32Array(9) }
    assert.throws(() => fresh.importState(bad), /policy.*out\.W.*\[3,3\]/)
    const other = await PpoRnd.create({ ...args, z_dim: 9 }, be)
    assert.throws(() => other.importState(snap), /fc\.W/)
    // a snapshot of the other core (an LSTM's of a DNC's, and back) names the first tensor it lacks
    const swapped = await PpoRnd.create({ ...TINY, dnc: name === 'LSTM' ? '6,4,2,3' : '' }, be)
    assert.throws(() => swapped.importState(snap), name === 'LSTM' ? /tensor dnc\.\S+ is missing/ : /tensor lstm0\.Wx is missing/)
    swapped.dispose()
    for (const t of [a.t, fresh, other]) t.dispose()
  })

for (const [name, extra] of [
  ['LSTM', {}],
  ['DNC 6,4,2,3', { dnc: '6,4,2,3' }],
] as const)
  test(`${name}: memory is flat across iterations`, async () => {
    const be = new RefBackend()
    const { t } = await run({ ...TINY, ...extra }, be, 1)
    const live = be.memory().liveBuffers
    await t.runIteration()
    await t.runIteration()
    assert.is(be.memory().liveBuffers, live)
    t.dispose()
  })

test('a NaN loss throws NonFiniteLossError naming the network', async () => {
  const be = new RefBackend()
  const t = await PpoRnd.create(TINY, be)
  await t.initNormalization()
  const w = t.networkNamed('value').find(([n]) => n === 'out.b')![1]
  w.write(new Float32Array(w.size).fill(NaN))
  try {
    await t.runIteration()
    assert.unreachable('should throw')
  } catch (e) {
    assert.instance(e, NonFiniteLossError)
    assert.is((e as NonFiniteLossError).network, 'value')
    assert.match((e as Error).message, /value loss is NaN/)
  }
  t.dispose()
})

test.run()
