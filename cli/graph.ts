// `rl-rnd graph`: the seed's graph.py plotted the mean cumulative extrinsic reward per iteration with a std band. We
// read metrics.jsonl (or, failing that, the "avg cum rwd" lines of log.txt, split the way graph.py splits them),
// draw a PNG ourselves (min/max band, mean +/- std band, mean line, axes, ticks, a 5x7 bitmap font) and print an
// ASCII sparkline summary.
import type { Command } from 'commander'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { PNG } from 'pngjs'
import { readMetrics, parseAvgLine, type ReturnStats } from './log.ts'
import { badInput, exitOnBadInput, experimentDir } from './args_cli.ts'
import { DEFAULT_ARGS } from '../rl/args.ts'

export interface Point extends ReturnStats { iteration: number }

/** The curve of an experiment directory: metrics.jsonl first, log.txt as a fallback. */
export function readCurve(dir: string): { points: Point[]; source: string } {
  const metrics = path.join(dir, 'metrics.jsonl')
  const recs = readMetrics(metrics)
  if (recs.length > 0) {
    const points = recs.map((r) => ({
      iteration: r.iteration, mean: r.return_ext_mean, std: r.return_ext_std,
      min: r.return_ext_min, max: r.return_ext_max,
    }))
    return { points, source: metrics }
  }
  const log = path.join(dir, 'log.txt')
  if (fs.existsSync(log)) {
    const stats = fs.readFileSync(log, 'utf8').split('\n').map(parseAvgLine).filter((s): s is ReturnStats => s !== null)
    return { points: stats.map((s, i) => ({ iteration: i + 1, ...s })), source: log }
  }
  return { points: [], source: '' }
}

// ---- ASCII summary ----------------------------------------------------------------------------------------------
const BLOCKS = '▁▂▃▄▅▆▇█'

export function sparkline(values: number[], width = 60): string {
  if (values.length === 0) return ''
  const buckets: number[] = []
  const n = Math.min(width, values.length)
  for (let b = 0; b < n; b++) {
    const lo = Math.floor((b * values.length) / n), hi = Math.floor(((b + 1) * values.length) / n)
    const part = values.slice(lo, Math.max(hi, lo + 1))
    buckets.push(part.reduce((a, c) => a + c, 0) / part.length)
  }
  const min = Math.min(...buckets), max = Math.max(...buckets)
  const level = (v: number) => (max > min ? Math.round(((v - min) / (max - min)) * (BLOCKS.length - 1)) : 0)
  return buckets.map((v) => BLOCKS[level(v)]).join('')
}

export function summary(points: Point[]): string {
  if (points.length === 0) return 'no iterations logged yet'
  const means = points.map((p) => p.mean)
  let best = 0
  means.forEach((m, i) => { if (m > means[best]) best = i })
  const f = (x: number) => x.toFixed(2)
  const first = points[0].iteration, last = points[points.length - 1].iteration
  return `avg cum rwd ${sparkline(means)}  (iterations ${first}..${last})\n` +
    `first ${f(means[0])}  last ${f(means[means.length - 1])}  ` +
    `best ${f(means[best])} at iteration ${points[best].iteration}` +
    `  min/max over all ${f(Math.min(...points.map((p) => p.min)))}/${f(Math.max(...points.map((p) => p.max)))}`
}

// ---- PNG drawing ------------------------------------------------------------------------------------------------
// 5x7 glyphs, one 5-bit row per number (bit 4 = leftmost pixel); lowercase letters draw as uppercase.
const FONT: Record<string, number[]> = {
  '0': [14, 17, 19, 21, 25, 17, 14], '1': [4, 12, 4, 4, 4, 4, 14], '2': [14, 17, 1, 2, 4, 8, 31],
  '3': [31, 2, 4, 2, 1, 17, 14], '4': [2, 6, 10, 18, 31, 2, 2], '5': [31, 16, 30, 1, 1, 17, 14],
  '6': [6, 8, 16, 30, 17, 17, 14], '7': [31, 1, 2, 4, 8, 8, 8], '8': [14, 17, 17, 14, 17, 17, 14],
  '9': [14, 17, 17, 15, 1, 2, 12], A: [14, 17, 17, 31, 17, 17, 17], B: [30, 17, 17, 30, 17, 17, 30],
  C: [14, 17, 16, 16, 16, 17, 14], D: [28, 18, 17, 17, 17, 18, 28], E: [31, 16, 16, 30, 16, 16, 31],
  F: [31, 16, 16, 30, 16, 16, 16], G: [14, 17, 16, 23, 17, 17, 15], H: [17, 17, 17, 31, 17, 17, 17],
  I: [14, 4, 4, 4, 4, 4, 14], J: [7, 2, 2, 2, 2, 18, 12], K: [17, 18, 20, 24, 20, 18, 17],
  L: [16, 16, 16, 16, 16, 16, 31], M: [17, 27, 21, 21, 17, 17, 17], N: [17, 17, 25, 21, 19, 17, 17],
  O: [14, 17, 17, 17, 17, 17, 14], P: [30, 17, 17, 30, 16, 16, 16], Q: [14, 17, 17, 17, 21, 18, 13],
  R: [30, 17, 17, 30, 20, 18, 17], S: [15, 16, 16, 14, 1, 1, 30], T: [31, 4, 4, 4, 4, 4, 4],
  U: [17, 17, 17, 17, 17, 17, 14], V: [17, 17, 17, 17, 17, 10, 4], W: [17, 17, 17, 21, 21, 21, 10],
  X: [17, 17, 10, 4, 10, 17, 17], Y: [17, 17, 10, 4, 4, 4, 4], Z: [31, 1, 2, 4, 8, 16, 31],
  '-': [0, 0, 0, 31, 0, 0, 0], '.': [0, 0, 0, 0, 0, 12, 12], ',': [0, 0, 0, 0, 12, 4, 8],
  ':': [0, 12, 12, 0, 12, 12, 0],
  '/': [1, 1, 2, 4, 8, 16, 16], '(': [2, 4, 8, 8, 8, 4, 2], ')': [8, 4, 2, 2, 2, 4, 8], '_': [0, 0, 0, 0, 0, 0, 31],
  '+': [0, 4, 4, 31, 4, 4, 0], '=': [0, 0, 31, 0, 31, 0, 0], ' ': [0, 0, 0, 0, 0, 0, 0],
}

type RGB = [number, number, number]

class Canvas {
  png: PNG
  constructor(readonly w: number, readonly h: number) {
    this.png = new PNG({ width: w, height: h })
    this.png.data.fill(255)
  }
  set(x: number, y: number, [r, g, b]: RGB, alpha = 1): void {
    x = Math.round(x); y = Math.round(y)
    if (x < 0 || y < 0 || x >= this.w || y >= this.h) return
    const i = (y * this.w + x) * 4, d = this.png.data
    d[i] = d[i] * (1 - alpha) + r * alpha
    d[i + 1] = d[i + 1] * (1 - alpha) + g * alpha
    d[i + 2] = d[i + 2] * (1 - alpha) + b * alpha
  }
  rect(x0: number, y0: number, x1: number, y1: number, c: RGB): void {
    for (let y = Math.round(y0); y <= Math.round(y1); y++) {
      for (let x = Math.round(x0); x <= Math.round(x1); x++) this.set(x, y, c)
    }
  }
  line(x0: number, y0: number, x1: number, y1: number, c: RGB, width = 1): void {
    const n = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0)) * 2))
    for (let i = 0; i <= n; i++) {
      const x = x0 + ((x1 - x0) * i) / n, y = y0 + ((y1 - y0) * i) / n
      if (width <= 1) this.set(x, y, c)
      else this.rect(x - (width - 1) / 2, y - (width - 1) / 2, x + (width - 1) / 2, y + (width - 1) / 2, c)
    }
  }
  /** A filled band between two polylines over the same x (vertical spans per pixel column). */
  band(xs: number[], lo: number[], hi: number[], c: RGB, alpha: number): void {
    const drawn = new Set<number>()
    for (let i = 0; i < xs.length; i++) {
      const j = Math.min(i + 1, xs.length - 1)
      const xa = Math.round(xs[i]), xb = Math.round(xs[j])
      for (let x = xa; x <= xb; x++) {
        if (drawn.has(x)) continue
        drawn.add(x)
        const t = xb === xa ? 0 : (x - xa) / (xb - xa)
        const a = lo[i] + (lo[j] - lo[i]) * t, b = hi[i] + (hi[j] - hi[i]) * t
        for (let y = Math.round(Math.min(a, b)); y <= Math.round(Math.max(a, b)); y++) this.set(x, y, c, alpha)
      }
    }
  }
  textWidth(s: string, scale: number): number {
    return s.length * 6 * scale - scale
  }
  text(s: string, x: number, y: number, c: RGB, scale = 1): void {
    for (const ch of s) {
      const g = FONT[ch] ?? FONT[ch.toUpperCase()] ?? FONT[' ']
      for (let r = 0; r < 7; r++) for (let col = 0; col < 5; col++) {
        const px = x + col * scale, py = y + r * scale
        if (g[r] & (16 >> col)) this.rect(px, py, px + scale - 1, py + scale - 1, c)
      }
      x += 6 * scale
    }
  }
}

/** About `count` round tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (!(hi > lo)) { hi = lo + 1; lo = lo - 1 }
  const raw = (hi - lo) / count
  const mag = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag
  const ticks: number[] = []
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
    ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v)
  }
  return ticks
}

function fmtTick(v: number, step: number): string {
  const digits = Math.max(0, -Math.floor(Math.log10(step) + 1e-9))
  return v.toFixed(digits)
}

export function renderPng(points: Point[], title: string, width = 900, height = 520): Buffer {
  const cv = new Canvas(width, height)
  const black: RGB = [30, 30, 30], grid: RGB = [225, 225, 225], blue: RGB = [31, 119, 180], light: RGB = [31, 119, 180]
  const L = 80, R = width - 30, T = 60, B = height - 60
  const lo = Math.min(...points.map((p) => p.min), ...points.map((p) => p.mean - p.std))
  const hi = Math.max(...points.map((p) => p.max), ...points.map((p) => p.mean + p.std))
  const yt = niceTicks(lo, hi)
  const y0 = Math.min(yt[0], lo), y1 = Math.max(yt[yt.length - 1], hi)
  const x0 = points[0].iteration, x1 = Math.max(points[points.length - 1].iteration, x0 + 1)
  const xt = niceTicks(x0, x1, 8).filter((v) => Number.isInteger(v))
  const px = (it: number) => L + ((it - x0) / (x1 - x0)) * (R - L)
  const py = (v: number) => B - ((v - y0) / (y1 - y0 || 1)) * (B - T)
  // grid and ticks
  const ystep = yt.length > 1 ? yt[1] - yt[0] : 1
  for (const v of yt) {
    cv.line(L, py(v), R, py(v), grid)
    cv.line(L - 5, py(v), L, py(v), black)
    const s = fmtTick(v, ystep)
    cv.text(s, L - 9 - cv.textWidth(s, 1), py(v) - 3, black)
  }
  for (const v of xt) {
    cv.line(px(v), T, px(v), B, grid)
    cv.line(px(v), B, px(v), B + 5, black)
    const s = String(v)
    cv.text(s, px(v) - cv.textWidth(s, 1) / 2, B + 10, black)
  }
  // bands and mean
  const xs = points.map((p) => px(p.iteration))
  cv.band(xs, points.map((p) => py(p.min)), points.map((p) => py(p.max)), light, 0.15)
  cv.band(xs, points.map((p) => py(p.mean - p.std)), points.map((p) => py(p.mean + p.std)), light, 0.3)
  for (let i = 1; i < points.length; i++) cv.line(xs[i - 1], py(points[i - 1].mean), xs[i], py(points[i].mean), blue, 2)
  if (points.length === 1) cv.rect(xs[0] - 2, py(points[0].mean) - 2, xs[0] + 2, py(points[0].mean) + 2, blue)
  // axes, labels, title, legend
  cv.line(L, T, L, B, black)
  cv.line(L, B, R, B, black)
  cv.text(title, (width - cv.textWidth(title, 2)) / 2, 14, black, 2)
  cv.text('avg cum rwd', L - 60, T - 16, black)
  cv.text('iteration', (L + R) / 2 - cv.textWidth('iteration', 1) / 2, B + 28, black)
  let lx = R - 300
  cv.line(lx, T - 12, lx + 20, T - 12, blue, 2); cv.text('mean', lx + 26, T - 15, black); lx += 70
  cv.band([lx, lx + 20], [T - 17, T - 17], [T - 7, T - 7], light, 0.45)
  cv.text('+/- std', lx + 26, T - 15, black)
  lx += 100
  cv.band([lx, lx + 20], [T - 17, T - 17], [T - 7, T - 7], light, 0.15); cv.text('min/max', lx + 26, T - 15, black)
  return PNG.sync.write(cv.png)
}

export function register(program: Command): void {
  const cmd = program.command('graph')
    .description('Plot the mean cumulative extrinsic reward per iteration (PNG) and print an ASCII summary')
    .option('--data_dir <dir>', 'The base data/output directory', DEFAULT_ARGS.data_dir)
    .option('--game <game>', 'Game', DEFAULT_ARGS.game)
    .option('--experiment_name <name>', 'Experiment', DEFAULT_ARGS.experiment_name)
    .option('--out <file>', 'PNG to write (default: <experiment dir>/avg_cum_rwd.png)')
    .action((o: { data_dir: string; game: string; experiment_name: string; out?: string }) => {
      const dir = experimentDir(o)
      if (!fs.existsSync(dir)) badInput(`no experiment at ${dir}`)
      const { points, source } = readCurve(dir)
      if (points.length === 0) badInput(`no iterations logged in ${dir} (metrics.jsonl or log.txt)`)
      const out = o.out ?? path.join(dir, 'avg_cum_rwd.png')
      fs.writeFileSync(out, renderPng(points, `${o.game} ${o.experiment_name}: avg cum rwd per iteration`))
      console.log(summary(points))
      console.log(`read ${source}; wrote ${out}`)
    })
  exitOnBadInput(cmd)
}
