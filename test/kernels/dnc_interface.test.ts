// dnc_interface_forward / _backward against ref on the shared DNC cases (H read heads as R): interface logits spread
// over +-4, so gates and read modes saturate somewhere; the backward's output gradients are random. Tolerance atol
// 1e-5, rtol 1e-4 (exp and log1p: Mathf and WGSL's builtins against Math in double).
import { suite } from 'uvu'
import { DNC } from '../cases/shapes.ts'
import { randn } from '../helpers.ts'
import { parity } from './parity.ts'
import { dncInterfaceLayout } from '../../kernels/index.ts'

const test = suite('dnc interface kernels')
const tol = { atol: 1e-5, rtol: 1e-4 }

for (const { B, W, H: R } of DNC) {
  const shape = `B ${B} W ${W} R ${R}`,
    { I } = dncInterfaceLayout(W, R)
  const d = { B, W, R },
    outs = [B * R * W, B * R, B * W, B, B * W, B * W, B * R, B, B, B * R * 3]
  parity(test, 'dnc_interface_forward', shape, () => ({ inputs: [randn(B * I, I, 4)], outLens: outs, d }), tol)
  parity(
    test,
    'dnc_interface_backward',
    shape,
    () => ({
      inputs: [...outs.map((n, i) => randn(n, 80 + i)), randn(B * I, I + 1, 4)],
      outLens: [B * I],
      d,
    }),
    tol,
  )
}

test.run()
