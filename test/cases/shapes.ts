// Shape cases shared by the kernel tests and the benches: odd sizes (not multiples of 4 or of any tile) and the
// seed network's real sizes (batch 64 of 4x84x84 -> 32 8x8 s4 -> 64 4x4 s2 -> 64 3x3 s1 -> 3136 -> 32; LSTM 32->256).
// `heavy` cases are the real sizes: the ref backend takes seconds on them, so tests may run them only where noted.

export interface MatmulCase {
  M: number
  K: number
  N: number
  heavy?: boolean
}
export const MATMUL: MatmulCase[] = [
  { M: 1, K: 1, N: 1 },
  { M: 3, K: 5, N: 7 },
  { M: 4, K: 300, N: 20 }, // one row tile: full B panels read in place, the last one packed; depth past one 128 slice
  { M: 17, K: 33, N: 9 },
  { M: 31, K: 67, N: 65 },
  { M: 64, K: 3136, N: 32 },
  { M: 64, K: 32, N: 1024, heavy: true },
]
/** The bench's matmul cases (M, K, N). */
export const MATMUL_BENCH: MatmulCase[] = [
  { M: 256, K: 256, N: 256 },
  { M: 1024, K: 1024, N: 1024 },
  { M: 64, K: 3136, N: 512 },
  { M: 2048, K: 32, N: 256 },
  { M: 128, K: 256, N: 1024 },
]

export interface ConvCase {
  N: number
  C: number
  H: number
  W: number
  K: number
  R: number
  S: number
  STRIDE: number
  PAD: number
  heavy?: boolean
}
export function convOut(c: ConvCase) {
  return { P: Math.floor((c.H + 2 * c.PAD - c.R) / c.STRIDE) + 1, Q: Math.floor((c.W + 2 * c.PAD - c.S) / c.STRIDE) + 1 }
}
export const CONV: ConvCase[] = [
  { N: 1, C: 1, H: 5, W: 5, K: 1, R: 3, S: 3, STRIDE: 1, PAD: 0 },
  { N: 2, C: 3, H: 7, W: 9, K: 5, R: 3, S: 2, STRIDE: 2, PAD: 1 },
  { N: 3, C: 5, H: 13, W: 11, K: 7, R: 4, S: 4, STRIDE: 3, PAD: 0 },
  { N: 2, C: 4, H: 21, W: 21, K: 6, R: 8, S: 8, STRIDE: 4, PAD: 2 },
  // the seed encoder at batch 2 (cheap enough for ref), and at the real batch 64 (heavy)
  { N: 2, C: 4, H: 84, W: 84, K: 32, R: 8, S: 8, STRIDE: 4, PAD: 0 },
  { N: 2, C: 32, H: 20, W: 20, K: 64, R: 4, S: 4, STRIDE: 2, PAD: 0 },
  { N: 2, C: 64, H: 9, W: 9, K: 64, R: 3, S: 3, STRIDE: 1, PAD: 0 },
  // the fine encoder on 36-pixel frames (docs/algorithm.md): 2 stacked frames (the policy), 1 (RND), then its
  // 17- and 7-pixel layers; and 6 and 7 channels (the channels-last copy's pair and single remainders)
  { N: 3, C: 2, H: 36, W: 36, K: 16, R: 4, S: 4, STRIDE: 2, PAD: 0 },
  { N: 2, C: 1, H: 36, W: 36, K: 16, R: 4, S: 4, STRIDE: 2, PAD: 0 },
  { N: 2, C: 16, H: 17, W: 17, K: 32, R: 4, S: 4, STRIDE: 2, PAD: 0 },
  { N: 2, C: 32, H: 7, W: 7, K: 32, R: 3, S: 3, STRIDE: 1, PAD: 0 },
  { N: 2, C: 6, H: 11, W: 10, K: 9, R: 3, S: 3, STRIDE: 1, PAD: 1 },
  { N: 2, C: 7, H: 9, W: 13, K: 8, R: 2, S: 4, STRIDE: 2, PAD: 1 },
  // backward_input's channels-last path (S % 4 != 0, C % 4 == 0): 4 channels (half a panel), 12 (one and a half),
  // stride 2 and padding, rows of 11 and 7 (the transpose's remainders)
  { N: 2, C: 4, H: 9, W: 11, K: 5, R: 3, S: 3, STRIDE: 2, PAD: 1 },
  { N: 3, C: 12, H: 8, W: 7, K: 9, R: 3, S: 2, STRIDE: 1, PAD: 2 },
  // image groups (tiles spanning images) of forward and of backward_input's channels-last path: 3x3 maps in 8
  // groups of 4 and one of 1, with padding; 1x1 maps (4 images per tile) in 32 groups of 4 and one of 3, half a panel
  { N: 33, C: 8, H: 3, W: 3, K: 9, R: 3, S: 3, STRIDE: 1, PAD: 1 },
  { N: 131, C: 4, H: 3, W: 3, K: 5, R: 3, S: 3, STRIDE: 1, PAD: 0 },
]
/** The seed network's three conv layers at batch 64: the bench cases, and heavy parity cases. */
export const CONV_SEED: ConvCase[] = [
  { N: 64, C: 4, H: 84, W: 84, K: 32, R: 8, S: 8, STRIDE: 4, PAD: 0, heavy: true },
  { N: 64, C: 32, H: 20, W: 20, K: 64, R: 4, S: 4, STRIDE: 2, PAD: 0, heavy: true },
  { N: 64, C: 64, H: 9, W: 9, K: 64, R: 3, S: 3, STRIDE: 1, PAD: 0, heavy: true },
]

/** LSTM cell cases: batch N, hidden U (pre-activation width 4U). The seed: 32 -> 256; the bench: 512 -> 256, N 64. */
export const LSTM: { N: number; U: number }[] = [
  { N: 1, U: 1 },
  { N: 3, U: 5 },
  { N: 7, U: 33 },
  { N: 64, U: 256 },
]

/** Elementwise lengths and broadcast pairs (shape a, shape b). */
export const LENGTHS = [1, 3, 4, 7, 17, 1023, 4099]
export const BROADCAST: [number[], number[]][] = [
  [[5], [5]],
  [[3, 5], [5]],
  [
    [3, 1],
    [1, 7],
  ],
  [
    [2, 3, 4],
    [3, 1],
  ],
  [
    [2, 1, 4, 5],
    [3, 1, 5],
  ],
  [[1], [4, 6]],
  [[64, 512], [512]],
]
/** Rows x last-axis for softmax. */
export const ROWS: { N: number; D: number }[] = [
  { N: 1, D: 1 },
  { N: 3, D: 2 },
  { N: 5, D: 7 },
  { N: 64, D: 2 },
  { N: 9, D: 257 },
]
/** Reduction views [O, R, I]. */
export const REDUCE: { O: number; R: number; I: number }[] = [
  { O: 1, R: 1, I: 1 },
  { O: 1, R: 7, I: 1 },
  { O: 3, R: 5, I: 2 },
  { O: 1, R: 1000, I: 1 },
  { O: 64, R: 3136, I: 1 },
  { O: 1, R: 64, I: 33 },
]

/** batch_matmul: G products of M x K by K x N; the DNC's are [B, R, N] by [B, N, N] (links) and [B, N, W] (reads). */
export const BATCH_MATMUL: { G: number; M: number; K: number; N: number }[] = [
  { G: 1, M: 1, K: 1, N: 1 },
  { G: 3, M: 2, K: 5, N: 7 },
  { G: 4, M: 5, K: 17, N: 9 },
  { G: 32, M: 2, K: 64, N: 16 },
  { G: 32, M: 4, K: 256, N: 64 },
  { G: 32, M: 4, K: 256, N: 256 },
]
/**
 * DNC addressing kernels: B lanes, N slots, W word size, H keys per lane, K sparse link entries. The bench's sizes
 * (32 lanes of 64 x 16 with 2 heads; the seed's example 256 x 64 with 4 heads) and odd ones.
 */
export const DNC: { B: number; N: number; W: number; H: number; K: number }[] = [
  { B: 1, N: 1, W: 1, H: 1, K: 1 },
  { B: 3, N: 5, W: 3, H: 2, K: 2 },
  { B: 2, N: 17, W: 7, H: 3, K: 5 },
  { B: 32, N: 64, W: 16, H: 2, K: 8 },
  { B: 1, N: 256, W: 64, H: 4, K: 8 },
  { B: 32, N: 256, W: 64, H: 4, K: 8 },
]

/**
 * 2x2 max pooling of x [N, C, H, W]: every path of the wasm kernel (Q = W/2 of 1, 2, 3 and >= 4, with and without a
 * partial last step of 4 windows), odd H and W (the floored last row / column), and the MiniGrid encoder's pooling
 * (16 channels of 6x6, 32 environments in a rollout).
 */
export const POOL: { N: number; C: number; H: number; W: number }[] = [
  { N: 1, C: 1, H: 2, W: 2 },
  { N: 1, C: 1, H: 3, W: 3 },
  { N: 2, C: 3, H: 4, W: 4 },
  { N: 2, C: 3, H: 6, W: 6 },
  { N: 1, C: 2, H: 5, W: 7 },
  { N: 2, C: 5, H: 10, W: 10 },
  { N: 3, C: 2, H: 9, W: 17 },
  { N: 1, C: 3, H: 4, W: 26 },
  { N: 32, C: 16, H: 6, W: 6 },
]
