// Shared machinery of the kernel parity tests: run one registry kernel on a backend from host arrays, and
// register "<kernel> <backend> == ref [shape]" tests that compare every output with the ref backend's (the oracle,
// computed once per case). Outputs are pre-filled with NaN so a kernel that forgets to overwrite one fails.
import type { Test } from 'uvu'
import type { Backend, Buffer } from '../../engine/backend/backend.ts'
import { RefBackend } from '../../engine/backend/ref.ts'
import type { KernelName, Dims } from '../../kernels/index.ts'
import { close, backendByName, type Tol } from '../helpers.ts'

/** The oracle, and the backends compared with it (BACKENDS=wasm narrows; an unavailable one is SKIPPED loudly). */
export const ref = new RefBackend(32)
export const TARGETS = (process.env.BACKENDS ?? 'wasm,webgpu').split(',').filter((n) => n && n !== 'ref')

export interface Call {
  inputs: Float32Array[]
  outLens: number[]
  d: Dims
  /** initial output contents (inout / partial kernels) */
  outInit?: Float32Array[]
  /** compare only outputs[i].subarray(0, n) (heavy cases whose ref ran on a slice of the batch) */
  compareLens?: number[]
}

/** Run kernel `name` (wasm: its `variant`, e.g. '_v1') on be from host arrays; `exec` replaces the be.run call. */
export async function runOn(be: Backend, name: KernelName, c: Call, variant = '', exec?: (outs: Buffer[], ins: Buffer[]) => void): Promise<Float32Array[]> {
  const outs = c.outLens.map((n, i) => {
    const b = be.alloc(n)
    be.write(b, c.outInit?.[i] ?? new Float32Array(n).fill(NaN))
    return b
  })
  const ins = c.inputs.map((x) => {
    const b = be.alloc(x.length)
    be.write(b, x)
    return b
  })
  if (exec) exec(outs, ins)
  else (be.run as (...a: unknown[]) => void).call(be, name, outs, ins, c.d, variant)
  const res = await Promise.all(outs.map((b) => be.read(b)))
  for (const b of [...outs, ...ins]) be.free(b)
  return res
}

/** Register one parity test per (non-ref backend x variant) for a case; the ref result is computed once, lazily. */
export function parity(
  test: Test,
  name: KernelName,
  shape: string,
  make: () => Call,
  tol: Tol,
  opts: { variants?: string[]; refCall?: () => Call; heavy?: boolean } = {},
): void {
  let call: Call | undefined, want: Promise<Float32Array[]> | undefined
  const expected = () => (want ??= runOn(ref, name, opts.refCall ? opts.refCall() : (call ??= make())))
  for (const bn of TARGETS) {
    for (const v of bn === 'wasm' ? (opts.variants ?? ['']) : ['']) {
      test(`${name}${v} ${bn} == ref [${shape}]`, async () => {
        const backend = await backendByName(bn)
        if (!backend) return // backends() printed the SKIPPED line (and threw under CI)
        // heavy cases take ~40 s in all on SwiftShader: always run in CI, skipped (said) in local runs
        if (opts.heavy && (backend as { isSoftware?: boolean }).isSoftware && process.env.CI !== 'true') {
          return void console.log(`  (heavy case ${name} [${shape}] not run on a software ${bn} adapter outside CI)`)
        }
        const c = (call ??= make())
        const [got, exp] = [await runOn(backend, name, c, v), await expected()]
        got.forEach((g, i) => {
          const n = c.compareLens?.[i] ?? g.length
          close(g.subarray(0, n), exp[i].subarray(0, n), tol, `${name}${v} ${bn} output ${i}`)
        })
      })
    }
  }
}

/** numpy broadcasting of two shapes into the rank-4 dims of the binary kernels: out dims and element strides. */
export function bcastDims(a: number[], b: number[]): { d: Dims; out: number[] } {
  const pad = (s: number[]) => [...Array(4 - s.length).fill(1), ...s]
  const A = pad(a),
    B = pad(b),
    out = A.map((x, i) => Math.max(x, B[i]))
  const strides = (s: number[]) => {
    const st = [0, 0, 0, 0]
    let acc = 1
    for (let i = 3; i >= 0; i--) {
      st[i] = s[i] === 1 ? 0 : acc
      acc *= s[i]
    }
    return st
  }
  const sa = strides(A),
    sb = strides(B),
    d: Dims = {}
  out.forEach((v, i) => {
    d[`D${i}`] = v
    d[`SA${i}`] = sa[i]
    d[`SB${i}`] = sb[i]
  })
  return { d, out }
}

export const size = (s: number[]) => s.reduce((x, y) => x * y, 1)
