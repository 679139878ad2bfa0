// Where the intrinsic reward goes (MiniGrid): per grid cell, how often a rollout's observations were taken there and
// the raw intrinsic reward (RND prediction error) they received. Indexed [y * width + x] (row-major, as the grid is
// drawn). The trainer clears it at each rollout and adds one entry per recorded step.
export interface VisitRecord {
  width: number
  height: number
  /** observations taken with the agent in each cell */
  visits: number[]
  /** mean raw intrinsic reward of those observations (null: never visited) */
  intrinsic_mean: (number | null)[]
}

export class VisitMap {
  readonly visits: Float64Array
  readonly intSum: Float64Array
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.visits = new Float64Array(width * height)
    this.intSum = new Float64Array(width * height)
  }

  clear(): void {
    this.visits.fill(0)
    this.intSum.fill(0)
  }

  add(x: number, y: number, rewardInt: number): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return
    const k = y * this.width + x
    this.visits[k]++
    this.intSum[k] += rewardInt
  }

  toJSON(): VisitRecord {
    const n = this.width * this.height,
      mean: (number | null)[] = new Array(n)
    for (let k = 0; k < n; k++) mean[k] = this.visits[k] > 0 ? this.intSum[k] / this.visits[k] : null
    return { width: this.width, height: this.height, visits: [...this.visits], intrinsic_mean: mean }
  }
}
