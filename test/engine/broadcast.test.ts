// broadcastDims, the rank-4 view the binary kernels read: hand-worked views for broadcasts, and the no-broadcast fast
// path (equal shapes) giving exactly the view the general path gives (reached with a leading 1 on one operand).
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { broadcastDims } from '../../engine/ops/elementwise.ts'

const test = suite('broadcast dims')

test('equal shapes: one contiguous run, the same view as the general path', () => {
  for (const s of [[1], [5], [3, 4], [2, 3, 4], [2, 1, 3], [1, 1], [7, 1], [2, 3, 4, 5, 6]]) {
    assert.equal(broadcastDims(s, s, s), broadcastDims([1, ...s], [1, ...s], s), `[${s}]`)
  }
  assert.equal(broadcastDims([2, 3], [2, 3], [2, 3]), { D0: 1, D1: 1, D2: 1, D3: 6, SA0: 0, SA1: 0, SA2: 0, SA3: 1, SB0: 0, SB1: 0, SB2: 0, SB3: 1 })
})

test('a bias row over a batch, and a column over rows, by hand', () => {
  // [2,3] + [3]: b repeats along the first axis (stride 0)
  assert.equal(broadcastDims([2, 3], [2, 3], [3]), { D0: 1, D1: 1, D2: 2, D3: 3, SA0: 0, SA1: 0, SA2: 3, SA3: 1, SB0: 0, SB1: 0, SB2: 0, SB3: 1 })
  // [4,5] * [4,1]: b repeats along the last axis
  assert.equal(broadcastDims([4, 5], [4, 5], [4, 1]), { D0: 1, D1: 1, D2: 4, D3: 5, SA0: 0, SA1: 0, SA2: 5, SA3: 1, SB0: 0, SB1: 0, SB2: 1, SB3: 0 })
})

test.run()
