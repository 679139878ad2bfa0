// One LSTM step with fused gates: pre = x @ wx + h_prev @ wh + b (matmuls), then the lstm_cell kernel.
// Gate order is blocked [a | i | f | o] (kernels/index.ts). Returns the new h and c.
import { Tensor, noGrad, record } from '../tensor.ts'
import { run, runMulti } from './run.ts'
import { add } from './elementwise.ts'
import { sum } from './reduce.ts'

/** pre [N, 4U], cPrev [N, U] -> {h, c} [N, U]. */
export function lstmCell(pre: Tensor, cPrev: Tensor): { h: Tensor; c: Tensor } {
  const [N, U4] = pre.shape,
    U = U4 / 4
  if (pre.shape.length !== 2 || U4 % 4 || cPrev.shape.join() !== [N, U].join()) {
    throw new Error(`lstmCell: pre [${pre.shape}] and c_prev [${cPrev.shape}] do not match (need [N,4U] and [N,U])`)
  }
  const d = { N, U }
  const [h, c, gates] = runMulti(
    'lstm_cell_forward',
    [
      [N, U],
      [N, U],
      [N, 4 * U],
    ],
    [pre, cPrev],
    d,
  )
  record([h, c], [pre, cPrev], ([dh, dc]) => {
    const be = pre.backend
    const [dpre, dcPrev] = runMulti(
      'lstm_cell_backward',
      [
        [N, 4 * U],
        [N, U],
      ],
      [dh ?? Tensor.zeros(be, [N, U]), dc ?? Tensor.zeros(be, [N, U]), gates, c, cPrev],
      d,
    )
    return [dpre, dcPrev]
  })
  return { h, c }
}

/**
 * T LSTM steps over B rows as ONE tape entry: xw [T*B, 4U] the projected inputs x Wx (time-major), wh [U, 4U],
 * b [4U], the state h0, c0 [B, U] -> hs [T*B, U] (every step's h), and the last h and c.
 * Forward: pre_t = (xw_t + h_{t-1} wh) + b, then the lstm_cell kernel: LSTM.stepProjected's arithmetic, step by step.
 * Backward: BPTT through the cells (dh_{t-1} = dpre_t wh^T, one small matmul a step), then the weight gradient in
 * ONE matmul over all T*B rows, dwh = [h_0 .. h_{T-1}]^T dPre, and db = the column sums of dPre: T rank-B updates
 * of wh, each a full-size gradient the tape then added up, become one GEMM.
 */
export function lstmSequence(xw: Tensor, wh: Tensor, b: Tensor, h0: Tensor, c0: Tensor, T: number, B: number): { hs: Tensor; h: Tensor; c: Tensor } {
  const U = wh.shape[0],
    be = xw.backend
  if (xw.shape.join() !== [T * B, 4 * U].join() || wh.shape.join() !== [U, 4 * U].join() || h0.shape.join() !== [B, U].join()) {
    throw new Error(`lstmSequence: xw [${xw.shape}], wh [${wh.shape}], h0 [${h0.shape}] do not match T ${T} x B ${B} rows of ${U} units`)
  }
  // step t's B rows of a time-major [T*B, width] tensor: read into a [B, width] one, or written from one
  const rowsOf = (x: Tensor, width: number, t: number) => run('slice_axis', [B, width], [x], { O: 1, DX: T * B, I: width, START: t * B, DO: B })
  const putRows = (dst: Tensor, src: Tensor, width: number, t: number) =>
    be.run('concat_part', [dst.buf], [src.buf], { O: 1, DX: B, I: width, START: t * B, DO: T * B })
  const hs = Tensor.empty(be, [T * B, U]),
    prevH = Tensor.empty(be, [T * B, U]) // h_{t-1} of every step, the weight gradient's left operand
  const cs: Tensor[] = [c0],
    gates: Tensor[] = []
  let h = h0
  noGrad(() => {
    for (let t = 0; t < T; t++) {
      putRows(prevH, h, U, t)
      const xt = rowsOf(xw, 4 * U, t),
        hw = run('matmul', [B, 4 * U], [h, wh], { M: B, K: U, N: 4 * U }),
        xh = add(xt, hw),
        pre = add(xh, b)
      const [hn, cn, g] = runMulti(
        'lstm_cell_forward',
        [
          [B, U],
          [B, U],
          [B, 4 * U],
        ],
        [pre, cs[t]],
        { N: B, U },
      )
      putRows(hs, hn, U, t)
      for (const x of [xt, hw, xh, pre, ...(h === h0 ? [] : [h])]) x.dispose() // h lives on in prevH and hs
      cs.push(cn)
      gates.push(g)
      h = hn
    }
  })
  const c = cs[T]
  record([hs, h, c], [xw, wh, b, h0, c0], ([ghs, gh, gc]) => {
    const dPre = Tensor.empty(be, [T * B, 4 * U])
    let dh: Tensor | null = gh,
      dc: Tensor | null = gc
    for (let t = T - 1; t >= 0; t--) {
      const ght = ghs ? rowsOf(ghs, U, t) : null
      const dht = ght && dh ? add(ght, dh) : (ght ?? dh ?? Tensor.zeros(be, [B, U]))
      const [dpre, dcPrev] = runMulti(
        'lstm_cell_backward',
        [
          [B, 4 * U],
          [B, U],
        ],
        [dht, dc ?? Tensor.zeros(be, [B, U]), gates[t], cs[t + 1], cs[t]],
        {
          N: B,
          U,
        },
      )
      putRows(dPre, dpre, 4 * U, t)
      dh = t > 0 || h0.requiresGrad ? run('matmul_nt', [B, U], [dpre, wh], { M: B, K: 4 * U, N: U }) : null
      dc = dcPrev
    }
    return [
      dPre,
      wh.requiresGrad ? run('matmul_tn', [U, 4 * U], [prevH, dPre], { M: U, K: T * B, N: 4 * U }) : null,
      b.requiresGrad ? sum(dPre, [0]) : null,
      dh,
      dc,
    ]
  })
  return { hs, h, c }
}
