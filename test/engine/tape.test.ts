// The tape and ownership machinery: gradient accumulation, noGrad, tape draining, independent losses, scopes and
// keep(), disposed-tensor errors, views sharing storage, detach, and resetRows on LSTM state. Ref backend (f32).
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { Tensor, RefBackend, backward, noGrad, scope, keep, tapeLength, LSTM, Rng, resetRows } from '../../engine/index.ts'
import * as E from '../../engine/index.ts'
import { close } from '../helpers.ts'

const be = new RefBackend(32)
const test = suite('tape')
const live = () => be.memory().liveBuffers
const leaf = (data: number[], shape = [data.length]) => {
  const t = Tensor.fromArray(be, data, shape)
  t.requiresGrad = true
  return t
}

test('accumulation: x used twice, y = x*x + x -> dx = 2x + 1 ref [4]', () => {
  const x = leaf([1, -2, 0.5, 3])
  scope(() => backward(E.sum(E.add(E.mul(x, x), x))))
  close(x.grad!.readSync(), [3, -3, 2, 7], {}, 'dx')
  assert.is(tapeLength(), 0)
  x.dispose()
})

test('accumulation: a leaf used by two ops that meet later (diamond) ref [3]', () => {
  const x = leaf([0.1, -0.4, 0.7])
  // y = exp(x) * tanh(x): dy/dx = exp(x) tanh(x) + exp(x) (1 - tanh^2 x)
  scope(() => backward(E.sum(E.mul(E.exp(x), E.tanh(x)))))
  const want = [0.1, -0.4, 0.7].map((v) => Math.exp(v) * Math.tanh(v) + Math.exp(v) * (1 - Math.tanh(v) ** 2))
  close(x.grad!.readSync(), want, { atol: 1e-6, rtol: 1e-5 }, 'dx')
  x.dispose()
})

test('accumulation: two backward() calls add into .grad; zeroGrad-style reset ref [2]', () => {
  const x = leaf([2, 5])
  scope(() => backward(E.sum(E.mulScalar(x, 3))))
  scope(() => backward(E.sum(E.mulScalar(x, 4))))
  close(x.grad!.readSync(), [7, 7], {}, 'dx after two backwards')
  x.grad!.dispose()
  x.grad = null
  scope(() => backward(E.sum(x)))
  close(x.grad!.readSync(), [1, 1], {}, 'dx after reset')
  x.dispose()
})

test('backward with an explicit seed (non-scalar loss) ref [3]', () => {
  const x = leaf([1, 2, 3])
  scope(() => backward(E.square(x), Tensor.fromArray(be, [1, 0, -1])))
  close(x.grad!.readSync(), [2, 0, -6], {}, 'dx')
  x.dispose()
})

test('noGrad records nothing; outputs do not require grad ref [3]', () => {
  const x = leaf([1, 2, 3])
  const before = tapeLength()
  scope(() =>
    noGrad(() => {
      const y = E.sum(E.tanh(E.mul(x, x)))
      assert.is(y.requiresGrad, false)
    }),
  )
  assert.is(tapeLength(), before)
  // and recording resumes afterwards, also after a throw inside noGrad
  assert.throws(() =>
    noGrad(() => {
      throw new Error('boom')
    }),
  )
  assert.ok(E.isGradEnabled())
  scope(() => {
    E.tanh(x)
    assert.is(tapeLength(), before + 1)
  })
  assert.is(tapeLength(), before, 'entries of disposed outputs leave the tape')
  x.dispose()
})

test('noGrad over an async function restores recording after it resolves', async () => {
  await noGrad(async () => {
    await Promise.resolve()
    assert.not.ok(E.isGradEnabled())
  })
  assert.ok(E.isGradEnabled())
})

test('tapeLength returns to 0 after backward ref [2,3]', () => {
  const x = leaf([1, 2, 3, 4, 5, 6], [2, 3])
  const w = leaf([1, 0, -1, 2, 1, 0], [3, 2])
  scope(() => {
    const loss = E.sum(E.logSoftmax(E.matmul(E.relu(x), w)))
    assert.ok(tapeLength() >= 3)
    backward(loss)
    assert.is(tapeLength(), 0)
  })
  x.dispose()
  w.dispose()
})

test('two independent losses backwarded separately each consume only their own entries ref [3]', () => {
  const a = leaf([1, 2, 3]),
    b = leaf([-1, 0.5, 2])
  scope(() => {
    const la = E.sum(E.square(a)) // 2 entries
    const lb = E.sum(E.mul(E.exp(b), b)) // 3 entries
    const n = tapeLength()
    backward(la)
    assert.is(tapeLength(), n - 2, "only la's entries consumed")
    close(a.grad!.readSync(), [2, 4, 6], {}, 'da')
    assert.is(b.grad, null, 'b untouched by la')
    backward(lb)
    assert.is(tapeLength(), 0)
    close(
      b.grad!.readSync(),
      [-1, 0.5, 2].map((v) => Math.exp(v) * (1 + v)),
      { atol: 1e-5, rtol: 1e-5 },
      'db',
    )
    close(a.grad!.readSync(), [2, 4, 6], {}, 'da unchanged by lb')
  })
  a.dispose()
  b.dispose()
})

test('scope disposes intermediates; liveBuffers back to start; returned tensors survive ref [4]', () => {
  const start = live()
  const x = Tensor.fromArray(be, [1, 2, 3, 4])
  const y = scope(() => {
    const t = E.exp(x),
      u = E.tanh(t)
    return E.add(t, u)
  })
  assert.is(live(), start + 2, 'x and the returned y')
  close(
    y.readSync(),
    [1, 2, 3, 4].map((v) => Math.exp(v) + Math.tanh(Math.exp(v))),
    { rtol: 1e-5 },
    'y',
  )
  // arrays and plain objects of tensors are returned too
  const { p, q } = scope(() => ({ p: E.neg(x), q: [E.square(x), E.abs(x)] }))
  assert.is(live(), start + 5)
  close(q[0].readSync(), [1, 4, 9, 16], {}, 'q0')
  for (const t of [p, ...q, y, x]) t.dispose()
  assert.is(live(), start)
})

test('nested scopes: returned tensors move to the parent and die with it ref [2]', () => {
  const start = live()
  scope(() => {
    const inner = scope(() => E.exp(Tensor.fromArray(be, [0, 1])))
    assert.is(live(), start + 1)
    assert.ok(!inner.isDisposed)
  })
  assert.is(live(), start)
})

test('keep() takes a tensor out of every enclosing scope ref [2]', () => {
  const start = live()
  let kept!: Tensor
  scope(() =>
    scope(() => {
      kept = keep(E.exp(Tensor.fromArray(be, [0, 1])))
    }),
  )
  assert.is(live(), start + 1)
  close(kept.readSync(), [1, Math.E], { rtol: 1e-6 }, 'kept')
  kept.dispose()
  assert.is(live(), start)
})

test('scope cleans up when fn throws, and after an async fn resolves or rejects ref', async () => {
  const start = live()
  assert.throws(
    () =>
      scope(() => {
        E.exp(Tensor.fromArray(be, [1]))
        throw new Error('boom')
      }),
    /boom/,
  )
  assert.is(live(), start)
  const r = await scope(async () => {
    const t = Tensor.fromArray(be, [1, 2])
    await Promise.resolve()
    E.neg(t)
    return E.square(t)
  })
  assert.is(live(), start + 1)
  r.dispose()
  await scope(async () => {
    Tensor.fromArray(be, [1])
    throw new Error('x')
  }).catch(() => {})
  assert.is(live(), start)
})

test('forward + backward inside a scope leaves only the parameters and their grads ref', () => {
  const x = leaf([1, 2, 3, 4, 5, 6], [2, 3]),
    w = leaf([1, 0, -1, 2, 1, 0], [3, 2])
  const start = live()
  scope(() => backward(E.mean(E.tanh(E.matmul(x, w)))))
  assert.is(live(), start + 2, 'x.grad and w.grad only')
  x.dispose()
  w.dispose()
  assert.is(live(), start - 2, 'disposing a leaf frees its grad too')
})

test('use of a disposed tensor throws a clear error ref [2,2]', async () => {
  const t = Tensor.fromArray(be, [1, 2, 3, 4], [2, 2])
  t.dispose()
  t.dispose() // idempotent
  assert.throws(() => E.add(t, t), /disposed tensor \[2,2\]/)
  assert.throws(() => t.readSync(), /disposed/)
  await t.read().then(
    () => assert.unreachable('read of a disposed tensor resolved'),
    (e) => assert.match(e.message, /disposed/),
  )
})

test('backward through an entry whose input was disposed by an inner scope fails clearly ref [3]', () => {
  const x = leaf([1, 2, 3])
  assert.throws(
    () =>
      scope(() => {
        const y = scope(() => E.mul(x, E.tanh(x))) // tanh(x) is freed when the inner scope ends
        backward(E.sum(y))
      }),
    /disposed/,
  )
  x.dispose()
  // whatever remains on the tape belongs to disposed outputs, so it is gone once the scope ended
  assert.is(tapeLength(), 0)
})

test('reshape shares storage (refcounted): disposing the source keeps the view alive ref [2,3]', () => {
  const start = live()
  const x = Tensor.fromArray(be, [1, 2, 3, 4, 5, 6], [2, 3])
  const v = E.reshape(x, [3, 2])
  assert.is(live(), start + 1, 'a view allocates nothing')
  x.dispose()
  close(v.readSync(), [1, 2, 3, 4, 5, 6], {}, 'view')
  v.dispose()
  assert.is(live(), start)
})

test('detach cuts the graph ref [3]', () => {
  const x = leaf([1, 2, 3])
  scope(() => backward(E.sum(E.mul(E.detach(x), x)))) // d/dx = detach(x) only
  close(x.grad!.readSync(), [1, 2, 3], {}, 'dx')
  x.dispose()
})

test('ties: max routes the gradient to the first maximum; maximum/minimum give ties to a ref [4]', () => {
  const x = leaf([1, 3, 3, 2])
  scope(() => backward(E.max(x)))
  assert.equal([...x.grad!.readSync()], [0, 1, 0, 0])
  const a = leaf([1, 2, 3]),
    b = leaf([1, 5, 3])
  scope(() => backward(E.add(E.sum(E.maximum(a, b)), E.sum(E.minimum(a, b)))))
  assert.equal([...a.grad!.readSync()], [2, 1, 2], 'ties count twice for a (max and min), 2 < 5 gives a the min')
  assert.equal([...b.grad!.readSync()], [0, 1, 0])
  for (const t of [x, a, b]) t.dispose()
})

test('expand rejects a shape x does not broadcast to ref [3] -> [2,1]', () => {
  const x = Tensor.fromArray(be, [1, 2, 3])
  assert.throws(() => E.expand(x, [2, 1]), /expand: \[3\] does not broadcast to \[2,1\]/)
  assert.throws(() => E.expand(x, [4]), /do not broadcast/)
  assert.equal([...E.expand(x, [2, 3]).readSync()], [1, 2, 3, 1, 2, 3])
  x.dispose()
})

test('resetRows zeroes LSTM state rows where keep=0 and blocks their gradient ref N=3 U=2', () => {
  const lstm = new LSTM(be, 2, 2, new Rng(3))
  const x = Tensor.fromArray(be, [0.5, -1, 1, 0.2, -0.3, 0.8], [3, 2])
  scope(() => {
    const s0 = lstm.step(x, lstm.initialState(3))
    const keepRows = Tensor.fromArray(be, [1, 0, 1], [3, 1])
    const s1 = resetRows(s0, keepRows)
    const h0 = s0.h.readSync(),
      c0 = s0.c.readSync(),
      h1 = s1.h.readSync(),
      c1 = s1.c.readSync()
    close(h1, [h0[0], h0[1], 0, 0, h0[4], h0[5]], {}, 'h')
    close(c1, [c0[0], c0[1], 0, 0, c0[4], c0[5]], {}, 'c')
    assert.ok(Math.abs(h0[2]) > 1e-4, 'the reset row was non-zero before')
    // gradient into row 1 of x must come only from the first step's direct outputs, which we do not use:
    // with the loss on s1 alone, row 1 of dx is exactly zero
    const xl = keep(x.view([3, 2]))
    xl.requiresGrad = true
    const t0 = lstm.step(xl, lstm.initialState(3))
    const t1 = resetRows(t0, keepRows)
    backward(E.add(E.sum(t1.h), E.sum(t1.c)))
    const dx = xl.grad!.readSync()
    assert.equal([dx[2], dx[3]], [0, 0])
    assert.ok(Math.abs(dx[0]) + Math.abs(dx[4]) > 1e-4, 'kept rows get a gradient')
    xl.dispose()
  })
  lstm.dispose()
  x.dispose()
})

test.run()
