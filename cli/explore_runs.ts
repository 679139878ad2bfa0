// The runs of `rl-rnd explore` and what is read from them: names (fixed: data_dir/<game>/explore_<agent>_seed<s>),
// each run's curve within the frame budget, the per-run summary (table row), curves over seeds on a common frame
// grid, and the table (explore.md) and its data (explore.json).
import * as path from 'node:path'
import { readMetrics, type ReadRecord } from './log.ts'

/** RND, and PPO alone (--intrinsic_coefficient 0, everything else identical). */
export const AGENTS = ['rnd', 'ppo'] as const
export type Agent = (typeof AGENTS)[number]
export const AGENT_LABEL: Record<Agent, string> = { rnd: 'PPO + RND', ppo: 'PPO alone' }

/** Success at or above this share of the iteration's episodes counts as solved (the goal). */
export const SOLVED = 0.9

export interface RunRef {
  agent: Agent
  seed: number
  name: string
  dir: string
}

export const runName = (agent: Agent, seed: number) => `explore_${agent}_seed${seed}`

/** Every run of an experiment, seed by seed, RND first (the order they are queued in). */
export function runRefs(gameDir: string, seeds: number): RunRef[] {
  const out: RunRef[] = []
  for (let seed = 1; seed <= seeds; seed++) {
    for (const agent of AGENTS) out.push({ agent, seed, name: runName(agent, seed), dir: path.join(gameDir, runName(agent, seed)) })
  }
  return out
}

/**
 * The records of a run within the budget: up to and including the first iteration that reached `budget` frames
 * (where `train --max_frames` stops). Iterations past it, from a run trained longer, are left out, so every run is
 * compared on the same budget.
 */
export function withinBudget(records: ReadRecord[], budget: number): ReadRecord[] {
  const end = records.findIndex((r) => (r.total_env_steps ?? 0) >= budget)
  return end < 0 ? records : records.slice(0, end + 1)
}

export const readRun = (ref: RunRef, budget: number) => withinBudget(readMetrics(path.join(ref.dir, 'metrics.jsonl')), budget)

export const framesOf = (records: ReadRecord[]) => records.at(-1)?.total_env_steps ?? 0

export interface RunSummary {
  agent: Agent
  seed: number
  name: string
  /** 'done': reached the budget; 'partial': stopped or still running below it; 'missing': no iteration logged */
  status: 'done' | 'partial' | 'missing'
  iterations: number
  frames: number
  /** of the last iteration (null: no episode ended in it) */
  last_success_rate: number | null
  last_return_mean: number | null
  /** total_env_steps of the first iteration with success_rate >= SOLVED (null: none) */
  first_frame_solved: number | null
  wall_seconds: number | null
}

const finite = (v: number | null | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)

export function summarize(ref: RunRef, records: ReadRecord[], budget: number): RunSummary {
  const last = records.at(-1)
  const solved = records.find((r) => (finite(r.success_rate) ?? -1) >= SOLVED)
  return {
    agent: ref.agent,
    seed: ref.seed,
    name: ref.name,
    status: !last ? 'missing' : framesOf(records) >= budget ? 'done' : 'partial',
    iterations: records.length,
    frames: framesOf(records),
    last_success_rate: finite(last?.success_rate),
    last_return_mean: finite(last?.return_ext_mean),
    first_frame_solved: solved ? solved.total_env_steps! : null,
    wall_seconds: finite(last?.wall_seconds),
  }
}

// ---- curves over seeds ------------------------------------------------------------------------------------------
export interface Series {
  x: number[]
  y: number[]
}

/** (total_env_steps, metric) where the metric is finite (success_rate is null when no episode ended). */
export function seriesOf(records: ReadRecord[], metric: string): Series {
  const x: number[] = [],
    y: number[] = []
  for (const r of records) {
    const v = finite(r[metric]),
      f = finite(r.total_env_steps)
    if (v !== null && f !== null) {
      x.push(f)
      y.push(v)
    }
  }
  return { x, y }
}

/** Linear interpolation of s at x; null outside [s.x[0], s.x[last]] (a run says nothing before or after itself). */
export function interpolate(s: Series, x: number): number | null {
  const n = s.x.length
  if (n === 0 || x < s.x[0] || x > s.x[n - 1]) return null
  let i = 0
  while (i < n - 1 && s.x[i + 1] < x) i++
  if (i === n - 1 || s.x[i + 1] === s.x[i]) return s.y[i]
  const t = (x - s.x[i]) / (s.x[i + 1] - s.x[i])
  return s.y[i] + (s.y[i + 1] - s.y[i]) * t
}

/** n frames evenly spaced over [lo, hi]. */
export function frameGrid(lo: number, hi: number, n = 200): number[] {
  if (!(hi > lo)) return [lo]
  return Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1))
}

/** Mean, min and max over the series that cover each grid frame (null where none does); k: how many covered it. */
export interface Band {
  x: number[]
  mean: (number | null)[]
  min: (number | null)[]
  max: (number | null)[]
  k: number[]
}

export function bandOver(series: Series[], grid: number[]): Band {
  const band: Band = { x: grid, mean: [], min: [], max: [], k: [] }
  for (const x of grid) {
    const vs = series.map((s) => interpolate(s, x)).filter((v): v is number => v !== null)
    band.k.push(vs.length)
    band.mean.push(vs.length ? vs.reduce((a, b) => a + b, 0) / vs.length : null)
    band.min.push(vs.length ? Math.min(...vs) : null)
    band.max.push(vs.length ? Math.max(...vs) : null)
  }
  return band
}

// ---- the table --------------------------------------------------------------------------------------------------
export interface ExploreMeta {
  game: string
  config: string
  budget: number
  seeds: number
}

/** h:mm:ss */
export function fmtDuration(s: number | null): string {
  if (s === null) return '-'
  const t = Math.round(s),
    h = Math.floor(t / 3600),
    m = Math.floor((t % 3600) / 60),
    sec = t % 60
  return `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`
}

const fmt3 = (v: number | null) => (v === null ? '-' : v.toFixed(3))

/** explore.md: one row per run, then one line per agent: how many seeds ended solved. */
export function tableMarkdown(meta: ExploreMeta, rows: RunSummary[]): string {
  const head =
    `# ${meta.game}: PPO + RND versus PPO alone\n\n` +
    `config \`${meta.config}\`, ${meta.seeds} seed(s), budget ${meta.budget} frames per run ` +
    "(env steps, the initial random rollouts included); success: the share of the iteration's ended episodes that " +
    `reached the goal.\n\n` +
    '| agent | seed | status | frames | iterations | success (last iteration) | mean return (last iteration) | ' +
    `first frame with success >= ${SOLVED} | wall time |\n|---|---|---|---|---|---|---|---|---|\n`
  const body = rows.map(
    (r) =>
      `| ${r.agent} | ${r.seed} | ${r.status} | ${r.frames} | ${r.iterations} | ` +
      `${fmt3(r.last_success_rate)} | ${fmt3(r.last_return_mean)} | ${r.first_frame_solved ?? '-'} | ${fmtDuration(r.wall_seconds)} |`,
  )
  const tally = AGENTS.map((a) => {
    const mine = rows.filter((r) => r.agent === a)
    const solved = mine.filter((r) => (r.last_success_rate ?? -1) >= SOLVED).length
    return `- ${AGENT_LABEL[a]} (${a}): ${solved} of ${mine.length} seed(s) at success >= ${SOLVED} in their last iteration`
  })
  return head + body.join('\n') + '\n\n' + tally.join('\n') + '\n'
}

export function tableJson(meta: ExploreMeta, rows: RunSummary[]): string {
  return JSON.stringify({ format: 'rl-rnd-explore/1', ...meta, solved_threshold: SOLVED, runs: rows }, null, 1) + '\n'
}
