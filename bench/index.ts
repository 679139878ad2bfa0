// `npm run bench [-- --only NAME[,NAME]] [-- --json FILE]`: runs every bench/<name>.bench.ts suite in one process,
// each printing ours beside its peer (tfjs-wasm, tfjs-webgpu) with the ratio; --json also writes one record
// per measurement: {kernel, shape, backend, library, threads, ms, gflops | steps_per_s}.
import { readdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const argv = process.argv.slice(2)
const opt = (name: string) => {
  const i = argv.indexOf(name)
  if (i < 0) return undefined
  const v = argv[i + 1]
  if (!v || v.startsWith('--')) {
    console.error(`bench: ${name} needs a value`)
    process.exit(2)
  }
  return v
}
const jsonPath = opt('--json')
const only = opt('--only')?.split(',')

const suites = readdirSync(here).filter((f) => f.endsWith('.bench.ts')).map((f) => f.replace('.bench.ts', '')).sort()
const chosen = only ? suites.filter((s) => only.includes(s)) : suites
if (only && chosen.length !== only.length) {
  console.error(`bench: unknown suite in --only (${only.join(', ')}); available: ${suites.join(', ')}`)
  process.exit(2)
}
const json: Record<string, unknown>[] = []
for (const name of chosen) {
  console.log(`\n=== ${name} ===`)
  const mod = await import(join(here, `${name}.bench.ts`))
  await mod.run({ json })
}
if (jsonPath) {
  writeFileSync(jsonPath, JSON.stringify(json, null, 1) + '\n')
  console.log(`\nwrote ${json.length} records to ${jsonPath}`)
}
