// Fuzz corpus, files read from disk: a trained fixture (two tiny iterations) damaged one way per case. Safetensors
// damage (cut at many offsets, bytes of the header broken, the header length, the header's JSON, the metadata,
// NaN/Inf values, names like __proto__, shapes) is applied to three readers: a snapshot's model file (its manifest
// rewritten to match, so the damage reaches the file's own checks), `train --model`'s value.model and `play
// --model`'s policy.model. Then state.json, the COMPLETE manifest, the RND target, metrics.jsonl on resume. Every case
// runs in-process and must exit 2 with one line naming the file, the field or tensor and the problem, no stack
// frame, and leave every file as it was (no intact snapshot: the run stops and keeps them). A damaged newest snapshot
// with an intact older one is skipped with a line saying why, and kept aside byte for byte.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { createHash } from 'node:crypto'
import {
  assertFailure,
  assertUnchanged,
  buildSt,
  copyFixture,
  GAME,
  inProcess,
  NET,
  parseSt,
  readTree,
  replaceInSnapshot,
  setValue,
  tensorNames,
  tmpDir,
  trainedFixture,
  treeDiff,
  Workspace,
  type Fixture,
} from './harness.ts'

const test = suite('cli/fuzz/files')
let F: Fixture
let cases = 0
test.before(async () => {
  F = await trainedFixture()
})

/** A damage of a model file: bytes -> bytes, and the problem its error line must state (after "<file>: "). */
interface Damage {
  name: string
  apply: (b: Uint8Array, net: string) => Uint8Array
  problem: RegExp
  byTarget?: Partial<Record<Target, RegExp>>
}
type Target = 'snapshot' | 'train --model' | 'play --model'

const cut = (at: (b: Uint8Array, n: number) => number) => (b: Uint8Array) => b.slice(0, at(b, parseSt(b).n))
const poke =
  (at: (b: Uint8Array, n: number) => number, v = 0xff) =>
  (b: Uint8Array) => {
    const out = b.slice()
    out[at(b, parseSt(b).n)] = v
    return out
  }
const withLength = (len: (n: number) => bigint) => (b: Uint8Array) => {
  const out = b.slice()
  new DataView(out.buffer).setBigUint64(0, len(parseSt(b).n), true)
  return out
}
/** Edit the parsed header (names in data order given), keep the data. */
const edit = (fn: (h: Record<string, any>, names: string[]) => void) => (b: Uint8Array) => {
  const st = parseSt(b)
  fn(st.header, tensorNames(st))
  return buildSt(st.header, st.data)
}
const editArgs = (fn: (a: Record<string, unknown>) => void) =>
  edit((h) => {
    const a = JSON.parse(h.__metadata__.args)
    fn(a)
    h.__metadata__.args = JSON.stringify(a)
  })
const rawHeader = (text: string) => (b: Uint8Array) => buildSt(text, parseSt(b).data)
const first = (b: Uint8Array) => tensorNames(parseSt(b))[0]
const twoD = (b: Uint8Array) =>
  tensorNames(parseSt(b)).find((k) => {
    const s = parseSt(b).header[k].shape
    return s.length === 2 && s[0] !== s[1]
  })!
const dataLen = (b: Uint8Array) => b.length - 8 - parseSt(b).n
const size = (st: { header: Record<string, any> }, t: string) => st.header[t].shape.reduce((x: number, y: number) => x * y, 1)
/** The header with the first tensor's name replaced by `name` (raw text: `__proto__` must stay an own key). */
const renameFirst = (name: string) => (b: Uint8Array) => {
  const st = parseSt(b)
  return buildSt(JSON.stringify(st.header).replace(`"${first(b)}":`, `${JSON.stringify(name)}:`), st.data)
}
/** Replace a file by a folder of the same name. */
const toDir = (p: string) => {
  fs.rmSync(p)
  fs.mkdirSync(p)
}
/** Rewrite a file through `fn`. */
const rewrite = (p: string, fn: (b: Uint8Array) => Uint8Array) => fs.writeFileSync(p, fn(new Uint8Array(fs.readFileSync(p))))
/** Rewrite a snapshot's file through `fn`, its manifest entry to match. */
const damageIn = (dir: string, file: string, fn: (b: Uint8Array) => Uint8Array) =>
  replaceInSnapshot(dir, file, fn(new Uint8Array(fs.readFileSync(path.join(dir, file)))))
/** Edit a snapshot's state.json, its manifest entry to match. */
const editState = (dir: string, fn: (s: Record<string, any>) => void) =>
  damageIn(dir, 'state.json', (b) => {
    const s = JSON.parse(new TextDecoder().decode(b))
    fn(s)
    return new TextEncoder().encode(JSON.stringify(s))
  })

const DAMAGES: Damage[] = [
  ...[0, 4, 7].map((k): Damage => ({ name: `cut at byte ${k}`, apply: cut(() => k), problem: /truncated: \d+ bytes, a header length needs 8/ })),
  ...(
    [
      ['8', () => 8],
      ['mid-header', (_: Uint8Array, n: number) => 8 + (n >> 1)],
      ['header end - 1', (_: Uint8Array, n: number) => 8 + n - 1],
    ] as const
  ).map(([w, at]): Damage => ({ name: `cut at ${w}`, apply: cut(at), problem: /header length \d+ exceeds the file \(\d+ bytes\)/ })),
  ...(
    [
      ['header end', 0],
      ['header end + 1', 1],
      ['mid-data', 0.5],
      ['last byte', -1],
    ] as const
  ).map(
    ([w, k]): Damage => ({
      name: `cut at ${w}`,
      apply: (b) => b.slice(0, k === -1 ? b.length - 1 : 8 + parseSt(b).n + (k < 1 ? Math.floor(dataLen(b) * k) : k)),
      problem: /tensor .*: data_offsets \[\d+, \d+\] out of range \(data is \d+ bytes\)/,
    }),
  ),
  ...[0.01, 0.2, 0.4, 0.6, 0.8, 0.999].map(
    (q): Damage => ({
      name: `0xff at ${q} of the header`,
      apply: poke((_, n) => 8 + Math.floor(n * q)),
      problem: /header is not valid JSON/,
    }),
  ),
  { name: 'header length 0', apply: withLength(() => 0n), problem: /header is not valid JSON/ },
  {
    name: 'header length cuts the JSON',
    problem: /header is not valid JSON/,
    apply: (b) => withLength(() => BigInt(new TextDecoder().decode(b.subarray(8, 8 + parseSt(b).n)).lastIndexOf('}')))(b),
  },
  { name: 'header length into the data', apply: withLength((n) => BigInt(n + 8)), problem: /header is not valid JSON/ },
  { name: 'header length 2^63', apply: withLength(() => 2n ** 63n), problem: /header length \d+ exceeds the file/ },
  ...['[]', '1', 'null', '"x"', 'true'].map((t): Damage => ({ name: `header ${t}`, apply: rawHeader(t), problem: /header is not a JSON object/ })),
  {
    name: 'dtype F16',
    apply: edit((h, [t]) => {
      h[t].dtype = 'F16'
    }),
    problem: /tensor .*: dtype F16 is not supported \(F32 only\)/,
  },
  {
    name: 'no dtype',
    apply: edit((h, [t]) => {
      delete h[t].dtype
    }),
    problem: /tensor .*: dtype undefined is not supported/,
  },
  {
    name: 'shape [-1]',
    apply: edit((h, [t]) => {
      h[t].shape = [-1]
    }),
    problem: /tensor .*: invalid shape \[-1\]/,
  },
  {
    name: 'shape "x"',
    apply: edit((h, [t]) => {
      h[t].shape = 'x'
    }),
    problem: /tensor .*: invalid shape "x"/,
  },
  {
    name: 'shape [1.5]',
    apply: edit((h, [t]) => {
      h[t].shape = [1.5]
    }),
    problem: /tensor .*: invalid shape \[1\.5\]/,
  },
  {
    name: 'shape twice the data',
    apply: edit((h, [t]) => {
      h[t].shape = [2, ...h[t].shape]
    }),
    problem: /tensor .*: shape \[.*\] needs \d+ bytes, data_offsets give \d+/,
  },
  {
    name: 'data_offsets reversed',
    apply: edit((h, [t]) => {
      h[t].data_offsets.reverse()
    }),
    problem: /tensor .*: data_offsets \[\d+, 0\] out of range/,
  },
  {
    name: 'data_offsets "x"',
    apply: edit((h, [t]) => {
      h[t].data_offsets = 'x'
    }),
    problem: /tensor .*: invalid data_offsets "x"/,
  },
  {
    name: 'data_offsets of three',
    apply: edit((h, [t]) => {
      h[t].data_offsets.push(0)
    }),
    problem: /tensor .*: invalid data_offsets/,
  },
  {
    name: 'a tensor dropped (a hole in the data)',
    apply: edit((h, [t]) => {
      delete h[t]
    }),
    problem: /data bytes \[0, \d+\) before tensor .* belong to no tensor/,
  },
  {
    name: 'the last tensor dropped',
    apply: edit((h, names) => {
      delete h[names.at(-1)!]
    }),
    problem: /data bytes \[\d+, \d+\) at the end belong to no tensor/,
  },
  {
    name: 'an entry that is a number',
    apply: edit((h, [t]) => {
      h[t] = 5
    }),
    problem: /tensor .*: entry is not an object/,
  },
  {
    name: 'two tensors on the same bytes',
    apply: edit((h, [a, b]) => {
      h[b].data_offsets = [...h[a].data_offsets]
      h[b].shape = [...h[a].shape]
    }),
    problem: /tensors .* and .* overlap|belong to no tensor/,
  },
  {
    name: '__metadata__ an array',
    apply: edit((h) => {
      h.__metadata__ = []
    }),
    problem: /__metadata__: must be an object \(got \[\]\)/,
  },
  {
    name: '__metadata__.args an object',
    apply: edit((h) => {
      h.__metadata__.args = JSON.parse(h.__metadata__.args)
    }),
    problem: /__metadata__\.args: must be a string \(got \{/,
  },
  {
    name: '__metadata__.args not JSON',
    apply: edit((h) => {
      h.__metadata__.args = 'x{'
    }),
    problem: /__metadata__\.args: is not valid JSON/,
  },
  {
    name: '__metadata__.args an array',
    apply: edit((h) => {
      h.__metadata__.args = '[]'
    }),
    problem: /__metadata__\.args: must be an object \(got \[\]\)/,
  },
  {
    name: '__metadata__ missing',
    apply: edit((h) => {
      delete h.__metadata__
    }),
    problem: /__metadata__\.format: is undefined: not an rl-rnd model/,
  },
  {
    name: 'format "x"',
    apply: edit((h) => {
      h.__metadata__.format = 'x'
    }),
    problem: /__metadata__\.format: is "x": not an rl-rnd model \(rl-rnd-model\/1\)/,
  },
  {
    name: 'another network',
    apply: (b, net) =>
      edit((h) => {
        h.__metadata__.network = net === 'value' ? 'policy' : 'value'
      })(b),
    problem: /__metadata__\.network: is "\w+", this file must hold the \w+ network/,
  },
  {
    name: 'frame_resize 10',
    apply: editArgs((a) => {
      a.frame_resize = 10
    }),
    problem: /__metadata__\.args\.frame_resize: --frame_resize must be an integer in \[36, 512\] \(got 10\)/,
  },
  {
    name: 'frame_resize 1e10',
    apply: editArgs((a) => {
      a.frame_resize = 1e10
    }),
    problem: /__metadata__\.args\.frame_resize: --frame_resize must be an integer in \[36, 512\] \(got 10000000000\)/,
  },
  {
    name: 'z_dim "8"',
    apply: editArgs((a) => {
      a.z_dim = '8'
    }),
    problem: /__metadata__\.args\.z_dim: --z_dim must be an integer in \[1, 4096\] \(got '8'\)/,
  },
  {
    name: 'z_dim null',
    apply: editArgs((a) => {
      a.z_dim = null
    }),
    problem: /__metadata__\.args\.z_dim: --z_dim must be an integer/,
  },
  {
    name: 'game Nope-v0',
    apply: editArgs((a) => {
      a.game = 'Nope-v0'
    }),
    problem: /__metadata__\.args\.game: unknown --game 'Nope-v0'/,
  },
  {
    name: 'rnn_hidden_dim 0 with an LSTM',
    apply: editArgs((a) => {
      a.rnn_hidden_dim = 0
    }),
    problem: /__metadata__\.args\.rnn_hidden_dim: --rnn_hidden_dim must be an integer >= 1 when --rnn_hidden_layers > 0/,
  },
  {
    name: 'another z_dim (a valid model of other flags)',
    apply: editArgs((a) => {
      a.z_dim = 16
    }),
    problem: /./,
    byTarget: {
      snapshot: /__metadata__\.args: says --z_dim 16 \(this run: 8\), unlike its state\.json/,
      'train --model': /^error: --model .*value\.model was trained with --z_dim 16 \(this run: 8\)/,
      'play --model': /tensor .*: has shape \[.*\], the model needs \[.*\]/,
    },
  },
  { name: 'NaN at index 0', apply: (b) => setValue(b, first(b), 0, NaN), problem: /tensor .*: holds NaN at index 0 \(1 of its \d+ values are not finite\)/ },
  {
    name: 'Infinity mid-tensor',
    apply: (b) => setValue(b, twoD(b), 5, Infinity),
    problem: /tensor .*: holds Infinity at index 5 \(1 of its \d+ values are not finite\)/,
  },
  {
    name: '-Infinity at the last value',
    problem: /tensor .*: holds -Infinity at index \d+ \(1 of its \d+ values/,
    apply: (b) => {
      const st = parseSt(b),
        t = tensorNames(st).at(-1)!
      return setValue(b, t, size(st, t) - 1, -Infinity)
    },
  },
  {
    name: 'NaN everywhere in a tensor',
    problem: /tensor .*: holds NaN at index 0 \((\d+) of its \1 values are not finite\)/,
    apply: (b) => setValue(b, tensorNames(parseSt(b))[1], 'all', NaN),
  },
  // the shapes: checked against the network this run builds (a second pass, once the trainer exists)
  ...['__proto__', 'constructor'].map((name): Damage => ({ name: `a tensor renamed ${name}`, apply: renameFirst(name), problem: /tensor .*: is missing/ })),
  ...['constructor', '__proto__', 'toString'].map(
    (name): Damage => ({
      name: `a tensor named ${name} added`,
      problem: new RegExp(`tensor "${name}": is not in the model`),
      apply: (b) => {
        const st = parseSt(b),
          entry = { dtype: 'F32', shape: [1], data_offsets: [st.data.length, st.data.length + 4] }
        const h = JSON.stringify(st.header).replace(/^\{/, `{${JSON.stringify(name)}:${JSON.stringify(entry)},`)
        return buildSt(h, new Uint8Array([...st.data, 0, 0, 0, 0]))
      },
    }),
  ),
  {
    name: 'a 2-D tensor transposed',
    apply: (b) =>
      edit((h) => {
        h[twoD(b)].shape.reverse()
      })(b),
    problem: /tensor .*: has shape \[\d+,\d+\], the model needs \[\d+,\d+\]/,
  },
]

const TARGETS: Record<Target, { net: string; file: string }> = {
  snapshot: { net: 'value', file: 'value.safetensors' },
  'train --model': { net: 'value', file: 'value.model' },
  'play --model': { net: 'policy', file: 'policy.model' },
}

/** The folders cases damage, each put back after its case: the fixture copied once per reader. */
let snapWs: Workspace, modelWs: Workspace
const snapDir = () => path.join(snapWs.root, GAME, 'experiment_1', 'snapshots', 'iter_000001')
test.before(() => {
  snapWs = new Workspace(copyFixture(F, [1]).data)
  const models = tmpDir('fuzz-models-case')
  fs.cpSync(F.models, models, { recursive: true })
  modelWs = new Workspace(models)
})

/** Run a case against a target; every file under its folders must be left exactly as it was. */
async function runTarget(target: Target, damage: (dir: string) => void, re: RegExp, what: string, isSnapshotDamage = true): Promise<void> {
  cases++
  const ws = target === 'snapshot' ? snapWs : modelWs
  let after: Map<string, Buffer | null> | undefined
  try {
    damage(target === 'snapshot' ? snapDir() : ws.root)
    const before = readTree(ws.root),
      fresh = path.join(tmpDir('fuzz-fresh'), 'data')
    const r =
      target === 'snapshot'
        ? await inProcess(['train', '--data_dir', ws.root, ...NET, '--max_iterations', '1'])
        : target === 'train --model'
          ? await inProcess(['train', '--data_dir', fresh, ...NET, '--model', ws.root, '--max_iterations', '1'])
          : await inProcess(['play', '--model', ws.root, '--episodes', '1'])
    assertFailure(r, 2, re, what)
    if (target === 'snapshot' && isSnapshotDamage && !/cannot resume from/.test(r.stderr)) {
      assert.match(r.stderr, /^error: no intact snapshot to resume from in .*snapshots: .*They are kept as they are; --no_resume starts afresh/)
    }
    after = assertUnchanged(before, ws.root, what)
    assert.not.ok(fs.existsSync(fresh), `${what}: nothing created`)
  } finally {
    ws.reset(after)
  }
}

for (const d of DAMAGES) {
  for (const [target, { net, file }] of Object.entries(TARGETS) as [Target, { net: string; file: string }][]) {
    test(`${target}: ${d.name}`, async () => {
      const re = d.byTarget?.[target] ?? new RegExp(`${file.replace('.', '\\.')}: ${d.problem.source}`)
      await runTarget(
        target,
        (dir) => {
          const bytes = d.apply(new Uint8Array(fs.readFileSync(path.join(dir, file))), net)
          if (target === 'snapshot') replaceInSnapshot(dir, file, bytes)
          else fs.writeFileSync(path.join(dir, file), bytes)
        },
        re,
        `${target}: ${d.name}`,
      )
    })
  }
}

// ---- files that are not files -----------------------------------------------------------------------------------
for (const [target, { file }] of Object.entries(TARGETS) as [Target, { file: string }][]) {
  test(`${target}: ${file} is a directory / empty`, async () => {
    const esc = file.replace('.', '\\.')
    await runTarget(
      target,
      (dir) => {
        fs.rmSync(path.join(dir, file))
        fs.mkdirSync(path.join(dir, file))
      },
      new RegExp(`${esc}: is a directory, not a file`),
      `${file} a directory`,
    )
    await runTarget(
      target,
      (dir) => (target === 'snapshot' ? replaceInSnapshot(dir, file, '') : fs.writeFileSync(path.join(dir, file), '')),
      new RegExp(`${esc}: truncated: 0 bytes`),
      `${file} empty`,
    )
  })
}

// ---- state.json -------------------------------------------------------------------------------------------------
type State = Record<string, any>
const STATES: [string, (s: State) => unknown, RegExp][] = [
  ['not JSON', () => '{', /state\.json: is not valid JSON/],
  ['an array', () => [], /state\.json: must be an object \(got \[\]\)/],
  ['null', () => null, /state\.json: must be an object \(got null\)/],
  ['a number', () => 7, /state\.json: must be an object \(got 7\)/],
  [
    'format missing',
    (s) => {
      delete s.format
    },
    /state\.json: format: is missing/,
  ],
  [
    'format other',
    (s) => {
      s.format = 'rl-rnd-state/9'
    },
    /state\.json: format: must be 'rl-rnd-state\/1'/,
  ],
  [
    'trainer missing',
    (s) => {
      delete s.trainer
    },
    /state\.json: trainer: is missing/,
  ],
  [
    'trainer null',
    (s) => {
      s.trainer = null
    },
    /state\.json: trainer: must be an object \(got null\)/,
  ],
  [
    'trainer behind __proto__',
    (s) => JSON.stringify({ ...s, trainer: undefined }).replace(/^\{/, `{"__proto__":${JSON.stringify({ trainer: s.trainer })},`),
    /state\.json: trainer: is missing/,
  ],
  [
    'iteration of another folder',
    (s) => {
      s.trainer.iteration = 2
    },
    /state\.json: trainer\.iteration: is 2, the snapshot folder is iteration 1/,
  ],
  [
    'iteration -1',
    (s) => {
      s.trainer.iteration = -1
    },
    /trainer\.iteration: must be an integer in \[0, \d+\] \(got -1\)/,
  ],
  [
    'iteration "1"',
    (s) => {
      s.trainer.iteration = '1'
    },
    /trainer\.iteration: must be an integer .*\(got "1"\)/,
  ],
  [
    'iteration 1.5',
    (s) => {
      s.trainer.iteration = 1.5
    },
    /trainer\.iteration: must be an integer .*\(got 1\.5\)/,
  ],
  [
    'iteration 1e300',
    (s) => {
      s.trainer.iteration = 1e300
    },
    /trainer\.iteration: must be an integer .*\(got 1e\+300\)/,
  ],
  [
    'iteration missing',
    (s) => {
      delete s.trainer.iteration
    },
    /trainer\.iteration: is missing/,
  ],
  [
    'total_env_steps -5',
    (s) => {
      s.trainer.total_env_steps = -5
    },
    /trainer\.total_env_steps: must be an integer/,
  ],
  [
    'is_normalized "yes"',
    (s) => {
      s.trainer.is_normalized = 'yes'
    },
    /trainer\.is_normalized: must be true or false \(got "yes"\)/,
  ],
  [
    'is_normalized false after an iteration',
    (s) => {
      s.trainer.is_normalized = false
    },
    /trainer\.is_normalized: is false at iteration 1/,
  ],
  [
    'adam_t null',
    (s) => {
      s.trainer.adam_t = null
    },
    /trainer\.adam_t: must be an object \(got null\)/,
  ],
  [
    'adam_t.value null',
    (s) => {
      s.trainer.adam_t.value = null
    },
    /trainer\.adam_t\.value: must be an integer .*\(got null\)/,
  ],
  [
    'adam_t.policy -1',
    (s) => {
      s.trainer.adam_t.policy = -1
    },
    /trainer\.adam_t\.policy: must be an integer/,
  ],
  [
    'adam_t.rnd_predictor missing',
    (s) => {
      delete s.trainer.adam_t.rnd_predictor
    },
    /trainer\.adam_t\.rnd_predictor: is missing/,
  ],
  [
    'stats missing',
    (s) => {
      delete s.trainer.stats
    },
    /trainer\.stats: is missing/,
  ],
  [
    'stats.obs missing',
    (s) => {
      delete s.trainer.stats.obs
    },
    /trainer\.stats\.obs: is missing/,
  ],
  [
    'obs mean of 7 values',
    (s) => {
      s.trainer.stats.obs.mean = [1, 2, 3, 4, 5, 6, 7]
      s.trainer.stats.obs.var = [1, 1, 1, 1, 1, 1, 1]
    },
    /trainer\.stats\.obs\.mean: has 7 values, 1296 expected/,
  ],
  [
    'obs mean with null (a NaN written as JSON)',
    (s) => {
      s.trainer.stats.obs.mean[3] = null
    },
    /trainer\.stats\.obs\.mean\[3\]: must be a finite number \(got null\)/,
  ],
  [
    'obs var negative',
    (s) => {
      s.trainer.stats.obs.var[0] = -1
    },
    /trainer\.stats\.obs\.var\[0\]: must be a number in \[0, /,
  ],
  [
    'obs var shorter than mean',
    (s) => {
      s.trainer.stats.obs.var.pop()
    },
    /trainer\.stats\.obs\.var: has 1295 values, 1296 expected/,
  ],
  [
    'obs count -1',
    (s) => {
      s.trainer.stats.obs.count = -1
    },
    /trainer\.stats\.obs\.count: must be an integer/,
  ],
  [
    'int_return of 2 values',
    (s) => {
      s.trainer.stats.int_return.mean = [0, 0]
    },
    /trainer\.stats\.int_return\.mean: has 2 values, 1 expected/,
  ],
  [
    'rng.action of 3 words',
    (s) => {
      s.trainer.rng.action = [1, 2, 3]
    },
    /trainer\.rng\.action: has 3 values, 4 expected/,
  ],
  [
    'rng word 2^32',
    (s) => {
      s.trainer.rng.env[0] = 2 ** 32
    },
    /trainer\.rng\.env\[0\]: must be an integer in \[0, 4294967295\]/,
  ],
  [
    'rng word -1',
    (s) => {
      s.trainer.rng.train[1] = -1
    },
    /trainer\.rng\.train\[1\]: must be an integer in \[0, 4294967295\]/,
  ],
  [
    'rng all zero',
    (s) => {
      s.trainer.rng.train = [0, 0, 0, 0]
    },
    /trainer\.rng\.train: is all zero/,
  ],
  [
    'rng "x"',
    (s) => {
      s.trainer.rng.env = 'x'
    },
    /trainer\.rng\.env: must be an array \(got "x"\)/,
  ],
  [
    'args missing',
    (s) => {
      delete s.trainer.args
    },
    /trainer\.args: is missing/,
  ],
  [
    'args null',
    (s) => {
      s.trainer.args = null
    },
    /trainer\.args: must be an object/,
  ],
  [
    'args frame_resize 1e10',
    (s) => {
      s.trainer.args.frame_resize = 1e10
    },
    /trainer\.args\.frame_resize: --frame_resize must be an integer in \[36, 512\]/,
  ],
  [
    'args game Nope-v0',
    (s) => {
      s.trainer.args.game = 'Nope-v0'
    },
    /trainer\.args\.game: unknown --game 'Nope-v0'/,
  ],
  [
    'args num_envs 1e308',
    (s) => {
      s.trainer.args.num_envs = 1e308
    },
    /trainer\.args\.num_envs: --num_envs must be an integer in \[1, 4096\]/,
  ],
  [
    'wall_seconds -1',
    (s) => {
      s.wall_seconds = -1
    },
    /state\.json: wall_seconds: must be a number in \[0, /,
  ],
  [
    'wall_seconds "x"',
    (s) => {
      s.wall_seconds = 'x'
    },
    /wall_seconds: must be a number/,
  ],
  [
    'rnd_target_sha256 "abc"',
    (s) => {
      s.rnd_target_sha256 = 'abc'
    },
    /rnd_target_sha256: must be a sha256 in hex \(got "abc"\)/,
  ],
  [
    'argv not an array',
    (s) => {
      s.argv = 'x'
    },
    /state\.json: argv: must be an array/,
  ],
  [
    'argv [1]',
    (s) => {
      s.argv = [1]
    },
    /state\.json: argv\[0\]: must be a string \(got 1\)/,
  ],
]
for (const [name, change, re] of STATES) {
  test(`state.json: ${name}`, () =>
    runTarget(
      'snapshot',
      (dir) => {
        const s = JSON.parse(fs.readFileSync(path.join(dir, 'state.json'), 'utf8'))
        const out = change(s)
        replaceInSnapshot(dir, 'state.json', typeof out === 'string' ? out : JSON.stringify(out === undefined ? s : out))
      },
      re,
      `state.json: ${name}`,
    ))
}
test('state.json: invalid UTF-8', () =>
  runTarget('snapshot', (dir) => replaceInSnapshot(dir, 'state.json', new Uint8Array([0x7b, 0xff, 0x7d])), /state\.json: is not UTF-8 text/, 'state.json utf8'))

// ---- the COMPLETE manifest --------------------------------------------------------------------------------------
const MANIFESTS: [string, (dir: string, m: Record<string, any>) => unknown, RegExp][] = [
  [
    'missing',
    (dir) => {
      fs.rmSync(path.join(dir, 'COMPLETE'))
      return null
    },
    /COMPLETE: is missing: the snapshot is incomplete/,
  ],
  ['empty', () => '', /COMPLETE: is not valid JSON/],
  ['not JSON', () => '{"format"', /COMPLETE: is not valid JSON/],
  ['an array', () => '[]', /COMPLETE: must be an object/],
  [
    'format other',
    (_, m) => {
      m.format = 'x'
    },
    /COMPLETE: format: must be 'rl-rnd-snapshot\/1'/,
  ],
  [
    'iteration of another folder',
    (_, m) => {
      m.iteration = 2
    },
    /COMPLETE: iteration: is 2, the snapshot folder is iteration 1/,
  ],
  [
    'iteration "1"',
    (_, m) => {
      m.iteration = '1'
    },
    /COMPLETE: iteration: must be an integer/,
  ],
  [
    'files null',
    (_, m) => {
      m.files = null
    },
    /COMPLETE: files: must be an object \(got null\)/,
  ],
  [
    'an entry null',
    (_, m) => {
      m.files['value.safetensors'] = null
    },
    /COMPLETE: files\."value\.safetensors": must be an object \(got null\)/,
  ],
  [
    'bytes "x"',
    (_, m) => {
      m.files['value.safetensors'].bytes = 'x'
    },
    /files\."value\.safetensors"\.bytes: must be an integer/,
  ],
  [
    'bytes off by one',
    (_, m) => {
      m.files['value.safetensors'].bytes++
    },
    /value\.safetensors: has \d+ bytes, the manifest says \d+/,
  ],
  [
    'sha256 of other bytes',
    (_, m) => {
      m.files['value.safetensors'].sha256 = 'a'.repeat(64)
    },
    /value\.safetensors: does not match its sha256 in the manifest/,
  ],
  [
    'sha256 not hex',
    (_, m) => {
      m.files['value.safetensors'].sha256 = 'xyz'
    },
    /sha256: must be a sha256 in hex/,
  ],
  [
    'a path out of the folder',
    (_, m) => {
      m.files['../../rnd_target.safetensors'] = m.files['value.safetensors']
    },
    /files\."\.\.\/\.\.\/rnd_target\.safetensors": is not a plain file name/,
  ],
  [
    'an absolute path',
    (_, m) => {
      m.files['/etc/hostname'] = m.files['value.safetensors']
    },
    /files\."\/etc\/hostname": is not a plain file name/,
  ],
  [
    'a hidden name',
    (_, m) => {
      m.files['.x'] = m.files['value.safetensors']
    },
    /files\."\.x": is not a plain file name/,
  ],
  [
    'the manifest itself listed',
    (_, m) => {
      m.files.COMPLETE = m.files['value.safetensors']
    },
    /files\."COMPLETE": is not a plain file name/,
  ],
  [
    'a listed file missing',
    (_, m) => {
      m.files['extra.bin'] = m.files['value.safetensors']
    },
    /extra\.bin: is missing/,
  ],
  [
    'state.json not listed',
    (_, m) => {
      delete m.files['state.json']
    },
    /state\.json: is missing from the snapshot manifest/,
  ],
  [
    'a model file not listed',
    (_, m) => {
      delete m.files['optimizer_policy.safetensors']
    },
    /optimizer_policy\.safetensors: is missing from the snapshot manifest/,
  ],
  [
    'a directory',
    (dir) => {
      toDir(path.join(dir, 'COMPLETE'))
      return null
    },
    /COMPLETE: is a directory, not a file/,
  ],
]
for (const [name, change, re] of MANIFESTS) {
  test(`COMPLETE: ${name}`, () =>
    runTarget(
      'snapshot',
      (dir) => {
        const mfile = path.join(dir, 'COMPLETE')
        const m = JSON.parse(fs.readFileSync(mfile, 'utf8'))
        const out = change(dir, m)
        if (out !== null) fs.writeFileSync(mfile, typeof out === 'string' ? out : JSON.stringify(m))
      },
      re,
      `COMPLETE: ${name}`,
    ))
}

// ---- resuming: the RND target, metrics.jsonl, other runs (refused on one line, everything kept) --------------------
async function resumeFails(prepare: (exp: string) => void, re: RegExp, what: string): Promise<void> {
  await runTarget('snapshot', () => prepare(path.join(snapWs.root, GAME, 'experiment_1')), re, what, false)
}
const snap1 = (exp: string) => path.join(exp, 'snapshots', 'iter_000001')
const RESUMES: [string, (exp: string) => void, RegExp][] = [
  [
    'the RND target missing',
    (exp) => fs.rmSync(path.join(exp, 'rnd_target.safetensors')),
    /cannot resume from .*iter_000001: .*rnd_target\.safetensors is missing \(use --no_resume\)/,
  ],
  ['the RND target a directory', (exp) => toDir(path.join(exp, 'rnd_target.safetensors')), /rnd_target\.safetensors: is a directory, not a file/],
  [
    'the RND target of another run',
    (exp) => rewrite(path.join(exp, 'rnd_target.safetensors'), (b) => setValue(b, first(b), 0, 0.5)),
    /rnd_target\.safetensors is not the RND target of that run \(use --no_resume\)/,
  ],
  [
    'the RND target cut',
    (exp) => rewrite(path.join(exp, 'rnd_target.safetensors'), (b) => b.subarray(0, 100)),
    /rnd_target\.safetensors: header length \d+ exceeds the file|rnd_target\.safetensors: tensor .* out of range/,
  ],
  [
    'the RND target holds NaN (its sha256 in state.json to match)',
    (exp) => {
      const f = path.join(exp, 'rnd_target.safetensors'),
        bad = setValue(fs.readFileSync(f), first(fs.readFileSync(f)), 0, NaN)
      fs.writeFileSync(f, bad)
      editState(snap1(exp), (s) => {
        s.rnd_target_sha256 = createHashHex(bad)
      })
    },
    /rnd_target\.safetensors: tensor .*: holds NaN at index 0/,
  ],
  [
    'state.json of other network flags',
    (exp) =>
      editState(snap1(exp), (s) => {
        s.trainer.args.z_dim = 16
      }),
    /cannot resume from .*iter_000001: it was made with --z_dim 16 \(this run: 8\); use the same network flags, --no_resume/,
  ],
  [
    'metrics.jsonl with a non-numeric value',
    (exp) => {
      const f = path.join(exp, 'metrics.jsonl'),
        lines = fs.readFileSync(f, 'utf8').split('\n')
      lines[0] = lines[0].replace(/"loss_value":[^,]+/, '"loss_value":"high"')
      fs.writeFileSync(f, lines.join('\n'))
    },
    /metrics\.jsonl: line 1: loss_value: must be a number or null \(got "high"\)/,
  ],
  ['metrics.jsonl a directory', (exp) => toDir(path.join(exp, 'metrics.jsonl')), /metrics\.jsonl: is a directory, not a file/],
]
const createHashHex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')
for (const [name, prepare, re] of RESUMES) test(`resume: ${name}`, () => resumeFails(prepare, re, name))

// ---- a damaged newest snapshot with an intact older one: skipped with a line, kept aside byte for byte -------------
const NEWEST: [string, (dir: string) => void, RegExp][] = [
  [
    'cut (the manifest sees it)',
    (dir) => rewrite(path.join(dir, 'policy.safetensors'), (b) => b.subarray(0, 100)),
    /policy\.safetensors: has 100 bytes, the manifest says \d+/,
  ],
  ['NaN weights', (dir) => damageIn(dir, 'value.safetensors', (b) => setValue(b, first(b), 3, NaN)), /value\.safetensors: tensor .*: holds NaN at index 3/],
  [
    'NaN Adam state',
    (dir) => damageIn(dir, 'optimizer_value.safetensors', (b) => setValue(b, '0.v', 0, Infinity)),
    /optimizer_value\.safetensors: tensor 0\.v: holds Infinity at index 0/,
  ],
  [
    'state.json of iteration 1',
    (dir) =>
      editState(dir, (s) => {
        s.trainer.iteration = 1
      }),
    /state\.json: trainer\.iteration: is 1, the snapshot folder is iteration 2/,
  ],
  ['no manifest (a killed writer)', (dir) => fs.rmSync(path.join(dir, 'COMPLETE')), /COMPLETE: is missing: the snapshot is incomplete/],
]
for (const [name, damage, re] of NEWEST) {
  test(`newest snapshot ${name}: skipped with a line, resumed from iter_000001, kept as damaged_iter_000002`, async () => {
    cases++
    const { data, exp } = copyFixture(F)
    const snaps = path.join(exp, 'snapshots')
    damage(path.join(snaps, 'iter_000002'))
    const damaged = readTree(path.join(snaps, 'iter_000002')),
      older = readTree(path.join(snaps, 'iter_000001'))
    const target = readTree(exp).get('rnd_target.safetensors')!
    const r = await inProcess(['train', '--data_dir', data, ...NET, '--max_iterations', '1'])
    assert.is(r.code, 0, r.stderr)
    assert.is(r.stderr, '')
    const line = r.stdout.split('\n').find((l) => l.includes('WARNING: skipping damaged snapshot iter_000002: ')) ?? ''
    assert.match(line, re)
    assert.match(line, /\(kept as .*damaged_iter_000002\)$/)
    assert.match(r.stdout, /Resumed from snapshot .*iter_000001 \(iteration 1\)/)
    assert.equal(fs.readdirSync(snaps).sort(), ['damaged_iter_000002', 'iter_000001'])
    assert.equal(treeDiff(damaged, readTree(path.join(snaps, 'damaged_iter_000002'))), [], 'the damaged snapshot kept byte for byte')
    assertUnchanged(older, path.join(snaps, 'iter_000001'), 'the older snapshot')
    assert.ok(readTree(exp).get('rnd_target.safetensors')!.equals(target))
  })
}

test('every snapshot damaged: one line naming each, all kept; --no_resume then starts afresh on purpose', async () => {
  cases++
  const { data, exp } = copyFixture(F)
  const snaps = path.join(exp, 'snapshots')
  fs.rmSync(path.join(snaps, 'iter_000002', 'COMPLETE'))
  replaceInSnapshot(path.join(snaps, 'iter_000001'), 'state.json', '[]')
  const before = readTree(data)
  const r = await inProcess(['train', '--data_dir', data, ...NET, '--max_iterations', '1'])
  assertFailure(
    r,
    2,
    new RegExp(
      'no intact snapshot to resume from in .*: .*iter_000002/COMPLETE: is missing: the snapshot is ' +
        'incomplete; .*iter_000001/state\\.json: must be an object \\(got \\[\\]\\)\\. They are kept as they are',
    ),
    'all damaged',
  )
  assertUnchanged(before, data, 'all damaged')
  const fresh = await inProcess(['train', '--data_dir', data, ...NET, '--backend', 'wasm', '--threads', '1', '--max_iterations', '1', '--no_resume'])
  assert.is(fresh.code, 0, fresh.stderr)
  assert.match(fresh.stdout, /Not resuming: removed 2 snapshot\(s\) of the previous run/)
  assert.equal(fs.readdirSync(snaps), ['iter_000001'])
})

test('the corpus: 200 cases and more', () => assert.ok(cases >= 200, `${cases} file cases`))

test.run()
