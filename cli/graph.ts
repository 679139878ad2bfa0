// `rl-rnd graph`: the seed's graph.py plotted the mean cumulative extrinsic reward per iteration with a std band. We
// read metrics.jsonl (or, failing that, the "avg cum rwd" lines of log.txt, split the way graph.py splits them),
// draw that chart ourselves (min/max band, mean +/- std band, mean line; cli/plot.ts) as PNG or SVG, and print an
// ASCII sparkline summary. `--metric a,b` plots any metrics of metrics.jsonl by name instead, one panel each.
import { type Command, InvalidArgumentError, Option } from 'commander'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { readMetrics, parseAvgLine, type ReadRecord, type ReturnStats } from './log.ts'
import { badInput, exitOnBadInput, experimentDir } from './args_cli.ts'
import { checkOutputFile, writing } from './errors.ts'
import { writeFileAtomic } from './snapshot.ts'
import { readText } from './validate.ts'
import { PngSurface, SvgSurface, axes, textWidth, BLACK, type RGB, type Surface } from './plot.ts'
import { FLAGS, flagError } from '../rl/args.ts'
import { METRICS } from '../rl/metrics.ts'

export interface Point extends ReturnStats {
  iteration: number
}

/** The records of an experiment directory: metrics.jsonl, or failing that log.txt's "avg cum rwd" lines. */
export function readRecords(dir: string): { records: ReadRecord[]; source: string } {
  const metrics = path.join(dir, 'metrics.jsonl')
  const records = readMetrics(metrics)
  if (records.length > 0) return { records, source: metrics }
  const log = path.join(dir, 'log.txt')
  if (!fs.existsSync(log)) return { records: [], source: '' }
  const stats = readText(log)
    .split('\n')
    .map(parseAvgLine)
    .filter((s): s is ReturnStats => s !== null)
  return {
    records: stats.map((s, i) => ({
      iteration: i + 1,
      return_ext_mean: s.mean,
      return_ext_std: s.std,
      return_ext_min: s.min,
      return_ext_max: s.max,
    })),
    source: log,
  }
}

/** The return curve of an experiment directory (metrics.jsonl first, log.txt as a fallback). */
export function readCurve(dir: string): { points: Point[]; source: string } {
  const { records, source } = readRecords(dir)
  const points: Point[] = []
  for (const r of records) {
    const [mean, std, min, max] = [r.return_ext_mean, r.return_ext_std, r.return_ext_min, r.return_ext_max]
    if (mean != null && std != null && min != null && max != null) points.push({ iteration: r.iteration, mean, std, min, max })
  }
  return { points, source }
}

/** The metric names the records hold (first seen first), iteration excluded. */
export function metricNames(records: ReadRecord[]): string[] {
  const names = new Set<string>()
  for (const r of records) for (const k of Object.keys(r)) if (k !== 'iteration') names.add(k)
  return [...names]
}

/** (iteration, value) of one metric, where it is a finite number (NaN is stored as null). */
function seriesOf(records: ReadRecord[], name: string): { x: number[]; y: number[] } {
  const x: number[] = [],
    y: number[] = []
  for (const r of records) {
    const v = r[name]
    if (typeof v === 'number' && Number.isFinite(v)) {
      x.push(r.iteration)
      y.push(v)
    }
  }
  return { x, y }
}

// ---- ASCII summary ----------------------------------------------------------------------------------------------
const BLOCKS = '▁▂▃▄▅▆▇█'

export function sparkline(values: number[], width = 60): string {
  if (values.length === 0) return ''
  const buckets: number[] = []
  const n = Math.min(width, values.length)
  for (let b = 0; b < n; b++) {
    const lo = Math.floor((b * values.length) / n),
      hi = Math.floor(((b + 1) * values.length) / n)
    const part = values.slice(lo, Math.max(hi, lo + 1))
    buckets.push(part.reduce((a, c) => a + c, 0) / part.length)
  }
  const min = Math.min(...buckets),
    max = Math.max(...buckets)
  const level = (v: number) => (max > min ? Math.round(((v - min) / (max - min)) * (BLOCKS.length - 1)) : 0)
  return buckets.map((v) => BLOCKS[level(v)]).join('')
}

export function summary(points: Point[]): string {
  if (points.length === 0) return 'no iterations logged yet'
  const means = points.map((p) => p.mean)
  let best = 0
  means.forEach((m, i) => {
    if (m > means[best]) best = i
  })
  const f = (x: number) => x.toFixed(2)
  const first = points[0].iteration,
    last = points[points.length - 1].iteration
  return (
    `avg cum rwd ${sparkline(means)}  (iterations ${first}..${last})\n` +
    `first ${f(means[0])}  last ${f(means[means.length - 1])}  ` +
    `best ${f(means[best])} at iteration ${points[best].iteration}` +
    `  min/max over all ${f(Math.min(...points.map((p) => p.min)))}/${f(Math.max(...points.map((p) => p.max)))}`
  )
}

/** One line per metric: sparkline, iteration range, first/last/min/max. */
export function metricSummary(records: ReadRecord[], names: string[]): string {
  return names
    .map((name) => {
      const { x, y } = seriesOf(records, name)
      if (!y.length) return `${name}: no finite values`
      const f = (v: number) => v.toPrecision(4)
      return (
        `${name} ${sparkline(y)}  (iterations ${x[0]}..${x[x.length - 1]})  first ${f(y[0])}  ` +
        `last ${f(y[y.length - 1])}  min ${f(Math.min(...y))}  max ${f(Math.max(...y))}`
      )
    })
    .join('\n')
}

// ---- charts -----------------------------------------------------------------------------------------------------
const BLUE: RGB = [31, 119, 180]

/** The seed's chart: mean return per iteration, +/- std and min/max bands. */
function drawReturns(s: Surface, points: Point[], title: string): void {
  const L = 80,
    R = s.w - 30,
    T = 60,
    B = s.h - 60
  const lo = Math.min(...points.map((p) => p.min), ...points.map((p) => p.mean - p.std))
  const hi = Math.max(...points.map((p) => p.max), ...points.map((p) => p.mean + p.std))
  const { px, py } = axes(s, { L, R, T, B }, points[0].iteration, points[points.length - 1].iteration, lo, hi)
  const xs = points.map((p) => px(p.iteration))
  s.band(
    xs,
    points.map((p) => py(p.min)),
    points.map((p) => py(p.max)),
    BLUE,
    0.15,
  )
  s.band(
    xs,
    points.map((p) => py(p.mean - p.std)),
    points.map((p) => py(p.mean + p.std)),
    BLUE,
    0.3,
  )
  drawLine(
    s,
    xs,
    points.map((p) => py(p.mean)),
  )
  drawTitle(s, title)
  s.text('avg cum rwd', L - 60, T - 16, BLACK)
  s.text('iteration', (L + R) / 2 - textWidth('iteration') / 2, B + 28, BLACK)
  let lx = R - 300
  s.line(lx, T - 12, lx + 20, T - 12, BLUE, 2)
  s.text('mean', lx + 26, T - 15, BLACK)
  lx += 70
  s.band([lx, lx + 20], [T - 17, T - 17], [T - 7, T - 7], BLUE, 0.45)
  s.text('+/- std', lx + 26, T - 15, BLACK)
  lx += 100
  s.band([lx, lx + 20], [T - 17, T - 17], [T - 7, T - 7], BLUE, 0.15)
  s.text('min/max', lx + 26, T - 15, BLACK)
}

/** Centered at the top, at twice the font size when it fits. */
function drawTitle(s: Surface, title: string): void {
  const scale = textWidth(title, 2) <= s.w - 20 ? 2 : 1
  s.text(title, (s.w - textWidth(title, scale)) / 2, 14, BLACK, scale)
}

/** A 2-pixel polyline (a dot when there is one point). */
function drawLine(s: Surface, xs: number[], ys: number[]): void {
  for (let i = 1; i < xs.length; i++) s.line(xs[i - 1], ys[i - 1], xs[i], ys[i], BLUE, 2)
  if (xs.length === 1) s.rect(xs[0] - 2, ys[0] - 2, xs[0] + 2, ys[0] + 2, BLUE)
}

const PANEL = 200,
  HEAD = 50

/** One panel per metric, stacked, each with its own y axis (the metrics differ in scale by orders of magnitude). */
function drawMetrics(s: Surface, records: ReadRecord[], names: string[], title: string): void {
  drawTitle(s, title)
  const first = records[0].iteration,
    last = records[records.length - 1].iteration
  names.forEach((name, i) => {
    const T = HEAD + i * PANEL + 20,
      B = T + PANEL - 60,
      L = 90,
      R = s.w - 30
    const { x, y } = seriesOf(records, name)
    s.text(name, L, T - 14, BLACK)
    if (!y.length) {
      s.text('no finite values', L + 10, T + 10, BLACK)
      return
    }
    const { px, py } = axes(s, { L, R, T, B }, first, last, Math.min(...y), Math.max(...y))
    drawLine(s, x.map(px), y.map(py))
  })
  s.text('iteration', s.w / 2 - textWidth('iteration') / 2, s.h - 14, BLACK)
}

export type Format = 'png' | 'svg'

/** Draw on a PNG or SVG surface and encode it. */
function render(format: Format, w: number, h: number, draw: (s: Surface) => void): Buffer | string {
  const s = format === 'svg' ? new SvgSurface(w, h) : new PngSurface(w, h)
  draw(s)
  return s.encode()
}

export function renderReturns(format: Format, points: Point[], title: string): Buffer | string {
  return render(format, 900, 520, (s) => drawReturns(s, points, title))
}

export function renderPng(points: Point[], title: string): Buffer {
  return renderReturns('png', points, title) as Buffer
}

export function renderMetrics(format: Format, records: ReadRecord[], names: string[], title: string): Buffer | string {
  return render(format, 900, HEAD + names.length * PANEL + 20, (s) => drawMetrics(s, records, names, title))
}

// ---- the command ------------------------------------------------------------------------------------------------
const METRIC_HELP =
  '\nMetrics (--metric, the names of metrics.jsonl):\n' +
  Object.entries({ ...METRICS, wall_seconds: 'seconds since the start of the run (resumes included)' })
    .filter(([k]) => k !== 'iteration')
    .map(([k, doc]) => `  ${k.padEnd(24)} ${doc}`)
    .join('\n')

interface GraphOptions {
  data_dir: string
  game: string
  experiment_name: string
  metric: string[]
  format?: Format
  out?: string
}

/** The format: --format, else --out's extension, else png; one line when they disagree or the extension is neither. */
export function formatOf(o: { out?: string; format?: Format }): Format {
  const ext = o.out ? path.extname(o.out).slice(1).toLowerCase() : ''
  if (o.format) {
    if (ext && ext !== o.format) badInput(`--out ${o.out} does not end in .${o.format} (--format ${o.format})`)
    return o.format
  }
  if (ext === 'png' || ext === 'svg' || !o.out) return (ext || 'png') as Format
  return badInput(`--out ${o.out}: unknown image type '.${ext}'; available: .png, .svg (or give --format)`)
}

/** --data_dir, --game, --experiment_name: which run (as train names its folder). */
export function addRunOptions(cmd: Command): Command {
  return cmd
    .option('--data_dir <dir>', FLAGS.data_dir.doc, FLAGS.data_dir.default)
    .option('--game <game>', FLAGS.game.doc, FLAGS.game.default)
    .option('--experiment_name <name>', FLAGS.experiment_name.doc, FLAGS.experiment_name.default)
}

/** The run options within FLAGS' rules (names inside --data_dir) and --out writable, creating nothing: one line if not. */
export function checkRunOptions(o: { data_dir: string; game: string; experiment_name: string; out?: string }): void {
  for (const k of ['data_dir', 'game', 'experiment_name'] as const) {
    const bad = flagError(k, o[k])
    if (bad) badInput(bad)
  }
  if (o.out !== undefined) checkOutputFile(o.out, '--out')
}

/** Write an image whole (a temp file renamed over it): a failed write is one line and leaves the old image. */
export function writeImage(out: string, image: Buffer | string): void {
  writing(out, () => writeFileAtomic(out, image))
}

/** --format and --out of a command writing one image (formatOf reads them). */
export function addImageOptions(cmd: Command, defaultOut: string): Command {
  return cmd
    .addOption(new Option('--format <format>', 'Image format (default: from --out, else png)').choices(['png', 'svg']))
    .option('--out <file>', `Image to write (default: ${defaultOut})`)
}

export function register(program: Command): void {
  const cmd = program
    .command('graph')
    .description(
      'Plot the mean cumulative extrinsic reward per iteration, or any metric of metrics.jsonl by name ' +
        '(--metric approx_kl,clip_fraction), as PNG or SVG, and print an ASCII summary',
    )
  addRunOptions(cmd).addOption(
    new Option('--metric <names>', 'Plot these metrics (comma-separated, or the option repeated), one panel each')
      .argParser((v: string, prev: string[]) => {
        const names = v.split(',').filter(Boolean)
        if (!names.length) throw new InvalidArgumentError('give metric names (see --help).')
        return [...prev, ...names]
      })
      .default([], 'the return chart'),
  )
  addImageOptions(cmd, '<experiment dir>/avg_cum_rwd.png, or <metric>+<metric>.png')
  cmd.addHelpText('after', METRIC_HELP).action((o: GraphOptions) => {
    checkRunOptions(o)
    const dir = experimentDir(o)
    if (!fs.existsSync(dir)) badInput(`no experiment at ${dir}`)
    const { records, source } = readRecords(dir)
    if (records.length === 0) badInput(`no iterations logged in ${dir} (metrics.jsonl or log.txt)`)
    const format = formatOf(o),
      run = `${o.game} ${o.experiment_name}`
    let out: string
    if (o.metric.length) {
      const available = metricNames(records)
      const unknown = o.metric.find((m) => !available.includes(m))
      if (unknown) badInput(`unknown --metric '${unknown}'; available in ${source}: ${available.join(', ')}`)
      out = o.out ?? path.join(dir, `${o.metric.join('+')}.${format}`)
      writeImage(out, renderMetrics(format, records, o.metric, `${run}: ${o.metric.join(', ')}`))
      console.log(metricSummary(records, o.metric))
    } else {
      const { points } = readCurve(dir)
      if (points.length === 0) badInput(`no returns logged in ${source}`)
      out = o.out ?? path.join(dir, `avg_cum_rwd.${format}`)
      writeImage(out, renderReturns(format, points, `${run}: avg cum rwd per iteration`))
      console.log(summary(points))
    }
    console.log(`read ${source}; wrote ${out}`)
  })
  exitOnBadInput(cmd)
}
