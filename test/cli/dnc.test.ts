// `rl-rnd train --dnc N,W,R,K --rnn_single_record_training` end to end on PixelCopter with the tiny flags: the DNC
// replaces the LSTM stack in all four networks (its tensors, with the shapes the sizes give, are what the snapshot
// holds); a resumed run continues exactly as an uninterrupted one; another --dnc cannot resume it; with the sparse
// link matrix (K > 0) the final models are saved and `play --model` plays them; and the same on WebGPU (SwiftShader
// here; SKIPPED loudly without an adapter, a failure under CI=true).
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { decodeSafetensors } from '../../engine/index.ts'
import { cli, TINY, tmpDir, expDir, metricsOf, untimed } from './run.ts'

const test = suite('cli/dnc')
const DNC = ['--dnc', '32,16,2,0', '--rnn_single_record_training']
const data = tmpDir('dnc')

/** name -> shape of the tensors of a snapshot's network file */
function shapes(dataDir: string, iteration: string, net: string): Record<string, number[]> {
  const bytes = fs.readFileSync(path.join(expDir(dataDir), 'snapshots', iteration, `${net}.safetensors`))
  return Object.fromEntries(Object.entries(decodeSafetensors(bytes).tensors).map(([k, t]) => [k, [...t.shape]]))
}

test('train --dnc 32,16,2,0 --rnn_single_record_training: 2 iterations on wasm, the DNC in every network', () => {
  const r = cli(['train', '--data_dir', data, ...TINY, ...DNC, '--max_iterations', '2'], {}, 120_000)
  assert.is(r.status, 0, r.stderr)
  assert.equal(
    metricsOf(data).map((m) => m.iteration),
    [1, 2],
  )
  for (const m of metricsOf(data)) assert.ok(m.grad_norm_policy > 0 && Number.isFinite(m.loss_value), 'gradients flowed')
  // z_dim 8 and R W = 32 reads in, rnn_hidden_dim 8 controller units, interface W R + 3W + 5R + 3 = 93
  for (const net of ['value', 'policy', 'rnd_predictor']) {
    const s = shapes(data, 'iter_000002', net)
    assert.equal(s['dnc.controller.Wx'], [40, 32], net)
    assert.equal(s['dnc.controller.Wh'], [8, 32], net)
    assert.equal(s['dnc.interface.W'], [8, 93], net)
    assert.equal(s['dnc.output.W'], [40, 8], net)
    assert.ok(!Object.keys(s).some((k) => k.startsWith('lstm')), `${net}: no LSTM stack beside the DNC`)
  }
})

test('a resumed DNC run continues exactly as an uninterrupted one', () => {
  const r = cli(['train', '--data_dir', data, ...TINY, ...DNC, '--max_iterations', '3'], {}, 120_000)
  assert.is(r.status, 0, r.stderr)
  assert.match(r.stdout, /Resumed from snapshot .*iter_000002 \(iteration 2\)/)
  const whole = tmpDir('dnc-whole')
  const w = cli(['train', '--data_dir', whole, ...TINY, ...DNC, '--max_iterations', '3'], {}, 120_000)
  assert.is(w.status, 0, w.stderr)
  assert.equal(metricsOf(data).map(untimed), metricsOf(whole).map(untimed))
})

test('another --dnc (or none) cannot resume a DNC run: exit 2, one line naming the flag', () => {
  const r = cli(['train', '--data_dir', data, ...TINY, '--dnc', '32,16,2,4', '--max_iterations', '4'])
  assert.is(r.status, 2, r.stderr)
  assert.match(r.stderr.trim(), /^error: cannot resume from .*iter_000003: it was made with --dnc "32,16,2,0" \(this run: "32,16,2,4"\)/)
  assert.is(r.stderr.trim().split('\n').length, 1)
  const lstm = cli(['train', '--data_dir', data, ...TINY, '--max_iterations', '4'])
  assert.is(lstm.status, 2, lstm.stderr)
  assert.match(lstm.stderr.trim(), /^error: cannot resume from .*: it was made with --dnc "32,16,2,0" \(this run: ""\)/)
})

test('sparse link matrix (32,16,2,4): final models saved on reaching the target, play --model plays them', () => {
  const d = tmpDir('dnc-sparse')
  const r = cli(
    ['train', '--data_dir', d, ...TINY, '--dnc', '32,16,2,4', '--rnn_single_record_training', '--target_cumulative_rewards_extrinsic', '-100'],
    {},
    120_000,
  )
  assert.is(r.status, 0, r.stderr)
  assert.match(r.stdout, /Target cumulative reward reached!/)
  const gif = path.join(d, 'play.gif')
  const p = cli(['play', '--game', 'PixelCopter-v0', '--model', expDir(d), '--episodes', '2', '--gif', gif])
  assert.is(p.status, 0, p.stderr)
  assert.match(p.stdout, /model .*: 2 episodes, mean length \d/)
  assert.ok(fs.statSync(gif).size > 100)
})

test('webgpu: train --dnc 32,16,2,4 for 2 iterations, then resume to a 3rd', () => {
  const d = tmpDir('dnc-webgpu'),
    gpu = ['--backend', 'webgpu']
  const r = cli(['train', '--data_dir', d, ...TINY, ...gpu, '--dnc', '32,16,2,4', '--max_iterations', '2'], {}, 300_000)
  if (r.status === 2 && /--backend webgpu:/.test(r.stderr)) {
    const msg = `SKIPPED webgpu train --dnc: ${r.stderr.trim()}`
    if (process.env.CI === 'true') throw new Error(`${msg} (CI=true requires a WebGPU adapter)`)
    return void console.log(`\n!!!!!!!! ${msg}\n`)
  }
  assert.is(r.status, 0, r.stderr)
  assert.match(fs.readFileSync(path.join(expDir(d), 'log.txt'), 'utf8'), /Backend: webgpu: /)
  const again = cli(['train', '--data_dir', d, ...TINY, ...gpu, '--dnc', '32,16,2,4', '--max_iterations', '3'], {}, 300_000)
  assert.is(again.status, 0, again.stderr)
  assert.match(again.stdout, /Resumed from snapshot .*iter_000002/)
  assert.equal(
    metricsOf(d).map((m) => m.iteration),
    [1, 2, 3],
  )
  for (const m of metricsOf(d)) assert.ok(Number.isFinite(m.loss_policy) && m.grad_norm_value > 0)
})

test.run()
