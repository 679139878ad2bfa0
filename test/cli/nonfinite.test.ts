// `rl-rnd train` when a step blows up (a learning rate of 1e30, beyond --model_value_lr's bounds, so set in-process
// on the parsed flags): with one gradient step per iteration and with many, the run stops with exit 1 and one line
// naming the network and the step; the newest snapshot on disk is the last good one, byte for byte, metrics.jsonl
// keeps only good iterations, and resuming with a sane learning rate continues from that snapshot.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { Command } from 'commander'
import { addTrainOptions, argsFromOptions, type TrainCli } from '../../cli/args_cli.ts'
import { train } from '../../cli/train.ts'
import { runMain } from '../../cli/program.ts'
import { assertFailure, assertUnchanged, captured, inProcess, readTree, tmpDir } from './fuzz/harness.ts'
import { metricsOf, expDir } from './run.ts'

const test = suite('cli/nonfinite')

// PixelCopter's random episodes are short: 4 of them fit one gradient step of 4 lanes x 256 steps
const ONE_STEP = [
  '--frame_resize',
  '36',
  '--z_dim',
  '8',
  '--rnn_hidden_layers',
  '0',
  '--stacked_frames',
  '1',
  '--num_trials',
  '4',
  '--num_envs',
  '4',
  '--initial_normalization_num_trials',
  '2',
  '--epochs_per_iteration',
  '1',
  '--minibatches',
  '4',
  '--sequence_length',
  '256',
  '--backend',
  'wasm',
  '--threads',
  '1',
  '--disable_progress_bar',
]
const MANY_STEPS = [...ONE_STEP, '--minibatches', '1', '--sequence_length', '2', '--epochs_per_iteration', '2']

function parsed(argv: string[]): TrainCli {
  const cmd = addTrainOptions(new Command('train').exitOverride())
  cmd.parse(argv, { from: 'user' })
  const cli = argsFromOptions(cmd.opts(), cmd)
  if ('error' in cli) throw new Error(cli.error)
  return cli
}

for (const [name, flags, stepRe] of [
  ['one gradient step per iteration', ONE_STEP, /gradient step 1 of 1 in iteration 2/],
  ['many gradient steps per iteration', MANY_STEPS, /gradient step 1 of ([2-9]|\d\d+) in iteration 2/],
] as const) {
  test(`${name}: stops at the step, the newest snapshot is the last good one, resume continues`, async () => {
    const d = tmpDir('nonfinite')
    const first = await inProcess(['train', '--data_dir', d, ...flags, '--max_iterations', '1'])
    assert.is(first.code, 0, first.stderr)
    const snaps = path.join(expDir(d), 'snapshots')
    const before = readTree(snaps)
    const cli = parsed(['--data_dir', d, ...flags, '--max_iterations', '3'])
    cli.args.model_value_lr = 1e30
    const r = await captured(() => runMain(() => train(cli)))
    assertFailure(
      r,
      1,
      new RegExp(
        '^error: non-finite parameters in the value network after ' + stepRe.source + '; stopped: the newest snapshot, .*iter_000001, is intact$',
        'm',
      ),
      name,
    )
    assertUnchanged(before, snaps, 'the snapshots')
    assert.equal(
      metricsOf(d).map((m) => m.iteration),
      [1],
    )
    const log = fs.readFileSync(path.join(expDir(d), 'log.txt'), 'utf8')
    assert.match(
      log,
      new RegExp(
        "ERROR: the value network's parameters are not finite after gradient step 1 of \\d+ in " + 'iteration 2 \\(their float32 sum of squares is Infinity\\)',
      ),
    )
    const ok = await inProcess(['train', '--data_dir', d, ...flags, '--max_iterations', '2'])
    assert.is(ok.code, 0, ok.stderr)
    assert.match(ok.stdout, /Resumed from snapshot .*iter_000001 \(iteration 1\)/)
    assert.equal(
      metricsOf(d).map((m) => m.iteration),
      [1, 2],
    )
    for (const m of metricsOf(d)) assert.ok(Number.isFinite(m.loss_value), `iteration ${m.iteration}: loss ${m.loss_value}`)
  })
}

test.run()
