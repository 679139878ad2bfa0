// --ortho_init (rl/ortho_init.ts): engine orthogonal() against QR worked by hand (numpy.linalg.qr with torch's sign
// fix gives the same), its orthonormality at several shapes, and the networks' layers after --ortho_init: each
// weight, laid out as torch's [out, fan_in], orthonormal in its short dimension times CleanRL's gain; biases 0.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { RefBackend, Rng, orthogonal, type Tensor } from '../../engine/index.ts'
import { buildNetworks } from '../../rl/networks.ts'
import { DEFAULT_ARGS, type Args } from '../../rl/args.ts'

const test = suite('rl: orthogonal init')
const fixed = (xs: number[]) => {
  let i = 0
  return { normal: () => xs[i++] }
}
const close = (a: ArrayLike<number>, b: number[], tol = 1e-6) =>
  assert.ok(
    b.every((v, i) => Math.abs(a[i] - v) <= tol),
    `${Array.from(a)} vs ${b}`,
  )

test('hand-worked QR: [[3, 1], [4, 2]] -> Q [[0.6, -0.8], [0.8, 0.6]] (R diagonal 5, 0.4 > 0); a wide draw', () => {
  // numpy.linalg.qr gives Q [[-0.6, -0.8], [-0.8, 0.6]], R diag (-5, 0.4); torch flips the first column's sign
  close(orthogonal(fixed([3, 1, 4, 2]), 2, 2, 1), [0.6, -0.8, 0.8, 0.6])
  close(orthogonal(fixed([3, 1, 4, 2]), 2, 2, 2), [1.2, -1.6, 1.6, 1.2])
  // rows < cols: QR of the transpose [[1, 1], [0, 1], [0, 0]] -> Q = [[1, 0], [0, 1], [0, 0]], transposed back
  close(orthogonal(fixed([1, 0, 0, 1, 1, 0]), 2, 3, 1), [1, 0, 0, 0, 1, 0])
})

/** The Gram matrix of a rows x cols matrix's short dimension: rows' dot products when rows <= cols, else columns'. */
function gram(w: ArrayLike<number>, rows: number, cols: number): number[][] {
  const n = Math.min(rows, cols),
    m = Math.max(rows, cols)
  const at = (k: number, i: number) => (rows <= cols ? w[k * cols + i] : w[i * cols + k])
  return Array.from({ length: n }, (_, a) =>
    Array.from({ length: n }, (_, b) => {
      let d = 0
      for (let i = 0; i < m; i++) d += at(a, i) * at(b, i)
      return d
    }),
  )
}

function assertOrthonormal(w: ArrayLike<number>, rows: number, cols: number, gain: number, what: string): void {
  const g = gram(w, rows, cols)
  for (let a = 0; a < g.length; a++)
    for (let b = 0; b < g.length; b++) {
      const want = a === b ? gain * gain : 0
      assert.ok(Math.abs(g[a][b] - want) <= 2e-6 * Math.max(1, gain * gain), `${what}: gram[${a}][${b}] = ${g[a][b]}, want ${want}`)
    }
}

test('orthonormal at tall, wide and square shapes, reproducible from the seed', () => {
  for (const [r, c] of [
    [50, 20],
    [8, 30],
    [16, 16],
    [1, 7],
    [64, 576],
  ]) {
    const w = orthogonal(new Rng(3), r, c, 1.5)
    assertOrthonormal(w, r, c, 1.5, `${r}x${c}`)
    assert.equal(w, orthogonal(new Rng(3), r, c, 1.5))
  }
  assert.not.equal(orthogonal(new Rng(3), 4, 4, 1), orthogonal(new Rng(4), 4, 4, 1))
})

const be = new RefBackend()
const read = (t: Tensor) => t.readSync()
/** our [in, out] layout -> torch's [out, in] */
const torchLayout = (w: Float32Array, inDim: number, outDim: number) => {
  const t = new Float32Array(w.length)
  for (let i = 0; i < inDim; i++) for (let o = 0; o < outDim; o++) t[o * inDim + i] = w[i * outDim + o]
  return t
}

test('--ortho_init: every layer of the four networks orthonormal with its gain, biases 0; off: LeCun as before', () => {
  const args: Args = { ...DEFAULT_ARGS, frame_resize: 36, stacked_frames: 2, z_dim: 16, rnn_hidden_layers: 1, rnn_hidden_dim: 8 }
  const args2: Args = { ...args, final_hidden_layers: 1, final_hidden_dim: 12, ortho_init: true }
  const nets = buildNetworks(args2, be, 2)
  const plain = buildNetworks({ ...args2, ortho_init: false }, be, 2)
  const outGain = { value: 1, policy: 0.01, rnd_target: Math.SQRT2, rnd_predictor: Math.SQRT2 }
  for (const [name, net] of Object.entries(nets) as [keyof typeof outGain, (typeof nets)['value']][]) {
    for (const c of net.conv) {
      assertOrthonormal(read(c.w), c.outCh, c.inCh * c.k * c.k, Math.SQRT2, `${name} conv`)
      assert.ok(read(c.b).every((v) => v === 0))
    }
    const lin = (l: (typeof net)['fc'], gain: number, what: string) => {
      assertOrthonormal(torchLayout(read(l.w), l.inDim, l.outDim), l.outDim, l.inDim, gain, `${name} ${what}`)
      assert.ok(read(l.b).every((v) => v === 0))
    }
    lin(net.fc, Math.SQRT2, 'fc')
    for (const h of net.hidden) lin(h, Math.SQRT2, 'hidden')
    lin(net.out, outGain[name], 'out')
    const lstm = net.namedParameters().filter(([k]) => k.startsWith('lstm0.'))
    const get = (k: string) => read(lstm.find(([n]) => n === `lstm0.${k}`)![1])
    assertOrthonormal(torchLayout(get('Wx'), 16, 32), 32, 16, 1, `${name} lstm Wx`)
    assertOrthonormal(torchLayout(get('Wh'), 8, 32), 32, 8, 1, `${name} lstm Wh`)
    assert.ok(
      get('b').every((v) => v === 0),
      'forget bias 0 as CleanRL',
    )
  }
  // off: Chainer's LeCun normal, forget bias 1 (the weights differ from the orthogonal ones)
  const pb = plain.policy.namedParameters().find(([k]) => k === 'lstm0.b')![1]
  assert.is(read(pb)[2 * 8], 1)
  assert.not.equal(read(plain.policy.out.w), read(nets.policy.out.w))
})

test.run()
