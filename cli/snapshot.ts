// Atomic snapshot store. A snapshot is a directory `snapshots/iter_000012/` holding named files (safetensors, JSON).
// It is written as `snapshots/.tmp_iter_000012/`: every file written and fsynced, then a `COMPLETE` manifest (sizes
// and sha256 of every file) written last and fsynced, then the directory fsynced and renamed into place, and the
// parent fsynced. A kill at any moment leaves either no `iter_000012` or a complete one, so the previous snapshot
// always stays loadable. Loading checks the manifest; a damaged newest snapshot is skipped with a warning.
// RL_RND_TEST_SNAPSHOT_DELAY_MS makes the writer pause between files (tests kill it mid-write deterministically).
import * as fs from 'node:fs'
import * as path from 'node:path'
import { createHash } from 'node:crypto'
import { DataError, Fields, readInput, readText } from './validate.ts'

export const MANIFEST = 'COMPLETE'
const NAME_RE = /^iter_(\d{6,})$/

export class SnapshotError extends Error {}

/** A file of a snapshot folder: no path separator, not hidden ('.', '..'), not the manifest. */
const isPlainName = (f: string) => f !== MANIFEST && f !== '' && !/[/\\\0]/.test(f) && !f.startsWith('.')

export interface Snapshot {
  iteration: number
  dir: string
  files: Record<string, Uint8Array>
}

interface Manifest {
  format: 'rl-rnd-snapshot/1'
  iteration: number
  files: Record<string, { bytes: number; sha256: string }>
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')
export const snapshotName = (iteration: number) => `iter_${String(iteration).padStart(6, '0')}`

function sleepMs(ms: number): void {
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

function testDelay(): number {
  const v = Number(process.env.RL_RND_TEST_SNAPSHOT_DELAY_MS ?? 0)
  return Number.isFinite(v) && v > 0 ? v : 0
}

function fsyncPath(p: string): void {
  const fd = fs.openSync(p, 'r')
  try {
    fs.fsyncSync(fd)
  } catch (e: any) {
    if (e.code !== 'EISDIR' && e.code !== 'EINVAL' && e.code !== 'EPERM') throw e // some filesystems refuse dir fsync
  } finally {
    fs.closeSync(fd)
  }
}

function writeSynced(file: string, bytes: Uint8Array | string): void {
  const fd = fs.openSync(file, 'w')
  try {
    fs.writeFileSync(fd, bytes)
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
}

/**
 * Write a single file atomically: a temp file next to it, fsync, rename over the target, fsync the directory. A
 * failed write (a full disk) removes the temp file and leaves the previous file as it was.
 */
export function writeFileAtomic(file: string, bytes: Uint8Array | string): void {
  const dir = path.dirname(file)
  const tmp = path.join(dir, `.tmp_${path.basename(file)}.${process.pid}`)
  try {
    writeSynced(tmp, bytes)
    fs.renameSync(tmp, file)
  } catch (e) {
    fs.rmSync(tmp, { force: true })
    throw e
  }
  fsyncPath(dir)
}

export class SnapshotStore {
  readonly dir: string
  private warn: (msg: string) => void

  /** `root` is the experiment directory; snapshots live in `root/snapshots/`. */
  constructor(root: string, opts: { warn?: (msg: string) => void } = {}) {
    this.dir = path.join(root, 'snapshots')
    this.warn = opts.warn ?? ((m) => console.error(`warning: ${m}`))
  }

  /** Iterations of the snapshot directories present (complete or not), ascending. */
  list(): number[] {
    if (!fs.existsSync(this.dir)) return []
    return fs
      .readdirSync(this.dir)
      .map((n) => NAME_RE.exec(n))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b)
  }

  /**
   * Write a snapshot atomically; replaces an existing snapshot of the same iteration. Returns its directory. When a
   * write fails (a full disk), the partial temp folder is removed and the error thrown: the older snapshots are
   * untouched, and so is one of the same iteration.
   */
  save(iteration: number, files: Record<string, Uint8Array | string>): string {
    if (!Number.isInteger(iteration) || iteration < 0) throw new SnapshotError(`bad snapshot iteration ${iteration}`)
    const bad = Object.keys(files).find((f) => !isPlainName(f))
    if (bad !== undefined) throw new SnapshotError(`bad snapshot file name '${bad}'`)
    fs.mkdirSync(this.dir, { recursive: true })
    const name = snapshotName(iteration)
    const tmp = path.join(this.dir, `.tmp_${name}`)
    const final = path.join(this.dir, name)
    fs.rmSync(tmp, { recursive: true, force: true }) // a leftover of a killed writer
    try {
      fs.mkdirSync(tmp)
      const delay = testDelay()
      const manifest: Manifest = { format: 'rl-rnd-snapshot/1', iteration, files: {} }
      for (const [file, content] of Object.entries(files)) {
        const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content
        writeSynced(path.join(tmp, file), bytes)
        manifest.files[file] = { bytes: bytes.length, sha256: sha256(bytes) }
        sleepMs(delay)
      }
      writeSynced(path.join(tmp, MANIFEST), JSON.stringify(manifest, null, 1))
      fsyncPath(tmp)
      if (fs.existsSync(final)) {
        // rename() cannot replace a non-empty directory: move the old one aside first (it is a stale run's)
        const old = path.join(this.dir, `.old_${name}`)
        fs.rmSync(old, { recursive: true, force: true })
        fs.renameSync(final, old)
        try {
          fs.renameSync(tmp, final)
        } catch (e) {
          fs.renameSync(old, final)
          throw e
        }
        fs.rmSync(old, { recursive: true, force: true })
      } else {
        fs.renameSync(tmp, final)
      }
      fsyncPath(this.dir)
    } catch (e) {
      fs.rmSync(tmp, { recursive: true, force: true }) // frees what the failed write took
      throw e
    }
    return final
  }

  /**
   * Rename a damaged snapshot to `damaged_iter_NNNNNN` (then `.2`, `.3`, ...), out of the way of the iterations
   * that will be written again but kept for whoever wants to look at it. Returns the new name.
   */
  moveAside(iteration: number): string {
    const from = path.join(this.dir, snapshotName(iteration))
    let to = path.join(this.dir, `damaged_${snapshotName(iteration)}`)
    for (let k = 2; fs.existsSync(to); k++) to = path.join(this.dir, `damaged_${snapshotName(iteration)}.${k}`)
    fs.renameSync(from, to)
    return to
  }

  /** Load and verify one snapshot against its manifest; throws a DataError naming the file and the problem. */
  load(iteration: number): Snapshot {
    const dir = path.join(this.dir, snapshotName(iteration))
    const mfile = path.join(dir, MANIFEST)
    const f = new Fields(mfile)
    let text: string
    try {
      text = readText(mfile)
    } catch (e) {
      if (e instanceof DataError && e.problem === 'is missing') f.fail('', 'is missing: the snapshot is incomplete')
      throw e
    }
    const m = f.object(f.json(text), '')
    f.str(f.get(m, 'format', ''), 'format', /^rl-rnd-snapshot\/1$/, "'rl-rnd-snapshot/1'")
    const it = f.int(f.get(m, 'iteration', ''), 'iteration', 0, Number.MAX_SAFE_INTEGER)
    if (it !== iteration) f.fail('iteration', `is ${it}, the snapshot folder is iteration ${iteration}`)
    const entries = f.object(f.get(m, 'files', ''), 'files')
    const files: Record<string, Uint8Array> = Object.create(null)
    for (const [file, entry] of Object.entries(entries)) {
      const field = `files.${JSON.stringify(file)}`
      if (!isPlainName(file)) f.fail(field, 'is not a plain file name in the snapshot folder')
      const e = f.object(entry, field)
      const bytes = f.int(f.get(e, 'bytes', field), `${field}.bytes`, 0, Number.MAX_SAFE_INTEGER)
      const sum = f.str(f.get(e, 'sha256', field), `${field}.sha256`, /^[0-9a-f]{64}$/, 'a sha256 in hex')
      const where = path.join(dir, file),
        data = readInput(where)
      if (data.length !== bytes) throw new DataError(where, '', `has ${data.length} bytes, the manifest says ${bytes}`)
      if (sha256(data) !== sum) throw new DataError(where, '', 'does not match its sha256 in the manifest')
      files[file] = data
    }
    return { iteration, dir, files }
  }

  /**
   * The newest snapshot that loads and passes `accept` (e.g. decodes), or null. Every damaged newer one is
   * skipped with a warning.
   */
  loadLatest(accept?: (s: Snapshot) => void): Snapshot | null {
    for (const it of this.list().reverse()) {
      try {
        const s = this.load(it)
        accept?.(s)
        return s
      } catch (e) {
        this.warn(`skipping damaged snapshot ${snapshotName(it)}: ${(e as Error).message}`)
      }
    }
    return null
  }

  /**
   * Keep the newest `keep` snapshots up to `current` (at least one: the seed's "delete snapshots older than this
   * many iterations"), remove older ones and leftover temp directories. Returns the removed iterations.
   */
  prune(keep: number, current: number): number[] {
    const removed: number[] = []
    const limit = current - Math.max(1, keep) // iterations <= limit go
    for (const it of this.list()) {
      if (it <= limit) {
        fs.rmSync(path.join(this.dir, snapshotName(it)), { recursive: true, force: true })
        removed.push(it)
      }
    }
    this.removeTemp()
    return removed
  }

  /** Remove every snapshot newer than `iteration` (a fresh --no_resume run must not leave a stale run's behind). */
  removeAfter(iteration: number): number[] {
    const removed = this.list().filter((it) => it > iteration)
    for (const it of removed) fs.rmSync(path.join(this.dir, snapshotName(it)), { recursive: true, force: true })
    return removed
  }

  /** Delete the temp directories a killed writer may have left. */
  removeTemp(): void {
    if (!fs.existsSync(this.dir)) return
    for (const n of fs.readdirSync(this.dir)) {
      const isLeftover = n.startsWith('.tmp_') || n.startsWith('.old_')
      if (isLeftover) fs.rmSync(path.join(this.dir, n), { recursive: true, force: true })
    }
  }
}
