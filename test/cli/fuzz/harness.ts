// The fuzz corpus' tools: run the command in-process (cli/program.ts runCli, stdout and stderr captured), the
// one-line failure shape, a fingerprint of a folder tree (nothing created, nothing lost), a trained fixture
// experiment, and surgery on safetensors files and snapshot manifests.
import * as assert from 'uvu/assert'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { createHash } from 'node:crypto'
import { runCli } from '../../../cli/program.ts'
import * as os from 'node:os'
import { TINY } from '../run.ts'

export interface Ran {
  code: number
  stdout: string
  stderr: string
}

/** A temp folder in memory when the platform has one (/dev/shm): the corpus reads and rewrites files per case. */
export function tmpDir(tag: string): string {
  const base = fs.existsSync('/dev/shm') && fs.statSync('/dev/shm').isDirectory() ? '/dev/shm' : os.tmpdir()
  return fs.mkdtempSync(path.join(base, `rlrnd-${tag}-`))
}

/** runCli(argv) in this process, its output captured (uvu prints between tests, never during one). */
export function inProcess(argv: string[]): Promise<Ran> {
  return captured(() => runCli(argv))
}

/** Run `fn` (returning an exit code) with stdout and stderr captured. */
export async function captured(fn: () => Promise<number>): Promise<Ran> {
  const out: string[] = [],
    err: string[] = []
  const ow = process.stdout.write,
    ew = process.stderr.write
  process.stdout.write = ((s: string | Uint8Array) => {
    out.push(String(s))
    return true
  }) as typeof ow
  process.stderr.write = ((s: string | Uint8Array) => {
    err.push(String(s))
    return true
  }) as typeof ew
  let code: number
  try {
    code = await fn()
  } finally {
    process.stdout.write = ow
    process.stderr.write = ew
  }
  return { code, stdout: out.join(''), stderr: err.join('') }
}

/** The failure shape: the exit code, exactly one line `error: ...` on stderr matching `re`, no stack frame anywhere. */
export function assertFailure(r: Ran, code: number, re: RegExp, what: string): void {
  const show = `${what}\nexit ${r.code}\nstderr: ${r.stderr}\nstdout tail: ${r.stdout.slice(-400)}`
  assert.is(r.code, code, show)
  assert.ok(/^error: [^\n]+\n$/.test(r.stderr), `one line 'error: ...': ${show}`)
  assert.ok(!/\n\s+at /.test(r.stderr + r.stdout), `no stack frame: ${show}`)
  assert.ok(re.test(r.stderr), `${re} in: ${show}`)
}

/** Every path under `root` (relative) -> its bytes, or null for a folder; empty when root does not exist. */
export function readTree(root: string): Map<string, Buffer | null> {
  const out = new Map<string, Buffer | null>()
  const walk = (rel: string) => {
    for (const n of fs.readdirSync(path.join(root, rel)).sort()) {
      const r = path.join(rel, n)
      if (fs.lstatSync(path.join(root, r)).isDirectory()) {
        out.set(r, null)
        walk(r)
      } else out.set(r, fs.readFileSync(path.join(root, r)))
    }
  }
  if (fs.existsSync(root)) walk('')
  return out
}

/** The paths on which two trees differ: missing, added, a folder for a file, other bytes. */
export function treeDiff(a: Map<string, Buffer | null>, b: Map<string, Buffer | null>): string[] {
  const out: string[] = []
  for (const [k, v] of a) {
    const w = b.get(k)
    if (!b.has(k)) out.push(`${k} lost`)
    else if ((v === null) !== (w === null) || (v && w && !v.equals(w))) out.push(`${k} changed`)
  }
  for (const k of b.keys()) if (!a.has(k)) out.push(`${k} created`)
  return out
}

/** Assert `root` holds exactly the tree `before`; returns the tree read. */
export function assertUnchanged(before: Map<string, Buffer | null>, root: string, what: string): Map<string, Buffer | null> {
  const now = readTree(root)
  const d = treeDiff(before, now)
  assert.ok(d.length === 0, `${what}: nothing created, changed or lost, but ${d.slice(0, 5).join(', ')}`)
  return now
}

/** A folder put back as it was after each case (rewriting only what differs: cheaper than a fresh copy). */
export class Workspace {
  private readonly pristine: Map<string, Buffer | null>
  constructor(readonly root: string) {
    this.pristine = readTree(root)
  }
  /** `now`: the tree as just read, when the caller has it. */
  reset(now = readTree(this.root)): void {
    for (const [k, v] of [...now].reverse()) {
      // children first
      const want = this.pristine.get(k)
      if (!this.pristine.has(k) || (want === null) !== (v === null)) fs.rmSync(path.join(this.root, k), { recursive: true, force: true })
    }
    for (const [k, v] of this.pristine) {
      const p = path.join(this.root, k)
      if (v === null) fs.mkdirSync(p, { recursive: true })
      else if (!fs.existsSync(p) || !fs.readFileSync(p).equals(v)) fs.writeFileSync(p, v)
    }
  }
}

/** The train flags of the fixture run (TINY's networks), on the ref backend: nothing slow to open per case. */
export const NET = [...TINY, '--backend', 'ref']
export const GAME = 'PixelCopter-v0'

export interface Fixture {
  /** a data_dir holding GAME/experiment_1 with snapshots iter_000001 and iter_000002, rnd_target, metrics, log */
  data: string
  exp: string
  /** value.model, policy.model, rnd_target.safetensors as `train` saves final models */
  models: string
}

let fixture: Promise<Fixture> | null = null

/** One tiny training run of two iterations (wasm, one thread), made once per process and shared. */
export function trainedFixture(): Promise<Fixture> {
  fixture ??= (async () => {
    const data = tmpDir('fuzz-fixture')
    const r = await inProcess(['train', '--data_dir', data, ...TINY, '--threads', '1', '--max_iterations', '2'])
    if (r.code !== 0) throw new Error(`fixture training failed: ${r.stderr}`)
    const exp = path.join(data, GAME, 'experiment_1')
    // final models are the snapshot's model files (same encoding and metadata as train's value.model/policy.model)
    const models = tmpDir('fuzz-models')
    fs.copyFileSync(path.join(exp, 'snapshots', 'iter_000001', 'value.safetensors'), path.join(models, 'value.model'))
    fs.copyFileSync(path.join(exp, 'snapshots', 'iter_000001', 'policy.safetensors'), path.join(models, 'policy.model'))
    fs.copyFileSync(path.join(exp, 'rnd_target.safetensors'), path.join(models, 'rnd_target.safetensors'))
    return { data, exp, models }
  })()
  return fixture
}

/** A fresh copy of the fixture's data_dir (and its experiment folder); `keep` snapshot iterations (default: all). */
export function copyFixture(f: Fixture, keep?: number[]): { data: string; exp: string } {
  const data = tmpDir('fuzz-case')
  const snaps = path.join(f.exp, 'snapshots')
  const wanted = (src: string) => !keep || path.dirname(src) !== snaps || keep.includes(Number(path.basename(src).slice(5)))
  fs.cpSync(f.data, data, { recursive: true, filter: wanted })
  return { data, exp: path.join(data, GAME, 'experiment_1') }
}

// ---- safetensors surgery ----------------------------------------------------------------------------------------

export interface St {
  n: number
  header: Record<string, any>
  data: Uint8Array
}

export function parseSt(bytes: Uint8Array): St {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true))
  return { n, header: JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))), data: bytes.slice(8 + n) }
}

/** A file of `header` (an object, or raw JSON text) and `data`, the header length given or the header's own. */
export function buildSt(header: unknown, data: Uint8Array, headerLength?: bigint): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header))
  const out = new Uint8Array(8 + json.length + data.length)
  new DataView(out.buffer).setBigUint64(0, headerLength ?? BigInt(json.length), true)
  out.set(json, 8)
  out.set(data, 8 + json.length)
  return out
}

/** Tensor names in data order (the header's other keys are metadata). */
export function tensorNames(st: St): string[] {
  return Object.keys(st.header)
    .filter((k) => k !== '__metadata__')
    .sort((a, b) => st.header[a].data_offsets[0] - st.header[b].data_offsets[0])
}

/** Write float `v` at element `i` of tensor `name` (all its elements when `i` is 'all'), in a copy of the file. */
export function setValue(bytes: Uint8Array, name: string, i: number | 'all', v: number): Uint8Array {
  const st = parseSt(bytes),
    out = bytes.slice(),
    [b, e] = st.header[name].data_offsets
  const view = new DataView(out.buffer)
  for (let k = i === 'all' ? 0 : i; k < (i === 'all' ? (e - b) / 4 : i + 1); k++) view.setFloat32(8 + st.n + b + 4 * k, v, true)
  return out
}

// ---- snapshot manifests -----------------------------------------------------------------------------------------

/** Rewrite a file of a snapshot and its manifest entry to match: the damage reaches the file's own checks. */
export function replaceInSnapshot(snapDir: string, file: string, bytes: Uint8Array | string): void {
  const b = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes
  fs.writeFileSync(path.join(snapDir, file), b)
  const mfile = path.join(snapDir, 'COMPLETE')
  const m = JSON.parse(fs.readFileSync(mfile, 'utf8'))
  m.files[file] = { bytes: b.length, sha256: createHash('sha256').update(b).digest('hex') }
  fs.writeFileSync(mfile, JSON.stringify(m, null, 1))
}
