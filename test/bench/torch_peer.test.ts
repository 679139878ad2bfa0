// The PyTorch peer of the whole-loop bench (bench/torch_peer/, issue #12) does our work, checked for shape, not
// speed: its PixelCopter plays our game (same rewards, same pictures, from the same seeds and actions); its config
// table is the bench's; its chunk planner is ours; and one tiny iteration of each ported config reports networks
// of exactly our parameter counts and trains every record once per epoch in batches no larger than ours.
// Needs python3 with numpy (the game) and torch (the rest): without them a loud SKIPPED line, never a failure
// (CI does not install torch).
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { RefBackend } from '../../engine/index.ts'
import { make } from '../../env/index.ts'
import type { PixelCopter } from '../../env/pixelcopter.ts'
import { buildNetworks, NET_NAMES } from '../../rl/networks.ts'
import { planChunks } from '../../rl/train_loop.ts'
import { CONFIGS } from '../../bench/rl_loop.bench.ts'
import { torchPeer, runTorchPeer, INSTALL_HINT } from '../../bench/torch_peer.ts'
import { rng } from '../helpers.ts'

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
