// Did a run reach its target, when, and did it hold? Issue #14's measure over metrics.jsonl: the first iteration
// whose mean return reached the target, its wall time, then the mean of the iteration means of the `after`
// iterations that follow it (the run must have trained them). Also the curves of several runs in one chart (PNG or
// SVG): iteration mean return against wall-clock minutes, one colour per run, the target as a dashed line.
// With fixed-length rollouts an iteration holds only the few episodes that ended in it (2 to 10 once they last
// hundreds of steps), so its mean is noisy and a single lucky iteration can reach the target. The pooled measure is
// the one to trust: the mean return of the most recent episodes, at least `pool` of them (32, as the learn config's
// whole-episode iterations), over the iterations that hold them (episode-weighted: sum of mean x episodes).
// Used by scripts/learn_pixelcopter_100.ts.
import type { ReadRecord } from './validate.ts'
import { PngSurface, SvgSurface, axes, textWidth, BLACK, type RGB, type Surface } from './plot.ts'

export interface TargetReport {
  /** the first iteration with return_ext_mean >= target, or null */
  iteration: number | null
  /** its wall_seconds (null when none reached it, or the record has no wall time) */
  seconds: number | null
  /** mean of the return_ext_mean of the `after` iterations after it (NaN means left out), and how many there were */
  afterMean: number | null
  afterCount: number
  /** the lowest of those iteration means */
  afterMin: number | null
  /** the best iteration mean of the run and its iteration */
  best: number | null
  bestIteration: number | null
  /** the pooled measure: first iteration whose last >= pool episodes averaged >= target, its wall time, the best */
  pooledIteration: number | null
  pooledSeconds: number | null
  pooledBest: number | null
  pooledBestIteration: number | null
}

/** Per iteration, the mean return of its episodes and the ones before it, at least `pool` of them (null before). */
export function pooledMeans(records: ReadRecord[], pool: number): (number | null)[] {
  const out: (number | null)[] = []
  for (let i = 0; i < records.length; i++) {
    let n = 0,
      sum = 0
    for (let j = i; j >= 0 && n < pool; j--) {
      const r = records[j]
      if (!finite(r.return_ext_mean) || !finite(r.episodes) || r.episodes <= 0) continue
      n += r.episodes
      sum += r.return_ext_mean * r.episodes
    }
    out.push(n >= pool ? sum / n : null)
  }
  return out
}

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x)

export function targetReport(records: ReadRecord[], target: number, after: number, pool = 32): TargetReport {
  const i = records.findIndex((r) => finite(r.return_ext_mean) && r.return_ext_mean >= target)
  let best: number | null = null,
    bestIteration: number | null = null
  for (const r of records) {
    if (finite(r.return_ext_mean) && (best === null || r.return_ext_mean > best)) {
      best = r.return_ext_mean
      bestIteration = r.iteration
    }
  }
  const next =
    i < 0
      ? []
      : records
          .slice(i + 1, i + 1 + after)
          .map((r) => r.return_ext_mean)
          .filter(finite)
  const pooled = pooledMeans(records, pool)
  const k = pooled.findIndex((m) => m !== null && m >= target)
  let pb = -1
  pooled.forEach((m, j) => {
    if (m !== null && (pb < 0 || m > pooled[pb]!)) pb = j
  })
  return {
    pooledIteration: k < 0 ? null : records[k].iteration,
    pooledSeconds: k < 0 || !finite(records[k].wall_seconds) ? null : records[k].wall_seconds,
    pooledBest: pb < 0 ? null : pooled[pb],
    pooledBestIteration: pb < 0 ? null : records[pb].iteration,
    iteration: i < 0 ? null : records[i].iteration,
    seconds: i < 0 || !finite(records[i].wall_seconds) ? null : records[i].wall_seconds,
    afterMean: next.length ? next.reduce((s, x) => s + x, 0) / next.length : null,
    afterCount: next.length,
    afterMin: next.length ? Math.min(...next) : null,
    best,
    bestIteration,
  }
}

/** One line: "reached 100 at iteration 412 after 38.2 min; the next 20 iterations averaged 104.1 (lowest 71.3)". */
export function reportLine(r: TargetReport, target: number, after: number, pool = 32): string {
  const min = (s: number | null) => (s === null ? '' : ` after ${(s / 60).toFixed(1)} min`)
  const pooled =
    r.pooledBest === null
      ? `; fewer than ${pool} episodes`
      : `; pooled over the last >= ${pool} episodes: ${r.pooledIteration === null ? `did not reach ${target}` : `reached ${target} at iteration ${r.pooledIteration}${min(r.pooledSeconds)}`}, best ${r.pooledBest.toFixed(1)} (iteration ${r.pooledBestIteration})`
  const best = r.best === null ? 'no finite iteration mean' : `best iteration mean ${r.best.toFixed(1)} (iteration ${r.bestIteration})${pooled}`
  if (r.iteration === null) return `did not reach ${target}; ${best}`
  const when = min(r.seconds)
  const held =
    r.afterCount === 0
      ? 'no iteration after it yet'
      : `the next ${r.afterCount}${r.afterCount < after ? ` (of ${after})` : ''} iterations averaged ${r.afterMean!.toFixed(1)} (lowest ${r.afterMin!.toFixed(1)})`
  return `reached ${target} at iteration ${r.iteration}${when}; ${held}; ${best}`
}

const COLOURS: RGB[] = [
  [31, 119, 180],
  [214, 39, 40],
  [44, 160, 44],
  [148, 103, 189],
  [255, 127, 14],
  [23, 190, 207],
]

/**
 * Mean return against wall-clock minutes, per run the pooled mean (thick) and each iteration's (thin), and the target;
 * PNG (Buffer) or SVG (string).
 */
export function renderRuns(format: 'png' | 'svg', runs: { label: string; records: ReadRecord[] }[], target: number, title: string, pool = 32): Buffer | string {
  const s: Surface & { encode(): Buffer | string } = format === 'svg' ? new SvgSurface(900, 540) : new PngSurface(900, 540)
  const L = 80,
    R = s.w - 30,
    T = 60,
    B = s.h - 80
  const series = runs.map((r) => r.records.filter((x) => finite(x.return_ext_mean) && finite(x.wall_seconds)))
  const xs = series.flatMap((p) => p.map((x) => (x.wall_seconds as number) / 60))
  const ys = series.flatMap((p) => p.map((x) => x.return_ext_mean as number))
  const { px, py } = axes(s, { L, R, T, B }, 0, Math.ceil(Math.max(1, ...xs)), Math.min(0, ...ys), Math.max(target, ...ys))
  for (let x = L; x < R; x += 12) s.line(x, py(target), Math.min(R, x + 6), py(target), BLACK)
  s.text(`target ${target}`, R - textWidth(`target ${target}`), py(target) - 11, BLACK)
  series.forEach((p, k) => {
    const c = COLOURS[k % COLOURS.length],
      light = c.map((v) => Math.round(v + (255 - v) * 0.7)) as RGB
    const at = (r: ReadRecord) => px((r.wall_seconds as number) / 60)
    for (let i = 1; i < p.length; i++) s.line(at(p[i - 1]), py(p[i - 1].return_ext_mean!), at(p[i]), py(p[i].return_ext_mean!), light, 1)
    const pooled = pooledMeans(p, pool)
    for (let i = 1; i < p.length; i++) {
      if (pooled[i - 1] !== null && pooled[i] !== null) s.line(at(p[i - 1]), py(pooled[i - 1]!), at(p[i]), py(pooled[i]!), c, 2)
    }
    const lx = L + 10 + runs.slice(0, k).reduce((w, r) => w + textWidth(r.label) + 50, 0)
    s.line(lx, T - 12, lx + 20, T - 12, c, 2)
    s.text(runs[k].label, lx + 26, T - 15, BLACK)
  })
  s.text(`thick: mean of the last >= ${pool} episodes; thin: each iteration's mean`, L, B + 42, BLACK)
  const scale = textWidth(title, 2) <= s.w - 20 ? 2 : 1
  s.text(title, (s.w - textWidth(title, scale)) / 2, 14, BLACK, scale)
  s.text('iteration mean return', L - 60, T - 30, BLACK)
  s.text('wall-clock minutes', (L + R) / 2 - textWidth('wall-clock minutes') / 2, B + 28, BLACK)
  return s.encode()
}
