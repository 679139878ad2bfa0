// The colours of the visit map (rl/visit_map.ts) for people: `rl-rnd visits` (PNG/SVG) and the web page's live heat
// map draw the same cells the same way. Both quantities on log scales through viridis (matplotlib's default map:
// ordered in lightness, readable in grey and for the colour-blind): visit counts, because a few cells near the start
// take most visits (a linear scale would show only them); the mean intrinsic reward, because it falls by orders of
// magnitude as the predictor learns (measured on MultiRoom-N4-S5: median 0.17 per cell at iteration 1, 0.0009 at
// iteration 353, while cells within one iteration differ by 1-2 orders), so one scale shows both the decay and
// where the novelty is. Scales are shared across the iterations drawn together, so a cell's colour compares over
// training.
import type { VisitRecord } from './visit_map.ts'

export type RGB = [number, number, number]

/** Cells never visited (walls, unreached rooms): a light grey outside the colour map. */
export const UNVISITED: RGB = [215, 215, 215]

// viridis at t = 0, 1/8, ..., 1: matplotlib's _cm_listed.py _viridis_data entries round(255 k / 8) = 0, 32, 64, 96,
// 128, 159, 191, 223, 255, times 255 and rounded; interpolated linearly between them
const VIRIDIS: RGB[] = [
  [68, 1, 84],
  [71, 45, 123],
  [59, 82, 139],
  [44, 114, 142],
  [33, 145, 140],
  [39, 173, 129],
  [92, 200, 99],
  [170, 220, 50],
  [253, 231, 37],
]

/** viridis(t) for t in [0, 1] (clamped; NaN -> 0). */
export function viridis(t: number): RGB {
  const u = Number.isFinite(t) ? Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1) : 0
  const i = Math.min(VIRIDIS.length - 2, Math.floor(u)),
    f = u - i
  const a = VIRIDIS[i],
    b = VIRIDIS[i + 1]
  return [0, 1, 2].map((c) => Math.round(a[c] + (b[c] - a[c]) * f)) as RGB
}

export interface VisitScales {
  /** the largest visit count of a cell (the top of the log scale) */
  maxVisits: number
  /** range of the positive mean intrinsic rewards of visited cells (the log scale; 0 and 0 when there are none) */
  intLo: number
  intHi: number
}

/** Scales covering every cell of the records drawn together. */
export function visitScales(records: readonly VisitRecord[]): VisitScales {
  let maxVisits = 0,
    intLo = Infinity,
    intHi = -Infinity
  for (const r of records) {
    for (const v of r.visits) maxVisits = Math.max(maxVisits, v)
    for (const m of r.intrinsic_mean)
      if (m !== null && m > 0) {
        intLo = Math.min(intLo, m)
        intHi = Math.max(intHi, m)
      }
  }
  if (intLo > intHi) {
    intLo = 0
    intHi = 0
  }
  return { maxVisits, intLo, intHi }
}

/** Position of a visit count on the log scale: log(1 + v) / log(1 + max). */
export const visitLevel = (v: number, s: VisitScales) => (s.maxVisits > 0 ? Math.log1p(v) / Math.log1p(s.maxVisits) : 0)

/** Position of a mean intrinsic reward on the log scale: log(m / lo) / log(hi / lo) (0 for m <= lo, 0.5 when all are equal). */
export const intrinsicLevel = (m: number, s: VisitScales) => (s.intHi > s.intLo ? (m > s.intLo ? Math.log(m / s.intLo) / Math.log(s.intHi / s.intLo) : 0) : 0.5)

/** The colour of cell k in each map: visits (log scale) and mean intrinsic reward; UNVISITED where nothing was seen. */
export function cellColors(r: VisitRecord, k: number, s: VisitScales): { visits: RGB; intrinsic: RGB } {
  const m = r.intrinsic_mean[k]
  if (!(r.visits[k] > 0) || m === null) return { visits: UNVISITED, intrinsic: UNVISITED }
  return { visits: viridis(visitLevel(r.visits[k], s)), intrinsic: viridis(intrinsicLevel(m, s)) }
}
