// Fuzz corpus, the parsers of every command (train, play, envs, graph, bench) and of the program: unknown options,
// stray arguments, missing values, unknown or no commands exit 2 with one line; --help and --version exit 0. Then
// play's, graph's and bench's own options at and beyond their edges, empty and hostile outputs, and graph over
// damaged metrics.jsonl files. Every case runs in-process; none may create, change or remove a file.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { VERSION } from '../../../cli/program.ts'
import { assertFailure, assertUnchanged, inProcess, readTree, tmpDir } from './harness.ts'

const test = suite('cli/fuzz/commands')
const root = tmpDir('fuzz-commands')
const cwd = tmpDir('fuzz-commands-cwd')
const home = process.cwd()
let cases = 0

test.before(() => process.chdir(cwd))
test.after(() => process.chdir(home))

/** Run argv expecting exit `code` with one line matching `re`; the trees under root and cwd are left as they were. */
async function fails(argv: string[], code: number, re: RegExp): Promise<void> {
  cases++
  const before = [readTree(root), readTree(cwd)]
  const r = await inProcess(argv)
  const what = argv.map((a) => JSON.stringify(a)).join(' ')
  assertFailure(r, code, re, what)
  assertUnchanged(before[0], root, what)
  assertUnchanged(before[1], cwd, what)
}

// ---- every command's parser ------------------------------------------------------------------------------------
const COMMANDS = ['train', 'learner', 'actor', 'play', 'envs', 'graph', 'visits', 'explore', 'bench']
const PARSER: [string[], RegExp][] = [
  [['--nope'], /^error: unknown option '--nope'/],
  [['--nope=1'], /^error: unknown option '--nope=1'/],
  [['-z'], /^error: unknown option '-z'/],
  [['stray'], /^error: too many arguments for '\w+'\. Expected 0 arguments but got 1\.$/m],
  [['one', 'two'], /^error: too many arguments for '\w+'\. Expected 0 arguments but got 2\.$/m],
  [['--', 'x'], /^error: too many arguments/],
  [['--no_resum'], /^error: unknown option '--no_resum'/],
]
for (const c of COMMANDS) {
  for (const [args, re] of PARSER) {
    test(`${c} ${args.join(' ')}: exit 2, one line`, () => fails([c, ...args], 2, re))
  }
  test(`${c} --help: exit 0, the usage on stdout, nothing on stderr`, async () => {
    cases++
    const r = await inProcess([c, '--help'])
    assert.is(r.code, 0)
    assert.match(r.stdout, new RegExp(`^Usage: rl-rnd ${c} \\[options\\]`))
    assert.is(r.stderr, '')
  })
}
const MISSING: [string, string][] = [
  ['train', '--z_dim'],
  ['train', '--game'],
  ['play', '--game'],
  ['play', '--episodes'],
  ['graph', '--metric'],
  ['graph', '--out'],
  ['bench', '--only'],
  ['bench', '--json'],
]
for (const [c, opt] of MISSING) {
  test(`${c} ${opt} without its value`, () => fails([c, opt], 2, new RegExp(`^error: option '${opt} <\\w+>' argument missing$`, 'm')))
}
test('the program: no command, unknown commands and options', async () => {
  await fails([], 2, /^error: no command given; available: envs, play, train, learner, actor, graph, visits, explore, bench/)
  await fails(['nosuch'], 2, /^error: unknown command 'nosuch'$/m)
  await fails(['trian'], 2, /^error: unknown command 'trian' \(Did you mean train\?\)$/m)
  await fails(['--nope'], 2, /^error: unknown option '--nope'/)
  await fails(['-x', 'train'], 2, /^error: unknown option '-x'/)
  await fails([''], 2, /^error: unknown command ''/)
})
test('--version prints the package version; --help exits 0', async () => {
  cases += 2
  const v = await inProcess(['--version'])
  assert.equal([v.code, v.stdout, v.stderr], [0, `${VERSION}\n`, ''])
  assert.match(VERSION, /^\d+\.\d+\.\d+/)
  const h = await inProcess(['--help'])
  assert.is(h.code, 0)
  assert.match(h.stdout, /Commands:[\s\S]*envs[\s\S]*play[\s\S]*train[\s\S]*graph[\s\S]*bench/)
})

// ---- play -------------------------------------------------------------------------------------------------------
const aFile = path.join(root, 'a_file')
fs.writeFileSync(aFile, 'x')
fs.mkdirSync(path.join(root, 'a_dir'))
const PLAY: [string[], RegExp][] = [
  ...['0', '-1', '1.5', 'abc', '', '1e308', '100001', ' '].map((v): [string[], RegExp] => [
    ['--episodes', v],
    /--episodes must be a positive integer in \[1, 100000\]/,
  ]),
  ...['0', '33', 'x', '-4'].map((v): [string[], RegExp] => [['--scale', v], /--scale must be a positive integer in \[1, 32\]/]),
  ...['-1', '4294967296', '1.5', 'x', ''].map((v): [string[], RegExp] => [['--seed', v], /--seed must be an integer in \[0, 4294967295\]/]),
  ...['0', '-3', '1.5', 'x', '', '1000000001'].map((v): [string[], RegExp] => [
    ['--max_steps', v],
    /--max_steps must be a positive integer in \[1, 1000000000\]/,
  ]),
  [['--policy', 'smart'], /unknown policy 'smart'/],
  [['--policy', ''], /unknown policy ''/],
  [['--game', ''], /unknown environment ''/],
  [['--game', 'Nope-v0'], /unknown environment 'Nope-v0'; registered: PixelCopter-v0/],
  [['--gif', ''], /GIF needs a file name, not an empty string/],
  [['--gif', path.join(root, 'missing', 'x.gif')], /cannot write GIF '.*x\.gif': no such file or directory \(ENOENT\)/],
  [['--gif', path.join(root, 'a_dir')], /cannot write GIF '.*a_dir': is a directory \(EISDIR\)/],
  [['--gif', path.join(aFile, 'x.gif')], /cannot write GIF '.*x\.gif': .*a_file is not a directory \(ENOTDIR\)/],
  [['--png', ''], /PNGs to needs a folder name/],
  [['--png', path.join(aFile, 'frames')], /cannot write PNGs to '.*frames': .*a_file is not a directory \(ENOTDIR\)/],
  [['--model', ''], /--model needs a directory, not an empty string/],
  [['--model', path.join(root, 'a_dir')], /--model .*a_dir: no trained policy there \(missing policy\.model, or a snapshot's policy\.safetensors\)/],
  [['--model', path.join(root, 'nowhere')], /--model .*nowhere: no trained policy there/],
]
for (const [args, re] of PLAY) {
  test(`play ${args.map((a) => JSON.stringify(a)).join(' ')}`, () => fails(['play', '--episodes', '1', ...args], 2, re))
}

// ---- graph ------------------------------------------------------------------------------------------------------
const metricsRun = path.join(root, 'runs', 'PixelCopter-v0', 'exp')
fs.mkdirSync(metricsRun, { recursive: true })
const rec = (it: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ iteration: it, return_ext_mean: -4.5, return_ext_std: 0.5, return_ext_min: -5, return_ext_max: -4, approx_kl: 0.001, ...extra })
const graph = (...args: string[]) => ['graph', '--data_dir', path.join(root, 'runs'), '--experiment_name', 'exp', ...args]
const GRAPH: [string[], RegExp][] = [
  [['graph', '--data_dir', ''], /--data_dir must be a non-empty string/],
  [['graph', '--experiment_name', '../x'], /--experiment_name must be a folder name inside --data_dir/],
  [['graph', '--experiment_name', ''], /--experiment_name must be a non-empty string/],
  [['graph', '--game', 'Nope-v0'], /unknown --game 'Nope-v0'/],
  [['graph', '--data_dir', path.join(root, 'nowhere')], /no experiment at .*nowhere/],
  [graph('--format', 'gif'), /option '--format <format>' argument 'gif' is invalid\. Allowed choices are png, svg\./],
  [graph('--out', path.join(root, 'x.bmp')), /--out .*x\.bmp: unknown image type '\.bmp'/],
  [graph('--out', path.join(root, 'missing', 'x.png')), /cannot write --out '.*x\.png': no such file or directory \(ENOENT\)/],
  [graph('--out', path.join(root, 'a_dir')), /cannot write --out '.*a_dir': is a directory \(EISDIR\)/],
  [graph('--out', ''), /--out needs a file name/],
  [graph('--format', 'svg', '--out', path.join(root, 'x.png')), /does not end in \.svg/],
  [graph('--metric', ''), /option '--metric <names>' argument '' is invalid/],
  [graph('--metric', ','), /option '--metric <names>' argument ',' is invalid/],
  [graph('--metric', 'nosuch'), /unknown --metric 'nosuch'; available in .*metrics\.jsonl: return_ext_mean/],
]
/** metrics.jsonl contents that graph must refuse, with the line and field the error names. */
const METRICS: [string, RegExp][] = [
  [`${rec(1)}\n${rec(2, { return_ext_mean: 'abc' })}\n`, /metrics\.jsonl: line 2: return_ext_mean: must be a number or null \(got "abc"\)/],
  [`${rec(1, { approx_kl: true })}\n`, /line 1: approx_kl: must be a number or null \(got true\)/],
  [`${rec(1, { approx_kl: [1] })}\n`, /line 1: approx_kl: must be a number or null/],
  [`${rec(1, { approx_kl: { a: 1 } })}\n`, /line 1: approx_kl: must be a number or null/],
  [`${rec(1)}\nnot json\n${rec(2)}\n`, /line 2: is not valid JSON/],
  [`[1, 2]\n`, /line 1: must be an object \(got \[1,2\]\)/],
  [`null\n`, /line 1: must be an object \(got null\)/],
  [`${rec(1)}\n"text"\n`, /line 2: must be an object/],
  [`{"return_ext_mean": 1}\n`, /line 1: iteration: is missing/],
  [`${JSON.stringify({ iteration: '1' })}\n`, /line 1: iteration: must be an integer in \[1, \d+\] \(got "1"\)/],
  [`${JSON.stringify({ iteration: 0 })}\n`, /line 1: iteration: must be an integer/],
  [`${JSON.stringify({ iteration: -3 })}\n`, /line 1: iteration: must be an integer/],
  [`${JSON.stringify({ iteration: 1.5 })}\n`, /line 1: iteration: must be an integer/],
  [`${rec(2)}\n${rec(1)}\n`, /line 2: iteration: is 1, after iteration 2 \(not increasing\)/],
  [`${rec(1)}\n${rec(1)}\n`, /line 2: iteration: is 1, after iteration 1/],
  [`${rec(1, { '../../x': 1 })}\n`, /line 1: metric name "\.\.\/\.\.\/x" is not a name/],
  [`${rec(1, { 'a b': 1 })}\n`, /line 1: metric name "a b" is not a name/],
  [`{"__proto__": {"iteration": 1}}\n`, /line 1: iteration: is missing/],
  ['\xff\xfe garbage', /metrics\.jsonl: is not UTF-8 text|line 1: is not valid JSON/],
]
for (const [args, re] of GRAPH) {
  test(`graph ${args
    .slice(1)
    .map((a) => JSON.stringify(a))
    .join(' ')}`, async () => {
    fs.writeFileSync(path.join(metricsRun, 'metrics.jsonl'), `${rec(1)}\n${rec(2)}\n`)
    await fails(args, 2, re)
  })
}
METRICS.forEach(([text, re], i) => {
  test(`graph over damaged metrics.jsonl #${i + 1}`, async () => {
    fs.writeFileSync(path.join(metricsRun, 'metrics.jsonl'), Buffer.from(text, 'latin1'))
    await fails(graph(), 2, re)
    await fails(graph('--metric', 'approx_kl'), 2, re)
  })
})
// ---- visits (MiniGrid's visits.jsonl) ----------------------------------------------------------------------------
const visitsRun = path.join(root, 'runs', 'MiniGrid-Empty-8x8-v0', 'exp')
fs.mkdirSync(visitsRun, { recursive: true })
const vrec = (it: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ iteration: it, total_env_steps: 32 * it, width: 2, height: 2, visits: [3, 0, 1, 4], intrinsic_mean: [0.5, null, 0.1, 0.2], ...extra })
const visits = (...args: string[]) => ['visits', '--data_dir', path.join(root, 'runs'), '--game', 'MiniGrid-Empty-8x8-v0', '--experiment_name', 'exp', ...args]
const VISITS: [string, RegExp][] = [
  [`${vrec(1, { visits: [3, 'x', 1, 4] })}\n`, /visits\.jsonl: line 1: visits\[1\]: must be a number in \[0, /],
  [`${vrec(1, { visits: [3, 1] })}\n`, /visits\.jsonl: line 1: visits: has 2 values, 4 expected/],
  [`${vrec(1, { visits: [3, -1, 1, 4] })}\n`, /line 1: visits\[1\]: must be a number in \[0, /],
  [`${vrec(1, { intrinsic_mean: [1, 'x', 2, 3] })}\n`, /line 1: intrinsic_mean\[1\]: must be a finite number \(got "x"\)/],
  [`${vrec(1, { intrinsic_mean: null })}\n`, /line 1: intrinsic_mean: must be an array of 4 values/],
  [`${vrec(1, { width: 0 })}\n`, /line 1: width: must be an integer in \[1, 256\] \(got 0\)/],
  [`${vrec(1, { height: 1e9 })}\n`, /line 1: height: must be an integer in \[1, 256\]/],
  [`${vrec(1, { total_env_steps: -1 })}\n`, /line 1: total_env_steps: must be an integer/],
  [`${vrec(2)}\n${vrec(1)}\n`, /line 2: iteration: is 1, after iteration 2 \(not increasing\)/],
  [`${vrec(1)}\n{\n${vrec(2)}\n`, /visits\.jsonl: line 2: is not valid JSON/],
]
VISITS.forEach(([text, re], i) => {
  test(`visits over damaged visits.jsonl #${i + 1}`, async () => {
    fs.writeFileSync(path.join(visitsRun, 'visits.jsonl'), text)
    await fails(visits(), 2, re)
  })
})
test('visits: names inside --data_dir, --out checked before drawing', async () => {
  fs.writeFileSync(path.join(visitsRun, 'visits.jsonl'), `${vrec(1)}\n`)
  await fails(visits('--experiment_name', '../x'), 2, /--experiment_name must be a folder name inside --data_dir/)
  await fails(visits('--out', path.join(root, 'missing', 'v.png')), 2, /cannot write --out '.*v\.png': no such file or directory \(ENOENT\)/)
  const ok = await inProcess(visits('--out', path.join(root, 'v.svg')))
  assert.is(ok.code, 0, ok.stderr)
  fs.rmSync(path.join(root, 'v.svg'))
})

test('graph: metrics.jsonl that is a folder; a last line cut by a kill is left out', async () => {
  const m = path.join(metricsRun, 'metrics.jsonl')
  fs.rmSync(m)
  fs.mkdirSync(m)
  await fails(graph(), 2, /metrics\.jsonl: is a directory, not a file/)
  fs.rmSync(m, { recursive: true })
  fs.writeFileSync(m, `${rec(1)}\n${rec(2)}\n{"iteration": 3, "return_ext_me`)
  const ok = await inProcess(graph('--out', path.join(root, 'ok.svg')))
  assert.is(ok.code, 0, ok.stderr)
  assert.match(ok.stdout, /iterations 1\.\.2/)
  fs.rmSync(path.join(root, 'ok.svg'))
})

// ---- bench (nothing may start: the suites run in a child only after the options are known good) ------------------
const BENCH: [string[], RegExp][] = [
  [['--only', ''], /--only needs suite names/],
  [['--only', ','], /--only needs suite names/],
  [['--only', 'nosuch'], /unknown suite nosuch in --only; available: /],
  [['--only', 'matmul,nosuch,other'], /unknown suites nosuch, other in --only/],
  [['--json', ''], /--json needs a file name/],
  [['--json', path.join(root, 'missing', 'b.json')], /cannot write --json '.*b\.json': no such file or directory/],
  [['--list', 'x'], /too many arguments/],
]
for (const [args, re] of BENCH) test(`bench ${args.map((a) => JSON.stringify(a)).join(' ')}`, () => fails(['bench', ...args], 2, re))

// ---- envs -------------------------------------------------------------------------------------------------------
test('envs --json=1 (a flag takes no value)', () => fails(['envs', '--json=1'], 2, /^error: unknown option '--json=1' \(Did you mean --json\?\)$/m))

test('the corpus: every case ran, and the working folder stayed empty', () => {
  assert.ok(cases >= 120, `${cases} command cases`)
  assert.is(readTree(cwd).size, 0)
})

test.run()
