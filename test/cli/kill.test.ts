// A training run SIGKILLed in the middle of writing a snapshot (RL_RND_TEST_SNAPSHOT_DELAY_MS makes the writer
// pause between files, so the kill lands mid-write deterministically) leaves the previous snapshot loadable; the
// next run resumes from it and completes the iteration.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { cli, cliAsync, TINY, tmpDir, expDir, metricsOf } from './run.ts'

const test = suite('cli/kill')

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

test('SIGKILL mid-snapshot, then resume from the previous snapshot', async () => {
  const data = tmpDir('kill')
  const snaps = path.join(expDir(data), 'snapshots')
  assert.is(cli(['train', '--data_dir', data, ...TINY, '--max_iterations', '1']).status, 0)
  const child = cliAsync(['train', '--data_dir', data, ...TINY, '--max_iterations', '2'], { RL_RND_TEST_SNAPSHOT_DELAY_MS: '400' })
  const exited = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_code, sig) => r(sig)))
  const tmp = path.join(snaps, '.tmp_iter_000002')
  const t0 = Date.now()
  let isKilled = false
  while (Date.now() - t0 < 25_000) {
    if (fs.existsSync(tmp) && fs.readdirSync(tmp).length >= 2) {
      child.kill('SIGKILL')
      isKilled = true
      break
    }
    await sleep(20)
  }
  assert.ok(isKilled, 'the writer reached the middle of snapshot 2')
  assert.is(await exited, 'SIGKILL')
  assert.equal(fs.readdirSync(snaps).sort(), ['.tmp_iter_000002', 'iter_000001'])
  assert.not.ok(fs.readdirSync(tmp).includes('COMPLETE'))
  assert.equal(
    metricsOf(data).map((r) => r.iteration),
    [1, 2],
  ) // logged before the kill; redone on resume

  const r = cli(['train', '--data_dir', data, ...TINY, '--max_iterations', '2'])
  assert.is(r.status, 0, r.stderr)
  assert.match(r.stdout, /Resumed from snapshot .*iter_000001 \(iteration 1\)/)
  assert.equal(fs.readdirSync(snaps), ['iter_000001', 'iter_000002'])
  assert.equal(
    metricsOf(data).map((x) => x.iteration),
    [1, 2],
  )
})

test('a damaged newest snapshot is skipped with a warning on resume', () => {
  const data = tmpDir('kill-damaged')
  assert.is(cli(['train', '--data_dir', data, ...TINY, '--max_iterations', '2']).status, 0)
  const f = path.join(expDir(data), 'snapshots', 'iter_000002', 'policy.safetensors')
  fs.writeFileSync(f, fs.readFileSync(f).subarray(0, 100))
  const r = cli(['train', '--data_dir', data, ...TINY, '--max_iterations', '2'])
  assert.is(r.status, 0, r.stderr)
  assert.match(r.stdout, /WARNING: skipping damaged snapshot iter_000002: .*policy\.safetensors: has 100 bytes.*kept as .*damaged_iter_000002/)
  assert.match(r.stdout, /Resumed from snapshot .*iter_000001/)
  assert.match(r.stdout, /Done collecting 4 rollouts for iteration 2,/)
})

test.run()
