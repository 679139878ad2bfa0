// Running mean/variance merged batch by batch with the parallel formula (Chan, Golub, LeVeque 1979;
// https://en.wikipedia.org/wiki/Algorithms_for_calculating_variance#Parallel_algorithm), weights = counts:
//   n = na + nb,  delta = mean_b - mean_a,  mean = mean_a + delta nb / n,  M2 = M2a + M2b + delta^2 na nb / n
// var = M2 / n (population variance, as numpy's default). Kept in f64 on the host.

export class RunningMeanStd {
  count = 0
  readonly mean: Float64Array
  /** population variance */
  readonly var: Float64Array

  constructor(readonly size: number) {
    this.mean = new Float64Array(size)
    this.var = new Float64Array(size)
  }

  /** Merge a batch given by its own count, mean and (population) variance. */
  mergeMoments(n: number, mean: ArrayLike<number>, variance: ArrayLike<number>): void {
    if (n <= 0) return
    const na = this.count,
      tot = na + n
    for (let i = 0; i < this.size; i++) {
      const delta = mean[i] - this.mean[i]
      const m2 = this.var[i] * na + variance[i] * n + (delta * delta * na * n) / tot
      this.mean[i] += (delta * n) / tot
      this.var[i] = m2 / tot
    }
    this.count = tot
  }

  /**
   * Merge `n` samples stored back to back (sample k at data[offset + k * stride .. + size)): their moments are
   * computed first (two passes, f64), then merged.
   */
  mergeSamples(data: ArrayLike<number>, n: number, offset = 0, stride = this.size): void {
    if (n <= 0) return
    const m = new Float64Array(this.size),
      v = new Float64Array(this.size)
    for (let k = 0; k < n; k++) {
      const o = offset + k * stride
      for (let i = 0; i < this.size; i++) m[i] += data[o + i]
    }
    for (let i = 0; i < this.size; i++) m[i] /= n
    for (let k = 0; k < n; k++) {
      const o = offset + k * stride
      for (let i = 0; i < this.size; i++) {
        const d = data[o + i] - m[i]
        v[i] += d * d
      }
    }
    for (let i = 0; i < this.size; i++) v[i] /= n
    this.mergeMoments(n, m, v)
  }

  std(i = 0): number {
    return Math.sqrt(this.var[i])
  }

  toJSON(): { count: number; mean: number[]; var: number[] } {
    return { count: this.count, mean: [...this.mean], var: [...this.var] }
  }

  load(s: { count: number; mean: ArrayLike<number>; var: ArrayLike<number> }): void {
    if (s.mean.length !== this.size || s.var.length !== this.size) {
      throw new Error(`statistics of size ${s.mean.length} do not match the expected ${this.size}`)
    }
    this.count = s.count
    this.mean.set(s.mean)
    this.var.set(s.var)
  }
}
