// Which other processes are training a given run folder right now, so `explore` never starts a second trainer on a
// run someone already trains by hand (two writers would interleave metrics.jsonl and snapshots). Read from Linux's
// /proc (each process's arguments and working directory: `train` with --data_dir, --game or --config, and
// --experiment_name resolving to the folder); where /proc is missing none are found.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { FLAGS } from '../rl/args.ts'
import { CONFIGS } from '../rl/configs.ts'

/** The value of `--flag v` or `--flag=v` in argv (the last one given, as commander reads it). */
export function flagValue(argv: readonly string[], flag: string): string | undefined {
  let v: string | undefined
  argv.forEach((a, i) => {
    if (a === flag && i + 1 < argv.length) v = argv[i + 1]
    else if (a.startsWith(flag + '=')) v = a.slice(flag.length + 1)
  })
  return v
}

/**
 * Whether a `train` command line (run in cwd) writes to runDir. Its game comes from --game or a config we know; under
 * a config we do not know (another checkout's), data_dir and experiment_name alone decide: waiting needlessly is
 * better than two trainers on one run.
 */
export function trainsRun(argv: readonly string[], cwd: string, runDir: string): boolean {
  if (!argv.includes('train')) return false
  const name = flagValue(argv, '--config')
  const known = name === undefined || Object.hasOwn(CONFIGS, name)
  const preset = name !== undefined && known ? CONFIGS[name] : {}
  const dataDir = path.resolve(cwd, flagValue(argv, '--data_dir') ?? FLAGS.data_dir.default)
  const game = flagValue(argv, '--game') ?? (known ? (preset.game ?? FLAGS.game.default) : null)
  const experiment = flagValue(argv, '--experiment_name') ?? preset.experiment_name ?? FLAGS.experiment_name.default
  const want = path.resolve(runDir)
  if (game !== null) return path.join(dataDir, game, experiment) === want
  return path.basename(want) === experiment && path.dirname(path.dirname(want)) === dataDir
}

/** Ids of the processes (other than ours and `exclude`) whose command line trains runDir. */
export function trainingProcesses(runDir: string, exclude: ReadonlySet<number> = new Set()): number[] {
  let entries: string[]
  try {
    entries = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))
  } catch {
    return []
  }
  const out: number[] = []
  for (const p of entries) {
    const pid = Number(p)
    if (pid === process.pid || exclude.has(pid)) continue
    try {
      const argv = fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0')
      if (argv.includes('train') && trainsRun(argv, fs.readlinkSync(`/proc/${p}/cwd`), runDir)) out.push(pid)
    } catch {
      /* gone, or not ours to read */
    }
  }
  return out
}

/** Whether a process is still alive (signal 0 probes without signalling). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}
