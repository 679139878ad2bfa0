// The DNC's memory-access equations as fused ops (docs/dnc.md; kernels dnc_interface_*, dnc_usage_*,
// dnc_write_weighting_*, dnc_write_*, dnc_read_weights_*), each one kernel forward and one backward: composed from
// elementwise ops, slices and broadcasts a DNC step took ~200 launches, fused ~60. Shapes put the lane first.
import { Tensor, record, type Shape } from '../tensor.ts'
import { runMulti, run, sameBackend } from './run.ts'
import { dncInterfaceLayout } from '../../kernels/index.ts'

/** The gradients of the outputs, zeros where none arrived (the fused backward kernels read all of them). */
const orZeros = (gs: (Tensor | null)[], shapes: Shape[], be: Tensor['backend']) => gs.map((g, i) => g ?? Tensor.zeros(be, shapes[i]))

/** The interface vector's parts, activated (the paper's names in docs/dnc.md). */
export interface DncInterface {
  readKeys: Tensor // [B, R, W]
  readStrengths: Tensor // [B, R], oneplus
  writeKey: Tensor // [B, 1, W]
  writeStrength: Tensor // [B, 1], oneplus
  erase: Tensor // [B, W], sigmoid
  writeVec: Tensor // [B, W]
  free: Tensor // [B, R], sigmoid
  allocGate: Tensor // [B, 1], sigmoid
  writeGate: Tensor // [B, 1], sigmoid
  modes: Tensor // [B, R, 3], softmax over backward / content / forward
}

/** xi [B, W R + 3W + 5R + 3] -> its parts, split in the paper's order and activated. */
export function dncInterface(xi: Tensor, W: number, R: number): DncInterface {
  const B = xi.shape[0],
    { I } = dncInterfaceLayout(W, R)
  if (xi.shape.length !== 2 || xi.shape[1] !== I) throw new Error(`dncInterface: xi [${xi.shape}] is not [B, ${I}] (W ${W}, R ${R})`)
  const shapes: Shape[] = [
    [B, R, W],
    [B, R],
    [B, 1, W],
    [B, 1],
    [B, W],
    [B, W],
    [B, R],
    [B, 1],
    [B, 1],
    [B, R, 3],
  ]
  const d = { B, W, R }
  const outs = runMulti('dnc_interface_forward', shapes, [xi], d)
  record(outs, [xi], (gs) => [run('dnc_interface_backward', xi.shape, [...orZeros(gs, shapes, xi.backend), xi], d)])
  const [readKeys, readStrengths, writeKey, writeStrength, erase, writeVec, free, allocGate, writeGate, modes] = outs
  return { readKeys, readStrengths, writeKey, writeStrength, erase, writeVec, free, allocGate, writeGate, modes }
}

/** u_t = (u + w - u w)_{t-1} prod_i (1 - f_i w^r_{t-1,i}): usagePrev, writePrev [B, N], readPrev [B, R, N], free [B, R]. */
export function usageUpdate(usagePrev: Tensor, writePrev: Tensor, readPrev: Tensor, free: Tensor): Tensor {
  sameBackend([usagePrev, writePrev, readPrev, free], 'usageUpdate')
  const [B, R, N] = readPrev.shape,
    ins = [usagePrev, writePrev, readPrev, free]
  const d = { B, N, R }
  const u = run('dnc_usage_forward', [B, N], ins, d)
  return record(u, ins, ([g]) =>
    runMulti(
      'dnc_usage_backward',
      ins.map((t) => t.shape),
      [g!, ...ins],
      d,
    ),
  )
}

/**
 * The write weighting g^w (g^a alloc + (1 - g^a) content) and the precedence after it, (1 - sum w) pPrev + w:
 * alloc, content, precedencePrev [B, N], the gates [B, 1].
 */
export function writeWeighting(
  alloc: Tensor,
  content: Tensor,
  allocGate: Tensor,
  writeGate: Tensor,
  precedencePrev: Tensor,
): { writeW: Tensor; precedence: Tensor } {
  const ins = [alloc, content, allocGate, writeGate, precedencePrev]
  sameBackend(ins, 'writeWeighting')
  const [B, N] = alloc.shape,
    d = { B, N }
  const [writeW, precedence] = runMulti(
    'dnc_write_weighting_forward',
    [
      [B, N],
      [B, N],
    ],
    ins,
    d,
  )
  record([writeW, precedence], ins, (gs) =>
    runMulti(
      'dnc_write_weighting_backward',
      ins.map((t) => t.shape),
      [
        ...orZeros(
          gs,
          [
            [B, N],
            [B, N],
          ],
          alloc.backend,
        ),
        ...ins,
      ],
      d,
    ),
  )
  return { writeW, precedence }
}

/** Erase then write: memPrev [B, N, W] o (1 - w e^T) + w v^T, w [B, N], erase and writeVec [B, W]. */
export function memoryWrite(memPrev: Tensor, w: Tensor, erase: Tensor, writeVec: Tensor): Tensor {
  const ins = [memPrev, w, erase, writeVec]
  sameBackend(ins, 'memoryWrite')
  const [B, N, W] = memPrev.shape,
    d = { B, N, W }
  const mem = run('dnc_write_forward', memPrev.shape, ins, d)
  return record(mem, ins, ([g]) =>
    runMulti(
      'dnc_write_backward',
      ins.map((t) => t.shape),
      [g!, ...ins],
      d,
    ),
  )
}

/** Read weightings [B, R, N]: modes [B, R, 3] mix the backward, content and forward weightings (each [B, R, N]). */
export function readWeights(modes: Tensor, bwd: Tensor, content: Tensor, fwd: Tensor): Tensor {
  const ins = [modes, bwd, content, fwd]
  sameBackend(ins, 'readWeights')
  const [B, R, N] = bwd.shape,
    d = { B, R, N }
  const w = run('dnc_read_weights_forward', bwd.shape, ins, d)
  return record(w, ins, ([g]) =>
    runMulti(
      'dnc_read_weights_backward',
      ins.map((t) => t.shape),
      [g!, ...ins],
      d,
    ),
  )
}
