// Fuzz corpus, flags of `rl-rnd train`, generated from rl/args.ts FLAGS (a flag added there is fuzzed here at once):
// every numeric flag below its minimum, above its maximum, off the integers, at +-1e308, +-Infinity, NaN, not a
// number and empty; hostile and empty strings for the string flags. Each case runs the command in-process and must
// exit 2 with one line naming the flag, no stack frame, and nothing created (neither --data_dir nor anything in the
// working folder). The edges themselves (min, max) must parse.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { Command } from 'commander'
import { FLAGS, FLAG_NAMES, type Flag, type FlagName } from '../../../rl/args.ts'
import { addTrainOptions, argsFromOptions } from '../../../cli/args_cli.ts'
import { assertFailure, inProcess, readTree, tmpDir } from './harness.ts'

const test = suite('cli/fuzz/flags')
const cwd = tmpDir('fuzz-flags-cwd')
const home = process.cwd()
const never = path.join(cwd, 'never')
let cases = 0

test.before(() => process.chdir(cwd)) // a relative path that escaped the checks would land here
test.after(() => process.chdir(home))

const isNumeric = (f: Flag<unknown>) => f.kind === 'int' || f.kind === 'number'

/** Values outside what flag `f` allows, as command-line text. */
function badValues(f: Flag<unknown>): string[] {
  const lo = f.above ?? f.min!,
    hi = f.max!
  const span = Math.max(1, Math.abs(hi))
  const out = f.kind === 'int' ? [lo - 1, hi + 1, lo + 0.5].map(String) : [f.above !== undefined ? lo : lo - span * 1e-3, hi + span * 1e-3].map(String)
  return [...out, '1e308', '-1e308', 'Infinity', 'NaN', 'abc', '']
}

/** Flags whose edge needs another flag's value (the cross-flag rules of rl/args.ts). */
const COMPANIONS: Partial<Record<FlagName, string[]>> = {
  rnn_hidden_dim: ['--rnn_hidden_layers', '0'],
  final_hidden_layers: ['--final_hidden_dim', '1'],
  num_steps: ['--rnn_hidden_layers', '0'], // fixed-length rollouts take feed-forward networks only
}

function parse(argv: string[]) {
  const cmd = addTrainOptions(new Command('train').exitOverride())
  cmd.parse(argv, { from: 'user' })
  return argsFromOptions(cmd.opts(), cmd)
}

for (const k of FLAG_NAMES.filter((n) => isNumeric(FLAGS[n]))) {
  const f: Flag<unknown> = FLAGS[k]
  test(`--${k}: every numeric flag has bounds, and its edges parse`, () => {
    assert.ok(Number.isFinite(f.max) && Number.isFinite(f.above ?? f.min), `--${k} needs a finite min (or above) and max`)
    const edges = [f.max!, ...(f.min !== undefined ? [f.min] : [])]
    for (const v of edges) {
      const r = parse([`--${k}=${v}`, ...(COMPANIONS[k] ?? [])])
      assert.ok(!('error' in r), `--${k} ${v}: ${'error' in r ? r.error : ''}`)
      if (!('error' in r)) assert.is(r.args[k as FlagName], v)
    }
  })
  for (const v of badValues(f)) {
    test(`--${k} ${JSON.stringify(v)}: exit 2, one line, nothing created`, async () => {
      cases++
      const r = await inProcess(['train', '--data_dir', never, `--${k}=${v}`])
      assertFailure(r, 2, new RegExp(`--${k}\\b`), `--${k} ${v}`)
      assert.not.ok(fs.existsSync(never), '--data_dir not created')
    })
  }
}

/** Hostile and empty strings, each refused on one line naming the flag. */
const STRINGS: [FlagName, string[]][] = [
  ['data_dir', ['', 'a\nb', 'x\u0000y', '\u001b[31mred', 'tab\there']],
  ['experiment_name', ['', '.', './', '..', '../x', '../../x', 'a/../../b', 'a/..', '/abs/x', '//x', '..\\x', 'C:/x', 'x\ny', 'x\u0000y', '\r']],
  ['game', ['', 'Pong-v9', 'Tetris-v0', 'pixelcopter-v0', '../x', 'PixelCopter-v0\n']],
  ['backend', ['', 'cuda', 'WASM', 'wasm ']],
  ['dnc', ['x', ' ', '256,64,4', '0,64,4,0', '256,64,4,-1', '4,8,1,5', '4097,64,4,0', '256,1025,4,0', '256,64,65,0', '256,64,4,0.5']],
]
for (const [k, values] of STRINGS) {
  for (const v of values) {
    test(`--${k} ${JSON.stringify(v)}: refused on one line`, async () => {
      cases++
      const dataDir = k === 'data_dir' ? v : never
      const r = await inProcess(['train', ...(k === 'data_dir' ? [] : ['--data_dir', dataDir]), `--${k}=${v}`])
      assertFailure(r, 2, new RegExp(`--${k}\\b`), `--${k} ${JSON.stringify(v)}`)
      assert.not.ok(fs.existsSync(never), '--data_dir not created')
    })
  }
}

test('--model with an empty directory name, or a folder without models: refused, nothing created', async () => {
  cases += 2
  assertFailure(await inProcess(['train', '--data_dir', never, '--model=']), 2, /--model needs a directory/, '--model ""')
  const empty = tmpDir('fuzz-no-models')
  const r = await inProcess(['train', '--data_dir', never, '--model', empty])
  assertFailure(r, 2, /^error: --model .*: no trained models there \(missing value\.model, policy\.model\)$/m, '--model empty')
  assert.not.ok(fs.existsSync(never), '--data_dir not created')
})

test('a negative --rnn_hidden_dim is refused with or without LSTM layers', async () => {
  for (const layers of ['0', '1']) {
    cases++
    const r = await inProcess(['train', '--data_dir', never, '--rnn_hidden_layers', layers, '--rnn_hidden_dim', '-1'])
    assertFailure(r, 2, /^error: --rnn_hidden_dim must be an integer in \[0, 4096\] \(got -1\)$/m, `layers ${layers}`)
  }
})

test('flags each within bounds whose buffers together cannot exist: one line, nothing created', async () => {
  cases++
  const r = await inProcess([
    'train',
    '--data_dir',
    never,
    '--backend',
    'ref',
    '--frame_resize',
    '36',
    '--minibatches',
    '4096',
    '--sequence_length',
    '10000',
    '--stacked_frames',
    '64',
  ])
  const re = /^error: the networks and buffers of these flags do not fit in memory \(Invalid typed array length: \d+\): lower --num_envs/
  assertFailure(r, 2, re, 'huge buffers')
  assert.not.ok(fs.existsSync(never), '--data_dir not created')
})

test('names inside --data_dir are accepted: nested, dotted', () => {
  for (const v of ['a/b', 'x.y', 'run..2', '.hidden']) {
    const r = parse(['--experiment_name', v])
    assert.ok(!('error' in r), `${v}: ${'error' in r ? r.error : ''}`)
  }
})

test('the corpus: hundreds of cases, and the working folder stayed empty', () => {
  assert.ok(cases >= 300, `${cases} flag cases`)
  assert.is(readTree(cwd).size, 0)
})

test.run()
