// LSTM cell bench: one step at batch 64, input 512, hidden 256, as the engine runs it: pre = [x | h] @ W
// (one matmul 64x768x1024), + b (broadcast add), then lstm_cell_forward (fused gates); and each piece alone.
// Peer: tfjs-wasm's basicLSTMCell (the same concat-matmul-add-gates composition from its ops), single thread.
// GFLOP/s counts the matmul's 2MKN for the step rows and 0 for the cell alone (it is memory/exp bound: ms only).
import { openBackend } from '../cli/node_backend.ts'
import type { WasmBackend } from '../engine/backend/wasm.ts'
import { REF } from '../kernels/ref/index.ts'
import { tfjsWasm } from './tfjs_peer.ts'
import { timeIt, record, row, upload, check, randn } from './harness.ts'

export async function run(opts: { json: any[] } = { json: [] }): Promise<void> {
  const be = (await openBackend('wasm')) as WasmBackend
  const { tf, description } = await tfjsWasm()
  console.log(`ours: ${be.description}; peer: ${description}`)
  const N = 64,
    I = 512,
    U = 256,
    K = I + U,
    G = 4 * U,
    shape = `${N}x${I}->${U}`,
    flops = 2 * N * K * G
  const xh = randn(N * K, 1),
    w = randn(K * G, 2, 0.05),
    b = randn(G, 3, 0.1),
    cPrev = randn(N * U, 4)
  const [XH, Wt, B, CP] = upload(be, xh, w, b, cPrev)
  const PRE = be.alloc(N * G),
    PRE2 = be.alloc(N * G),
    H = be.alloc(N * U),
    C = be.alloc(N * U),
    GA = be.alloc(N * G)
  const mm = () => be.run('matmul', [PRE], [XH, Wt], { M: N, K, N: G })
  const bias = () => be.run('add', [PRE2], [PRE, B], { D0: 1, D1: 1, D2: N, D3: G, SA0: 0, SA1: 0, SA2: G, SA3: 1, SB0: 0, SB1: 0, SB2: 0, SB3: 1 })
  const cell = () => be.run('lstm_cell_forward', [H, C, GA], [PRE2, CP], { N, U })
  const step = () => {
    mm()
    bias()
    cell()
  }
  // validate the step against ref once
  const pre = new Float32Array(N * G),
    h = new Float32Array(N * U),
    c = new Float32Array(N * U),
    g = new Float32Array(N * G)
  REF.matmul(pre, xh, w, { M: N, K, N: G })
  for (let i = 0; i < N * G; i++) pre[i] += b[i % G]
  REF.lstm_cell_forward(h, c, g, pre, cPrev, { N, U })
  step()
  check(be.readSync(H), h, { atol: 1e-4, rtol: 1e-4 }, 'lstm step h')
  check(be.readSync(C), c, { atol: 1e-4, rtol: 1e-4 }, 'lstm step c')
  // peer: basicLSTMCell(forgetBias 0, kernel [K,4U], bias [4U], data [N,I], c, h)
  const tx = tf.tensor2d(
      xh.filter((_, i) => i % K < I),
      [N, I],
    ),
    th = tf.tensor2d(
      xh.filter((_, i) => i % K >= I),
      [N, U],
    )
  const tw = tf.tensor2d(w, [K, G]),
    tb = tf.tensor1d(b),
    tc = tf.tensor2d(cPrev, [N, U]),
    zero = tf.scalar(0)
  const peerStep = () => tf.dispose(tf.basicLSTMCell(zero, tw, tb, tx, tc, th))
  const rec = (kernel: string, ms: number, f: number, library = 'rl-rnd') => record(opts.json, { kernel, shape, backend: 'wasm', library, threads: 1, ms }, f)
  const ours = rec('lstm_step', timeIt('step', step), flops)
  const theirs = rec('lstm_step', timeIt('tfjs step', peerStep), flops, '@tensorflow/tfjs-backend-wasm')
  row('lstm step (matmul+add+cell) wasm', shape, ours, theirs)
  row('  matmul wasm', `${N}x${K}x${G}`, rec('matmul', timeIt('mm', mm), flops))
  row('  lstm_cell_forward wasm', `${N}x${U}`, rec('lstm_cell_forward', timeIt('cell', cell), 0))
  tf.dispose([tx, th, tw, tb, tc, zero])
  for (const x of [XH, Wt, B, CP, PRE, PRE2, H, C, GA]) be.free(x)
}

if (import.meta.url === `file://${process.argv[1]}`) await run()
