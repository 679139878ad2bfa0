// Every registry kernel's WGSL, keyed by registry name (plain names are bound to the current best version; the
// _vN versions stay exported for the bench). The prelude (bindings, Dims, entry point) is generated from the
// signature in kernels/index.ts by prelude.ts.
import type { KernelName } from '../index.ts'
import type { WgslKernel } from './prelude.ts'
import * as mm from './matmul.ts'
import * as conv from './conv2d.ts'
import { ELEMENTWISE } from './elementwise.ts'
import * as sm from './softmax.ts'
import * as red from './reduce.ts'
import * as mov from './movement.ts'
import * as lstm from './lstm.ts'
import * as adam from './adam.ts'

export const WGSL: Record<KernelName, WgslKernel> = {
  matmul: mm.matmul, matmul_nt: mm.matmul_nt, matmul_tn: mm.matmul_tn,
  conv2d_forward: conv.conv2d_forward, conv2d_backward_input: conv.conv2d_backward_input,
  conv2d_backward_weight: conv.conv2d_backward_weight,
  ...ELEMENTWISE,
  ...sm, sum_reduce: red.sum_reduce, max_reduce: red.max_reduce, max_reduce_backward: red.max_reduce_backward,
  sum_squares: red.sum_squares, ...mov, ...lstm, ...adam,
} as Record<KernelName, WgslKernel>

/** Versions kept for the bench (naive baselines next to the bound winners). */
export const WGSL_VERSIONS: Record<string, WgslKernel> = {
  matmul_v1: mm.matmul_v1, matmul_nt_v1: mm.matmul_nt_v1, matmul_tn_v1: mm.matmul_tn_v1,
  matmul_v2: mm.matmul_v2, matmul_nt_v2: mm.matmul_nt_v2, matmul_tn_v2: mm.matmul_tn_v2, matmul_v3: mm.matmul_v3,
  conv2d_forward_v1: conv.conv2d_forward_v1, conv2d_backward_input_v1: conv.conv2d_backward_input_v1,
  conv2d_backward_weight_v1: conv.conv2d_backward_weight_v1,
  sum_reduce_v1: red.sum_reduce_v1, sum_reduce_v2: red.sum_reduce_v2, max_reduce_v1: red.max_reduce_v1, max_reduce_v2: red.max_reduce_v2,
}
/** Kernels bound to one of several versions by shape (a vec4 version needs dims divisible by 4): name -> version. */
export const WGSL_SELECT: Partial<Record<KernelName, (d: Record<string, number>) => string>> = {
  matmul: mm.selectMatmul,
  sum_reduce: red.selectReduce('sum_reduce'), max_reduce: red.selectReduce('max_reduce'),
}
export type { WgslKernel }
export { wgslSource, cacheKey, dimsBytes } from './prelude.ts'
