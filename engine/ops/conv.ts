// conv2d, NCHW, weights [K,C,R,S], bias [K], any stride, zero padding: forward and both backwards by kernel,
// the bias gradient composed from sum over (N, P, Q).
import type { Tensor } from '../tensor.ts'
import { record } from '../tensor.ts'
import { run, sameBackend } from './run.ts'
import { sum } from './reduce.ts'
import { add } from './elementwise.ts'
import { reshape } from './movement.ts'

export function conv2dDims(x: readonly number[], w: readonly number[], stride: number, pad: number) {
  const [N, C, H, W] = x,
    [K, C2, R, S] = w
  if (x.length !== 4 || w.length !== 4 || C !== C2) throw new Error(`conv2d: input [${x}] and weight [${w}] do not match (need [N,C,H,W] and [K,C,R,S])`)
  const P = Math.floor((H + 2 * pad - R) / stride) + 1,
    Q = Math.floor((W + 2 * pad - S) / stride) + 1
  if (P < 1 || Q < 1) throw new Error(`conv2d: a ${R}x${S} filter does not fit a ${H}x${W} input (pad ${pad})`)
  return { N, C, H, W, K, R, S, P, Q, STRIDE: stride, PAD: pad }
}

export function conv2d(x: Tensor, w: Tensor, b: Tensor, stride = 1, pad = 0): Tensor {
  sameBackend([x, w, b], 'conv2d')
  const d = conv2dDims(x.shape, w.shape, stride, pad)
  if (pad === 0 && d.R === d.H && d.S === d.W) return wholeImageConv(x, w, b, d.N, d.K, d.C * d.R * d.S)
  const out = run('conv2d_forward', [d.N, d.K, d.P, d.Q], [x, w, b], d)
  return record(out, [x, w, b], ([g]) => [
    x.requiresGrad ? run('conv2d_backward_input', x.shape, [g!, w], d) : null,
    w.requiresGrad ? run('conv2d_backward_weight', w.shape, [g!, x], d) : null,
    b.requiresGrad ? sum(g!, [0, 2, 3]) : null,
  ])
}

/**
 * A filter as large as its unpadded input (MiniGrid's last conv: 2x2 over 2x2) has one output pixel per image: the
 * conv is one matmul over the batch, out [N, K] = x [N, CRS] w [K, CRS]^T + b, whose GEMM fills its 4-row tiles with
 * 4 images where the conv kernels' tiles of 4 output pixels would hold 1 (a quarter of the work wasted).
 */
function wholeImageConv(x: Tensor, w: Tensor, b: Tensor, N: number, K: number, CRS: number): Tensor {
  const y = run('matmul_nt', [N, K], [x, w], { M: N, K: CRS, N: K })
  const xw = record(y, [x, w], ([g]) => [
    x.requiresGrad ? run('matmul', x.shape, [g!, w], { M: N, K, N: CRS }) : null,
    w.requiresGrad ? run('matmul_tn', w.shape, [g!, x], { M: K, K: N, N: CRS }) : null,
  ])
  return reshape(add(xw, b), [N, K, 1, 1])
}
