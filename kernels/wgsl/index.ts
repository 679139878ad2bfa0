// Every registry kernel's WGSL, keyed by registry name (plain names are bound to the current best version; the
// _vN versions stay exported for the bench). The prelude (bindings, Dims, entry point) is generated from the
// signature in kernels/index.ts by prelude.ts.
import type { KernelName } from '../index.ts'
import type { DeviceCaps, WgslKernel } from './prelude.ts'
import * as mm from './matmul.ts'
import * as conv from './conv2d.ts'
import * as cg from './conv2d_gemm.ts'
import * as cs from './conv2d_shared.ts'
import * as mt from './matmul_transposed.ts'
import * as sh from './shared_tiles.ts'
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
  conv2d_forward_v2: conv.conv2d_forward_v2, conv2d_backward_input_v2: conv.conv2d_backward_input_v2,
  conv2d_backward_input_v3: conv.conv2d_backward_input_v3, conv2d_backward_weight_v2: conv.conv2d_backward_weight_v2,
  matmul_nt_v3: mm.matmul_nt_v3, matmul_tn_v3: mm.matmul_tn_v3,
  matmul_v4: mm.matmul_v4, matmul_nt_v4: mm.matmul_nt_v4, matmul_tn_v4: mm.matmul_tn_v4,
  matmul_v5: sh.matmul_v5, matmul_nt_v5: sh.matmul_nt_v5, matmul_tn_v5: sh.matmul_tn_v5,
  matmul_nt_v7: mm.matmul_nt_v7, matmul_tn_v7: mm.matmul_tn_v7,
  conv2d_forward_v6: cs.conv2d_forward_v6, conv2d_forward_v7: cs.conv2d_forward_v7,
  sum_reduce_v1: red.sum_reduce_v1, sum_reduce_v2: red.sum_reduce_v2, max_reduce_v1: red.max_reduce_v1, max_reduce_v2: red.max_reduce_v2,
}
/** Kernels bound to one of several versions by shape (a vec4 version needs dims divisible by 4) and device (quad
 * versions need DeviceCaps.quads; software adapters with quads get v4 matmul, v7 matmul_nt / matmul_tn, v5 conv;
 * hardware GPUs get the workgroup-memory tiles, v5 matmul / v6 conv, v7 conv forward / backward_weight when
 * K <= 32): name -> version. */
export const WGSL_SELECT: Partial<Record<KernelName, (d: Record<string, number>, caps: DeviceCaps) => string>> = {
  matmul: mm.selectMatmul, matmul_tn: mm.selectMatmulTN, matmul_nt: mm.selectMatmulNT,
  conv2d_forward: sh.onHardware(cs.byRows('conv2d_forward'), cg.selectConv('conv2d_forward_v5', 'conv2d_forward_v3', 'conv2d_forward_v2')),
  conv2d_backward_weight: sh.onHardware(cs.byRows('conv2d_backward_weight'),
    cg.selectConv('conv2d_backward_weight_v5', 'conv2d_backward_weight_v4', 'conv2d_backward_weight_v2')),
  conv2d_backward_input: sh.onHardware('conv2d_backward_input_v6',
    cg.selectConv('conv2d_backward_input_v5', 'conv2d_backward_input_v4', 'conv2d_backward_input_v3')),
  sum_reduce: red.selectReduce('sum_reduce'), max_reduce: red.selectReduce('max_reduce'),
}
/**
 * Versions that are several dispatches (name -> steps over internal kernels and pooled scratch), run by the backend
 * inside one run(): the conv GEMMs (conv2d_gemm.ts: conv2d_forward_v3, conv2d_backward_weight_v3 / v4,
 * conv2d_backward_input_v4 / v5; conv2d_shared.ts: conv2d_backward_input_v6, conv2d_backward_weight_v6 / v7).
 */
export const WGSL_COMPOSITE: Record<string, cg.Composite> = {
  conv2d_forward_v3: cg.conv2d_forward_v3, conv2d_backward_weight_v3: cg.conv2d_backward_weight_v3,
  conv2d_backward_input_v4: cg.conv2d_backward_input_v4, conv2d_backward_weight_v4: cg.conv2d_backward_weight_v4,
  conv2d_forward_v5: cg.conv2d_forward_v5, conv2d_backward_weight_v5: cg.conv2d_backward_weight_v5,
  conv2d_backward_input_v5: cg.conv2d_backward_input_v5, matmul_nt_v6: mt.matmul_nt_v6, matmul_tn_v6: mt.matmul_tn_v6,
  conv2d_backward_input_v6: cs.conv2d_backward_input_v6,
  conv2d_backward_weight_v6: cs.conv2d_backward_weight_v6, conv2d_backward_weight_v7: cs.conv2d_backward_weight_v7,
}
/**
 * Internal WGSL-only kernels (not in the registry, so no ref/AS twins; their parity is the composite's): each with
 * its own signature. conv_im2col (x -> col [CRS, J]), conv_dout_t (dout [N,K,PQ] -> [K, J]), conv_fwd_gemm (nn tile,
 * NCHW store + bias), conv_bw_gemm (nt tile), conv_bin_gemm (tn tile), conv_col2im (gather, no atomics), the
 * quad-tile GEMMs conv_fwd_gemm_q / conv_bw_gemm_q / conv_bin_gemm_q, the shared-tile conv_bin_gemm_s and split-K
 * conv_bw_gemm_s / _s32 (dout and x read in place), and the v6 matmul_nt / matmul_tn's mm_transpose, mm_transpose_a
 * and mm_nn_q.
 */
export const WGSL_INTERNAL: Record<string, cg.InternalKernel> = { ...cg.CONV_INTERNAL, ...cs.CONV_SHARED_INTERNAL, ...mt.MATMUL_INTERNAL }
export type { WgslKernel, DeviceCaps }
export type { Composite, InternalKernel } from './conv2d_gemm.ts'
export { wgslSource, cacheKey, dimsBytes } from './prelude.ts'
