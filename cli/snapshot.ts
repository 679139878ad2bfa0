// Atomic snapshot store. A snapshot is a directory `snapshots/iter_000012/` holding named files (safetensors, JSON).
// It is written as `snapshots/.tmp_iter_000012/`: every file written and fsynced, then a `COMPLETE` manifest (sizes
// and sha256 of every file) written last and fsynced, then the directory fsynced and renamed into place, and the
// parent fsynced. A kill at any moment leaves either no `iter_000012` or a complete one, so the previous snapshot
// always stays loadable. Loading checks the manifest; a damaged newest snapshot is skipped with a warning.
// RL_RND_TEST_SNAPSHOT_DELAY_MS makes the writer pause between files (tests kill it mid-write deterministically).
import * as fs from 'node:fs'
import * as path from 'node:path'
import { createHash } from 'node:crypto'

export const MANIFEST = 'COMPLETE'
const NAME_RE = /^iter_(\d{6,})$/

export class SnapshotError extends Error {}

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

/** Write a single file atomically: a temp file next to it, fsync, rename over the target, fsync the directory. */
export function writeFileAtomic(file: string, bytes: Uint8Array | string): void {
  const dir = path.dirname(file)
  const tmp = path.join(dir, `.tmp_${path.basename(file)}.${process.pid}`)
  writeSynced(tmp, bytes)
  fs.renameSync(tmp, file)
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
    return fs.readdirSync(this.dir)
      .map((n) => NAME_RE.exec(n))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b)
  }

  /** Write a snapshot atomically; replaces an existing snapshot of the same iteration. Returns its directory. */
  save(iteration: number, files: Record<string, Uint8Array | string>): string {
    if (!Number.isInteger(iteration) || iteration < 0) throw new SnapshotError(`bad snapshot iteration ${iteration}`)
    fs.mkdirSync(this.dir, { recursive: true })
    const name = snapshotName(iteration)
    const tmp = path.join(this.dir, `.tmp_${name}`)
    const final = path.join(this.dir, name)
    fs.rmSync(tmp, { recursive: true, force: true }) // a leftover of a killed writer
    fs.mkdirSync(tmp)
    const delay = testDelay()
    const manifest: Manifest = { format: 'rl-rnd-snapshot/1', iteration, files: {} }
    for (const [file, content] of Object.entries(files)) {
      if (file === MANIFEST || file.includes('/') || file.startsWith('.')) {
        throw new SnapshotError(`bad snapshot file name '${file}'`)
      }
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
      fs.renameSync(tmp, final)
      fs.rmSync(old, { recursive: true, force: true })
    } else {
      fs.renameSync(tmp, final)
    }
    fsyncPath(this.dir)
    return final
  }

  /** Load and verify one snapshot; throws SnapshotError naming the problem. */
  load(iteration: number): Snapshot {
    const dir = path.join(this.dir, snapshotName(iteration))
    const fail = (msg: string): never => { throw new SnapshotError(`snapshot ${dir}: ${msg}`) }
    let manifest: Manifest
    try {
      manifest = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST), 'utf8'))
    } catch (e: any) {
      return fail(e.code === 'ENOENT' ? `no ${MANIFEST} manifest (incomplete)`
        : `unreadable ${MANIFEST} manifest (${e.message})`)
    }
    const isManifest = manifest?.format === 'rl-rnd-snapshot/1' && typeof manifest.files === 'object'
    if (!isManifest || manifest.iteration !== iteration) {
      fail(`${MANIFEST} manifest is not a snapshot manifest for iteration ${iteration}`)
    }
    const files: Record<string, Uint8Array> = {}
    for (const [file, { bytes, sha256: sum }] of Object.entries(manifest.files)) {
      let data: Uint8Array
      try {
        data = fs.readFileSync(path.join(dir, file))
      } catch (e: any) {
        return fail(`file ${file} is missing (${e.code ?? e.message})`)
      }
      if (data.length !== bytes) fail(`file ${file} has ${data.length} bytes, the manifest says ${bytes}`)
      if (sha256(data) !== sum) fail(`file ${file} does not match its sha256 in the manifest`)
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
