// Disk faults during a run, on a small tmpfs of our own (mount needs root: elsewhere these tests are SKIPPED loudly):
// a full disk while a snapshot is written (ENOSPC: one line, exit 1, the temp folder gone, the previous snapshot
// intact byte for byte, and the run resumes from it once there is room), a disk already full when a run resumes,
// a full disk under play's GIF and graph's plot (the previous image intact), a read-only file system (EROFS: refused
// up front, nothing written), and a snapshot folder the user may not write (EACCES, run as nobody in a child).
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { spawnSync } from 'node:child_process'
import { assertFailure, assertUnchanged, inProcess, readTree } from './fuzz/harness.ts'
import { BIN, expDir, metricsOf } from './run.ts'

const test = suite('cli/disk')
const mnt = fs.mkdtempSync(path.join(os.tmpdir(), 'rlrnd-tmpfs-'))
const MB = 1024 * 1024

/** mount a tmpfs of `mb` MiB at mnt; false (after a loud line) where the platform does not allow it. */
function mount(mb: number, opts = ''): boolean {
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${mb}m${opts}`, 'tmpfs', mnt], { encoding: 'utf8' })
  if (r.status === 0) return true
  process.stderr.write(
    `\n  !!! SKIPPED cli/disk: cannot mount a tmpfs here (${(r.stderr || r.error?.message || '').trim()}); ` +
      'the full-disk, read-only and permission tests need root\n\n',
  )
  return false
}
const umount = () => spawnSync('umount', [mnt])
const free = () => {
  const s = fs.statfsSync(mnt)
  return s.bavail * s.bsize
}
/** Fill the file system until `leave` bytes are left (0: until a write fails). */
function fill(leave: number): void {
  const fd = fs.openSync(path.join(mnt, 'filler'), 'w')
  const chunk = Buffer.alloc(64 * 1024, 1)
  try {
    while (free() > leave) fs.writeSync(fd, chunk, 0, Math.min(chunk.length, Math.max(4096, free() - leave)))
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e
  } finally {
    fs.closeSync(fd)
  }
}
test.after(() => {
  umount()
  fs.rmSync(mnt, { recursive: true, force: true })
})

// snapshots of ~2.6 MB (the encoder's convolutions dominate), episodes short enough for one quick iteration
const FLAGS = [
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
  '--sequence_length',
  '8',
  '--backend',
  'wasm',
  '--threads',
  '1',
  '--disable_progress_bar',
  '--save_gifs',
  '1',
]

const canMount = mount(12)
if (canMount) umount()

/** Run `fn` on a fresh tmpfs of `mb` MiB (a loud skip where none can be mounted), unmounted after. */
async function onTmpfs(mb: number, fn: () => Promise<void>): Promise<void> {
  if (!mount(mb)) return
  try {
    await fn()
  } finally {
    umount()
  }
}

/** One iteration into data_dir `data`, which must succeed; the experiment's snapshots folder. */
async function trainOne(data: string): Promise<string> {
  const r = await inProcess(['train', '--data_dir', data, ...FLAGS, '--max_iterations', '1'])
  assert.is(r.code, 0, r.stderr)
  return path.join(expDir(data), 'snapshots')
}

test('a full disk during a snapshot: one line, exit 1, the previous snapshot intact; resumes once there is room', () =>
  onTmpfs(12, async () => {
    const data = path.join(mnt, 'data'),
      snaps = await trainOne(data)
    const before = readTree(snaps)
    fill(MB) // room for the metrics, log and GIF of iteration 2, not for its snapshot
    const r = await inProcess(['train', '--data_dir', data, ...FLAGS, '--max_iterations', '3'])
    assertFailure(r, 1, /^error: cannot write .*iter_000002: no space left on device \(ENOSPC\); the newest snapshot, .*iter_000001, is intact$/m, 'ENOSPC')
    assertUnchanged(before, snaps, 'the snapshots (no temp folder left either)')
    fs.rmSync(path.join(mnt, 'filler'))
    const ok = await inProcess(['train', '--data_dir', data, ...FLAGS, '--max_iterations', '2'])
    assert.is(ok.code, 0, ok.stderr)
    assert.match(ok.stdout, /Resumed from snapshot .*iter_000001 \(iteration 1\)/)
    assert.equal(
      metricsOf(data).map((m) => m.iteration),
      [1, 2],
    )
    assert.equal(fs.readdirSync(snaps), ['iter_000001', 'iter_000002'])
  }))

test('a disk already full when the run resumes: one line naming the file, exit 1, the snapshot intact', () =>
  onTmpfs(12, async () => {
    const data = path.join(mnt, 'data'),
      snaps = await trainOne(data)
    const before = readTree(snaps)
    fill(0)
    const r = await inProcess(['train', '--data_dir', data, ...FLAGS, '--max_iterations', '3'])
    assertFailure(r, 1, /^error: cannot write .*: no space left on device \(ENOSPC\)/m, 'full at start')
    assertUnchanged(before, snaps, 'the snapshots')
  }))

test('a full disk under play --gif and graph --out: one line, exit 1, the previous image intact, no temp file', () =>
  onTmpfs(4, async () => {
    const gif = path.join(mnt, 'play.gif')
    assert.is((await inProcess(['play', '--episodes', '1', '--gif', gif])).code, 0)
    const runs = path.join(mnt, 'runs', 'PixelCopter-v0', 'exp')
    fs.mkdirSync(runs, { recursive: true })
    fs.writeFileSync(path.join(runs, 'metrics.jsonl'), '{"iteration":1,"return_ext_mean":-4,"return_ext_std":0.5,"return_ext_min":-5,"return_ext_max":-3}\n')
    const png = path.join(mnt, 'plot.png'),
      graph = ['graph', '--data_dir', path.join(mnt, 'runs'), '--experiment_name', 'exp', '--out', png]
    assert.is((await inProcess(graph)).code, 0)
    fill(0)
    const before = readTree(mnt)
    const p = await inProcess(['play', '--episodes', '3', '--gif', gif, '--scale', '8'])
    assertFailure(p, 1, /^error: cannot write .*play\.gif: no space left on device \(ENOSPC\)$/m, 'play --gif')
    const g = await inProcess(graph)
    assertFailure(g, 1, /^error: cannot write .*plot\.png: no space left on device \(ENOSPC\)$/m, 'graph --out')
    assertUnchanged(before, mnt, 'the previous GIF and plot')
  }))

test('a read-only file system: refused up front (EROFS), nothing written', () =>
  onTmpfs(12, async () => {
    const data = path.join(mnt, 'data')
    await trainOne(data)
    assert.is(spawnSync('mount', ['-o', 'remount,ro', mnt]).status, 0)
    const before = readTree(mnt)
    const r = await inProcess(['train', '--data_dir', data, ...FLAGS, '--max_iterations', '2'])
    assertFailure(r, 2, /^error: --data_dir is not writable: .*\(EROFS\)$/m, 'train on EROFS')
    const p = await inProcess(['play', '--episodes', '1', '--gif', path.join(mnt, 'x.gif')])
    assertFailure(p, 2, /^error: cannot write GIF '.*x\.gif': read-only file system \(EROFS\)$/m, 'play on EROFS')
    assertUnchanged(before, mnt, 'a read-only mount')
  }))

test('a snapshot folder the user may not write (EACCES, as nobody): one line, exit 1, the previous snapshot intact', async () => {
  if (!canMount) return // root is needed to run a child as another user, as for the mount
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'rlrnd-eacces-'))
  const snaps = await trainOne(data),
    exp = expDir(data)
  // nobody may write the experiment (log, metrics, GIFs) but not the snapshot folder
  for (const p of [data, path.dirname(exp), exp]) fs.chmodSync(p, 0o777)
  for (const f of fs.readdirSync(exp)) if (f !== 'snapshots') fs.chmodSync(path.join(exp, f), 0o777)
  const before = readTree(snaps)
  const r = spawnSync(process.execPath, [BIN, 'train', '--data_dir', data, ...FLAGS, '--max_iterations', '2'], {
    encoding: 'utf8',
    uid: 65534,
    gid: 65534,
    env: { ...process.env, HOME: os.tmpdir() },
    timeout: 120_000,
  })
  if (r.error || /EACCES.*(tsx|node_modules)/.test(r.stderr)) {
    process.stderr.write(`\n  !!! SKIPPED EACCES: cannot run the command as nobody here (${r.error?.message ?? r.stderr.trim()})\n\n`)
    return
  }
  assertFailure(
    { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr },
    1,
    /^error: cannot write .*iter_000002: permission denied \(EACCES\); the newest snapshot, .*iter_000001, is intact$/m,
    'EACCES',
  )
  assertUnchanged(before, snaps, 'the snapshots')
})

test.run()
