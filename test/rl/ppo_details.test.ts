// The PPO implementation details of CleanRL's ppo.py that the seed lacks (rl/args.ts, docs/algorithm.md, PPO
// details), each against values worked by hand: value-loss clipping (and its gradient, also against finite
// differences), the learning-rate annealing fraction, the KL early stop; then their wiring in the trainer (Adam's
// epsilon, the annealed learning rates an iteration trains at, the epochs a KL target leaves).
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { RefBackend, Tensor, backward, noGrad, scope } from '../../engine/index.ts'
import { valueLoss } from '../../rl/losses.ts'
import { PpoRnd } from '../../rl/ppo_rnd.ts'
import { annealedFraction, gae } from '../../rl/advantages.ts'
import { isKlStop } from '../../rl/train_loop.ts'
import { DEFAULT_ARGS, type Args } from '../../rl/args.ts'
import { close } from '../helpers.ts'

const test = suite('rl: PPO details')
const be = new RefBackend(64)
const raw = (t: Tensor) => be.raw(t.buf) as Float64Array
function tensor(data: number[], shape: number[], isLeaf = false): Tensor {
  const t = Tensor.fromArray(be, Float32Array.from(data), shape)
  raw(t).set(Float64Array.from(data)) // full f64 values
  t.requiresGrad = isLeaf
  return t
}

// Three records and a padding row, [v_ext, v_int] each; c = 0.5.
//   record 0: ext v 1, v_old 0.8, R 2: v - v_old 0.2 inside the band, both terms (1 - 2)^2 = 1; int v = R = 0: 0
//   record 1: ext v 0.5 = v_old, R 0: 0.25 both; int v 2, v_old 1, R 1.5: unclipped 0.25, clipped v_old + 0.5 = 1.5: 0
//             -> max 0.25 (the unclipped term)
//   record 2: ext v 3, v_old 1, R 2.9: unclipped 0.01, clipped 1.5: (1.5 - 2.9)^2 = 1.96 -> 1.96 (the clipped term);
//             int v -1, v_old -1.6, R -0.2: unclipped 0.64, clipped -1.1: 0.81 -> 0.81 (the clipped term)
//   sum 1 + 0 + 0.25 + 0.25 + 1.96 + 0.81 = 4.27, / 3 records = 1.42333...; without clipping (1 + 0.25 + 0.25 + 0.01
//   + 0.64) / 3 = 2.15 / 3. Gradient 2 (v - R) / 3 where the unclipped term wins, 0 where the clipped term wins (its
//   v - v_old is outside the band, so it does not depend on v): [-2/3, 0, 1/3, 1/3, 0, 0], padding 0.
const V = [1, 0, 0.5, 2, 3, -1, 7, 7],
  V_OLD = [0.8, 0.2, 0.5, 1, 1, -1.6, 0, 0],
  R = [2, 0, 0, 1.5, 2.9, -0.2, 0, 0],
  MASK = [1, 1, 1, 0]

test('value loss with --value_clip 0.5: the larger of the two terms per record, by hand; its gradient by hand', () => {
  const v = tensor(V, [4, 2], true)
  const args = [tensor(R, [4, 2]), tensor(MASK, [4, 1]), 3] as const
  const clipped = () => valueLoss(v, ...args, { vOld: tensor(V_OLD, [4, 2]), range: 0.5 })
  close([scope(() => raw(clipped())[0])], [4.27 / 3], { atol: 1e-12 }, 'clipped loss')
  close([scope(() => raw(valueLoss(v, ...args))[0])], [2.15 / 3], { atol: 1e-12 }, 'unclipped loss (the seed)')
  scope(() => backward(clipped()))
  close(raw(v.grad!), [-2 / 3, 0, 1 / 3, 1 / 3, 0, 0, 0, 0], { atol: 1e-12 }, 'gradient')
  // and against central differences
  const g = Float64Array.from(raw(v.grad!)),
    xs = raw(v),
    h = 1e-6
  for (let i = 0; i < 6; i++) {
    const x0 = xs[i]
    xs[i] = x0 + h
    const lp = noGrad(() => scope(() => raw(clipped())[0]))
    xs[i] = x0 - h
    const lm = noGrad(() => scope(() => raw(clipped())[0]))
    xs[i] = x0
    close([g[i]], [(lp - lm) / (2 * h)], { atol: 1e-8 }, `finite difference ${i}`)
  }
})

test('annealedFraction: 1 - steps / N, floored at 0; 1 without annealing', () => {
  assert.equal(
    [annealedFraction(0, 1000), annealedFraction(250, 1000), annealedFraction(1000, 1000), annealedFraction(1500, 1000), annealedFraction(5e6, 0)],
    [1, 0.75, 0, 0, 1],
  )
})

test("isKlStop: the epoch's mean approximate KL above the target; never with target 0 or no records", () => {
  assert.is(isKlStop(0.03, 2, 0.01), true) // mean 0.015
  assert.is(isKlStop(0.02, 2, 0.01), false) // mean 0.01: not above
  assert.is(isKlStop(5, 2, 0), false)
  assert.is(isKlStop(0, 0, 0.01), false)
})

const TINY: Args = {
  ...DEFAULT_ARGS,
  frame_resize: 36,
  stacked_frames: 2,
  z_dim: 8,
  rnn_hidden_layers: 0,
  num_trials: 4,
  num_envs: 4,
  initial_normalization_num_trials: 2,
  epochs_per_iteration: 3,
  sequence_length: 8,
  minibatches: 2,
  backend: 'ref',
}

test('the trainer: Adam epsilon, annealed learning rates (steps before the iteration), epochs left by --target_kl', async () => {
  const args = { ...TINY, adam_epsilon: 1e-5, lr_anneal_frames: 1000, model_policy_lr: 1e-3, model_value_lr: 2e-3, model_rnd_predictor_lr: 4e-3 }
  const t = await PpoRnd.create(args, new RefBackend())
  assert.equal([t.optims.value.eps, t.optims.policy.eps, t.optims.rnd_predictor.eps], [1e-5, 1e-5, 1e-5])
  await t.initNormalization()
  const before = t.totalEnvSteps,
    f = 1 - before / 1000
  const m = await t.runIteration()
  close([m.lr_fraction], [f], { atol: 1e-15 }, 'lr_fraction')
  close([t.optims.policy.lr, t.optims.value.lr, t.optims.rnd_predictor.lr], [1e-3 * f, 2e-3 * f, 4e-3 * f], { atol: 1e-15 }, 'learning rates')
  assert.is(m.epochs_trained, 3)
  t.dispose()
  // a KL target no update can stay under (lr large enough to move the policy): one epoch, then stop
  const k = await PpoRnd.create({ ...TINY, target_kl: 1e-12, model_policy_lr: 1e-2 }, new RefBackend())
  await k.initNormalization()
  const mk = await k.runIteration()
  assert.ok(mk.approx_kl > 1e-12, `approx_kl ${mk.approx_kl}`)
  assert.is(mk.epochs_trained, 1)
  k.dispose()
  // the seed's defaults: full learning rates, every epoch
  const d = await PpoRnd.create(TINY, new RefBackend())
  const md = await d.runIteration()
  assert.equal([md.lr_fraction, md.epochs_trained, d.optims.policy.lr, d.optims.value.eps], [1, 3, TINY.model_policy_lr, 1e-8])
  d.dispose()
})

test('--entropy_anneal_frames: the coefficient an iteration trains at (steps before it), and training equal to a constant coefficient of that value', async () => {
  const b = 0.05,
    N = 1000
  const t = await PpoRnd.create({ ...TINY, beta_entropy: b, entropy_anneal_frames: N }, new RefBackend())
  await t.initNormalization()
  const f = 1 - t.totalEnvSteps / N
  assert.ok(f > 0 && f < 1, `fraction ${f}`)
  const m = await t.runIteration()
  close([m.beta_entropy], [b * f], { atol: 1e-15 }, 'beta_entropy')
  assert.is(m.lr_fraction, 1) // the learning rates are not annealed by it
  t.dispose()
  // the same seed with the constant coefficient b * f trains the same weights: every metric of training is equal
  const c = await PpoRnd.create({ ...TINY, beta_entropy: b * f }, new RefBackend())
  await c.initNormalization()
  const mc = await c.runIteration()
  assert.equal([mc.loss_policy, mc.entropy, mc.approx_kl, mc.beta_entropy], [m.loss_policy, m.entropy, m.approx_kl, m.beta_entropy])
  c.dispose()
  // and the constant coefficient b differs (the coefficient reaches the loss)
  const d = await PpoRnd.create({ ...TINY, beta_entropy: b }, new RefBackend())
  await d.initNormalization()
  const md = await d.runIteration()
  assert.is(md.beta_entropy, b)
  assert.not.equal(md.loss_policy, m.loss_policy)
  d.dispose()
})

test("advantage_ext_std / advantage_int_std: the population std of each part of the advantages, from the iteration's episodes by GAE here", async () => {
  const stdOf = (xs: number[]) => {
    const m = xs.reduce((a, b) => a + b, 0) / xs.length
    return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length)
  }
  const a = { ...TINY, extrinsic_coefficient: 2, intrinsic_coefficient: 0.5, extrinsic_reward_clip: 1 }
  const t = await PpoRnd.create(a, new RefBackend())
  await t.initNormalization()
  type Ep = { length: number; adv: Float32Array; rewards: Float32Array; rewardsInt: Float32Array; values: Float32Array }
  const tt = t as unknown as { train: (eps: Ep[]) => Promise<unknown> }
  const train = tt.train.bind(t),
    seen: Ep[] = []
  tt.train = async (eps) => {
    for (const ep of eps) seen.push({ ...ep, adv: ep.adv.slice(0, ep.length) })
    return train(eps)
  }
  const m = await t.runIteration()
  const ext: number[] = [],
    int: number[] = []
  for (const ep of seen) {
    const T = ep.length,
      rE = new Float32Array(T),
      rI = new Float32Array(T),
      vE = new Float32Array(T),
      vI = new Float32Array(T),
      aE = new Float32Array(T),
      aI = new Float32Array(T)
    for (let i = 0; i < T; i++) {
      rE[i] = 2 * Math.min(1, Math.max(-1, ep.rewards[i]))
      rI[i] = (0.5 * ep.rewardsInt[i]) / m.intrinsic_return_std
      vE[i] = ep.values[2 * i]
      vI[i] = ep.values[2 * i + 1]
    }
    gae(rE, vE, a.gamma_extrinsic, a.lambda_gae, aE, T)
    gae(rI, vI, a.gamma_intrinsic, a.lambda_gae, aI, T)
    close(
      Array.from(ep.adv),
      Array.from(aE, (x, i) => x + aI[i]),
      { atol: 1e-5 },
      'the trained advantages are the sum of the parts',
    )
    ext.push(...aE)
    int.push(...aI)
  }
  assert.is(ext.length, m.env_steps)
  assert.ok(stdOf(ext) > 0 && stdOf(int) > 0)
  close([m.advantage_ext_std, m.advantage_int_std], [stdOf(ext), stdOf(int)], { atol: 1e-6 }, 'the two stds')
  t.dispose()
})

test.run()
