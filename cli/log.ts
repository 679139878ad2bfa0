// The training log in the seed's style, and metrics.jsonl. The seed's log(): `str(datetime.now()) + " [rl_rnd] " +
// message`, e.g. `2019-04-13 12:34:56.123456 [rl_rnd] > Done collecting 128 rollouts for iteration 3, epsilon_greedy:
// 0.00, avg cum rwd: 1.25, std: 0.50, min: 0.00, max: 2.00`. Its graph.py splits that line on ':' and reads fields
// 4..7 (the timestamp holds two colons, "epsilon_greedy:" one more), so the prefix must stay exactly like this.
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { IterationMetrics } from '../rl/ppo_rnd.ts'
import { writing } from './errors.ts'
import { checkMetrics, readText, type ReadRecord } from './validate.ts'
import { writeFileAtomic } from './snapshot.ts'

export type { ReadRecord } from './validate.ts'

export const LOG_ID = 'rl_rnd'

/** Python's str(datetime.now()): `YYYY-MM-DD HH:MM:SS.ffffff`, local time. */
export function pyNow(d = new Date()): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0')
  return (
    `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ` +
    `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds() * 1000, 6)}`
  )
}

/** Python's '{:.2f}'.format(x) (nan, inf as Python prints them). */
export function f2(x: number): string {
  if (Number.isNaN(x)) return 'nan'
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf'
  // toFixed rounds an exact tie (x = k/8: 1.125) away from zero, Python to even: pick the even neighbour then
  if (Number.isInteger(x * 8) && !Number.isInteger(x * 4)) {
    const n = Math.floor(Math.abs(x) * 100)
    const even = n % 2 === 0 ? n : n + 1
    return (x < 0 ? '-' : '') + (even / 100).toFixed(2)
  }
  return x.toFixed(2)
}

export interface ReturnStats {
  mean: number
  std: number
  min: number
  max: number
}

/** Population statistics as numpy's mean/std/min/max (np.std has ddof 0). */
export function returnStats(returns: readonly number[]): ReturnStats {
  const n = returns.length
  if (n === 0) return { mean: NaN, std: NaN, min: NaN, max: NaN }
  const mean = returns.reduce((a, b) => a + b, 0) / n
  const std = Math.sqrt(returns.reduce((a, b) => a + (b - mean) ** 2, 0) / n)
  return { mean, std, min: Math.min(...returns), max: Math.max(...returns) }
}

/** The seed's per-iteration message (without the timestamp prefix). */
export function doneCollectingMessage(numTrials: number, iteration: number, epsilonGreedy: number, s: ReturnStats): string {
  return (
    `> Done collecting ${numTrials} rollouts for iteration ${iteration}, epsilon_greedy: ${f2(epsilonGreedy)}, ` +
    `avg cum rwd: ${f2(s.mean)}, std: ${f2(s.std)}, min: ${f2(s.min)}, max: ${f2(s.max)}`
  )
}

/** graph.py's parse of an "avg cum rwd" line, field for field; null for other lines. */
export function parseAvgLine(line: string): ReturnStats | null {
  line = line.trimEnd()
  if (!line.includes('avg cum rwd')) return null
  const fields = line.split(':')
  const num = (s: string | undefined) => (s === undefined ? NaN : Number(s.trim()))
  const r = {
    mean: num(fields[4]?.split(',')[0]),
    std: num(fields[5]?.split(',')[0]),
    min: num(fields[6]?.split(',')[0]),
    max: num(fields[7]),
  }
  return Object.values(r).some((v) => Number.isNaN(v)) ? null : r
}

/**
 * Log lines to stdout, in the seed's format, and appended to `<dir>/log.txt` (what the seed's README tee'd). Without
 * a file yet, lines are kept and written first when open() names it: the trainer logs before it knows its input is
 * good, and creates nothing on disk until then. A failed write stops the run with one line (cli/errors.ts).
 */
export class Logger {
  private fd: number | null = null
  private file = ''
  private early: string[] = []
  constructor(
    logFile: string | null,
    private out: (line: string) => void = (l) => process.stdout.write(l + '\n'),
  ) {
    if (logFile) this.open(logFile)
  }
  open(logFile: string): void {
    this.file = logFile
    this.fd = writing(logFile, () => fs.openSync(logFile, 'a'))
    const early = this.early.splice(0)
    for (const line of early) this.write(line)
  }
  log(message: string): void {
    const line = `${pyNow()} [${LOG_ID}] ${message}`
    this.out(line)
    if (this.fd !== null) this.write(line)
    else this.early.push(line)
  }
  private write(line: string): void {
    const fd = this.fd!
    writing(this.file, () => {
      try {
        fs.writeSync(fd, line + '\n')
      } catch (e) {
        this.close() // the run stops: nothing more goes to a file that failed
        throw e
      }
    })
  }
  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd)
    this.fd = null
  }
}

/** The PPO health part of the iteration line, under the metric names (rl/ppo_rnd.ts IterationMetrics). */
const HEALTH = [
  'approx_kl',
  'clip_fraction',
  'explained_variance_ext',
  'explained_variance_int',
  'grad_norm_value',
  'grad_norm_policy',
  'grad_norm_rnd_predictor',
  'intrinsic_return_std',
] as const

/** The line after the seed's, one per iteration: sizes, losses, timings, then the PPO health metrics by name. */
export function iterationMessage(m: IterationMetrics): string {
  const p = (x: number) => x.toPrecision(4)
  return (
    `> Iteration ${m.iteration}: ${m.env_steps} env steps (${m.total_env_steps} total), mean intrinsic reward ` +
    `${p(m.intrinsic_reward_mean)}, loss value ${p(m.loss_value)} policy ${p(m.loss_policy)} rnd ${p(m.loss_rnd)}, ` +
    `entropy ${p(m.entropy)}, rollout ${m.rollout_seconds.toFixed(1)}s, train ${m.train_seconds.toFixed(1)}s, ` +
    `${m.env_steps_per_s.toFixed(0)} env steps/s, ${m.episodes_per_s.toFixed(1)} episodes/s; ` +
    HEALTH.map((k) => `${k} ${p(m[k])}`).join(', ')
  )
}

/** One line of metrics.jsonl: every metric of the iteration (not the per-episode returns) and the wall clock. */
export type MetricsRecord = Omit<IterationMetrics, 'returns'> & { wall_seconds: number }

export function metricsRecord({ returns, ...m }: IterationMetrics, wallSeconds: number): MetricsRecord {
  return { ...m, wall_seconds: wallSeconds }
}

/** The records of metrics.jsonl (none when it does not exist), checked line by line (cli/validate.ts). */
export function readMetrics(file: string): ReadRecord[] {
  if (!fs.existsSync(file)) return []
  return checkMetrics(readText(file), file)
}

/** The records of a JSON-lines file written per iteration (metrics.jsonl, visits.jsonl): those with an iteration. */
export function readIterationLines<T extends { iteration: number } = ReadRecord>(file: string): T[] {
  if (!fs.existsSync(file)) return []
  const out: T[] = []
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue
    try {
      const r = JSON.parse(line)
      if (r && typeof r.iteration === 'number') out.push(r)
    } catch {
      // a line cut by a kill: ignore it
    }
  }
  return out
}

/** metrics.jsonl (or another JSON-lines file, e.g. visits.jsonl): one JSON record per iteration, appended and fsynced. */
export class MetricsWriter {
  readonly file: string
  constructor(dir: string, name = 'metrics.jsonl') {
    this.file = path.join(dir, name)
  }
  /** Drop records past `iteration` (a run killed after logging but before its snapshot redoes that iteration). */
  truncateAfter(iteration: number): void {
    if (!fs.existsSync(this.file)) return
    // a fresh run keeps nothing: the old file need not even read (it may be what the user is starting over from)
    const keep = iteration > 0 ? readIterationLines(this.file).filter((r) => r.iteration <= iteration) : []
    writing(this.file, () => writeFileAtomic(this.file, keep.map((r) => JSON.stringify(r) + '\n').join('')))
  }
  /** Append one record; a failed write (a full disk) cuts the file back to its previous length, then stops the run. */
  append(r: MetricsRecord | ({ iteration: number } & Record<string, unknown>)): void {
    writing(this.file, () => {
      const fd = fs.openSync(this.file, 'a')
      const size = fs.fstatSync(fd).size
      try {
        fs.writeSync(fd, JSON.stringify(r) + '\n')
        fs.fsyncSync(fd)
      } catch (e) {
        try {
          fs.ftruncateSync(fd, size)
        } catch {
          /* the error below says what failed */
        }
        throw e
      } finally {
        fs.closeSync(fd)
      }
    })
  }
}
