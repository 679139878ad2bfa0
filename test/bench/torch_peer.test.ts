// The PyTorch peer of the whole-loop bench (bench/torch_peer/, issue #12) does our work, checked for shape, not
// speed: its PixelCopter plays our game (same rewards, same pictures, from the same seeds and actions); its config
// table is the bench's; its chunk planner is ours; steps 2 to 5 on one of our rollouts, from our weights
// (bench/torch_peer/check.py), give our losses and our updates (LSTM stack and CNN); and one tiny iteration of each
// ported config reports networks of exactly our parameter counts and trains every record once per epoch in batches
// no larger than ours.
// Needs python3 with numpy (the game) and torch (the rest): without them a loud SKIPPED line, never a failure
// (CI does not install torch).
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { RefBackend, toNamedArrays } from '../../engine/index.ts'
import { make } from '../../env/index.ts'
import type { PixelCopter } from '../../env/pixelcopter.ts'
import { DEFAULT_ARGS, type Args } from '../../rl/args.ts'
import { buildNetworks, NET_NAMES, TRAINED, type NetName } from '../../rl/networks.ts'
import { PpoRnd } from '../../rl/ppo_rnd.ts'
import { planChunks } from '../../rl/train_loop.ts'
import { CONFIGS } from '../../bench/rl_loop.bench.ts'
import { torchPeer, runTorchPeer, INSTALL_HINT } from '../../bench/torch_peer.ts'
import { close, rng } from '../helpers.ts'

const test = suite('bench/torch_peer')
const DIR = fileURLToPath(new URL('../../bench/torch_peer/', import.meta.url))
const python = (argv: string[], input?: string) => spawnSync('python3', argv, { encoding: 'utf8', input, maxBuffer: 1 << 26 })
const hasNumpy = python(['-c', 'import numpy']).status === 0
const peer = hasNumpy ? torchPeer() : { missing: 'no python3 with numpy' }

if (!hasNumpy) console.log(`\n  SKIPPED bench/torch_peer game replay (python3 with numpy not found)\n`)
else
  test("the peer's PixelCopter replays ours: rewards and every frame's pixels, 6 seeds", () => {
    const episodes: { seed: number; actions: number[]; rewards: number[]; frames: string[] }[] = []
    for (let seed = 1; seed <= 6; seed++) {
      const env = make('PixelCopter-v0')
      const game = env.unwrapped as PixelCopter
      const u = rng(seed)
      env.reset({ seed })
      const ep = { seed, actions: [] as number[], rewards: [] as number[], frames: [] as string[] }
      for (let t = 0; t < 600; t++) {
        // hover near the middle with some noise, so episodes pass blocks and terrain for a while
        const act = game.playerY + 6 * (u() - 0.5) > 24 ? 0 : 1
        const r = env.step(act)
        ep.actions.push(act)
        ep.rewards.push(r.reward)
        let s = ''
        for (let i = 0; i < r.obs.length; i += 3) s += r.obs[i] === 0 ? '0' : r.obs[i] === 255 ? '2' : '1'
        ep.frames.push(s)
        if (r.terminated || r.truncated) break
      }
      episodes.push(ep)
    }
    assert.ok(
      episodes.some((e) => e.rewards.length > 60),
      `episodes too short to test much: ${episodes.map((e) => e.rewards.length)}`,
    )
    const r = python([`${DIR}pixelcopter.py`], JSON.stringify(episodes.map(({ seed, actions }) => ({ seed, actions }))))
    assert.is(r.status, 0, r.stderr)
    const theirs = JSON.parse(r.stdout) as { rewards: number[]; frames: string[] }[]
    episodes.forEach((ep, e) => {
      assert.equal(theirs[e].rewards, ep.rewards, `seed ${ep.seed}: rewards`)
      const bad = ep.frames.findIndex((f, t) => theirs[e].frames[t] !== f)
      assert.is(bad, -1, `seed ${ep.seed}: first differing frame at step ${bad}`)
    })
  })

if ('missing' in peer) console.log(`\n  SKIPPED (torch not installed) bench/torch_peer: ${peer.missing}; to run it: ${INSTALL_HINT}\n`)
else {
  const ported = peer.ported

  test("the peer's config table is the bench's, on every flag it reads", () => {
    assert.equal(ported, ['seed CNN example', 'default LSTM', 'learn_config (36px CNN)'])
    const r = python([`${DIR}rl_loop.py`, '--list'])
    const table = JSON.parse(r.stdout) as Record<string, Record<string, unknown>>
    for (const name of ported) {
      const ours = CONFIGS.find((c) => c.name === name)!.args('wasm') as unknown as Record<string, unknown>
      for (const [k, v] of Object.entries(table[name])) assert.is(v, ours[k], `${name}: ${k}`)
    }
  })

  test("the peer's plan_chunks is planChunks", () => {
    const cases: [number[], number[], number, number][] = [
      [[0, 1, 2, 3], [5, 3, 4, 1], 2, 2],
      [[4, 0, 2, 1, 3], [7, 64, 130, 1, 9], 4, 64],
      [[2, 1, 0], [10, 20, 30], 8, 4],
    ]
    const code = `import json, sys; sys.path.insert(0, ${JSON.stringify(DIR)}); from train import plan_chunks
print(json.dumps([plan_chunks(*c) for c in json.loads(sys.stdin.read())]))`
    const r = python(['-c', code], JSON.stringify(cases))
    assert.is(r.status, 0, r.stderr)
    const theirs = JSON.parse(r.stdout) as ([number, number, number, boolean] | null)[][][]
    cases.forEach(([order, lengths, B, L], i) => {
      const ours = planChunks(order, lengths, B, L).map((row) => row.map((c) => (c ? [c.ep, c.off, c.len, c.isStart] : null)))
      assert.equal(theirs[i], ours, `case ${i}`)
    })
  })

  // Two episodes (the longest first, then the other: no shuffle to differ in) and the predictor on all of them, so
  // both sides train on the same chunks in the same order; L 3 makes several gradient steps with state carried.
  const CHECK_BASE: Partial<Args> = {
    frame_resize: 36,
    num_trials: 2,
    num_envs: 2,
    initial_normalization_num_trials: 1,
    epochs_per_iteration: 2,
    sequence_length: 3,
    minibatches: 2,
    portion_experience_train_rnd_predictor: 1,
    backend: 'ref',
    // Chainer's Adam (ours) adds epsilon to sqrt(v) before the bias correction, PyTorch's after it: at 1e-8 that
    // differs for gradients near 1e-8; a negligible epsilon makes the two the same formula
    adam_epsilon: 1e-20,
  }
  const CHECKS: [string, Partial<Args>][] = [
    ['2 LSTM layers', { rnn_hidden_layers: 2, rnn_hidden_dim: 8, z_dim: 8, final_hidden_layers: 1, final_hidden_dim: 5 }],
    ['CNN, gradient clip', { rnn_hidden_layers: 0, z_dim: 16, final_hidden_layers: 2, final_hidden_dim: 8, stacked_frames: 3, gradient_clip: 1 }],
  ]
  const arrays = async (named: [string, { read(): Promise<Float32Array> }][]): Promise<Record<string, Float32Array>> =>
    Object.fromEntries(await Promise.all(named.map(async ([n, t]) => [n, await t.read()])))
  for (const [what, extra] of CHECKS)
    test(`steps 2-5 on our rollout from our weights (${what}): the peer's losses and trained weights are ours`, async () => {
      const args: Args = { ...DEFAULT_ARGS, ...CHECK_BASE, ...extra }
      const t = await PpoRnd.create(args, new RefBackend(32))
      await t.initNormalization()
      const weights = {} as Record<NetName, unknown>
      for (const n of NET_NAMES) weights[n] = await toNamedArrays(t.networkNamed(n))
      const stats = { obs_stats: t.obsStats.toJSON(), int_stats: t.intStats.toJSON() }
      const r = await t.rollout()
      const fs = args.frame_resize ** 2,
        A = t.numActions,
        D = args.rnd_output_dim
      const episodes = r.eps.map((ep) => {
        const T = ep.length,
          cut = (x: Float32Array | Int32Array, per: number) => x.subarray(0, T * per)
        return {
          frames: cut(ep.frames, fs),
          actions: cut(ep.actions, 1),
          rewards: cut(ep.rewards, 1),
          logits: cut(ep.logits, A),
          values: cut(ep.values, 2),
          target: cut(ep.target, D),
          r_int: cut(ep.rewardsInt, 1),
        }
      })
      const norm = { active: r.norm.isActive, mean: r.norm.mean, inv_std: r.norm.invStd }
      const json = JSON.stringify({ args, weights, ...stats, norm, episodes }, (_, v) => (ArrayBuffer.isView(v) ? Array.from(v as Float32Array) : v))
      const m = await t.learn(r)
      const res = python([`${DIR}check.py`], json)
      assert.is(res.status, 0, res.stderr)
      const theirs = JSON.parse(res.stdout)
      const lengths = r.eps.map((e) => e.length),
        longest = lengths[1] > lengths[0] ? 1 : 0
      assert.is(theirs.grad_steps, args.epochs_per_iteration * planChunks([longest, 1 - longest], lengths, 2, 3).length, 'gradient steps')
      // After the first step the weights part by float noise: Adam moves a weight by about lr whatever its gradient's
      // size, so a gradient near zero can move it either way. Losses agree closely, and the updates agree in bulk.
      for (const k of ['loss_value', 'loss_policy', 'loss_rnd', 'entropy'] as const) close([theirs[k]], [m[k]], { atol: 1e-6, rtol: 1e-3 }, k)
      for (const n of TRAINED) {
        const before = weights[n] as Record<string, { data: Float32Array }>,
          ours = await arrays(t.networkNamed(n))
        let moved = 0,
          apart = 0
        for (const [name, v] of Object.entries(ours)) {
          v.forEach((x, i) => {
            moved += Math.abs(x - before[name].data[i])
            apart += Math.abs(x - theirs.weights[n][name][i])
          })
        }
        assert.ok(moved > 0 && apart < 0.1 * moved, `${n}: the weights moved ${moved} in sum, ours and the peer's are ${apart} apart`)
      }
      t.dispose()
    })

  const be = new RefBackend(32)
  for (const name of ported)
    test(`${name}: one tiny iteration, our parameter counts, every record trained once per epoch`, () => {
      const tiny = { num_trials: 3, num_envs: 3, initial_normalization_num_trials: 1, epochs_per_iteration: 2, sequence_length: 4, minibatches: 2 }
      const args = { ...CONFIGS.find((c) => c.name === name)!.args('wasm'), ...tiny }
      const p = runTorchPeer(name, args, 1, 1)
      if ('error' in p) throw new Error(p.error)
      assert.is(p.config, name)
      assert.is(p.threads, 1)
      assert.is(p.torch, peer.version)
      for (const k of ['steps_per_s', 'steps_per_s_with_env', 'steps_per_iter'] as const) assert.ok(p[k] > 0, `${k} ${p[k]}`)
      assert.ok(p.steps_per_s >= p.steps_per_s_with_env, 'the game time is left out of steps_per_s')
      const nets = buildNetworks(args, be, 2)
      const ours = Object.fromEntries(NET_NAMES.map((n) => [n, nets[n].parameters().reduce((s, t) => s + t.size, 0)]))
      for (const n of NET_NAMES) nets[n].dispose()
      assert.equal(p.params, ours)
      assert.is(p.records_trained_per_iter, tiny.epochs_per_iteration * p.steps_per_iter)
      assert.ok(p.max_batch_records <= tiny.minibatches * tiny.sequence_length, `batch of ${p.max_batch_records}`)
      assert.ok(p.grad_steps_per_iter >= tiny.epochs_per_iteration * Math.ceil(p.steps_per_iter / (tiny.minibatches * tiny.sequence_length)))
      assert.ok(p.rnd_records_per_iter > 0 && p.rnd_records_per_iter < p.records_trained_per_iter, `predictor records ${p.rnd_records_per_iter}`)
    })
}

test.run()
