// `npm run bench [-- --only NAME[,NAME]] [-- --json FILE] [-- --list]`: runs every bench/<name>.bench.ts suite, each in a fresh
// child process, each printing ours beside its peer (tfjs-wasm, tfjs-webgpu) with the ratio; --json also writes one
// record per measurement: {kernel, shape, backend, library, threads, ms, gflops | steps_per_s}.
// One process per suite: in a shared process a suite ran up to 3x slower after the WebGPU training-step suite (its
// Dawn devices, SwiftShader threads and tfjs backends stay alive), which was the "bimodal" dispatch overhead.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { tmpdir } from 'node:os'
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

const suites = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace('.bench.ts', ''))
  .sort()
if (argv.includes('--list')) {
  console.log(suites.join('\n'))
  process.exit(0)
}
const chosen = only ? suites.filter((s) => only.includes(s)) : suites
if (only && chosen.length !== only.length) {
  console.error(`bench: unknown suite in --only (${only.join(', ')}); available: ${suites.join(', ')}`)
  process.exit(2)
}
const json: Record<string, unknown>[] = []
const child = opt('--child') // internal: run one suite in this process and write its records to the given file
if (child) {
  const mod = await import(join(here, `${chosen[0]}.bench.ts`))
  await mod.run({ json })
  writeFileSync(child, JSON.stringify(json))
  process.exit(0)
}
const scratch = mkdtempSync(join(tmpdir(), 'rl-rnd-bench-'))
let failed = 0
for (const name of chosen) {
  console.log(`\n=== ${name} ===`)
  const out = join(scratch, `${name}.json`)
  const r = spawnSync(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), '--only', name, '--child', out, ...(argv.includes('--profile') ? ['--profile'] : [])],
    { stdio: 'inherit' },
  )
  if (r.status !== 0) {
    failed++
    console.error(`bench: suite ${name} failed (exit ${r.status ?? r.signal})`)
    continue
  }
  json.push(...JSON.parse(readFileSync(out, 'utf8')))
}
rmSync(scratch, { recursive: true, force: true })
if (jsonPath) {
  writeFileSync(jsonPath, JSON.stringify(json, null, 1) + '\n')
  console.log(`\nwrote ${json.length} records to ${jsonPath}`)
}
if (failed) process.exit(1)
