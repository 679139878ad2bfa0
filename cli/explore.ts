// `rl-rnd explore`: PPO + RND against PPO alone on one level, same seeds, same frame budget. For each seed s and
// agent (rnd, ppo) a child process `train --config CFG --experiment_name explore_<agent>_seed<s> --rng_seed s
// --max_frames N ...` (ppo adds --intrinsic_coefficient 0, nothing else differs), `--parallel` at a time, each
// child's output in <run>/explore.log. Resumable for free: train resumes from its snapshots, and a run that reached
// the budget is skipped; a run another process is training (cli/train_processes.ts) is waited for, not doubled.
// At the end (or at once with --plot_only): explore.png/.svg (cli/explore_plot.ts), explore.md/.json
// (cli/explore_runs.ts) and the heat map of the first RND seed (cli/visits.ts) in data_dir/<game>/.
// Ctrl-C or a kill stops the children with SIGTERM (their snapshots are written atomically, so each keeps its last
// one) and exits 130 / 143; a second signal kills them at once. Exit 0 when done, 1 when a run failed, 2 bad input.
import { Command, InvalidArgumentError } from 'commander'
import { spawn, type ChildProcess } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { addTrainOptions, argsFromOptions, badInput, exitOnBadInput } from './args_cli.ts'
import { CliError } from './errors.ts'
import { readMetrics, type ReadRecord } from './log.ts'
import { fmtCount } from './plot.ts'
import { AGENTS, SOLVED, fmtDuration, framesOf, readRun, runRefs, summarize, tableJson, tableMarkdown, type RunRef } from './explore_runs.ts'
import { renderExplore, type AgentRuns } from './explore_plot.ts'
import { evenlySpaced, readVisits, renderVisits } from './visits.ts'
import { writeImage } from './graph.ts'
import { isAlive, trainingProcesses } from './train_processes.ts'
import { FLAGS } from '../rl/args.ts'
import { CONFIGS, CONFIG_NAMES } from '../rl/configs.ts'

const BIN = fileURLToPath(new URL('./bin.js', import.meta.url))
const POLL_MS = 1000,
  HEARTBEAT_MS = 30_000
/** train flags explore sets itself: --train_args may not give them */
const OWN_FLAGS = [
  'config',
  'game',
  'data_dir',
  'experiment_name',
  'rng_seed',
  'max_frames',
  'threads',
  'intrinsic_coefficient',
  'disable_progress_bar',
  'no_resume',
  'model',
]

export interface Plan {
  config: string
  game: string
  /** --game given: passed on to train (else the config's game) */
  gameGiven: boolean
  seeds: number
  budget: number
  parallel: number
  threads: number
  dataDir: string
  gameDir: string
  trainArgs: string[]
}

interface ExploreOptions {
  config?: string
  game?: string
  seeds: number
  frames?: number
  parallel: number
  threads: number
  data_dir: string
  train_args: string
  plot_only?: boolean
}

export function trainArgv(p: Plan, ref: RunRef): string[] {
  return [
    'train',
    '--config',
    p.config,
    ...(p.gameGiven ? ['--game', p.game] : []),
    '--data_dir',
    p.dataDir,
    '--experiment_name',
    ref.name,
    '--rng_seed',
    String(ref.seed),
    '--max_frames',
    String(p.budget),
    '--threads',
    String(p.threads),
    '--disable_progress_bar',
    ...(ref.agent === 'ppo' ? ['--intrinsic_coefficient', '0'] : []),
    ...p.trainArgs,
  ]
}

/** The train command line as train itself would read it: null when fine, else its one-line error. */
function checkTrainArgv(argv: string[]): string | null {
  const cmd = addTrainOptions(new Command('train'))
    .exitOverride()
    .configureOutput({ writeErr: () => {}, writeOut: () => {} })
  try {
    cmd.parse(argv.slice(1), { from: 'user' })
  } catch (e) {
    return (e as Error).message.replace(/^error: /, '')
  }
  const r = argsFromOptions(cmd.opts(), cmd)
  return 'error' in r ? r.error : null
}

/** Options -> plan; one line and exit 2 on bad input. */
function makePlan(o: ExploreOptions): Plan {
  let config = o.config
  if (config !== undefined && !Object.hasOwn(CONFIGS, config)) badInput(`unknown --config '${config}'; available: ${CONFIG_NAMES.join(', ')}`)
  if (config === undefined) {
    if (o.game === undefined) badInput('give --config NAME (or --game of a level with a named config)')
    config = CONFIG_NAMES.find((n) => CONFIGS[n].game === o.game)
    if (config === undefined) {
      const known = CONFIG_NAMES.filter((n) => CONFIGS[n].game).map((n) => `${CONFIGS[n].game} (${n})`)
      badInput(`no named config for --game ${o.game}; give --config NAME (configs: ${known.join(', ')})`)
    }
  }
  const game = o.game ?? CONFIGS[config].game ?? FLAGS.game.default
  const budget = o.frames ?? CONFIGS[config].max_frames ?? 0
  if (!(budget > 0)) badInput(`--config ${config} has no frame budget: give --frames N`)
  const trainArgs = o.train_args.split(/\s+/).filter(Boolean)
  const own = trainArgs.find((a) => OWN_FLAGS.some((f) => a === `--${f}` || a.startsWith(`--${f}=`)))
  if (own) badInput(`--train_args may not set ${own.split('=')[0]}: explore sets it (use its own option, if any)`)
  const plan: Plan = {
    config,
    game,
    gameGiven: o.game !== undefined,
    seeds: o.seeds,
    budget,
    parallel: o.parallel,
    threads: o.threads,
    dataDir: o.data_dir,
    gameDir: path.join(o.data_dir, game),
    trainArgs,
  }
  const bad = checkTrainArgv(trainArgv(plan, runRefs(plan.gameDir, 1)[0]))
  if (bad) badInput(o.train_args ? `--train_args '${o.train_args}': ${bad}` : bad)
  return plan
}

// ---- outputs ----------------------------------------------------------------------------------------------------
/** Figure, table, JSON and the first RND seed's heat map; returns the table (markdown) and the files written. */
export function writeOutputs(p: Plan): { table: string; files: string[] } {
  const refs = runRefs(p.gameDir, p.seeds)
  const records = refs.map((r) => readRun(r, p.budget))
  const rows = refs.map((r, i) => summarize(r, records[i], p.budget))
  const runs = Object.fromEntries(AGENTS.map((a) => [a, records.filter((_, i) => refs[i].agent === a)])) as AgentRuns
  const meta = { game: p.game, config: p.config, budget: p.budget, seeds: p.seeds }
  const out = (f: string) => path.join(p.gameDir, f)
  const files: string[] = []
  const write = (f: string, data: string | Buffer) => {
    writeImage(out(f), data)
    files.push(out(f))
  }
  const title = `${p.game}: PPO + RND vs PPO alone, budget ${fmtCount(p.budget)} frames`
  write('explore.png', renderExplore('png', runs, title))
  write('explore.svg', renderExplore('svg', runs, title))
  const table = tableMarkdown(meta, rows)
  write('explore.md', table)
  write('explore.json', tableJson(meta, rows))
  const first = refs.find((r) => r.agent === 'rnd')!
  const visits = evenlySpaced(readVisits(first.dir).filter((v) => v.total_env_steps <= framesOf(records[refs.indexOf(first)])))
  if (visits.length) {
    const vt = `${p.game} ${first.name}: where the intrinsic reward goes`
    write('explore_visits.png', renderVisits('png', visits, vt))
    write('explore_visits.svg', renderVisits('svg', visits, vt))
  }
  return { table, files }
}

// ---- running ----------------------------------------------------------------------------------------------------
const clock = () => new Date().toTimeString().slice(0, 8)
const say = (line: string) => process.stdout.write(`${clock()} ${line}\n`)

/** The last complete record of a metrics.jsonl, read from its tail (cheap on long runs). */
function lastRecord(file: string): ReadRecord | null {
  let fd: number
  try {
    fd = fs.openSync(file, 'r')
  } catch {
    return null
  }
  try {
    const size = fs.fstatSync(fd).size,
      n = Math.min(size, 16384),
      buf = Buffer.alloc(n)
    fs.readSync(fd, buf, 0, n, size - n)
    const lines = buf
      .toString('utf8')
      .split('\n')
      .filter((l) => l.trim())
    for (let i = lines.length - 1; i >= 0; i--) {
      try {
        const r = JSON.parse(lines[i])
        if (typeof r?.iteration === 'number') return r
      } catch {
        /* cut line */
      }
    }
    return null
  } finally {
    fs.closeSync(fd)
  }
}

interface Active {
  ref: RunRef
  child: ChildProcess | null
  /** processes of someone else training this run (we wait for them) */
  others: number[]
  last: ReadRecord | null
  warnedPast: boolean
}

const successText = (r: ReadRecord | null) => (typeof r?.success_rate === 'number' ? r.success_rate.toFixed(2) : '-')

class Runner {
  private readonly pending: RunRef[]
  private readonly active = new Map<string, Active>()
  private done = 0
  private failed = 0
  private stopping: NodeJS.Signals | null = null
  private lastLine = 0
  private readonly total: number

  constructor(private readonly p: Plan) {
    const refs = runRefs(p.gameDir, p.seeds)
    this.total = refs.length
    this.pending = refs.filter((r) => {
      const frames = framesOf(readMetrics(path.join(r.dir, 'metrics.jsonl')))
      if (frames >= p.budget) {
        this.done++
        say(`${r.name}: done (${frames} frames), skipped`)
        return false
      }
      say(`${r.name}: ${frames > 0 ? `resumes at ${frames} frames` : 'new'}`)
      return true
    })
  }

  private ours(): Set<number> {
    return new Set([...this.active.values()].flatMap((a) => (a.child?.pid ? [a.child.pid] : [])))
  }

  private start(ref: RunRef): void {
    const others = trainingProcesses(ref.dir, this.ours())
    const a: Active = { ref, child: null, others, last: lastRecord(path.join(ref.dir, 'metrics.jsonl')), warnedPast: false }
    this.active.set(ref.name, a)
    if (others.length) {
      say(`${ref.name}: another process trains it (pid ${others.join(', ')}); waiting for it to end`)
      return
    }
    fs.mkdirSync(ref.dir, { recursive: true })
    const argv = trainArgv(this.p, ref)
    const fd = fs.openSync(path.join(ref.dir, 'explore.log'), 'a')
    fs.writeSync(fd, `\n${new Date().toISOString()} explore: node ${BIN} ${argv.join(' ')}\n`)
    const child = spawn(process.execPath, [BIN, ...argv], { stdio: ['ignore', fd, fd] })
    fs.closeSync(fd)
    a.child = child
    say(`started ${ref.name} (pid ${child.pid}), ${ref.agent === 'ppo' ? '--intrinsic_coefficient 0, ' : ''}output in ${path.join(ref.dir, 'explore.log')}`)
    child.on('exit', (code, signal) => this.onExit(a, code, signal))
  }

  private onExit(a: Active, code: number | null, signal: NodeJS.Signals | null): void {
    this.active.delete(a.ref.name)
    const records = readRun(a.ref, this.p.budget),
      s = summarize(a.ref, records, this.p.budget)
    const log = path.join(a.ref.dir, 'explore.log')
    if (this.stopping) {
      say(`stopped ${a.ref.name} at ${s.frames} frames (${signal ?? `exit ${code}`}); it keeps its last snapshot`)
    } else if (code === 0 && s.status === 'done') {
      this.done++
      say(
        `finished ${a.ref.name}: ${s.frames} frames, success ${successText(records.at(-1) ?? null)} in the last iteration, ` +
          `first success >= ${SOLVED} at ${s.first_frame_solved ?? 'never'}, wall ${fmtDuration(s.wall_seconds)}`,
      )
    } else if (code === 0) {
      this.done++
      say(`${a.ref.name} ended at ${s.frames} frames, below the budget of ${this.p.budget} (exit 0; see ${log})`)
    } else {
      this.failed++
      say(`FAILED ${a.ref.name} (${signal ? `signal ${signal}` : `exit ${code}`}) at ${s.frames} frames; see ${log}`)
    }
    this.tick()
  }

  /** Other processes' runs: when they are gone, count the run done or queue it to resume. */
  private checkOthers(): void {
    for (const a of [...this.active.values()]) {
      if (a.child || a.others.some(isAlive)) continue
      this.active.delete(a.ref.name)
      const frames = framesOf(readRun(a.ref, this.p.budget))
      if (frames >= this.p.budget) {
        this.done++
        say(`${a.ref.name}: the other process ended at the budget (${frames} frames)`)
      } else {
        say(`${a.ref.name}: the other process ended at ${frames} frames; resuming it here`)
        this.pending.unshift(a.ref)
      }
    }
  }

  private status(force: boolean): void {
    let changed = false
    for (const a of this.active.values()) {
      const r = lastRecord(path.join(a.ref.dir, 'metrics.jsonl'))
      if (r && r.iteration !== a.last?.iteration) changed = true
      a.last = r
      if (a.others.length && r && (r.total_env_steps ?? 0) >= this.p.budget && !a.warnedPast) {
        a.warnedPast = true
        say(
          `${a.ref.name}: pid ${a.others.join(', ')} trains it past the budget (${r.total_env_steps} >= ${this.p.budget} ` +
            'frames); stop that process to go on',
        )
      }
    }
    if (!changed && !force) return
    const runs = [...this.active.values()].map((a) => {
      const who = a.others.length ? ` (pid ${a.others[0]})` : ''
      return (
        `${a.ref.agent} s${a.ref.seed}${who}: ${fmtCount(a.last?.total_env_steps ?? 0)}/${fmtCount(this.p.budget)} frames, ` +
        `it ${a.last?.iteration ?? 0}, success ${successText(a.last)}`
      )
    })
    say(`${runs.join(' | ')} | ${this.done} of ${this.total} done, ${this.pending.length} queued`)
    this.lastLine = Date.now()
  }

  private tick(): void {
    if (this.stopping) return
    this.checkOthers()
    while (this.active.size < this.p.parallel && this.pending.length) this.start(this.pending.shift()!)
  }

  stop(signal: NodeJS.Signals): void {
    const children = [...this.active.values()].flatMap((a) => (a.child ? [a.child] : []))
    if (this.stopping) {
      for (const c of children) c.kill('SIGKILL')
      return
    }
    this.stopping = signal
    say(`${signal}: stopping ${children.length} run(s); each keeps its last snapshot; the same command resumes`)
    for (const c of children) c.kill('SIGTERM')
  }

  /** Runs the queue to the end (or a signal); resolves with the exit code. */
  async run(): Promise<number> {
    this.tick()
    while (this.active.size > 0) {
      await new Promise((ok) => setTimeout(ok, POLL_MS))
      if (this.stopping) {
        if (![...this.active.values()].some((a) => a.child)) break
        continue
      }
      this.tick()
      this.status(Date.now() - this.lastLine >= HEARTBEAT_MS)
    }
    if (this.stopping) return this.stopping === 'SIGINT' ? 130 : 143
    return this.failed > 0 ? 1 : 0
  }
}

// ---- the command ------------------------------------------------------------------------------------------------
const positiveInt =
  (name: string, min = 1) =>
  (v: string) => {
    const n = Number(v)
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}.`)
    return n
  }

export function register(program: Command): void {
  const cmd = program
    .command('explore')
    .description(
      'Train PPO + RND and PPO alone (--intrinsic_coefficient 0) on a level over several seeds with the ' +
        'same frame budget; plot success rate and return versus frames, tabulate (explore.png/.svg/.md/.json)',
    )
    .option('--config <name>', `Named configuration of the level: ${CONFIG_NAMES.join(', ')}`)
    .option('--game <game>', "The level (default: the config's; alone, picks the config of that level)")
    .option('--seeds <n>', 'Seeds per agent: runs explore_<agent>_seed1..n (--rng_seed s)', positiveInt('--seeds'), 3)
    .option('--frames <n>', "Frame budget per run (--max_frames; default: the config's)", positiveInt('--frames'))
    .option('--parallel <n>', 'Runs trained at a time', positiveInt('--parallel'), 2)
    .option('--threads <n>', 'Kernel threads per run (train --threads; 0 = one per core)', positiveInt('--threads', 0), 1)
    .option('--data_dir <dir>', FLAGS.data_dir.doc, FLAGS.data_dir.default)
    .option('--train_args <flags>', 'More train flags for every run, e.g. "--num_envs 8 --num_steps 64"', '')
    .option('--plot_only', 'Only write the figure, table and heat map from the runs as they are')
    .action(async (o: ExploreOptions) => {
      const p = makePlan(o)
      if (o.plot_only) {
        const any = runRefs(p.gameDir, p.seeds).some((r) => readRun(r, p.budget).length > 0)
        if (!any) badInput(`no explore runs with iterations under ${p.gameDir} (explore_rnd_seed1, explore_ppo_seed1, ...)`)
      } else {
        say(
          `explore ${p.game} (config ${p.config}): ${p.seeds} seed(s) x ${AGENTS.join(', ')}, ${p.budget} frames each, ` +
            `${p.parallel} at a time, ${p.threads} thread(s) each; runs in ${p.gameDir}`,
        )
        const runner = new Runner(p)
        for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => runner.stop(sig))
        const code = await runner.run()
        if (code >= 128) throw new CliError('', code) // stopped: the figure waits for the runs (or --plot_only)
        const { table, files } = writeOutputs(p)
        process.stdout.write(table)
        console.log(`wrote ${files.join(', ')}`)
        if (code !== 0) throw new CliError('', code)
        return
      }
      const { table, files } = writeOutputs(p)
      process.stdout.write(table)
      console.log(`wrote ${files.join(', ')}`)
    })
  exitOnBadInput(cmd)
}
