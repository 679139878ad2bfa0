// rl/health.ts, the PPO health metrics of metrics.jsonl, on small arrays worked by hand: approximate KL and clip
// fraction from probability ratios, explained variance, the squared gradient norm; then the trainer's wiring of them
// (a policy that cannot move, explained variance recomputed from its episodes).
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { RefBackend, Tensor, backward, gradSquares, scope, toNamedArrays } from '../../engine/index.ts'
import { ratioSums, explainedVariance } from '../../rl/health.ts'
import { DEFAULT_ARGS, type Args } from '../../rl/args.ts'
import { PpoRnd } from '../../rl/ppo_rnd.ts'
import { valueLoss } from '../../rl/losses.ts'
import { fillStack } from '../../rl/rollout.ts'
import { close } from '../helpers.ts'

const test = suite('rl: health metrics')

test('ratioSums: sum of (r - 1) - log r and the count of |r - 1| > eps, by hand', () => {
  // r = 1: 0;  r = 2: 1 - ln 2 = 0.306852819440;  r = 0.5: -0.5 + ln 2 = 0.193147180560;
  // r = 1.05: 0.05 - ln 1.05 = 0.05 - 0.048790164169 = 0.001209835831;  r = 0.85: -0.15 - ln 0.85 = -0.15 + 0.162518929498
  // = 0.012518929498.  Sum 0.513728765329.  Outside [0.9, 1.1]: 2, 0.5, 0.85 (not 1, 1.05).
  const { kl, clipped } = ratioSums([1, 2, 0.5, 1.05, 0.85], 0.1)
  close([kl], [0.513728765329], { atol: 1e-11, rtol: 0 }, 'approx KL sum')
  assert.is(clipped, 3)
  // with eps 0.2 only 2 and 0.5 are outside
  assert.is(ratioSums([1, 2, 0.5, 1.05, 0.85], 0.2).clipped, 2)
  assert.equal(ratioSums([], 0.1), { kl: 0, clipped: 0 })
})

test('explainedVariance: 1 - Var[y - pred] / Var[y] (population), by hand', () => {
  const y = [1, 2, 3, 4] // mean 2.5, Var = (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25
  assert.is(explainedVariance(y, [1, 2, 3, 4]), 1)
  assert.is(explainedVariance(y, [2.5, 2.5, 2.5, 2.5]), 0) // the mean explains nothing
  assert.is(explainedVariance(y, [11, 12, 13, 14]), 1) // a constant offset: Var[y - pred] = 0
  // y - pred = [1, 0, -1, 0]: Var = 0.5 -> 1 - 0.5 / 1.25 = 0.6
  close([explainedVariance(y, [0, 2, 4, 4])], [0.6], { atol: 1e-15, rtol: 0 })
  // y - pred = [-1, 1, -1, 1]: Var = 1 -> 1 - 1 / 1.25 = 0.2
  close([explainedVariance(y, [2, 1, 4, 3])], [0.2], { atol: 1e-15, rtol: 0 })
  // y - pred = [-3, -1, 1, 3]: Var = 5 -> 1 - 5 / 1.25 = -3 (worse than the mean)
  close([explainedVariance(y, [4, 3, 2, 1])], [-3], { atol: 1e-15, rtol: 0 })
  assert.ok(Number.isNaN(explainedVariance([2, 2, 2], [1, 2, 3])), 'constant targets: NaN')
})

test("gradSquares: sum of every gradient's squares, parameters without a gradient skipped", async () => {
  const be = new RefBackend()
  const p = [Tensor.fromArray(be, [0, 0], [2]), Tensor.fromArray(be, [0], [1]), Tensor.fromArray(be, [0, 0], [1, 2])]
  p[0].grad = Tensor.fromArray(be, [3, 4], [2])
  p[1].grad = Tensor.fromArray(be, [12], [1])
  // 9 + 16 + 144 = 169 = 13^2; p[2] has no gradient
  assert.equal([...(await gradSquares(p).read())], [169])
})

const TINY: Args = {
  ...DEFAULT_ARGS,
  frame_resize: 36,
  z_dim: 8,
  rnn_hidden_layers: 0,
  final_hidden_layers: 1,
  final_hidden_dim: 8,
  num_trials: 4,
  num_envs: 4,
  initial_normalization_num_trials: 2,
  epochs_per_iteration: 2,
  sequence_length: 8,
  minibatches: 2,
  backend: 'ref',
}

for (const portion of [0.5, 0]) {
  test(
    `the trainer (RND predictor portion ${portion}): a policy that cannot move has approx_kl ~ 0 and clip_fraction 0; ` +
      'explained variance as recomputed from its episodes',
    async () => {
      // lr 1e-30: Adam's steps vanish in f32, so p_new = p_old up to the step/sequence rounding
      const t = await PpoRnd.create({ ...TINY, model_policy_lr: 1e-30, portion_experience_train_rnd_predictor: portion }, new RefBackend())
      await t.initNormalization()
      const m = await t.runIteration()
      assert.ok(m.approx_kl >= 0 && m.approx_kl < 1e-9, `approx_kl ${m.approx_kl}`)
      assert.is(m.clip_fraction, 0)
      assert.ok(m.grad_norm_policy > 0 && m.grad_norm_value > 0)
      assert.is(m.grad_norm_rnd_predictor > 0, portion > 0, `grad_norm_rnd_predictor ${m.grad_norm_rnd_predictor}`)
      // numpy's 1 - np.var(R - V) / np.var(R) over every step of the iteration's episodes
      const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length
      const npVar = (a: number[]) => mean(a.map((x) => (x - mean(a)) ** 2))
      for (const [head, key] of [
        [0, 'explained_variance_ext'],
        [1, 'explained_variance_int'],
      ] as const) {
        const R: number[] = [],
          V: number[] = []
        for (const ep of t.lastEpisodes()) {
          for (let i = 0; i < ep.length; i++) {
            R.push((head ? ep.retInt : ep.retExt)[i])
            V.push(ep.values[2 * i + head])
          }
        }
        assert.is(R.length, m.env_steps)
        close([m[key]], [1 - npVar(R.map((r, i) => r - V[i])) / npVar(R)], { atol: 1e-9, rtol: 1e-9 }, key)
      }
      assert.is(m.intrinsic_return_std, t.intStats.std())
      close([m.episodes_per_s * (m.rollout_seconds + m.train_seconds)], [TINY.num_trials], { atol: 1e-9 }, 'episodes_per_s')
      t.dispose()
    },
  )
}

test("the trainer: grad_norm_value is the norm of the value loss's gradient over the iteration (one step, recomputed)", async () => {
  // one gradient step over all 4 episodes (8 lanes, 64-step chunks), then the value network put back as it was
  // before it (bit for bit: blank frames give pre-activations of exactly 0 where the bias is 0, and leaky_relu's
  // derivative there depends on the bias's sign, so even a 1e-30 step would change the bias gradients)
  const args = { ...TINY, epochs_per_iteration: 1, minibatches: 8, sequence_length: 64 }
  let steps = 0
  const be = new RefBackend()
  const t = await PpoRnd.create(args, be, {
    onProgress: (phase, _, total) => {
      if (phase === 'train') steps = total
    },
  })
  await t.initNormalization()
  const before = await toNamedArrays(t.networkNamed('value'))
  const m = await t.runIteration()
  assert.is(steps, 1)
  for (const [name, p] of t.networkNamed('value')) p.write(before[name].data)
  const N = m.env_steps,
    S = args.stacked_frames,
    F = args.frame_resize,
    hw = F * F
  const x = new Float32Array(N * S * hw),
    target = new Float32Array(2 * N)
  let row = 0
  for (const ep of t.lastEpisodes()) {
    for (let i = 0; i < ep.length; i++, row++) {
      fillStack(x, row * S * hw, ep, i, S)
      target[2 * row] = ep.retExt[i]
      target[2 * row + 1] = ep.retInt[i]
    }
  }
  await scope(async () => {
    const v = t.nets.value.step(Tensor.fromArray(be, x, [N, S, F, F]), []).y
    const l = valueLoss(v, Tensor.fromArray(be, target, [N, 2]), Tensor.fromArray(be, new Float32Array(N).fill(1), [N, 1]), N)
    close([(await l.read())[0]], [m.loss_value], { atol: 0, rtol: 1e-12 }, 'the same records')
    backward(l)
  })
  const norm = await t.optims.value.gradNorm()
  close([m.grad_norm_value], [norm], { atol: 0, rtol: 1e-6 }, 'grad_norm_value')
  t.dispose()
})

test.run()
