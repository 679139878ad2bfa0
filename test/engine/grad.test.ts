// Finite-difference gradient checks of every op's backward, in f64 on the ref backend (RefBackend(64)).
// Method: loss = sum_i sum(out_i * R_i) for fixed random R_i; the analytic gradient comes from backward(); the
// numeric one from central differences, perturbing each element of the input's raw f64 buffer by EPS and re-running
// the forward under noGrad. Tolerance: |analytic - numeric| <= ATOL + RTOL |numeric| at every element (truncation
// error ~EPS^2 and round-off ~1e-16/EPS are both far below it).
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { Tensor, RefBackend, backward, noGrad, scope, tapeLength } from '../../engine/index.ts'
import * as E from '../../engine/index.ts'
import { close, randn, uniform, centralDifferences } from '../helpers.ts'
import { REF } from '../../kernels/ref/index.ts'

const be = new RefBackend(64)
const EPS = 1e-6,
  ATOL = 1e-7,
  RTOL = 1e-6
const test = suite('grad')

type Out = Tensor | Tensor[] | { h: Tensor; c: Tensor }
interface Input {
  shape: number[]
  data?: ArrayLike<number>
  noGrad?: boolean
}

let seed = 100
function tensor64(data: ArrayLike<number>, shape: number[]): Tensor {
  const t = Tensor.empty(be, shape)
  be.raw(t.buf).set(data) // f64 values: write() would round them to f32
  return t
}
const outsOf = (o: Out): Tensor[] => (o instanceof Tensor ? [o] : Array.isArray(o) ? o : [o.h, o.c])

/** Check d(loss)/d(input) for every input not marked noGrad. Inputs default to randn of their shape. */
function gradcheck(name: string, inputs: Input[], f: (...xs: Tensor[]) => Out) {
  test(name, () => {
    const xs = inputs.map((inp) => {
      const n = inp.shape.reduce((a, b) => a * b, 1)
      const t = tensor64(inp.data ?? Float64Array.from(randn(n, seed++)), inp.shape)
      t.requiresGrad = !inp.noGrad
      return t
    })
    let R: Tensor[] = []
    // the loss's value; with grads on, backward() runs inside the same scope, before intermediates are freed
    const lossOf = () =>
      scope(() => {
        const outs = outsOf(f(...xs))
        if (!R.length) R = outs.map((o) => E.keep(tensor64(Float64Array.from(randn(o.size, seed++)), [...o.shape])))
        const loss = outs.map((o, i) => E.sum(E.mul(o, R[i]))).reduce((a, b) => E.add(a, b))
        if (E.isGradEnabled()) backward(loss)
        return be.raw(loss.buf)[0]
      })
    lossOf()
    assert.is(tapeLength(), 0, 'tape drained')
    xs.forEach((x, k) => {
      if (inputs[k].noGrad) return
      assert.ok(x.grad, `input ${k} got a gradient`)
      assert.equal([...x.grad!.shape], [...x.shape], `grad shape of input ${k}`)
      const analytic = Float64Array.from(be.raw(x.grad!.buf))
      const numeric = noGrad(() => centralDifferences(be.raw(x.buf), lossOf, EPS))
      close(analytic, numeric, { atol: ATOL, rtol: RTOL }, `${name}: d/d input ${k} [${x.shape}]`)
    })
    for (const t of [...xs, ...R]) t.dispose()
  })
}

// ---------------------------------------------------------------------------------------------- binary ops
const PAIRS: [number[], number[]][] = [
  [
    [3, 4],
    [3, 4],
  ],
  [[3, 4], [4]],
  [
    [3, 1],
    [1, 5],
  ],
  [
    [2, 3, 4],
    [3, 1],
  ],
  [[1], [2, 3]],
  [
    [2, 1, 4, 3],
    [5, 1, 1],
  ],
]
for (const op of ['add', 'sub', 'mul', 'div', 'maximum', 'minimum'] as const) {
  for (const [a, b] of PAIRS) {
    const nb = b.reduce((x, y) => x * y, 1)
    // div: keep b away from 0; maximum/minimum: ties are kinks, continuous randn makes them measure-zero, and
    // the offset below keeps |a - b| well above EPS
    const bData = op === 'div' ? Float64Array.from(uniform(nb, seed++, 0.5, 2), (v, i) => (i % 2 ? v : -v)) : undefined
    gradcheck(`${op} ref64 [${a}] [${b}]`, [{ shape: a }, { shape: b, data: bData }], (x, y) => E[op](x, y))
  }
}

gradcheck(
  'where ref64 cond [3,4] a [3,4] b [3,4]',
  [{ shape: [3, 4], data: Array.from({ length: 12 }, (_, i) => (i % 3 === 0 ? 1 : 0)), noGrad: true }, { shape: [3, 4] }, { shape: [3, 4] }],
  (c, a, b) => E.where(c, a, b),
)
gradcheck(
  'where ref64 cond [3,4] a [3,4] b [4]',
  [{ shape: [3, 4], data: Array.from({ length: 12 }, (_, i) => i % 2), noGrad: true }, { shape: [3, 4] }, { shape: [4] }],
  (c, a, b) => E.where(c, a, b),
)
gradcheck(
  'where ref64 cond [2,3] a [1,3] b [2,1]',
  [{ shape: [2, 3], data: [1, 0, 1, 0, 0, 1], noGrad: true }, { shape: [1, 3] }, { shape: [2, 1] }],
  (c, a, b) => E.where(c, a, b),
)

// ---------------------------------------------------------------------------------------------- unary ops
// points away from kinks (0 for abs/relu/leakyRelu, the clip bounds) and inside the domains (log, sqrt)
const awayFromZero = (n: number, s: number) => Float64Array.from(uniform(n, s, 0.1, 2), (v, i) => (i % 2 ? v : -v))
const UNARY: [string, (x: Tensor) => Tensor, ArrayLike<number>?][] = [
  ['neg', E.neg],
  ['exp', E.exp],
  ['log', E.log, uniform(15, 7, 0.2, 3)],
  ['sqrt', E.sqrt, uniform(15, 8, 0.2, 3)],
  ['square', E.square],
  ['abs', E.abs, awayFromZero(15, 9)],
  ['relu', E.relu, awayFromZero(15, 10)],
  ['leakyRelu(0.2)', (x) => E.leakyRelu(x, 0.2), awayFromZero(15, 11)],
  ['tanh', E.tanh],
  ['sigmoid', E.sigmoid],
  ['softplus', E.softplus, uniform(15, 12, -30, 30)],
  // clip bounds at +-0.5; samples kept >= 0.1 away from them on both sides
  ['clip(-0.5,0.5)', (x) => E.clip(x, -0.5, 0.5), [-1.2, -0.9, -0.6, -0.4, -0.2, 0, 0.1, 0.3, 0.4, 0.6, 0.8, 1.5, -0.35, 0.25, 2]],
  ['mulScalar(2.5)', (x) => E.mulScalar(x, 2.5)],
  ['addScalar(-1.5)', (x) => E.addScalar(x, -1.5)],
]
for (const [name, f, data] of UNARY) gradcheck(`${name} ref64 [3,5]`, [{ shape: [3, 5], data }], f)

// ---------------------------------------------------------------------------------------------- softmax
gradcheck('softmax ref64 [4,5]', [{ shape: [4, 5] }], E.softmax)
gradcheck('softmax ref64 [2,3,7]', [{ shape: [2, 3, 7] }], E.softmax)
gradcheck('logSoftmax ref64 [4,5]', [{ shape: [4, 5] }], E.logSoftmax)
gradcheck('logSoftmax ref64 [2,3,1]', [{ shape: [2, 3, 1] }], E.logSoftmax)
gradcheck('logSoftmax ref64 [3,6]', [{ shape: [3, 6] }], E.logSoftmax)

// ---------------------------------------------------------------------------------------------- reductions
for (const keepdims of [false, true]) {
  for (const axes of [undefined, 0, 1, 2, -1, [0, 2], [1, 2], [0, 1, 2]] as (number | number[] | undefined)[]) {
    const a = JSON.stringify(axes) ?? 'all'
    gradcheck(`sum ref64 [2,3,4] axes ${a} keepdims ${keepdims}`, [{ shape: [2, 3, 4] }], (x) => E.sum(x, axes, keepdims))
    gradcheck(`mean ref64 [2,3,4] axes ${a} keepdims ${keepdims}`, [{ shape: [2, 3, 4] }], (x) => E.mean(x, axes, keepdims))
  }
  for (const axis of [0, 1, 2, -1, undefined]) {
    gradcheck(`max ref64 [3,4,5] axis ${axis} keepdims ${keepdims}`, [{ shape: [3, 4, 5] }], (x) => E.max(x, axis, keepdims))
  }
}
gradcheck('sumTo ref64 [2,3,4] -> [3,1]', [{ shape: [2, 3, 4] }], (x) => E.sumTo(x, [3, 1]))
gradcheck('expand ref64 [3,1] -> [2,3,4]', [{ shape: [3, 1] }], (x) => E.expand(x, [2, 3, 4]))
gradcheck('expand ref64 [4] -> [3,4]', [{ shape: [4] }], (x) => E.expand(x, [3, 4]))
gradcheck('expand ref64 [1] -> [5]', [{ shape: [1] }], (x) => E.expand(x, [5]))

// ---------------------------------------------------------------------------------------------- matmul, linear
for (const [M, K, N] of [
  [1, 1, 1],
  [3, 5, 4],
  [4, 1, 6],
  [7, 3, 2],
]) {
  gradcheck(`matmul ref64 [${M},${K}] @ [${K},${N}]`, [{ shape: [M, K] }, { shape: [K, N] }], E.matmul)
}
gradcheck('linear ref64 x [4,3] w [3,5] b [5]', [{ shape: [4, 3] }, { shape: [3, 5] }, { shape: [5] }], E.linear)
gradcheck('linear ref64 no bias x [2,3] w [3,2]', [{ shape: [2, 3] }, { shape: [3, 2] }], (x, w) => E.linear(x, w, null))

// ---------------------------------------------------------------------------------------------- conv2d
const CONVS: { x: number[]; w: number[]; stride: number; pad: number }[] = [
  { x: [2, 3, 5, 5], w: [4, 3, 3, 3], stride: 1, pad: 0 },
  { x: [1, 2, 5, 7], w: [3, 2, 3, 2], stride: 1, pad: 1 },
  { x: [2, 2, 7, 9], w: [3, 2, 3, 3], stride: 2, pad: 0 },
  { x: [1, 3, 7, 7], w: [2, 3, 3, 3], stride: 2, pad: 1 },
  { x: [2, 1, 11, 13], w: [2, 1, 4, 4], stride: 4, pad: 0 },
  { x: [1, 2, 9, 10], w: [3, 2, 4, 3], stride: 4, pad: 1 },
  // filters as large as the input: one matmul over the batch (engine/ops/conv.ts wholeImageConv)
  { x: [3, 4, 2, 2], w: [5, 4, 2, 2], stride: 1, pad: 0 },
  { x: [2, 2, 3, 2], w: [3, 2, 3, 2], stride: 2, pad: 0 },
]
for (const { x, w, stride, pad } of CONVS) {
  gradcheck(`conv2d ref64 x [${x}] w [${w}] stride ${stride} pad ${pad}`, [{ shape: x }, { shape: w }, { shape: [w[0]] }], (a, b, c) =>
    E.conv2d(a, b, c, stride, pad),
  )
}

test('conv2d with a whole-image filter (computed as a matmul) equals the conv2d_forward kernel', () => {
  for (const [x, w, stride] of [
    [[3, 4, 2, 2], [5, 4, 2, 2], 1],
    [[2, 2, 3, 2], [3, 2, 3, 2], 2],
  ] as const) {
    const xs = randn(
        x.reduce((a, b) => a * b, 1),
        seed++,
      ),
      ws = randn(
        w.reduce((a, b) => a * b, 1),
        seed++,
      ),
      bs = randn(w[0], seed++)
    const got = noGrad(() => E.conv2d(tensor64(xs, [...x]), tensor64(ws, [...w]), tensor64(bs, [w[0]]), stride, 0))
    assert.equal(got.shape, [x[0], w[0], 1, 1])
    const want = new Float64Array(x[0] * w[0])
    REF.conv2d_forward(want, Float64Array.from(xs), Float64Array.from(ws), Float64Array.from(bs), E.conv2dDims(x, w, stride, 0))
    close(be.raw(got.buf), want, { atol: 1e-12, rtol: 1e-12 }, 'whole-image conv2d')
  }
})

// ---------------------------------------------------------------------------------------------- movement
gradcheck('reshape ref64 [2,6] -> [3,-1]', [{ shape: [2, 6] }], (x) => E.reshape(x, [3, -1]))
gradcheck('reshape+mul ref64 [2,3,2] -> [6,2]', [{ shape: [2, 3, 2] }], (x) => E.mul(E.reshape(x, [6, 2]), E.reshape(x, [6, 2])))
for (const [shape, perm] of [
  [
    [3, 4],
    [1, 0],
  ],
  [
    [2, 3, 4],
    [2, 0, 1],
  ],
  [
    [2, 3, 4],
    [0, 2, 1],
  ],
  [
    [2, 3, 4],
    [1, 0, 2],
  ],
  [
    [2, 3, 4, 5],
    [3, 1, 0, 2],
  ],
  [
    [2, 3, 4, 5],
    [0, 2, 3, 1],
  ],
  [
    [2, 3, 1, 5],
    [2, 3, 0, 1],
  ],
] as [number[], number[]][]) {
  gradcheck(`transpose ref64 [${shape}] perm [${perm}]`, [{ shape }], (x) => E.transpose(x, perm))
}
gradcheck('transpose ref64 [2,3,4] default perm', [{ shape: [2, 3, 4] }], (x) => E.transpose(x))
gradcheck('slice ref64 [4,5] axis 0 [1,3)', [{ shape: [4, 5] }], (x) => E.slice(x, 0, 1, 3))
gradcheck('slice ref64 [2,5,3] axis 1 [2,5)', [{ shape: [2, 5, 3] }], (x) => E.slice(x, 1, 2, 5))
gradcheck('slice ref64 [2,3,6] axis -1 [0,4)', [{ shape: [2, 3, 6] }], (x) => E.slice(x, -1, 0, 4))
gradcheck('split ref64 [6,3] axis 0 into 2+1+3 (every part used)', [{ shape: [6, 3] }], (x) => E.split(x, 0, [2, 1, 3]))
gradcheck('split ref64 [2,7,2] axis 1 into 3+0+4, only the last part used', [{ shape: [2, 7, 2] }], (x) => E.split(x, 1, [3, 0, 4])[2])
gradcheck('split ref64 [6,2] axis 0, parts reused (squared, concatenated back)', [{ shape: [6, 2] }], (x) => {
  const [a, b, c] = E.split(x, 0, [2, 2, 2])
  return E.concat([E.mul(a, c), b], 0)
})
test('split: the parts are the slices, and sizes that do not add up are refused', () => {
  const x = tensor64(
    Array.from({ length: 12 }, (_, i) => i),
    [4, 3],
  )
  const parts = noGrad(() => E.split(x, 0, [1, 3]))
  assert.equal(Array.from(be.raw(parts[0].buf)), [0, 1, 2])
  assert.equal(Array.from(be.raw(parts[1].buf)), [3, 4, 5, 6, 7, 8, 9, 10, 11])
  assert.throws(() => E.split(x, 0, [1, 2]), /sizes \[1,2\] do not sum to 4/)
})
gradcheck('concat ref64 [2,3]+[2,4]+[2,1] axis 1', [{ shape: [2, 3] }, { shape: [2, 4] }, { shape: [2, 1] }], (a, b, c) => E.concat([a, b, c], 1))
gradcheck('concat ref64 [1,3,2]+[2,3,2] axis 0', [{ shape: [1, 3, 2] }, { shape: [2, 3, 2] }], (a, b) => E.concat([a, b], 0))
gradcheck('concat ref64 [2,2,3]+[2,3,3] axis 1, one input without grad', [{ shape: [2, 2, 3] }, { shape: [2, 3, 3], noGrad: true }], (a, b) =>
  E.concat([a, b], 1),
)
gradcheck('gatherRows ref64 x [5,3] idx [6] (repeats)', [{ shape: [5, 3] }, { shape: [6], data: [4, 0, 2, 4, 4, 1], noGrad: true }], (x, i) =>
  E.gatherRows(x, i),
)
gradcheck('gatherRows ref64 x [4,2,3] idx [3]', [{ shape: [4, 2, 3] }, { shape: [3], data: [3, 3, 0], noGrad: true }], (x, i) => E.gatherRows(x, i))

// ---------------------------------------------------------------------------------------------- lstm
for (const [N, U] of [
  [1, 1],
  [3, 2],
  [2, 5],
]) {
  gradcheck(`lstmCell ref64 pre [${N},${4 * U}] c_prev [${N},${U}] (loss on h and c)`, [{ shape: [N, 4 * U] }, { shape: [N, U] }], (pre, c) =>
    E.lstmCell(pre, c),
  )
  gradcheck(`lstmCell ref64 pre [${N},${4 * U}] (loss on h only)`, [{ shape: [N, 4 * U] }, { shape: [N, U] }], (pre, c) => E.lstmCell(pre, c).h)
  gradcheck(`lstmCell ref64 pre [${N},${4 * U}] (loss on c only)`, [{ shape: [N, 4 * U] }, { shape: [N, U] }], (pre, c) => E.lstmCell(pre, c).c)
}
// two steps chained: the gradient into c_prev flows back through the second step's cell state
gradcheck('lstmCell ref64 two steps [2,3]', [{ shape: [2, 12] }, { shape: [2, 12] }, { shape: [2, 3] }], (p1, p2, c0) => {
  const s1 = E.lstmCell(p1, c0)
  const s2 = E.lstmCell(E.add(p2, E.concat([s1.h, s1.h, s1.h, s1.h], 1)), s1.c)
  return [s2.h, s2.c]
})

// lstmSequence: T steps as one tape entry (BPTT inside, one weight-gradient matmul); losses on every h, on the last
// h and c, and with a state that takes no gradient
const SEQ = { T: 3, B: 2, U: 3 }
const seqInputs = [
  { shape: [SEQ.T * SEQ.B, 4 * SEQ.U] },
  { shape: [SEQ.U, 4 * SEQ.U] },
  { shape: [4 * SEQ.U] },
  { shape: [SEQ.B, SEQ.U] },
  { shape: [SEQ.B, SEQ.U] },
]
gradcheck('lstmSequence ref64 T 3 B 2 U 3 (loss on hs, h, c)', seqInputs, (xw, wh, b, h0, c0) => {
  const r = E.lstmSequence(xw, wh, b, h0, c0, SEQ.T, SEQ.B)
  return [r.hs, r.h, r.c]
})
gradcheck('lstmSequence ref64 (loss on hs only)', seqInputs, (xw, wh, b, h0, c0) => E.lstmSequence(xw, wh, b, h0, c0, SEQ.T, SEQ.B).hs)
gradcheck(
  'lstmSequence ref64 (loss on c only, state without gradient)',
  seqInputs.map((x, i) => (i >= 3 ? { ...x, noGrad: true } : x)),
  (xw, wh, b, h0, c0) => E.lstmSequence(xw, wh, b, h0, c0, SEQ.T, SEQ.B).c,
)
test('lstmSequence equals T LSTM steps (the composed ops): outputs exactly, gradients to rounding', () => {
  const { T, B } = SEQ
  const data = seqInputs.map((x) =>
    randn(
      x.shape.reduce((a, b) => a * b, 1),
      seed++,
    ),
  )
  const run = (isFused: boolean) =>
    scope(() => {
      const [xw, wh, b, h0, c0] = data.map((d, i) => {
        const t = tensor64(d, seqInputs[i].shape)
        t.requiresGrad = true
        return t
      })
      let outs: Tensor[]
      if (isFused) {
        const r = E.lstmSequence(xw, wh, b, h0, c0, T, B)
        outs = [r.hs, r.h, r.c]
      } else {
        let s = { h: h0, c: c0 }
        const hs: Tensor[] = []
        for (let t = 0; t < T; t++) {
          s = E.lstmCell(E.add(E.add(E.slice(xw, 0, t * B, (t + 1) * B), E.matmul(s.h, wh)), b), s.c)
          hs.push(s.h)
        }
        outs = [E.concat(hs, 0), s.h, s.c]
      }
      const w = outs.map((o) => tensor64(randn(o.size, 77 + o.size), [...o.shape]))
      backward(outs.map((o, i) => E.sum(E.mul(o, w[i]))).reduce((a, b2) => E.add(a, b2)))
      return [...outs.map((o) => Float64Array.from(be.raw(o.buf))), ...[xw, wh, b, h0, c0].map((x) => Float64Array.from(be.raw(x.grad!.buf)))]
    })
  const [fused, composed] = [run(true), run(false)]
  fused.slice(0, 3).forEach((v, i) => assert.equal(Array.from(v), Array.from(composed[i]), `output ${i}`))
  fused.slice(3).forEach((v, i) => close(v, composed[3 + i], { atol: 1e-12, rtol: 1e-12 }, `gradient ${i}`))
  assert.is(tapeLength(), 0)
})

// ---------------------------------------------------------------------------------------------- batch_matmul
for (const [ta, tb] of [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
]) {
  const [G, M, K, N] = [3, 2, 4, 5]
  gradcheck(
    `batchMatmul ref64 G ${G} M ${M} K ${K} N ${N} ta ${ta} tb ${tb}`,
    [{ shape: ta ? [G, K, M] : [G, M, K] }, { shape: tb ? [G, N, K] : [G, K, N] }],
    (a, b) => E.batchMatmul(a, b, ta, tb),
  )
}

// ---------------------------------------------------------------------------------------------- DNC addressing
// (docs/dnc.md). Usage in (0, 1) with distinct values (the sort order is constant near them) and one exact 0
// (the backward never divides by a usage); link inputs are weightings in [0, 1) whose updated entries fall on both
// sides of 1/K; top-K inputs distinct and away from ties.
gradcheck('cosineSimilarity ref64 mem [2,5,3] keys [2,2,3]', [{ shape: [2, 5, 3] }, { shape: [2, 2, 3] }], E.cosineSimilarity)
gradcheck(
  'cosineSimilarity ref64 mem [1,4,6] with a zero row, keys [1,1,6]',
  [{ shape: [1, 4, 6], data: Float64Array.from(randn(24, 77), (v, i) => (i >= 6 && i < 12 ? 0 : v)) }, { shape: [1, 1, 6] }],
  E.cosineSimilarity,
)
gradcheck(
  'allocationWeighting ref64 usage [2,6]',
  [{ shape: [2, 6], data: [0.3, 0.9, 0.05, 0.6, 0.45, 0.8, 0.7, 0, 0.2, 0.95, 0.5, 0.1] }],
  E.allocationWeighting,
)
// K 2 keeps 10 of the 24 off-diagonal entries, K 4 keeps 20 (none within 0.007 of 1/K)
for (const K of [0, 2, 4]) {
  gradcheck(
    `linkUpdate ref64 link [2,4,4] w [2,4] p [2,4] K ${K}`,
    [
      { shape: [2, 4, 4], data: uniform(32, 80 + K, 0, 1) },
      { shape: [2, 4], data: uniform(8, 90 + K, 0, 0.2) },
      { shape: [2, 4], data: uniform(8, 95 + K, 0, 1) },
    ],
    (l, w, p) => E.linkUpdate(l, w, p, K),
  )
}
for (const K of [1, 3, 5]) {
  gradcheck(`sparseTopK ref64 x [2,5] K ${K}`, [{ shape: [2, 5], data: [0.1, 0.7, 0.25, 0.4, 0.05, 0.33, 0.02, 0.6, 0.15, 0.5] }], (x) => E.sparseTopK(x, K))
}

// the fused memory-access ops (usage and weightings as valid values in [0, 1))
for (const [W, R] of [
  [3, 1],
  [2, 3],
]) {
  const I = W * R + 3 * W + 5 * R + 3
  gradcheck(`dncInterface ref64 xi [2,${I}] W ${W} R ${R} (loss on every part)`, [{ shape: [2, I], data: randn(2 * I, 60 + R, 2) }], (xi) =>
    Object.values(E.dncInterface(xi, W, R)),
  )
}
gradcheck(
  'usageUpdate ref64 B 2 N 4 R 3',
  [
    { shape: [2, 4], data: uniform(8, 61, 0, 1) },
    { shape: [2, 4], data: uniform(8, 62, 0, 0.5) },
    { shape: [2, 3, 4], data: uniform(24, 63, 0, 0.5) },
    { shape: [2, 3], data: uniform(6, 64, 0, 1) },
  ],
  E.usageUpdate,
)
gradcheck(
  'writeWeighting ref64 B 2 N 5 (loss on the write weighting and the precedence)',
  [
    { shape: [2, 5], data: uniform(10, 65, 0, 0.5) },
    { shape: [2, 5], data: uniform(10, 66, 0, 0.4) },
    { shape: [2, 1], data: [0.3, 0.8] },
    { shape: [2, 1], data: [0.9, 0.45] },
    { shape: [2, 5], data: uniform(10, 67, 0, 0.3) },
  ],
  (a, c, ga, gw, p) => {
    const r = E.writeWeighting(a, c, ga, gw, p)
    return [r.writeW, r.precedence]
  },
)
gradcheck(
  'memoryWrite ref64 mem [2,4,3] w [2,4] erase [2,3] v [2,3]',
  [{ shape: [2, 4, 3] }, { shape: [2, 4], data: uniform(8, 68, 0, 0.5) }, { shape: [2, 3], data: uniform(6, 69, 0, 1) }, { shape: [2, 3] }],
  E.memoryWrite,
)
gradcheck(
  'readWeights ref64 modes [2,2,3] b, c, f [2,2,5]',
  [{ shape: [2, 2, 3], data: uniform(12, 70, 0, 1) }, { shape: [2, 2, 5] }, { shape: [2, 2, 5] }, { shape: [2, 2, 5] }],
  E.readWeights,
)

// ---------------------------------------------------------------------------------------------- composites
gradcheck('composite ref64: x used twice, mul(x, tanh(x)) [3,4]', [{ shape: [3, 4] }], (x) => E.mul(x, E.tanh(x)))
gradcheck(
  'composite ref64: cross-entropy via logSoftmax and gatherRows-free one-hot [4,3]',
  [{ shape: [4, 3] }, { shape: [4, 3], data: [1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0], noGrad: true }],
  (x, y) => E.neg(E.mean(E.sum(E.mul(E.logSoftmax(x), y), 1))),
)

test.run()
