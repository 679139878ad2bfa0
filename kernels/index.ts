// The kernel registry: the ONE definition of every compute kernel, as data.
// Each entry names its outputs, inputs and dims, in that order (the ABI every implementation follows:
// ref/<k>.ts functions, as/<k>.ts exports, wgsl/<k>.ts entry points, all keyed by the same name).
//
// ABI facts, stated once:
// - f32 only, row-major (C order). Activations NCHW; conv weights [K,C,R,S]; linear weights [in, out] (x @ W).
// - Kernels OVERWRITE their outputs (the tape accumulates gradients, not the kernels), except where an entry says
//   `inout` (adam_step updates param/m/v in place) or `partial` (concat_part writes one slab of its output).
// - Dims are i32 scalars; `params` are f32 scalars (slopes, clip bounds, learning rates), passed after the dims.
// - Index tensors (gather) hold integers stored as f32 (exact up to 2^24).
// - LSTM gate order is BLOCKED [a | i | f | o], each U wide, in the pre-activation row of width 4U:
//   a = tanh(cell input), i = sigmoid(input gate), f = sigmoid(forget gate), o = sigmoid(output gate).
//   c = a*i + f*c_prev, h = o*tanh(c). (Chainer's order is also a, i, f, o, but interleaved per unit; ours is
//   blocked so each gate is a contiguous slice of the matmul output.)
// - Broadcasting binary kernels see a rank-4 view: out shape [D0,D1,D2,D3] (leading 1s padded), and the element
//   strides of a and b in that view (0 along a broadcast axis).
// - Reductions see x as [O, R, I] and reduce the middle axis to out [O, I].
//
// Dims legend: N batch, C in-channels, K out-channels, H W input size, P Q output size, R S filter size,
// STRIDE, PAD, M K N for matmul (out[M,N] = a[M,K] @ b[K,N]), U hidden units, D last-axis length,
// O/R/I outer/reduced/inner sizes, L total element count. batch_matmul: G products of M x K by K x N. DNC kernels
// (docs/dnc.md): B lanes, N memory slots, W word size, H keys per lane, K sparse link entries (0 = dense).
//
// Adding a kernel (the steps, in docs/kernels.md): its signature here -> the ref function in ref/<file>.ts (in REF via
// ref/index.ts) -> shape cases in test/cases/shapes.ts and a parity test in test/kernels/ -> the AssemblyScript
// export in as/<file>.ts (re-exported by as/index.ts) -> the WGSL in wgsl/<file>.ts, bound in wgsl/index.ts (WGSL, or
// versions and a selector in WGSL_SELECT) -> the op in engine/ops/ with a gradient check in test/engine/grad.test.ts.
// test/meta/coverage.test.ts fails when the ref function, the wasm export (with the signature's arity), the WGSL
// binding or a test/kernels/ file naming the kernel is missing; the op, its gradient check and a bench are review's.

export interface KernelSig {
  outputs: readonly string[]
  inputs: readonly string[]
  dims: readonly string[]
  params: readonly string[]
  /** outputs are read as well as written */
  inout?: boolean
  /** the kernel writes only part of its output (the rest is left as it was) */
  partial?: boolean
  /** scratch floats the kernel may use (a workspace buffer passed after the inputs); 0 when absent */
  workspace?: (d: Record<string, number>) => number
}

function sig(outputs: string[], inputs: string[], dims: readonly string[], params: string[] = [], extra: Partial<KernelSig> = {}): KernelSig {
  return { outputs, inputs, dims, params, ...extra }
}

const MM = ['M', 'K', 'N'] as const
const mmWorkspace = (d: Record<string, number>) => 64 + 64 * 256 + d.K * Math.ceil(d.N / 8) * 8
/**
 * The wasm convs' image group (kernels/as/conv2d.ts imageGroup): forward's and backward_input's tiles run over this
 * many images' pixels as one list, the fewest that fill whole 4-pixel tiles (4 / gcd(PQ, 4), at most N; 1 over
 * 128 pixels).
 * backward_input's results depend on where its groups start, so a batch split into parts must cut it at multiples
 * of this (engine/backend/wasm.ts).
 */
export const convImageGroup = (d: Record<string, number>): number => {
  const PQ = d.P * d.Q
  return Math.min(d.N, PQ % 4 === 0 || PQ > 128 ? 1 : PQ % 2 === 0 ? 2 : 4)
}

function convWorkspace(d: Record<string, number>, pass: 'fwd' | 'bin' | 'bw'): number {
  const { N, C, H, W, K, R, S, P, Q, PAD } = d,
    CRS = C * R * S,
    PQ = P * Q
  const up4 = (x: number) => Math.ceil(x / 4) * 4,
    up8 = (x: number) => Math.ceil(x / 8) * 8
  const Gf = convImageGroup(d)
  const pad = pass === 'fwd' ? Gf * C * (H + 2 * PAD) * (W + 2 * PAD) : PAD > 0 ? N * C * (H + 2 * PAD) * (W + 2 * PAD) : 0
  const G = Math.max(1, Math.min(N, Math.floor(1024 / PQ)))
  const body =
    pass === 'fwd'
      ? CRS * up8(K) + up4(R) + up4(Gf * PQ)
      : pass === 'bw'
        ? G * PQ * up8(K) + up4(G * P)
        : Math.max(K * up8(CRS), R * S * up8(C) * K) + up4(Gf * PQ) * (K + 1) + up4(CRS) + Gf * (H + 2 * PAD) * (W + 2 * PAD) * C
  // a filter as large as the image runs its gradients as the blocked matmuls (kernels/as/conv2d.ts isWholeImage)
  const whole = PAD === 0 && H === R && W === S && pass !== 'fwd' ? mmWorkspace(pass === 'bw' ? { K: N, N: CRS } : { K, N: CRS }) : 0
  return Math.max(64 + body + pad, whole)
}
export const CONV_DIMS = ['N', 'C', 'H', 'W', 'K', 'R', 'S', 'P', 'Q', 'STRIDE', 'PAD'] as const
export const BCAST_DIMS = ['D0', 'D1', 'D2', 'D3', 'SA0', 'SA1', 'SA2', 'SA3', 'SB0', 'SB1', 'SB2', 'SB3'] as const
const L = ['L'] as const
const ROWS = ['N', 'D'] as const
const RED = ['O', 'R', 'I'] as const
const POOL = ['N', 'C', 'H', 'W'] as const

/** Binary elementwise ops with broadcasting: out = f(a, b). One-line definitions shared by every backend's table. */
export const BINARY_OPS = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum'] as const
/** Unary ops: out = f(x; params). Each has `<op>_backward(dx; dout, x, y)` with y = f(x) the forward output. */
export const UNARY_OPS = {
  neg: [],
  exp: [],
  log: [],
  sqrt: [],
  square: [],
  abs: [],
  relu: [],
  leaky_relu: ['alpha'],
  tanh: [],
  sigmoid: [],
  clip: ['lo', 'hi'],
  softplus: [],
} as const satisfies Record<string, readonly string[]>

export type BinaryOp = (typeof BINARY_OPS)[number]
export type UnaryOp = keyof typeof UNARY_OPS

const binary = Object.fromEntries(BINARY_OPS.map((op) => [op, sig(['out'], ['a', 'b'], BCAST_DIMS)])) as Record<BinaryOp, KernelSig>
const unary = Object.fromEntries(
  Object.entries(UNARY_OPS).flatMap(([op, params]) => [
    [op, sig(['out'], ['x'], L, [...params])],
    [`${op}_backward`, sig(['dx'], ['dout', 'x', 'y'], L, [...params])],
  ]),
) as Record<UnaryOp | `${UnaryOp}_backward`, KernelSig>

export const KERNELS = {
  // ---- matmul: out[M,N] = a @ b, and the transposed forms backward needs
  // (workspace: the wasm kernels pack b into 8-column panels, K x ceil(N/8)*8 floats, and a 64x256 block of a)
  matmul: sig(['out'], ['a', 'b'], MM, [], { workspace: mmWorkspace }), // a [M,K], b [K,N]
  matmul_nt: sig(['out'], ['a', 'b'], MM, [], { workspace: mmWorkspace }), // a [M,K], b [N,K]: out = a @ b^T
  matmul_tn: sig(['out'], ['a', 'b'], MM, [], { workspace: mmWorkspace }), // a [K,M], b [K,N]: out = a^T @ b
  // ---- conv2d, NCHW, weights [K,C,R,S], zero padding PAD on every side; P = (H + 2PAD - R) / STRIDE + 1
  // (workspace: packed operands, offset tables and a zero-padded copy when PAD > 0; layouts in kernels/as/conv2d.ts)
  conv2d_forward: sig(['out'], ['x', 'w', 'b'], CONV_DIMS, [], { workspace: (d) => convWorkspace(d, 'fwd') }),
  conv2d_backward_input: sig(['dx'], ['dout', 'w'], CONV_DIMS, [], { workspace: (d) => convWorkspace(d, 'bin') }),
  conv2d_backward_weight: sig(['dw'], ['dout', 'x'], CONV_DIMS, [], { workspace: (d) => convWorkspace(d, 'bw') }),
  // ---- elementwise
  ...binary,
  where: sig(['out'], ['cond', 'a', 'b'], BCAST_DIMS), // out = cond != 0 ? a : b; cond's strides are a's strides
  ...unary,
  fill: sig(['out'], [], L, ['value']),
  // ---- softmax family on the last axis of x [N, D]
  softmax_forward: sig(['y'], ['x'], ROWS),
  softmax_backward: sig(['dx'], ['dy', 'y'], ROWS),
  log_softmax_forward: sig(['y'], ['x'], ROWS),
  log_softmax_backward: sig(['dx'], ['dy', 'y'], ROWS),
  // ---- reductions over the middle axis of x [O, R, I] -> out [O, I]
  sum_reduce: sig(['out'], ['x'], RED),
  max_reduce: sig(['out'], ['x'], RED),
  max_reduce_backward: sig(['dx'], ['dout', 'x', 'y'], RED), // routes dout to the first maximum of each row
  // out[0] = sum (scale x)^2: the squared L2 norm (scale 1) for global-norm gradient clipping; with scale 0 it is 0 when
  // every x is finite and NaN otherwise (the optimizer's finite-state check, one pass and no temporary)
  sum_squares: sig(['out'], ['x'], L, ['scale']),
  // ---- 2x2 max pooling, stride 2: x [N,C,H,W] -> out [N,C,H/2,W/2] (floored: an odd last row or column is left out).
  // Backward routes dout to the FIRST element of its window, in row-major order, equal to y (the forward output),
  // zeros elsewhere; a window holding a NaN (y NaN) passes no gradient
  max_pool2: sig(['out'], ['x'], POOL),
  max_pool2_backward: sig(['dx'], ['dout', 'x', 'y'], POOL),
  // ---- movement
  // x [D0,D1,D2,D3] -> out with axes permuted: out index (i_P0, i_P1, i_P2, i_P3)
  permute: sig(['out'], ['x'], ['D0', 'D1', 'D2', 'D3', 'P0', 'P1', 'P2', 'P3']),
  // x viewed [O, DX, I]; out [O, DO, I] = x[:, START:START+DO, :]
  slice_axis: sig(['out'], ['x'], ['O', 'DX', 'I', 'START', 'DO']),
  // writes x [O, DX, I] into out [O, DO, I] at [:, START:START+DX, :] (one slab of a concat)
  concat_part: sig(['out'], ['x'], ['O', 'DX', 'I', 'START', 'DO'], [], { partial: true }),
  // out[n, :] = x[idx[n], :], x [V, D], idx [N], out [N, D]
  gather_rows: sig(['out'], ['x', 'idx'], ['N', 'V', 'D']),
  // dx [V, D] = sum over n with idx[n] == v of dout[n, :]
  gather_rows_backward: sig(['dx'], ['dout', 'idx'], ['N', 'V', 'D']),
  // ---- LSTM cell (fused gates): pre [N,4U] = x@Wx + h_prev@Wh + b (computed by matmuls), gate order above.
  // gates [N,4U] saves the activated a,i,f,o for backward.
  lstm_cell_forward: sig(['h', 'c', 'gates'], ['pre', 'c_prev'], ['N', 'U']),
  // dh, dc: gradients w.r.t. this step's h and c (dc includes the gradient flowing from the next step's c_prev)
  lstm_cell_backward: sig(['dpre', 'dc_prev'], ['dh', 'dc', 'gates', 'c', 'c_prev'], ['N', 'U']),
  // ---- batched matmul: out[g] = op(a[g]) @ op(b[g]) for g < G, op = transpose where TA / TB is 1:
  // a [G,M,K] ([G,K,M] when TA), b [G,K,N] ([G,N,K] when TB), out [G,M,N]. Its backward is itself with other flags.
  batch_matmul: sig(['out'], ['a', 'b'], ['G', 'M', 'K', 'N', 'TA', 'TB']),
  // ---- the DNC's memory addressing (docs/dnc.md), every lane b < B on its own memory
  // cosine similarity of each key with each memory row: sim [B,H,N] from mem [B,N,W], keys [B,H,W], with the norms
  // sqrt(|x|^2 + 1e-6) (knorm [B,H], mnorm [B,N]) kept for the backward
  dnc_cosine_forward: sig(['sim', 'knorm', 'mnorm'], ['mem', 'keys'], ['B', 'N', 'W', 'H']),
  dnc_cosine_backward: sig(['dmem', 'dkeys'], ['dsim', 'sim', 'mem', 'keys', 'knorm', 'mnorm'], ['B', 'N', 'W', 'H']),
  // allocation weighting from usage [B,N]: the free list phi sorts usage ascending (ties: lower index first),
  // alloc[phi[j]] = (1 - u[phi[j]]) prod_{i<j} u[phi[i]]; order [B,N] saves phi (indices as f32) for the backward,
  // which holds phi constant
  dnc_allocation_forward: sig(['alloc', 'order'], ['usage'], ['B', 'N']),
  dnc_allocation_backward: sig(['dusage'], ['dalloc', 'usage', 'order'], ['B', 'N']),
  // temporal link update, link [B,N,N]: L[i,j] = (1 - w[i] - w[j]) L_prev[i,j] + w[i] p[j], L[i,i] = 0; K > 0 then
  // zeroes every entry below 1/K (the sparse link matrix), K = 0 keeps all
  dnc_link_forward: sig(['link'], ['link_prev', 'w', 'p'], ['B', 'N', 'K']),
  dnc_link_backward: sig(['dlink_prev', 'dw', 'dp'], ['dlink', 'link_prev', 'w', 'p'], ['B', 'N', 'K']),
  // the sparse link matrix's vectors: the K largest entries of each row of x [B,N] (ties: lower index) divided by
  // their sum (0 when it is 0), every other entry 0; the backward selects again from x
  dnc_sparse_forward: sig(['y'], ['x'], ['B', 'N', 'K']),
  dnc_sparse_backward: sig(['dx'], ['dy', 'x'], ['B', 'N', 'K']),
  // the memory-access equations, fused (kernels/ref/dnc_access.ts; gates and strengths of one per lane are [B]):
  // the interface vector xi [B, W R + 3W + 5R + 3] split in the paper's order and activated (oneplus strengths,
  // sigmoid erase / free / gates, softmax read modes [B,R,3]); the backward recomputes the activations from xi
  dnc_interface_forward: sig(
    ['read_keys', 'read_strengths', 'write_key', 'write_strength', 'erase', 'write_vec', 'free', 'alloc_gate', 'write_gate', 'modes'],
    ['xi'],
    ['B', 'W', 'R'],
  ),
  dnc_interface_backward: sig(
    ['dxi'],
    ['d_read_keys', 'd_read_strengths', 'd_write_key', 'd_write_strength', 'd_erase', 'd_write_vec', 'd_free', 'd_alloc_gate', 'd_write_gate', 'd_modes', 'xi'],
    ['B', 'W', 'R'],
  ),
  // usage [B,N] = (u' + w' - u' w') prod_i (1 - free_i read'_i), read_prev [B,R,N], free [B,R]
  dnc_usage_forward: sig(['usage'], ['usage_prev', 'write_prev', 'read_prev', 'free'], ['B', 'N', 'R']),
  dnc_usage_backward: sig(['dusage_prev', 'dwrite_prev', 'dread_prev', 'dfree'], ['dusage', 'usage_prev', 'write_prev', 'read_prev', 'free'], ['B', 'N', 'R']),
  // write weighting [B,N] = g^w (g^a alloc + (1 - g^a) content), and the precedence p = (1 - sum w) p_prev + w
  dnc_write_weighting_forward: sig(['write_w', 'precedence'], ['alloc', 'content', 'alloc_gate', 'write_gate', 'precedence_prev'], ['B', 'N']),
  dnc_write_weighting_backward: sig(
    ['dalloc', 'dcontent', 'dalloc_gate', 'dwrite_gate', 'dprecedence_prev'],
    ['dwrite_w', 'dprecedence', 'alloc', 'content', 'alloc_gate', 'write_gate', 'precedence_prev'],
    ['B', 'N'],
  ),
  // erase then write: mem [B,N,W] = mem_prev (1 - w e^T) + w v^T, w [B,N], erase and write_vec [B,W]
  dnc_write_forward: sig(['mem'], ['mem_prev', 'w', 'erase', 'write_vec'], ['B', 'N', 'W']),
  dnc_write_backward: sig(['dmem_prev', 'dw', 'derase', 'dwrite_vec'], ['dmem', 'mem_prev', 'w', 'erase', 'write_vec'], ['B', 'N', 'W']),
  // read weightings [B,R,N] = modes[.,0] bwd + modes[.,1] content + modes[.,2] fwd, modes [B,R,3]
  dnc_read_weights_forward: sig(['read_w'], ['modes', 'bwd', 'content', 'fwd'], ['B', 'R', 'N']),
  dnc_read_weights_backward: sig(['dmodes', 'dbwd', 'dcontent', 'dfwd'], ['dread_w', 'modes', 'bwd', 'content', 'fwd'], ['B', 'R', 'N']),
  // ---- optimizer: Adam (Kingma & Ba, arXiv:1412.6980), bias corrections folded into lr_t by the caller:
  // m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; p -= lr_t * m / (sqrt(v) + eps_hat)
  adam_step: sig(['p', 'm', 'v'], ['g'], L, ['lr_t', 'beta1', 'beta2', 'eps', 'grad_scale'], { inout: true }),
} as const satisfies Record<string, KernelSig>

/**
 * Offsets of the parts of the DNC's interface vector (dnc_interface_*), the paper's order: read keys (R W), read
 * strengths (R), write key (W), write strength (1), erase (W), write vector (W), free gates (R), allocation gate,
 * write gate, read modes (3R); I = W R + 3W + 5R + 3 in all.
 */
export function dncInterfaceLayout(W: number, R: number) {
  const kr = 0,
    br = R * W,
    kw = br + R,
    bw = kw + W,
    e = bw + 1,
    v = e + W,
    f = v + W,
    ga = f + R,
    gw = ga + 1,
    pi = gw + 1
  return { kr, br, kw, bw, e, v, f, ga, gw, pi, I: pi + 3 * R }
}

export type KernelName = keyof typeof KERNELS
export const KERNEL_NAMES = Object.keys(KERNELS) as KernelName[]

/** Named dims of a kernel call, e.g. {M: 64, K: 3136, N: 512}; params ride along by name too. */
export type Dims = Record<string, number>

/** Flatten a call's dims and params into the ABI order (dims then params), checking none is missing; appended to out. */
export function abiArgs(name: KernelName, d: Dims, out: number[] = []): number[] {
  const keys = (abiKeys[name] ??= [...KERNELS[name].dims, ...KERNELS[name].params])
  for (const key of keys) {
    const v = d[key]
    if (typeof v !== 'number' || Number.isNaN(v)) throw new Error(`kernel ${name}: missing or invalid ${key} (${v})`)
    out.push(v)
  }
  return out
}
/** Each kernel's ABI names, dims then params (abiArgs runs once per kernel call: no arrays rebuilt per call). */
const abiKeys: Partial<Record<KernelName, readonly string[]>> = {}
