// 2x2 max pooling, stride 2 (engine/ops/reduce.ts maxPool2): the fused max_pool2 / max_pool2_backward kernels
// beside the composition they replaced (two max_reduce calls over views, columns then rows, and two
// max_reduce_backward) and beside tfjs-wasm's maxPool and its MaxPoolGrad kernel (NHWC, its layout; same sizes),
// single thread. Shapes: the MiniGrid grid encoder's pooling in training minibatches (1024) and rollouts (32), and a
// larger map. Every variant is checked against the ref kernels before timing, on normal samples shifted by +8 (no
// ties, so tfjs's own tie rule does not matter; and positive: tfjs-backend-wasm 4.22's MaxPoolGrad sends the gradient
// of a window whose maximum is <= 0 to the window's first element, e.g. [-4, -3, -2, -1] -> [1, 0, 0, 0], which this
// check caught on unshifted samples). Memory-bound: ms only (GFLOP/s is recorded as 0).
import { openBackend } from '../cli/node_backend.ts'
import type { WasmBackend } from '../engine/backend/wasm.ts'
import { REF } from '../kernels/ref/index.ts'
import { tfjsWasm } from './tfjs_peer.ts'
import { timeIt, record, row, upload, check, randn } from './harness.ts'

const SHAPES = [
  [1024, 16, 6, 6],
  [32, 16, 6, 6],
  [64, 32, 40, 40],
]
const exact = { atol: 0, rtol: 0 }

/** NCHW -> NHWC copy (tfjs pools NHWC) */
function nhwc(x: Float32Array, [N, C, H, W]: number[]): Float32Array {
  const out = new Float32Array(x.length)
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let i = 0; i < H * W; i++) out[(n * H * W + i) * C + c] = x[(n * C + c) * H * W + i]
  return out
}

export async function run(opts: { json: any[] } = { json: [] }): Promise<void> {
  const be = (await openBackend('wasm')) as WasmBackend
  const { tf, description } = await tfjsWasm()
  console.log(`ours: ${be.description}; peer: ${description}`)
  for (const s of SHAPES) {
    const [N, C, H, W] = s,
      d = { N, C, H, W },
      L = N * C * H * W,
      O = L / 4,
      shape = s.join('x')
    const x = randn(L, L).map((v) => v + 8),
      g = randn(O, 7)
    const y = new Float32Array(O),
      dx = new Float32Array(L)
    REF.max_pool2(y, x, d)
    REF.max_pool2_backward(dx, g, x, y, d)
    const [X, G] = upload(be, x, g)
    const Y = be.alloc(O),
      DX = be.alloc(L),
      COLS = be.alloc(L / 2),
      DCOLS = be.alloc(L / 2)
    // the former composition's views: [N*C*H/2 * 2 * W/2, 2] over columns, then [N*C*H/2, 2, W/2] over rows
    const byCols = { O: L / 2, R: 2, I: 1 },
      byRows = { O: (N * C * H) / 2, R: 2, I: W / 2 }
    const fused = () => be.run('max_pool2', [Y], [X], d)
    const fusedBack = () => be.run('max_pool2_backward', [DX], [G, X, Y], d)
    const composed = () => {
      be.run('max_reduce', [COLS], [X], byCols)
      be.run('max_reduce', [Y], [COLS], byRows)
    }
    const composedBack = () => {
      be.run('max_reduce_backward', [DCOLS], [G, COLS, Y], byRows)
      be.run('max_reduce_backward', [DX], [DCOLS, X, COLS], byCols)
    }
    for (const [fwd, bwd, what] of [
      [composed, composedBack, 'composition'],
      [fused, fusedBack, 'max_pool2'],
    ] as const) {
      be.write(Y, new Float32Array(O).fill(NaN))
      be.write(DX, new Float32Array(L).fill(NaN))
      fwd()
      check(be.readSync(Y), y, exact, `${what} forward ${shape}`)
      bwd()
      check(be.readSync(DX), dx, exact, `${what} backward ${shape}`)
    }
    // peer: NHWC tensors of the same sizes
    const tx = tf.tensor4d(nhwc(x, s), [N, H, W, C]),
      tg = tf.tensor4d(nhwc(g, [N, C, H / 2, W / 2]), [N, H / 2, W / 2, C])
    const ty = tf.maxPool(tx, 2, 2, 'valid')
    const peerBack = () => tf.engine().runKernel('MaxPoolGrad', { dy: tg, input: tx, output: ty }, { filterSize: 2, strides: 2, pad: 'valid' }) as typeof ty
    check(ty.dataSync() as Float32Array, nhwc(y, [N, C, H / 2, W / 2]), exact, `tfjs maxPool ${shape}`)
    const tdx = peerBack()
    check(tdx.dataSync() as Float32Array, nhwc(dx, s), exact, `tfjs MaxPoolGrad ${shape}`)
    tf.dispose(tdx)
    const rec = (kernel: string, fn: () => void, library = 'rl-rnd') =>
      record(opts.json, { kernel, shape, backend: 'wasm', library, threads: 1, ms: timeIt(kernel, fn) }, 0)
    const peer = '@tensorflow/tfjs-backend-wasm'
    row(
      'max_pool2 wasm',
      shape,
      rec('max_pool2', fused),
      rec('max_pool2', () => tf.dispose(tf.maxPool(tx, 2, 2, 'valid')), peer),
    )
    row(
      'max_pool2_backward wasm',
      shape,
      rec('max_pool2_backward', fusedBack),
      rec('max_pool2_backward', () => tf.dispose(peerBack()), peer),
    )
    row('  before: 2x max_reduce', shape, rec('max_pool2_composed', composed))
    row('  before: 2x max_reduce_backward', shape, rec('max_pool2_backward_composed', composedBack))
    tf.dispose([tx, tg, ty])
    for (const b of [X, G, Y, DX, COLS, DCOLS]) be.free(b)
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run()
