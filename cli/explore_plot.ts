// The figure of `rl-rnd explore`: success rate and mean return versus frames, PPO + RND beside PPO alone, in two
// panels. Per agent the mean over seeds as a line and min..max over seeds as a band, each run interpolated onto a
// common frame grid up to its last frame (cli/explore_runs.ts bandOver), so seeds stopped at different frames
// still average at the same x. PNG or SVG through cli/plot.ts.
import { PngSurface, SvgSurface, axes, fmtCount, textWidth, BLACK, type RGB, type Surface } from './plot.ts'
import { AGENTS, AGENT_LABEL, bandOver, frameGrid, seriesOf, type Agent, type Band } from './explore_runs.ts'
import type { ReadRecord } from './log.ts'

export const AGENT_COLOR: Record<Agent, RGB> = { rnd: [214, 39, 40], ppo: [31, 119, 180] }

const PANELS = [
  { metric: 'success_rate', label: "success rate (share of the iteration's episodes reaching the goal)" },
  { metric: 'return_ext_mean', label: "mean return of the iteration's episodes" },
] as const

export const FIGURE = { w: 960, h: 760 }

/** runs[agent]: the records of each seed's run (within the budget). */
export type AgentRuns = Record<Agent, ReadRecord[][]>

/** Draw the runs of a segment-split line: consecutive points where the band has values. */
function spans(b: Band): [number, number][] {
  const out: [number, number][] = []
  let start = -1
  b.mean.forEach((m, i) => {
    if (m !== null && start < 0) start = i
    if ((m === null || i === b.mean.length - 1) && start >= 0) {
      out.push([start, m === null ? i - 1 : i])
      start = -1
    }
  })
  return out
}

function drawPanel(s: Surface, runs: AgentRuns, metric: string, label: string, T: number, B: number): void {
  const L = 80,
    R = s.w - 30
  const series = Object.fromEntries(AGENTS.map((a) => [a, runs[a].map((r) => seriesOf(r, metric))])) as Record<Agent, ReturnType<typeof seriesOf>[]>
  const all = AGENTS.flatMap((a) => series[a]).filter((x) => x.x.length > 0)
  s.text(label, L, T - 14, BLACK)
  if (!all.length) {
    s.text('no values yet', L + 10, T + 10, BLACK)
    return
  }
  const lo = Math.min(...all.map((x) => x.x[0])),
    hi = Math.max(...all.map((x) => x.x[x.x.length - 1]))
  const ys = all.flatMap((x) => x.y)
  const { px, py } = axes(s, { L, R, T, B }, 0, hi, Math.min(0, ...ys), Math.max(1, ...ys), fmtCount)
  const grid = frameGrid(lo, hi)
  for (const a of AGENTS) {
    const band = bandOver(series[a], grid)
    for (const [i, j] of spans(band)) {
      const xs = band.x.slice(i, j + 1).map(px)
      s.band(
        xs,
        band.min.slice(i, j + 1).map((v) => py(v!)),
        band.max.slice(i, j + 1).map((v) => py(v!)),
        AGENT_COLOR[a],
        0.2,
      )
      for (let k = i + 1; k <= j; k++) s.line(px(band.x[k - 1]), py(band.mean[k - 1]!), px(band.x[k]), py(band.mean[k]!), AGENT_COLOR[a], 2)
      if (i === j) s.rect(xs[0] - 2, py(band.mean[i]!) - 2, xs[0] + 2, py(band.mean[i]!) + 2, AGENT_COLOR[a])
    }
  }
}

function draw(s: Surface, runs: AgentRuns, title: string): void {
  const scale = textWidth(title, 2) <= s.w - 20 ? 2 : 1
  s.text(title, (s.w - textWidth(title, scale)) / 2, 14, BLACK, scale)
  // legend: line = mean over seeds, band = min..max over seeds
  let lx = 80
  for (const a of AGENTS) {
    const n = runs[a].filter((r) => r.length > 0).length
    const text = `${AGENT_LABEL[a]} (${n} seed${n === 1 ? '' : 's'}: mean, band min..max)`
    s.band([lx, lx + 24], [44, 44], [54, 54], AGENT_COLOR[a], 0.2)
    s.line(lx, 49, lx + 24, 49, AGENT_COLOR[a], 2)
    s.text(text, lx + 30, 46, BLACK)
    lx += 30 + textWidth(text) + 30
  }
  const top = 90,
    panel = (s.h - top - 40) / 2
  PANELS.forEach((p, i) => drawPanel(s, runs, p.metric, p.label, top + i * panel, top + i * panel + panel - 50))
  s.text('frames (env steps)', s.w / 2 - textWidth('frames (env steps)') / 2, s.h - 16, BLACK)
}

export function renderExplore(format: 'png' | 'svg', runs: AgentRuns, title: string): Buffer | string {
  const s = format === 'svg' ? new SvgSurface(FIGURE.w, FIGURE.h) : new PngSurface(FIGURE.w, FIGURE.h)
  draw(s, runs, title)
  return s.encode()
}
