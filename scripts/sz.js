// Line counts per top-level source folder (tinygrad's sz.py habit): `npm run sz`.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

const folders = ['kernels', 'engine', 'env', 'rl', 'cli', 'web', 'bench', 'test', 'scripts']
const exts = /\.(ts|js|wgsl)$/
let total = 0
const rows = []
function walk(dir, acc) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) walk(p, acc)
    else if (exts.test(name)) {
      const lines = readFileSync(p, 'utf8').split('\n').filter((l) => l.trim()).length
      acc.files.push([p, lines])
      acc.lines += lines
    }
  }
  return acc
}
for (const f of folders) {
  let acc = { files: [], lines: 0 }
  try { acc = walk(f, acc) } catch { continue }
  rows.push([f, acc.files.length, acc.lines, acc.files.sort((a, b) => b[1] - a[1])[0]])
  total += acc.lines
}
console.log('folder    files  lines  largest file')
for (const [f, n, l, big] of rows) console.log(`${f.padEnd(9)} ${String(n).padStart(5)} ${String(l).padStart(6)}  ${big ? `${big[0]} (${big[1]})` : ''}`)
console.log(`${'total'.padEnd(9)} ${''.padStart(5)} ${String(total).padStart(6)}`)
