// The one validation layer for everything the command reads from disk: snapshots (their tensors and state.json;
// the COMPLETE manifest in cli/snapshot.ts uses the same fields), final models and the RND target, metrics.jsonl
// for `graph`. Structure, types, ranges, the finiteness of every tensor, names checked as own keys, the shapes of
// the model that will receive them. Every problem is a DataError: one line naming the file, the field or tensor,
// and the problem; cli/program.ts prints it and exits 2. Nothing is loaded until the whole file has passed.
import * as fs from 'node:fs'
import { decodeSafetensors, SafetensorsError, type NamedArray } from '../engine/index.ts'
import { flagError, isFlag, DEFAULT_ARGS, type Args } from '../rl/args.ts'
import type { TrainerJson } from '../rl/snapshot.ts'
import type { VisitRecord } from '../rl/visit_map.ts'
import { fsReason } from './errors.ts'

export class DataError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${file}: ${field ? `${field}: ` : ''}${problem}`)
    this.name = 'DataError'
  }
}

/** A value in an error line: JSON, cut at 60 characters (a damaged file can hold anything). */
export function shown(v: unknown): string {
  let s: string
  try {
    s = v === undefined ? 'undefined' : typeof v === 'number' ? String(v) : (JSON.stringify(v) ?? String(v))
  } catch {
    s = String(v)
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Typed reads of one file's JSON, each failing with a DataError that names the file and the field's path. */
export class Fields {
  constructor(readonly file: string) {}

  fail(field: string, problem: string): never {
    throw new DataError(this.file, field, problem)
  }

  object(v: unknown, field: string): Record<string, unknown> {
    return isObject(v) ? v : this.fail(field, `must be an object (got ${shown(v)})`)
  }

  /** An own property (never one inherited from Object.prototype: `__proto__`, `constructor`). */
  get(o: Record<string, unknown>, key: string, field: string): unknown {
    const path = field ? `${field}.${key}` : key
    return Object.hasOwn(o, key) ? o[key] : this.fail(path, 'is missing')
  }

  int(v: unknown, field: string, min: number, max: number): number {
    const ok = Number.isInteger(v) && (v as number) >= min && (v as number) <= max
    return ok ? (v as number) : this.fail(field, `must be an integer in [${min}, ${max}] (got ${shown(v)})`)
  }

  num(v: unknown, field: string, min = -Number.MAX_VALUE, max = Number.MAX_VALUE): number {
    const ok = typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max
    const isAny = min === -Number.MAX_VALUE && max === Number.MAX_VALUE
    const range = isAny ? 'a finite number' : `a number in [${min}, ${max}]`
    return ok ? v : this.fail(field, `must be ${range} (got ${shown(v)})`)
  }

  bool(v: unknown, field: string): boolean {
    return typeof v === 'boolean' ? v : this.fail(field, `must be true or false (got ${shown(v)})`)
  }

  str(v: unknown, field: string, re?: RegExp, what = 'a string'): string {
    return typeof v === 'string' && (!re || re.test(v)) ? v : this.fail(field, `must be ${what} (got ${shown(v)})`)
  }

  /** An array of `length` finite numbers in [min, max] (`length` < 0: any length). */
  numbers(v: unknown, field: string, length: number, min = -Number.MAX_VALUE, max = Number.MAX_VALUE): number[] {
    if (!Array.isArray(v)) return this.fail(field, `must be an array (got ${shown(v)})`)
    if (length >= 0 && v.length !== length) this.fail(field, `has ${v.length} values, ${length} expected`)
    v.forEach((x, i) => this.num(x, `${field}[${i}]`, min, max))
    return v as number[]
  }

  /** JSON text -> value. */
  json(text: string, field = ''): unknown {
    try {
      return JSON.parse(text)
    } catch (e) {
      return this.fail(field, `is not valid JSON (${(e as Error).message})`)
    }
  }
}

/** Read a whole file; a missing file, a folder or an unreadable file is a DataError. */
export function readInput(file: string): Uint8Array {
  try {
    return fs.readFileSync(file)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    const problem = code === 'ENOENT' ? 'is missing' : code === 'EISDIR' ? 'is a directory, not a file' : `cannot be read: ${fsReason(e)}`
    throw new DataError(file, '', problem)
  }
}

/** UTF-8 text of a file (invalid UTF-8 is damage, not text to guess at). */
export function readText(file: string): string {
  const bytes = readInput(file)
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw new DataError(file, '', 'is not UTF-8 text')
  }
}

// ---- safetensors ------------------------------------------------------------------------------------------------

/** The first non-finite value of each tensor, as a problem line, or null when every value is finite. */
function nonFinite(name: string, t: NamedArray): string | null {
  const d = t.data
  for (let i = 0; i < d.length; i++) {
    if (Number.isFinite(d[i])) continue
    let n = 0
    for (let j = i; j < d.length; j++) if (!Number.isFinite(d[j])) n++
    return `holds ${d[i]} at index ${i} (${n} of its ${d.length} values are not finite)`
  }
  return null
}

/**
 * Decode a safetensors file and check it whole: the container (engine/serialize.ts), the metadata (strings only),
 * every value finite, and, with `expected`, exactly the model's tensors (own names) with the model's shapes.
 */
export function readTensors(
  bytes: Uint8Array,
  file: string,
  expected?: Record<string, readonly number[]>,
): { tensors: Record<string, NamedArray>; metadata: Record<string, string> } {
  const f = new Fields(file)
  let decoded: ReturnType<typeof decodeSafetensors>
  try {
    decoded = decodeSafetensors(bytes, undefined, file)
  } catch (e) {
    if (!(e instanceof SafetensorsError)) throw e
    const m = e.message
    return f.fail('', m.startsWith(`${file}: `) ? m.slice(file.length + 2) : m)
  }
  const { tensors, metadata } = decoded
  f.object(metadata, '__metadata__')
  for (const [k, v] of Object.entries(metadata)) f.str(v, `__metadata__.${k}`)
  for (const [name, t] of Object.entries(tensors)) {
    const bad = nonFinite(name, t)
    if (bad) f.fail(`tensor ${name}`, bad)
  }
  if (expected) checkShapes(file, tensors, expected)
  return { tensors, metadata }
}

/** Exactly the tensors of `expected` (own names on both sides), with its shapes. */
export function checkShapes(file: string, tensors: Record<string, NamedArray>, expected: Record<string, readonly number[]>): void {
  const f = new Fields(file)
  for (const [name, shape] of Object.entries(expected)) {
    if (!Object.hasOwn(tensors, name)) f.fail(`tensor ${name}`, 'is missing')
    const got = tensors[name].shape
    if (got.join() !== shape.join()) f.fail(`tensor ${name}`, `has shape [${got}], the model needs [${shape}]`)
  }
  for (const name of Object.keys(tensors)) {
    if (!Object.hasOwn(expected, name)) f.fail(`tensor ${JSON.stringify(name)}`, 'is not in the model')
  }
}

// ---- model files ------------------------------------------------------------------------------------------------

export const MODEL_FORMAT = 'rl-rnd-model/1'

/**
 * The network flags a model file was saved with (its metadata: format, network, args as JSON), each within the
 * bounds of rl/args.ts FLAGS. Flags this version does not know are ignored (a newer file may carry more).
 */
export function modelFlags(metadata: Record<string, string>, file: string, network?: string): Partial<Args> {
  const f = new Fields(file)
  const format = Object.hasOwn(metadata, 'format') ? metadata.format : undefined
  if (format !== MODEL_FORMAT) {
    f.fail('__metadata__.format', `is ${shown(format)}: not an rl-rnd model (${MODEL_FORMAT})`)
  }
  if (network !== undefined && metadata.network !== network) {
    f.fail('__metadata__.network', `is ${shown(metadata.network)}, this file must hold the ${network} network`)
  }
  const field = '__metadata__.args'
  const args = f.object(f.json(f.str(f.get(metadata, 'args', '__metadata__'), field), field), field)
  return checkSavedArgs(f, args, field)
}

/** Saved flags (a model's metadata, a snapshot's trainer.args): every known one within its bounds. */
function checkSavedArgs(f: Fields, saved: Record<string, unknown>, field: string): Partial<Args> {
  const out: Record<string, unknown> = {}
  const merged = { ...DEFAULT_ARGS, ...saved }
  for (const k of Object.keys(saved)) {
    if (!isFlag(k)) continue
    const bad = flagError(k, saved[k], merged)
    if (bad) f.fail(`${field}.${k}`, bad)
    out[k] = saved[k]
  }
  return out as Partial<Args>
}

// ---- state.json -------------------------------------------------------------------------------------------------

export const STATE_FORMAT = 'rl-rnd-state/1'

/** state.json of a snapshot: the trainer's JSON state and what cli/train.ts adds. */
export interface StateFile {
  format: typeof STATE_FORMAT
  trainer: TrainerJson
  wall_seconds: number
  rnd_target_sha256: string
  argv: string[]
  /** rl-rnd learner: the stream sequence numbers of the blocks used so far, as ranges first, last, ... (cli/learner.ts) */
  stream?: StreamState
}

export interface StreamState {
  used: number[]
}

const U32 = 2 ** 32 - 1
const COUNT_MAX = Number.MAX_SAFE_INTEGER

/** Running statistics as RunningMeanStd.toJSON() writes them (`size` values each, or any size when < 0). */
function checkStats(f: Fields, v: unknown, field: string, size: number): TrainerJson['stats']['obs'] {
  const o = f.object(v, field)
  const count = f.int(f.get(o, 'count', field), `${field}.count`, 0, COUNT_MAX)
  const mean = f.numbers(f.get(o, 'mean', field), `${field}.mean`, size)
  const variance = f.numbers(f.get(o, 'var', field), `${field}.var`, mean.length, 0)
  return { count, mean, var: variance }
}

/** xoshiro128** state: four u32 words, not all zero (a zero state stays zero forever). */
function checkRng(f: Fields, v: unknown, field: string): number[] {
  const words = f.numbers(v, field, 4)
  words.forEach((w, i) => f.int(w, `${field}[${i}]`, 0, U32))
  if (words.every((w) => w === 0)) f.fail(field, 'is all zero (not a generator state)')
  return words
}

/** What a trainer can say of a state's sizes: values per observation, actions, environments (PpoRnd fields). */
export interface StateSizes {
  obs: number
  actions: number
  envs: number
}

/** Fixed-length rollouts' episodes in flight: each env's game seed (rngEnv.int(2^31)), actions so far, return, last action. */
function checkInflight(f: Fields, v: unknown, sizes: StateSizes | null): NonNullable<TrainerJson['inflight']> {
  const field = 'trainer.inflight'
  if (!Array.isArray(v)) return f.fail(field, `must be an array (got ${shown(v)})`)
  if (sizes && v.length !== sizes.envs) f.fail(field, `has ${v.length} episodes, --num_envs gives ${sizes.envs} environments`)
  const lastAction = sizes ? sizes.actions - 1 : 2 ** 31 - 1
  return v.map((e, i) => {
    const at = `${field}[${i}]`,
      o = f.object(e, at)
    const actions = f.get(o, 'actions', at)
    if (!Array.isArray(actions)) f.fail(`${at}.actions`, `must be an array (got ${shown(actions)})`)
    return {
      seed: f.int(f.get(o, 'seed', at), `${at}.seed`, 0, 2 ** 31 - 1),
      actions: (actions as unknown[]).map((a, k) => f.int(a, `${at}.actions[${k}]`, 0, lastAction)),
      ret: f.num(f.get(o, 'ret', at), `${at}.ret`),
      prev_action: f.int(f.get(o, 'prev_action', at), `${at}.prev_action`, -1, lastAction),
    }
  })
}

/**
 * Parse and check a snapshot's state.json whole: every field present with its type and range, the iteration equal
 * to the snapshot folder's; given a trainer's `sizes`, the observation statistics, episodes in flight and forward
 * filter of its observations, actions and environments. Every field the trainer restores is returned (none dropped).
 */
export function checkState(bytes: Uint8Array, file: string, iteration: number, sizes: StateSizes | null = null): StateFile {
  const f = new Fields(file)
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return f.fail('', 'is not UTF-8 text')
  }
  const root = f.object(f.json(text), '')
  f.str(f.get(root, 'format', ''), 'format', /^rl-rnd-state\/1$/, `'${STATE_FORMAT}'`)
  const wall = f.num(f.get(root, 'wall_seconds', ''), 'wall_seconds', 0)
  const sha = f.str(f.get(root, 'rnd_target_sha256', ''), 'rnd_target_sha256', /^[0-9a-f]{64}$/, 'a sha256 in hex')
  const argvRaw = f.get(root, 'argv', '')
  if (!Array.isArray(argvRaw)) f.fail('argv', `must be an array (got ${shown(argvRaw)})`)
  const argv = (argvRaw as unknown[]).map((a, i) => f.str(a, `argv[${i}]`))
  const tr = f.object(f.get(root, 'trainer', ''), 'trainer')
  const it = f.int(f.get(tr, 'iteration', 'trainer'), 'trainer.iteration', 0, COUNT_MAX)
  if (it !== iteration) f.fail('trainer.iteration', `is ${it}, the snapshot folder is iteration ${iteration}`)
  const steps = f.int(f.get(tr, 'total_env_steps', 'trainer'), 'trainer.total_env_steps', 0, COUNT_MAX)
  const isNormalized = f.bool(f.get(tr, 'is_normalized', 'trainer'), 'trainer.is_normalized')
  if (it > 0 && !isNormalized) {
    f.fail('trainer.is_normalized', `is false at iteration ${it} (normalization comes first)`)
  }
  const adam = f.object(f.get(tr, 'adam_t', 'trainer'), 'trainer.adam_t')
  const adamT = Object.fromEntries(
    (['value', 'policy', 'rnd_predictor'] as const).map((n) => [n, f.int(f.get(adam, n, 'trainer.adam_t'), `trainer.adam_t.${n}`, 0, COUNT_MAX)]),
  ) as TrainerJson['adam_t']
  const stats = f.object(f.get(tr, 'stats', 'trainer'), 'trainer.stats')
  const obs = checkStats(f, f.get(stats, 'obs', 'trainer.stats'), 'trainer.stats.obs', sizes?.obs ?? -1)
  const intReturn = checkStats(f, f.get(stats, 'int_return', 'trainer.stats'), 'trainer.stats.int_return', 1)
  const rng = f.object(f.get(tr, 'rng', 'trainer'), 'trainer.rng')
  const [action, env, train] = (['action', 'env', 'train'] as const).map((k) => checkRng(f, f.get(rng, k, 'trainer.rng'), `trainer.rng.${k}`))
  const args = checkSavedArgs(f, f.object(f.get(tr, 'args', 'trainer'), 'trainer.args'), 'trainer.args')
  const trainer: TrainerJson = {
    iteration: it,
    total_env_steps: steps,
    is_normalized: isNormalized,
    adam_t: adamT,
    stats: { obs, int_return: intReturn },
    rng: { action, env, train },
    args: args as Args,
  }
  if (Object.hasOwn(tr, 'inflight')) trainer.inflight = checkInflight(f, tr.inflight, sizes)
  if (Object.hasOwn(tr, 'reward_filter')) trainer.reward_filter = f.numbers(tr.reward_filter, 'trainer.reward_filter', sizes?.envs ?? -1)
  let stream: StreamState | undefined
  if (Object.hasOwn(root, 'stream')) {
    const st = f.object(root.stream, 'stream')
    stream = { used: f.numbers(f.get(st, 'used', 'stream'), 'stream.used', -1, 1, Number.MAX_SAFE_INTEGER) }
    stream.used.forEach((v, i) => f.int(v, `stream.used[${i}]`, i % 2 ? stream!.used[i - 1] : 1, Number.MAX_SAFE_INTEGER))
    if (stream.used.length % 2) f.fail('stream.used', 'must hold pairs first, last')
  }
  return { format: STATE_FORMAT, trainer, wall_seconds: wall, rnd_target_sha256: sha, argv, ...(stream ? { stream } : {}) }
}

// ---- metrics.jsonl ----------------------------------------------------------------------------------------------

/** A record read back: whatever numbers the file holds (older files lack the newer metrics; NaN is stored as null). */
export type ReadRecord = { iteration: number } & Record<string, number | null>

/** Metric names become file names (`graph --metric a,b` writes a+b.png): letters, digits and '_' only. */
const METRIC_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/

/**
 * One JSON object per line, iterations increasing, `each` checking a record's other fields. A last line without its
 * newline that does not parse is a write cut by a kill: it is left out.
 */
function checkIterationLines<T>(text: string, file: string, each: (r: Record<string, unknown>, where: string, f: Fields) => T): T[] {
  const f = new Fields(file)
  const lines = text.split('\n')
  const out: T[] = []
  let prev: number | undefined
  lines.forEach((line, i) => {
    if (!line.trim()) return
    const where = `line ${i + 1}`
    let v: unknown
    try {
      v = JSON.parse(line)
    } catch (e) {
      if (i === lines.length - 1) return // no newline after it: cut by a kill
      f.fail(where, `is not valid JSON (${(e as Error).message})`)
    }
    const r = f.object(v, where)
    if (!Object.hasOwn(r, 'iteration')) f.fail(`${where}: iteration`, 'is missing')
    const it = f.int(r.iteration, `${where}: iteration`, 1, COUNT_MAX)
    if (prev !== undefined && it <= prev) f.fail(`${where}: iteration`, `is ${it}, after iteration ${prev} (not increasing)`)
    prev = it
    out.push(each(r, where, f))
  })
  return out
}

/** The records of a metrics.jsonl text (checkIterationLines), every value a number or null. */
export function checkMetrics(text: string, file: string): ReadRecord[] {
  return checkIterationLines(text, file, (r, where, f) => {
    for (const [k, x] of Object.entries(r)) {
      if (!METRIC_NAME.test(k)) f.fail(where, `metric name ${shown(k)} is not a name (letters, digits, _)`)
      if (x !== null && !(typeof x === 'number' && Number.isFinite(x))) {
        f.fail(`${where}: ${k}`, `must be a number or null (got ${shown(x)})`)
      }
    }
    return r as ReadRecord
  })
}

// ---- visits.jsonl -----------------------------------------------------------------------------------------------

/** A record of visits.jsonl: rl/visit_map.ts VisitRecord of one iteration. */
export type VisitLine = VisitRecord & { iteration: number; total_env_steps: number }

/** The records of a visits.jsonl text (checkIterationLines): a grid's visit counts and mean intrinsic rewards per cell. */
export function checkVisits(text: string, file: string): VisitLine[] {
  return checkIterationLines(text, file, (r, where, f) => {
    const width = f.int(f.get(r, 'width', where), `${where}: width`, 1, 256)
    const height = f.int(f.get(r, 'height', where), `${where}: height`, 1, 256)
    const visits = f.numbers(f.get(r, 'visits', where), `${where}: visits`, width * height, 0)
    const mean = f.get(r, 'intrinsic_mean', where)
    if (!Array.isArray(mean) || mean.length !== width * height) f.fail(`${where}: intrinsic_mean`, `must be an array of ${width * height} values`)
    const intrinsic = (mean as unknown[]).map((x, k) => (x === null ? null : f.num(x, `${where}: intrinsic_mean[${k}]`)))
    return {
      iteration: r.iteration as number,
      total_env_steps: f.int(f.get(r, 'total_env_steps', where), `${where}: total_env_steps`, 0, COUNT_MAX),
      width,
      height,
      visits,
      intrinsic_mean: intrinsic,
    }
  })
}
