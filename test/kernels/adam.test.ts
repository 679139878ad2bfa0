// adam_step (in place on p, m, v) against ref on the shared lengths, with a gradient scale as clipping passes it.
// Tolerance atol 1e-7, rtol 1e-6.
import { suite } from 'uvu'
import { LENGTHS } from '../cases/shapes.ts'
import { randn, uniform } from '../helpers.ts'
import { parity } from './parity.ts'

const test = suite('adam')

for (const L of [...LENGTHS, 65536 + 3]) {
  const d = { L, lr_t: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, grad_scale: 0.5 }
  parity(
    test,
    'adam_step',
    `${L}`,
    () => ({
      inputs: [randn(L, 4)],
      outLens: [L, L, L],
      d,
      outInit: [randn(L, 1), randn(L, 2, 0.1), uniform(L, 3, 0, 0.01)],
    }),
    { atol: 1e-7, rtol: 1e-6 },
  )
}

test.run()
