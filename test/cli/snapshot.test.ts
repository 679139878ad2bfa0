// cli/snapshot.ts: atomic save/load round trip, manifest checks (a damaged newest snapshot is skipped with a
// warning), pruning as the seed's keep_past_x_snapshots, leftovers of a killed writer, atomic single files.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { SnapshotStore, writeFileAtomic, snapshotName, MANIFEST } from '../../cli/snapshot.ts'
import { DataError } from '../../cli/validate.ts'

const test = suite('cli/snapshot')
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'rlrnd-snap-'))
const files = (i: number) => ({ 'value.safetensors': new Uint8Array([1, 2, 3, i]), 'state.json': JSON.stringify({ iteration: i }) })

function store(dir = tmp()) {
  const warnings: string[] = []
  return { s: new SnapshotStore(dir, { warn: (m) => warnings.push(m) }), warnings, dir }
}

test('save then load round trip, with a manifest of sizes and sha256', () => {
  const { s } = store()
  const dir = s.save(3, files(3))
  assert.is(path.basename(dir), 'iter_000003')
  const m = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST), 'utf8'))
  assert.is(m.files['value.safetensors'].bytes, 4)
  assert.match(m.files['state.json'].sha256, /^[0-9a-f]{64}$/)
  const l = s.load(3)
  assert.equal([...l.files['value.safetensors']], [1, 2, 3, 3])
  assert.is(new TextDecoder().decode(l.files['state.json']), '{"iteration":3}')
  assert.equal(s.list(), [3])
  assert.equal(fs.readdirSync(s.dir), ['iter_000003'])
})

test('loadLatest picks the newest; a damaged newest is skipped with a warning', () => {
  const { s, warnings } = store()
  s.save(1, files(1))
  s.save(2, files(2))
  s.save(3, files(3))
  // iteration 3: a file flipped; iteration 2: its manifest is gone (incomplete)
  const f3 = path.join(s.dir, snapshotName(3), 'value.safetensors')
  fs.writeFileSync(f3, new Uint8Array([9, 9, 9, 9]))
  fs.rmSync(path.join(s.dir, snapshotName(2), MANIFEST))
  const l = s.loadLatest()
  assert.is(l?.iteration, 1)
  assert.is(warnings.length, 2)
  assert.match(warnings[0], /iter_000003.*value\.safetensors: does not match its sha256/)
  assert.match(warnings[1], /iter_000002.*COMPLETE: is missing: the snapshot is incomplete/)
})

test('truncated and missing files are damage too; accept() can reject a snapshot', () => {
  const { s, warnings } = store()
  s.save(1, files(1))
  s.save(2, files(2))
  fs.truncateSync(path.join(s.dir, snapshotName(2), 'state.json'), 3)
  const isShort = (e: Error) => e instanceof DataError && /state\.json: has 3 bytes, the manifest says 15/.test(e.message)
  assert.throws(() => s.load(2), isShort)
  s.save(2, files(2))
  fs.rmSync(path.join(s.dir, snapshotName(2), 'state.json'))
  assert.throws(() => s.load(2), /state\.json: is missing/)
  const l = s.loadLatest((snap) => {
    if (snap.iteration === 1) throw new Error('incompatible')
  })
  assert.is(l, null)
  assert.is(warnings.length, 2)
  assert.match(warnings[1], /iter_000001: incompatible/)
})

test('no snapshots: loadLatest is null, list is empty', () => {
  const { s } = store()
  assert.is(s.loadLatest(), null)
  assert.equal(s.list(), [])
})

test('prune keeps the newest keep_past_x_snapshots (at least one) and removes temp leftovers', () => {
  const { s } = store()
  for (let i = 1; i <= 6; i++) s.save(i, files(i))
  fs.mkdirSync(path.join(s.dir, '.tmp_iter_000007'))
  assert.equal(s.prune(3, 6), [1, 2, 3])
  assert.equal(s.list(), [4, 5, 6])
  assert.not.ok(fs.existsSync(path.join(s.dir, '.tmp_iter_000007')))
  assert.equal(s.prune(0, 6), [4, 5])
  assert.equal(s.list(), [6])
  assert.equal(s.prune(10, 6), [])
})

test('a killed writer leaves only a .tmp_ directory, ignored by list/loadLatest; the next save replaces it', () => {
  const { s } = store()
  s.save(1, files(1))
  const t = path.join(s.dir, '.tmp_iter_000002')
  fs.mkdirSync(t)
  fs.writeFileSync(path.join(t, 'value.safetensors'), 'half')
  assert.equal(s.list(), [1])
  assert.is(s.loadLatest()?.iteration, 1)
  s.save(2, files(2))
  assert.equal(s.list(), [1, 2])
  assert.equal(fs.readdirSync(s.dir).sort(), ['iter_000001', 'iter_000002'])
})

test('save replaces an existing snapshot of the same iteration; removeAfter drops newer ones', () => {
  const { s } = store()
  s.save(1, files(1))
  s.save(2, files(2))
  s.save(3, files(3))
  s.save(1, { 'state.json': 'fresh' })
  assert.equal(Object.keys(s.load(1).files), ['state.json'])
  assert.equal(s.removeAfter(1), [2, 3])
  assert.equal(s.list(), [1])
})

test('bad file names are refused', () => {
  const { s } = store()
  assert.throws(() => s.save(1, { [MANIFEST]: 'x' }), /bad snapshot file name/)
  assert.throws(() => s.save(1, { 'a/b': 'x' }), /bad snapshot file name/)
})

test('writeFileAtomic replaces the file and leaves no temp file', () => {
  const d = tmp()
  const f = path.join(d, 'rnd_target.safetensors')
  writeFileAtomic(f, 'one')
  writeFileAtomic(f, new Uint8Array([50, 51]))
  assert.is(fs.readFileSync(f, 'utf8'), '23')
  assert.equal(fs.readdirSync(d), ['rnd_target.safetensors'])
})

test.run()
