// The bench's work counter (bench/kernel_profile.ts countFlops, the rl_loop ceiling row): 2 FLOPs per multiply-add
// of every matmul and conv the backend runs while counting, 0 for other kernels, nothing after stop().
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { Tensor, add, conv2d, matmul, scope } from '../../engine/index.ts'
import { openBackend } from '../../cli/node_backend.ts'
import type { WasmBackend } from '../../engine/backend/wasm.ts'
import { countFlops } from '../../bench/kernel_profile.ts'

test('countFlops: matmul 2 M K N, conv 2 N K P Q C R S, elementwise 0; stop() restores run', async () => {
  const be = (await openBackend('wasm', { threads: 1 })) as WasmBackend
  const t = (shape: number[]) => Tensor.fromArray(be, new Float32Array(shape.reduce((x, y) => x * y)).fill(0.5), shape)
  const counter = countFlops(be)
  scope(() => {
    matmul(t([2, 3]), t([3, 4])) // 2 * 2*3*4 = 48
    conv2d(t([2, 3, 5, 5]), t([4, 3, 3, 3]), t([4]), 2, 0) // P = Q = 2: 2 * 2*4*2*2*3*3*3 = 1728
    add(t([6]), t([6]))
  })
  assert.is(counter.stop(), 48 + 1728)
  scope(() => matmul(t([2, 3]), t([3, 4])))
  assert.is(counter.stop(), 48 + 1728, 'nothing counted after stop()')
  be.destroy()
})

test.run()
