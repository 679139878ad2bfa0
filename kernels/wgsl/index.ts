// The WGSL implementation of the registry, as the tables the WebGPU backend (engine/backend/webgpu.ts) reads. Every
// registry kernel has exactly one binding:
// - WGSL: its one kernel, run as is (elementwise, softmax, movement, LSTM, Adam, sum_squares, max_reduce_backward,
//   max_pool2 and its backward, batch_matmul, the DNC's addressing kernels);
// - WGSL_SELECT: a selector that picks, per call, from the dims and the device (DeviceCaps), one of the kernel's
//   versions in WGSL_VERSIONS (one dispatch) or WGSL_COMPOSITE (several). There is no plain-name default behind it.
// Production holds only the naive baselines (the _v1s: never selected; the bench's reference point and the simplest
// reading of the kernel) and the versions some selector returns; test/meta/coverage.test.ts checks both, and
// test/webgpu/versions.test.ts runs every version against ref. Versions that lost were deleted (docs/kernels.md lists
// them with their measurements and the commit that holds them). The prelude (bindings, Dims, entry point) is
// generated from the signature in kernels/index.ts by prelude.ts.
import type { Dims, KernelName } from '../index.ts'
import type { DeviceCaps, WgslKernel } from './prelude.ts'
import * as mm from './matmul.ts'
import * as conv from './conv2d.ts'
import * as cg from './conv2d_gemm.ts'
import * as cs from './conv2d_shared.ts'
import * as sh from './shared_tiles.ts'
import { ELEMENTWISE } from './elementwise.ts'
import * as sm from './softmax.ts'
import * as red from './reduce.ts'
import * as pool from './pool.ts'
import * as mov from './movement.ts'
import * as lstm from './lstm.ts'
import * as adam from './adam.ts'
import * as bmm from './batch_matmul.ts'
import * as dnc from './dnc.ts'
import * as dncAccess from './dnc_access.ts'
import * as dncInterface from './dnc_interface.ts'

/** Picks the version (a key of WGSL_VERSIONS or WGSL_COMPOSITE) a call runs, from its dims and the device. */
export type Selector = (d: Dims, caps: DeviceCaps) => string

/**
 * The kernels with several versions: name -> selector. Software adapters (SwiftShader) get register tiles: with
 * subgroup quads matmul v4, matmul_nt / matmul_tn v7 and the v5 conv composites; without quads the vec4 tiles (matmul
 * v3, matmul_tn v3, conv forward v3, backward v4); when the dims are not divisible by 4, matmul v2 and the direct conv
 * kernels (forward / backward_weight v2, backward_input v3). Hardware GPUs get the workgroup-memory tiles: v5 for all
 * three matmuls, v6 conv (v7 for forward / backward_weight when K <= 32). Reductions pick v1 or v2 by shape on any
 * device. The measurements behind each choice are at the selectors (matmul.ts, conv2d_gemm.ts, conv2d_shared.ts,
 * reduce.ts) and in docs/kernels.md.
 */
export const WGSL_SELECT = {
  matmul: mm.selectMatmul,
  matmul_tn: mm.selectMatmulTN,
  matmul_nt: mm.selectMatmulNT,
  conv2d_forward: sh.onHardware(cs.byRows('conv2d_forward'), cg.selectConv('conv2d_forward_v5', 'conv2d_forward_v3', 'conv2d_forward_v2')),
  conv2d_backward_weight: sh.onHardware(
    cs.byRows('conv2d_backward_weight'),
    cg.selectConv('conv2d_backward_weight_v5', 'conv2d_backward_weight_v4', 'conv2d_backward_weight_v2'),
  ),
  conv2d_backward_input: sh.onHardware(
    'conv2d_backward_input_v6',
    cg.selectConv('conv2d_backward_input_v5', 'conv2d_backward_input_v4', 'conv2d_backward_input_v3'),
  ),
  sum_reduce: red.selectReduce('sum_reduce'),
  max_reduce: red.selectReduce('max_reduce'),
} satisfies Partial<Record<KernelName, Selector>>
export type SelectedKernel = keyof typeof WGSL_SELECT

/** The kernels with one version: registry name -> kernel. */
export const WGSL = {
  ...ELEMENTWISE,
  ...sm,
  ...mov,
  ...lstm,
  ...adam,
  ...bmm,
  ...dnc,
  ...dncAccess,
  ...dncInterface,
  max_reduce_backward: red.max_reduce_backward,
  sum_squares: red.sum_squares,
  max_pool2: pool.max_pool2,
  max_pool2_backward: pool.max_pool2_backward,
} as Record<Exclude<KernelName, SelectedKernel>, WgslKernel>

/** The one-dispatch versions of the selected kernels: the naive v1s and what the selectors return. */
export const WGSL_VERSIONS: Record<string, WgslKernel> = {
  matmul_v1: mm.matmul_v1,
  matmul_v2: mm.matmul_v2,
  matmul_v3: mm.matmul_v3,
  matmul_v4: mm.matmul_v4,
  matmul_v5: sh.matmul_v5,
  matmul_nt_v1: mm.matmul_nt_v1,
  matmul_nt_v2: mm.matmul_nt_v2,
  matmul_nt_v5: sh.matmul_nt_v5,
  matmul_nt_v7: mm.matmul_nt_v7,
  matmul_tn_v1: mm.matmul_tn_v1,
  matmul_tn_v2: mm.matmul_tn_v2,
  matmul_tn_v3: mm.matmul_tn_v3,
  matmul_tn_v4: mm.matmul_tn_v4,
  matmul_tn_v5: sh.matmul_tn_v5,
  matmul_tn_v7: mm.matmul_tn_v7,
  conv2d_forward_v1: conv.conv2d_forward_v1,
  conv2d_forward_v2: conv.conv2d_forward_v2,
  conv2d_forward_v6: cs.conv2d_forward_v6,
  conv2d_forward_v7: cs.conv2d_forward_v7,
  conv2d_backward_input_v1: conv.conv2d_backward_input_v1,
  conv2d_backward_input_v3: conv.conv2d_backward_input_v3,
  conv2d_backward_weight_v1: conv.conv2d_backward_weight_v1,
  conv2d_backward_weight_v2: conv.conv2d_backward_weight_v2,
  sum_reduce_v1: red.sum_reduce_v1,
  sum_reduce_v2: red.sum_reduce_v2,
  max_reduce_v1: red.max_reduce_v1,
  max_reduce_v2: red.max_reduce_v2,
}
/**
 * Versions that are several dispatches (name -> steps over internal kernels and pooled scratch), run by the backend
 * inside one run(): the conv GEMMs (conv2d_gemm.ts: forward v3 / v5, backward_weight v4 / v5, backward_input v4 / v5;
 * conv2d_shared.ts: backward_input v6, backward_weight v6 / v7).
 */
export const WGSL_COMPOSITE: Record<string, cg.Composite> = {
  conv2d_forward_v3: cg.conv2d_forward_v3,
  conv2d_forward_v5: cg.conv2d_forward_v5,
  conv2d_backward_weight_v4: cg.conv2d_backward_weight_v4,
  conv2d_backward_weight_v5: cg.conv2d_backward_weight_v5,
  conv2d_backward_input_v4: cg.conv2d_backward_input_v4,
  conv2d_backward_input_v5: cg.conv2d_backward_input_v5,
  conv2d_backward_input_v6: cs.conv2d_backward_input_v6,
  conv2d_backward_weight_v6: cs.conv2d_backward_weight_v6,
  conv2d_backward_weight_v7: cs.conv2d_backward_weight_v7,
}
/**
 * Internal WGSL-only kernels, the composites' steps (not in the registry, so no ref/AS twins; their parity is the
 * composite's): each with its own signature. conv_im2col (x -> col [CRS, J]), conv_im2col_t (x -> colT [J, CRS]),
 * conv_dout_t (dout [N,K,PQ] -> [K, J]), conv_fwd_gemm (nn tile, NCHW store + bias), conv_bw_gemm_nn (split-K nn
 * tile), conv_sum_z (adds the split-K partials), conv_bin_gemm (tn tile), conv_col2im (gather, no atomics), the
 * quad-tile GEMMs conv_fwd_gemm_q / conv_bw_gemm_q / conv_bin_gemm_q, and the shared-tile conv_bin_gemm_s and
 * split-K conv_bw_gemm_s / _s32 (dout and x read in place).
 */
export const WGSL_INTERNAL: Record<string, cg.InternalKernel> = { ...cg.CONV_INTERNAL, ...cs.CONV_SHARED_INTERNAL }

/** The version a call of registry kernel `name` runs: its selector's pick, or `name` itself (a WGSL kernel). */
export function versionFor(name: KernelName, d: Dims, caps: DeviceCaps): string {
  const select = (WGSL_SELECT as Partial<Record<KernelName, Selector>>)[name]
  return select ? select(d, caps) : name
}

export type { WgslKernel, DeviceCaps }
export type { Composite, InternalKernel } from './conv2d_gemm.ts'
export { wgslSource, cacheKey, dimsBytes } from './prelude.ts'
