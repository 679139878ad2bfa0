// `rl-rnd bench`: the benchmark suites of bench/ (benchmark.js; ours beside the peers tfjs-backend-wasm and
// tfjs-backend-webgpu in the same run), the same as `npm run bench`. bench/index.ts is run as a program, not
// imported (cli/ does not depend on bench/), in a child process with tsx's loader; it runs each suite in a fresh
// process of its own. --list names the suites without running them (bench/index.ts --list, through the same child).
import type { Command } from 'commander'
import { existsSync, readdirSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { badInput, exitOnBadInput } from './args_cli.ts'
import { CliError, checkOutputFile } from './errors.ts'

const BENCH_DIR = fileURLToPath(new URL('../bench/', import.meta.url))
const INDEX = `${BENCH_DIR}index.ts`

/** The suite names (bench/<name>.bench.ts). */
export function benchSuites(): string[] {
  if (!existsSync(INDEX)) return []
  return readdirSync(BENCH_DIR)
    .filter((f) => f.endsWith('.bench.ts'))
    .map((f) => f.replace('.bench.ts', ''))
    .sort()
}

export function register(program: Command): void {
  exitOnBadInput(program.command('bench'))
    .description('run the benchmark suites (GFLOP/s, steps/s) beside the tfjs peers in the same run (npm run bench)')
    .option('--only <suites>', 'comma-separated suite names (see --list)')
    .option('--json <file>', 'also write one JSON record per measurement to this file')
    .option('--list', 'list the suites and exit')
    .action((o: { only?: string; json?: string; list?: boolean }) => {
      const suites = benchSuites()
      if (suites.length === 0) badInput(`no benchmark suites at ${BENCH_DIR} (they ship with the source checkout, not the package)`)
      if (o.only !== undefined && !o.only.split(',').some(Boolean)) badInput('--only needs suite names (see --list)')
      if (o.json !== undefined) checkOutputFile(o.json, '--json')
      const unknown = (o.only?.split(',').filter(Boolean) ?? []).filter((s) => !suites.includes(s))
      if (unknown.length) badInput(`unknown suite${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} in --only; available: ${suites.join(', ')}`)
      const args = o.list ? ['--list'] : [...(o.only ? ['--only', o.only] : []), ...(o.json ? ['--json', o.json] : [])]
      // tsx by absolute URL: a bare --import specifier would resolve from the user's working directory
      const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), INDEX, ...args], { stdio: 'inherit' })
      if (r.status === 0) return
      // the child printed its own errors; only a failure to run it, or a signal, is ours to tell
      const why = r.error ? `cannot run the benchmarks: ${r.error.message}` : r.signal ? `the benchmarks were stopped by ${r.signal}` : ''
      throw new CliError(why, r.status ?? 1)
    })
}
