// batch_matmul (spec: kernels/ref/batch_matmul.ts): G products out[g] = op(a[g]) @ op(b[g]), op transposing a when TA
// is 1 and b when TB is 1. The DNC's products are small (R x N by N x N, R x N by N x W), so no packing: with b
// untransposed each row of out accumulates rows of b scaled by a's entries (f32x4 along the contiguous N); with b
// transposed each element is a dot product along K (f32x4 when a's row is contiguous too).
import { madd } from './madd'

@inline function at(p: usize, i: i32): usize { return p + (<usize>i << 2) }

export function batch_matmul(out: usize, a: usize, b: usize, G: i32, M: i32, K: i32, N: i32, TA: i32, TB: i32): void {
  for (let g = 0; g < G; g++) {
    const ag = at(a, g * M * K), bg = at(b, g * K * N), og = at(out, g * M * N)
    for (let i = 0; i < M; i++) {
      const orow = at(og, i * N)
      if (TB == 0) {
        memory.fill(orow, 0, <usize>N << 2)
        for (let k = 0; k < K; k++) {
          const av = load<f32>(at(ag, TA ? k * M + i : i * K + k)), brow = at(bg, k * N), avv = f32x4.splat(av)
          let j = 0
          for (; j + 4 <= N; j += 4) v128.store(at(orow, j), madd(avv, v128.load(at(brow, j)), v128.load(at(orow, j))))
          for (; j < N; j++) store<f32>(at(orow, j), load<f32>(at(orow, j)) + av * load<f32>(at(brow, j)))
        }
      } else {
        for (let j = 0; j < N; j++) {
          const brow = at(bg, j * K)
          let k = 0, acc = f32x4.splat(0)
          if (TA == 0) {
            const arow = at(ag, i * K)
            for (; k + 4 <= K; k += 4) acc = madd(v128.load(at(arow, k)), v128.load(at(brow, k)), acc)
          }
          let s = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3)
          for (; k < K; k++) s += load<f32>(at(ag, TA ? k * M + i : i * K + k)) * load<f32>(at(brow, k))
          store<f32>(at(orow, j), s)
        }
      }
    }
  }
}
