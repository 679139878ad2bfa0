// The check after every optimizer step (engine/optim/adam.ts finiteSums, rl/finite.ts): the three sums on arrays
// worked by hand (ref backend), each way a state goes bad (NaN, infinite, a weight whose square overflows float32,
// m, v), and the trainer with one gradient step per iteration: the step that blows the value network up is its last,
// which the loss check never sees; this check stops the iteration at that step, naming network, part and step.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { Adam, RefBackend, Tensor } from '../../engine/index.ts'
import { DEFAULT_ARGS, type Args } from '../../rl/args.ts'
import { PpoRnd } from '../../rl/ppo_rnd.ts'
import { NonFiniteStateError, checkFiniteState } from '../../rl/finite.ts'
import { close } from '../helpers.ts'
import { backendNamed } from '../engine/backends.ts'

const test = suite('rl: finite state after every step')
const be = new RefBackend()

function adam(params: number[][], m?: number[][], v?: number[][]): Adam {
  const a = new Adam(params.map((p) => Tensor.fromArray(be, p, [p.length])))
  m?.forEach((x, i) => a.m[i].write(Float32Array.from(x)))
  v?.forEach((x, i) => a.v[i].write(Float32Array.from(x)))
  return a
}

test('finiteSums: the squares of the parameters, 0 for finite moments, by hand', async () => {
  // 1 + 4 + 9 + 0.25 = 14.25; m and v finite: (m * 0)^2 = 0
  const a = adam(
    [
      [1, -2],
      [3, 0.5],
    ],
    [
      [0.1, -7],
      [1e30, 0],
    ],
    [
      [4, 1e-8],
      [0, 3e38],
    ],
  )
  assert.equal([...(await a.finiteSums().read())], [14.25, 0, 0])
})

test('finiteSums: NaN, Infinity and a weight beyond 1.8e19 in the parameters; NaN or Infinity in m or v', async () => {
  const sums = async (a: Adam) => [...(await a.finiteSums().read())]
  const p = await sums(adam([[1, NaN]]))
  assert.ok(Number.isNaN(p[0]) && p[1] === 0 && p[2] === 0, String(p))
  assert.equal(await sums(adam([[-Infinity, 1]])), [Infinity, 0, 0])
  assert.equal(await sums(adam([[1e30]])), [Infinity, 0, 0]) // (1e30)^2 overflows float32 (3.4e38)
  close([(await sums(adam([[1e19]])))[0]], [1e38], { rtol: 1e-6, atol: 0 }) // (1e19)^2 still fits
  const m = await sums(adam([[1]], [[Infinity]]))
  assert.ok(m[0] === 1 && Number.isNaN(m[1]) && m[2] === 0, String(m))
  const v = await sums(adam([[1]], [[0]], [[NaN]]))
  assert.ok(v[0] === 1 && v[1] === 0 && Number.isNaN(v[2]), String(v))
})

test('checkFiniteState names the first bad network and part, with the step', async () => {
  const good = () => adam([[1, 2]])
  await checkFiniteState({ value: good(), policy: good(), rnd_predictor: good() }, 3, 2, 8) // passes
  const cases: [Record<string, Adam>, string, string][] = [
    [{ value: good(), policy: adam([[1e30]]), rnd_predictor: adam([[NaN]]) }, 'policy', 'parameters'],
    [{ value: good(), policy: good(), rnd_predictor: adam([[1]], [[NaN]]) }, 'rnd_predictor', 'Adam first moments (m)'],
    [{ value: adam([[1]], [[0]], [[Infinity]]), policy: good(), rnd_predictor: good() }, 'value', 'Adam second moments (v)'],
  ]
  for (const [optims, net, what] of cases) {
    const e = await checkFiniteState(optims as never, 3, 2, 8).then(
      () => null,
      (x) => x,
    )
    assert.ok(e instanceof NonFiniteStateError, String(e))
    assert.equal([e.network, e.what, e.step, e.steps, e.iteration], [net, what, 2, 8, 3])
    assert.match(e.message, new RegExp(`^the ${net} network's ${what.replace(/[()]/g, '\\$&')} are not finite after gradient step 2 of 8 in iteration 3`))
  }
})

// PixelCopter's random episodes last a few dozen steps: 4 episodes of at most 256 steps fit in one gradient step
const ONE_STEP: Args = {
  ...DEFAULT_ARGS,
  frame_resize: 36,
  z_dim: 8,
  rnn_hidden_layers: 0,
  stacked_frames: 1,
  num_trials: 4,
  num_envs: 4,
  initial_normalization_num_trials: 2,
  epochs_per_iteration: 1,
  minibatches: 4,
  sequence_length: 256,
  backend: 'wasm',
}

test('one gradient step per iteration, value lr 1e30: the last (only) step is caught before the iteration ends', async () => {
  const steps: number[] = []
  const onProgress = (p: string, _d: number, n: number) => {
    if (p === 'train') steps.push(n)
  }
  const t = await PpoRnd.create({ ...ONE_STEP, model_value_lr: 1e30 }, (await backendNamed('wasm'))!, { onProgress })
  const e = await t.runIteration().then(
    () => null,
    (x) => x,
  )
  assert.ok(e instanceof NonFiniteStateError, String(e))
  assert.equal([e.network, e.what, e.step, e.steps, e.iteration], ['value', 'parameters', 1, 1, 1])
  assert.equal(steps.at(-1), 1, 'one gradient step in the iteration')
  assert.is(t.iteration, 0, 'the iteration did not complete')
  // what a snapshot would have saved: value weights near 1e30 (finite, so a finiteness test of the values alone
  // passes them; their squares overflow), the other networks sane
  const st = await t.exportState()
  const big = Math.max(...Object.values(st.models.value).map((x) => Math.max(...x.data.map(Math.abs))))
  const sane = Math.max(...Object.values(st.models.policy).map((x) => Math.max(...x.data.map(Math.abs))))
  assert.ok(big > 1e29 && Number.isFinite(big), `value weights ${big}`)
  assert.ok(sane < 10, `policy weights ${sane}`)
  t.dispose()
})

test('many gradient steps per iteration, RND predictor lr 1e30: stopped at its first step, naming it', async () => {
  const args = { ...ONE_STEP, minibatches: 1, sequence_length: 4, epochs_per_iteration: 2, model_rnd_predictor_lr: 1e30 }
  const t = await PpoRnd.create(args, (await backendNamed('wasm'))!)
  const e = await t.runIteration().then(
    () => null,
    (x) => x,
  )
  assert.ok(e instanceof NonFiniteStateError, String(e))
  assert.is(e.network, 'rnd_predictor')
  assert.is(e.what, 'parameters')
  assert.ok(e.steps > 4 && e.step >= 1 && e.step <= e.steps, `step ${e.step} of ${e.steps}`)
  // the predictor trains on a quarter of the episodes (1 of 4): the failing step is the first that holds its data,
  // and before it the predictor's Adam never stepped
  const st = await t.exportState()
  assert.is(st.json.adam_t.rnd_predictor, 1)
  assert.is(st.json.adam_t.value, e.step)
  t.dispose()
})

test.run()
