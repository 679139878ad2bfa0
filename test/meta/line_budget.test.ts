// The production tree stays inside its line budgets (scripts/sz_budget.js): the whole of kernels, engine, env, rl,
// cli and web, and each file in it. Counted as `npm run sz` counts.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
// @ts-expect-error: a plain .js module shared with scripts/sz.js
import { PRODUCTION, LINE_BUDGET, FILE_BUDGET, codeLines } from '../../scripts/sz_budget.js'

const test = suite('meta: line budget')

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n)
    return statSync(p).isDirectory() ? files(p) : /\.(ts|js|wgsl)$/.test(n) ? [p] : []
  })
}

const counts = (PRODUCTION as string[]).flatMap(files).map((p) => [p, codeLines(readFileSync(p, 'utf8'))] as const)

test('counting: non-blank lines', () => {
  assert.is(codeLines('a\n\n  \nb\n'), 2)
})

test(`the production tree is at most ${LINE_BUDGET} lines`, () => {
  const total = counts.reduce((s, [, n]) => s + n, 0)
  assert.ok(total > 1000, 'the walk found the tree')
  assert.ok(total <= LINE_BUDGET, `production tree: ${total} lines > budget ${LINE_BUDGET} (scripts/sz_budget.js)`)
})

test(`no production file is over ${FILE_BUDGET} lines`, () => {
  const over = counts.filter(([, n]) => n > FILE_BUDGET).map(([p, n]) => `${p} (${n})`)
  assert.equal(over, [], `over ${FILE_BUDGET} lines: ${over.join(', ')}`)
})

test.run()
