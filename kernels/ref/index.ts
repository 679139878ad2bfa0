// The reference implementation of every registry kernel, keyed by name. Each takes its buffers in ABI order
// (outputs, then inputs) followed by the named dims/params. Generic over Float32Array and Float64Array.
import { BINARY_OPS, UNARY_OPS, type KernelName, type UnaryOp } from '../index.ts'
import type { Float, Dims } from './types.ts'
import * as mm from './matmul.ts'
import * as conv from './conv2d.ts'
import * as ew from './elementwise.ts'
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

export type RefKernel = (...args: any[]) => void
const unary = Object.fromEntries(
  (Object.keys(UNARY_OPS) as UnaryOp[]).flatMap((op) => [
    [op, ew.unaryKernel(op)],
    [`${op}_backward`, ew.unaryBackwardKernel(op)],
  ]),
)
const binary = Object.fromEntries(BINARY_OPS.map((op) => [op, ew.binaryKernel(op)]))

export const REF: Record<KernelName, RefKernel> = {
  ...mm,
  ...conv,
  ...sm,
  ...red,
  ...pool,
  ...mov,
  ...lstm,
  ...adam,
  ...bmm,
  ...dnc,
  ...dncAccess,
  ...dncInterface,
  ...binary,
  ...unary,
  where: ew.where,
  fill: ew.fill,
} as Record<KernelName, RefKernel>

/** Run a kernel by name over buffers in ABI order. */
export function runRef(name: KernelName, bufs: Float[], d: Dims): void {
  REF[name](...bufs, d)
}
export type { Float, Dims }
