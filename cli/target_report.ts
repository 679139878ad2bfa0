// Did a run reach its target, when, and did it hold? Issue #14's measure over metrics.jsonl: the first iteration
// whose mean return reached the target, its wall time, then the mean of the iteration means of the `after`
// iterations that follow it (the run must have trained them). Also the curves of several runs in one chart (PNG or
// SVG): iteration mean return against wall-clock minutes, one colour per run, the target as a dashed line.
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
}

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x)

export function targetReport(records: ReadRecord[], target: number, after: number): TargetReport {
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
  return {
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
export function reportLine(r: TargetReport, target: number, after: number): string {
  const best = r.best === null ? 'no finite iteration mean' : `best iteration mean ${r.best.toFixed(1)} (iteration ${r.bestIteration})`
  if (r.iteration === null) return `did not reach ${target}; ${best}`
  const when = r.seconds === null ? '' : ` after ${(r.seconds / 60).toFixed(1)} min`
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

/** Iteration mean return against wall-clock minutes, one line per run, and the target; PNG (Buffer) or SVG (string). */
export function renderRuns(format: 'png' | 'svg', runs: { label: string; records: ReadRecord[] }[], target: number, title: string): Buffer | string {
  const s: Surface & { encode(): Buffer | string } = format === 'svg' ? new SvgSurface(900, 520) : new PngSurface(900, 520)
  const L = 80,
    R = s.w - 30,
    T = 60,
    B = s.h - 60
  const series = runs.map((r) => r.records.filter((x) => finite(x.return_ext_mean) && finite(x.wall_seconds)))
  const xs = series.flatMap((p) => p.map((x) => (x.wall_seconds as number) / 60))
  const ys = series.flatMap((p) => p.map((x) => x.return_ext_mean as number))
  const { px, py } = axes(s, { L, R, T, B }, 0, Math.ceil(Math.max(1, ...xs)), Math.min(0, ...ys), Math.max(target, ...ys))
  for (let x = L; x < R; x += 12) s.line(x, py(target), Math.min(R, x + 6), py(target), BLACK)
  s.text(`target ${target}`, R - textWidth(`target ${target}`), py(target) - 11, BLACK)
  series.forEach((p, k) => {
    const c = COLOURS[k % COLOURS.length]
    for (let i = 1; i < p.length; i++) {
      s.line(px(p[i - 1].wall_seconds! / 60), py(p[i - 1].return_ext_mean!), px(p[i].wall_seconds! / 60), py(p[i].return_ext_mean!), c, 2)
    }
    s.line(L + 10 + k * 150, T - 12, L + 30 + k * 150, T - 12, c, 2)
    s.text(runs[k].label, L + 36 + k * 150, T - 15, BLACK)
  })
  const scale = textWidth(title, 2) <= s.w - 20 ? 2 : 1
  s.text(title, (s.w - textWidth(title, scale)) / 2, 14, BLACK, scale)
  s.text('iteration mean return', L - 60, T - 30, BLACK)
  s.text('wall-clock minutes', (L + R) / 2 - textWidth('wall-clock minutes') / 2, B + 28, BLACK)
  return s.encode()
}
