// `rl-rnd bench`: --list goes through the same child process as a run (node + tsx's loader + bench/index.ts), so it
// checks that wiring without spending a minute on a suite; an unknown suite is refused with one clear line (exit 2).
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as fs from 'node:fs'
import { cli } from './run.ts'

const test = suite('cli/bench')
const suites = fs
  .readdirSync(new URL('../../bench/', import.meta.url))
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace('.bench.ts', ''))
  .sort()

test('--list names every bench/<name>.bench.ts', () => {
  const r = cli(['bench', '--list'])
  assert.is(r.status, 0, r.stderr)
  assert.equal(r.stdout.trim().split('\n'), suites)
  assert.ok(suites.includes('webgpu') && suites.includes('train_step'))
})

test('an unknown suite: exit 2, one line naming it and the available ones', () => {
  const r = cli(['bench', '--only', 'matmul,nope'])
  assert.is(r.status, 2, r.stderr)
  const lines = r.stderr.trim().split('\n')
  assert.is(lines.length, 1, r.stderr)
  assert.match(lines[0], /^error: unknown suite nope in --only; available: .*matmul/)
})

test.run()
