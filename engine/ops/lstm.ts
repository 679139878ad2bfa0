// One LSTM step with fused gates: pre = x @ wx + h_prev @ wh + b (matmuls), then the lstm_cell kernel.
// Gate order is blocked [a | i | f | o] (kernels/index.ts). Returns the new h and c.
import { Tensor, record } from '../tensor.ts'
import { runMulti } from './run.ts'

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
