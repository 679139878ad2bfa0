// `rl-rnd visits`: where the intrinsic reward goes, from a MiniGrid run's visits.jsonl (rl/visit_map.ts, one record
// per iteration). For a few iterations side by side (default: 4 evenly spaced over the run), the grid twice: visit
// counts above, the mean raw intrinsic reward per cell below, both on log scales, each row on one colour scale
// shared by its iterations (rl/visit_colors.ts) so colours compare over training; grey cells were never visited.
// PNG or SVG.
import type { Command } from 'commander'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { badInput, exitOnBadInput, experimentDir } from './args_cli.ts'
import { PngSurface, SvgSurface, fmtCount, textWidth, BLACK, type Surface } from './plot.ts'
import { addImageOptions, addRunOptions, checkRunOptions, formatOf, writeImage, type Format } from './graph.ts'
import { VISITS_FILE } from './train.ts'
import { checkVisits, readText, type VisitLine } from './validate.ts'
import type { VisitRecord } from '../rl/visit_map.ts'
import { UNVISITED, cellColors, intrinsicLevel, visitLevel, visitScales, viridis, type VisitScales } from '../rl/visit_colors.ts'

export type { VisitLine } from './validate.ts'

/** The records of DIR/visits.jsonl, checked whole (cli/validate.ts; a last line cut by a kill is skipped). */
export function readVisits(dir: string): VisitLine[] {
  const file = path.join(dir, VISITS_FILE)
  return fs.existsSync(file) ? checkVisits(readText(file), file) : []
}

/** n records evenly spaced over the list, first and last included (fewer when the list is shorter). */
export function evenlySpaced<T>(list: readonly T[], n = 4): T[] {
  if (list.length <= n) return [...list]
  return Array.from({ length: n }, (_, k) => list[Math.round((k * (list.length - 1)) / (n - 1))])
}

const CELL_TARGET = 200,
  TOP = 74,
  LEFT = 30,
  GAP = 24,
  BAR = 110,
  ROW_GAP = 46

/** Pixels per cell: the grid about CELL_TARGET pixels across, at least 3. */
const cellSize = (r: VisitRecord) => Math.max(3, Math.floor(CELL_TARGET / Math.max(r.width, r.height)))

export function visitsFigureSize(records: VisitLine[]): { w: number; h: number } {
  const c = cellSize(records[0]),
    pw = records[0].width * c,
    ph = records[0].height * c
  return { w: LEFT + records.length * (pw + GAP) + BAR, h: TOP + 2 * (ph + ROW_GAP) + 10 }
}

/** A vertical colour bar at (x, y), h tall, with labelled ticks at levels in [0, 1]. */
function colourBar(s: Surface, x: number, y: number, h: number, ticks: Tick[]): void {
  for (let i = 0; i < h; i++) s.rect(x, y + h - 1 - i, x + 13, y + h - 1 - i, viridis(i / Math.max(1, h - 1)))
  for (const t of ticks) {
    const ty = y + h - 1 - t.level * (h - 1)
    s.line(x + 14, ty, x + 18, ty, BLACK)
    s.text(t.label, x + 21, ty - 3, BLACK)
  }
}

function visitTicks(sc: VisitScales): Tick[] {
  const out = [{ level: visitLevel(1, sc), label: '1' }]
  for (let v = 10; v < sc.maxVisits; v *= 10) out.push({ level: visitLevel(v, sc), label: fmtCount(v) })
  if (sc.maxVisits > 1) out.push({ level: 1, label: fmtCount(sc.maxVisits) })
  return spaced(out)
}

type Tick = { level: number; label: string }

/** The ticks without those crowding a neighbour (the ends always stay). */
const spaced = (ticks: Tick[], gap = 0.08): Tick[] =>
  ticks.filter((t, i, a) => i === 0 || i === a.length - 1 || (t.level - a[i - 1].level > gap && a[a.length - 1].level - t.level > gap))

/** The ends of the intrinsic scale and the powers of ten between them (1-2 significant digits). */
function intrinsicTicks(sc: VisitScales): Tick[] {
  if (!(sc.intHi > sc.intLo)) return [{ level: 0.5, label: fmtSmall(sc.intHi) }]
  const out = [{ level: 0, label: fmtSmall(sc.intLo) }]
  for (let v = 10 ** Math.ceil(Math.log10(sc.intLo)); v < sc.intHi; v *= 10) out.push({ level: intrinsicLevel(v, sc), label: fmtSmall(v) })
  out.push({ level: 1, label: fmtSmall(sc.intHi) })
  return spaced(out)
}

/** 0.00012, 0.0035, 0.1, 1.2 */
const fmtSmall = (v: number) => String(+v.toPrecision(2))

function draw(s: Surface, records: VisitLine[], title: string): void {
  const scale = textWidth(title, 2) <= s.w - 20 ? 2 : 1
  s.text(title, (s.w - textWidth(title, scale)) / 2, 12, BLACK, scale)
  const sc = visitScales(records),
    c = cellSize(records[0])
  const W = records[0].width,
    H = records[0].height,
    pw = W * c,
    ph = H * c
  const rows = [
    { label: 'visits per cell (log scale)', ticks: visitTicks(sc), pick: 'visits' as const },
    { label: 'mean intrinsic reward per visited cell (log scale)', ticks: intrinsicTicks(sc), pick: 'intrinsic' as const },
  ]
  rows.forEach((row, ri) => {
    const y0 = TOP + ri * (ph + ROW_GAP)
    s.text(row.label, LEFT, y0 - 14, BLACK)
    records.forEach((r, ci) => {
      const x0 = LEFT + ci * (pw + GAP)
      if (ri === 0) {
        s.text(`iteration ${r.iteration}`, x0, y0 - 38, BLACK)
        s.text(`${fmtCount(r.total_env_steps)} frames`, x0, y0 - 28, BLACK)
      }
      for (let y = 0; y < H; y++)
        for (let x = 0; x < W; x++) {
          s.rect(x0 + x * c, y0 + y * c, x0 + (x + 1) * c - 1, y0 + (y + 1) * c - 1, cellColors(r, y * W + x, sc)[row.pick])
        }
      s.line(x0 - 1, y0 - 1, x0 + pw, y0 - 1, BLACK)
      s.line(x0 - 1, y0 + ph, x0 + pw, y0 + ph, BLACK)
      s.line(x0 - 1, y0 - 1, x0 - 1, y0 + ph, BLACK)
      s.line(x0 + pw, y0 - 1, x0 + pw, y0 + ph, BLACK)
    })
    colourBar(s, LEFT + records.length * (pw + GAP), y0, ph, row.ticks)
  })
  const ly = TOP + 2 * (ph + ROW_GAP) - ROW_GAP + 16
  s.rect(LEFT, ly, LEFT + 9, ly + 9, UNVISITED)
  s.text('never visited in the iteration', LEFT + 14, ly + 1, BLACK)
}

export function renderVisits(format: Format, records: VisitLine[], title: string): Buffer | string {
  const { w, h } = visitsFigureSize(records)
  const s = format === 'svg' ? new SvgSurface(w, h) : new PngSurface(w, h)
  draw(s, records, title)
  return s.encode()
}

/** The records to draw: those of `iterations` (each must exist), or 4 evenly spaced; throws one line otherwise. */
export function pickVisits(all: VisitLine[], iterations: number[] | null): VisitLine[] {
  if (!iterations) return evenlySpaced(all)
  const byIt = new Map(all.map((r) => [r.iteration, r]))
  const missing = iterations.filter((i) => !byIt.has(i))
  if (missing.length) {
    throw new Error(`--iterations: no record of iteration ${missing.join(', ')} (logged: ${all[0].iteration}..${all.at(-1)!.iteration})`)
  }
  return iterations.map((i) => byIt.get(i)!)
}

interface VisitsOptions {
  data_dir: string
  game: string
  experiment_name: string
  iterations?: string
  out?: string
  format?: Format
}

export function register(program: Command): void {
  const cmd = program
    .command('visits')
    .description(
      'Heat maps of a MiniGrid run (visits.jsonl): visit counts and mean intrinsic reward per grid cell, ' + 'for a few iterations side by side, as PNG or SVG',
    )
  addRunOptions(cmd).option('--iterations <list>', 'Iterations to draw, comma-separated (default: 4 evenly spaced over the run)')
  addImageOptions(cmd, '<experiment dir>/visits.png')
  cmd.action((o: VisitsOptions) => {
    checkRunOptions(o)
    const dir = experimentDir(o)
    if (!fs.existsSync(dir)) badInput(`no experiment at ${dir}`)
    const all = readVisits(dir)
    if (!all.length) badInput(`no ${VISITS_FILE} records in ${dir} (written by train on MiniGrid levels, one per iteration)`)
    let iterations: number[] | null = null
    if (o.iterations !== undefined) {
      iterations = o.iterations
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean)
        .map(Number)
      if (!iterations.length || iterations.some((v) => !Number.isInteger(v) || v < 1)) {
        badInput(`--iterations ${o.iterations}: expected iteration numbers separated by commas, e.g. 1,50,100`)
      }
    }
    let records: VisitLine[]
    try {
      records = pickVisits(all, iterations)
    } catch (e) {
      return badInput((e as Error).message)
    }
    const format = formatOf(o)
    const out = o.out ?? path.join(dir, `visits.${format}`)
    writeImage(out, renderVisits(format, records, `${o.game} ${o.experiment_name}: where the intrinsic reward goes`))
    console.log(
      `read ${path.join(dir, VISITS_FILE)} (iterations ${all[0].iteration}..${all.at(-1)!.iteration}); ` +
        `drew iterations ${records.map((r) => r.iteration).join(', ')}; wrote ${out}`,
    )
  })
  exitOnBadInput(cmd)
}
