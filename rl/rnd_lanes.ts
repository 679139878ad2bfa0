// The RND predictor trains on the rows of its selected episodes only (gathered), and a recurrent one on the lanes
// whose episode is selected (issue #12: the seed's portion_experience_train_rnd_predictor keeps a quarter of the
// episodes, so a mask over every lane threw three quarters of the predictor's work away). Exact, not an
// approximation: a lane walks one episode's chunks until it ends and a new episode restarts the lane's state from
// zeros (rl/train_loop.ts), so a lane whose episode is not selected never feeds the predictor's loss, and its
// predictor state is never read before that restart.
import type { Chunk } from './train_loop.ts'

/** Index arrays that run the predictor on its selected rows (all predictors) as a sub-batch of a gradient step's lanes (PackedRows of that sub-batch: recurrent ones). */
export interface RndLanes {
  /** the selected lanes, ascending (the sub-batch's lane j is lane lanes[j] of the step) */
  lanes: number[]
  /** the step's batch rows of those lanes, in batch order (gather them from the full batch's columns) */
  rows: number[]
  /** the sub-batch's longest chunk */
  T: number
  /** [T * lanes.length]: row of the gathered rows at step t of sub-lane j (t * lanes.length + j), rows.length = the zero row */
  padIdx: number[]
  /** [rows.length]: where each gathered row sits in the padded time-major layout */
  realIdx: number[]
  /** [B]: per lane of the step, its row in concat([sub-batch state, full state]): j for selected lanes, lanes.length + b for the rest */
  back: number[]
}

/**
 * The selected lanes of one gradient step. The step's batch holds each non-null chunk's rows lane by lane, t
 * ascending (rl/train_loop.ts gradientStep); `sel[ep]` is 1 for the episodes the predictor trains on.
 */
export function rndLanes(chunks: (Chunk | null)[], sel: Uint8Array): RndLanes {
  const lanes: number[] = [],
    rows: number[] = [],
    lens: number[] = []
  let row = 0
  chunks.forEach((c, b) => {
    if (!c) return
    if (sel[c.ep]) {
      lanes.push(b)
      lens.push(c.len)
      for (let t = 0; t < c.len; t++) rows.push(row + t)
    }
    row += c.len
  })
  const J = lanes.length,
    T = Math.max(0, ...lens),
    padIdx = new Array<number>(T * J).fill(rows.length),
    realIdx: number[] = []
  let k = 0
  for (let j = 0; j < J; j++)
    for (let t = 0; t < lens[j]; t++, k++) {
      padIdx[t * J + j] = k
      realIdx.push(t * J + j)
    }
  const back = chunks.map((_, b) => J + b)
  lanes.forEach((b, j) => {
    back[b] = j
  })
  return { lanes, rows, T, padIdx, realIdx, back }
}
