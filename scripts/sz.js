// Code lines (non-blank) per file and per top-level folder, tinygrad's sz.py habit: `npm run sz` (add `--files` for
// every file, largest first). test/meta/line_budget.test.ts holds the production tree to LINE_BUDGET (scripts/sz_budget.js).
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { FOLDERS, codeLines } from './sz_budget.js'

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) walk(p, out)
    else if (/\.(ts|js|wgsl)$/.test(name)) out.push([p, codeLines(readFileSync(p, 'utf8'))])
  }
  return out
}

const all = []
let total = 0
console.log('folder    files  lines  largest file')
for (const f of FOLDERS) {
  let files = []
  try {
    files = walk(f, [])
  } catch {
    continue
  }
  files.sort((a, b) => b[1] - a[1])
  const lines = files.reduce((s, [, n]) => s + n, 0)
  total += lines
  all.push(...files)
  console.log(`${f.padEnd(9)} ${String(files.length).padStart(5)} ${String(lines).padStart(6)}  ${files[0] ? `${files[0][0]} (${files[0][1]})` : ''}`)
}
console.log(`${'total'.padEnd(9)} ${''.padStart(5)} ${String(total).padStart(6)}`)
if (process.argv.includes('--files')) {
  console.log('\nlines  file')
  for (const [p, n] of all.sort((a, b) => b[1] - a[1])) console.log(`${String(n).padStart(5)}  ${p}`)
}
