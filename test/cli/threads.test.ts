// `rl-rnd train --threads N`: kernel threads change speed, never results. Two tiny runs, one thread and two, write
// identical metrics (timings aside), and the log names the thread count; a negative count is refused (exit 2).
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { cli, TINY, tmpDir, metricsOf, untimed, expDir } from './run.ts'

const test = suite('cli/threads')

test('--threads 1 and --threads 2 train to the same metrics', () => {
  const runs = [1, 2].map((t) => {
    const data = tmpDir(`threads${t}`)
    const r = cli(['train', '--data_dir', data, ...TINY, '--max_iterations', '2', '--threads', String(t)], {}, 120_000)
    assert.is(r.status, 0, r.stderr)
    const log = fs.readFileSync(path.join(expDir(data), 'log.txt'), 'utf8')
    assert.match(log, t === 1 ? /Backend: .*1 thread\b/ : /Backend: .*2 threads/)
    return metricsOf(data).map(untimed)
  })
  assert.is(runs[0].length, 2)
  assert.equal(runs[1], runs[0])
})

test('a negative --threads is bad input', () => {
  const r = cli(['train', '--data_dir', tmpDir('threadsbad'), ...TINY, '--threads', '-1'])
  assert.is(r.status, 2, r.stderr)
  assert.match(r.stderr, /--threads must be an integer in \[0, 64\]/)
})

test.run()
