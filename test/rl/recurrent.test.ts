// rl/recurrent.ts through Net: the recurrent state of the LSTM stack and of the DNC (dense and sparse) is a list of
// [lanes, width] tensors with a name each; a state saved mid-episode (safetensors, as a snapshot stores tensors) and
// loaded into a fresh zero state continues exactly as the live one (bitwise on ref), and the names say which part is
// which.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { RefBackend, Tensor, Rng, scope, noGrad, toNamedArrays, encodeSafetensors, loadNamed } from '../../engine/index.ts'
import { Net, disposeState, type RecState } from '../../rl/networks.ts'
import { uniform } from '../helpers.ts'

const test = suite('rl: recurrent cores')
const be = new RefBackend(32)
const base = { encoder: 'nature' as const, inChannels: 1, frame: 36, zDim: 4, rnnLayers: 2, rnnHidden: 3, finalLayers: 0, finalHidden: 0, outDim: 2 }
const B = 2,
  HW = 36 * 36
const frame = (t: number) => Tensor.fromArray(be, uniform(B * HW, 40 + t, 0, 1), [B, 1, 36, 36])

const CASES = [
  ['2 LSTM layers', base, ['lstm0.h', 'lstm0.c', 'lstm1.h', 'lstm1.c'], [3, 3, 3, 3]],
  [
    'DNC 5,3,2,0',
    { ...base, dnc: { N: 5, W: 3, R: 2, K: 0 } },
    ['dnc.h', 'dnc.c', 'dnc.memory', 'dnc.usage', 'dnc.precedence', 'dnc.link', 'dnc.writeWeights', 'dnc.readWeights', 'dnc.reads'],
    [3, 3, 15, 5, 5, 25, 5, 10, 6],
  ],
  ['DNC 5,3,2,2', { ...base, dnc: { N: 5, W: 3, R: 2, K: 2 } }, null, null],
] as const

for (const [core, spec, names, widths] of CASES) {
  test(`${core}: a state saved after 3 steps and loaded into a fresh one continues exactly; names and widths`, async () => {
    const net = new Net(be, spec, new Rng(9))
    const step = (s: RecState, t: number) => noGrad(() => scope(() => net.step(frame(t), s)))
    let live = net.initialState(B)
    for (let t = 0; t < 3; t++) {
      const r = step(live, t)
      disposeState(live)
      live = r.state
      r.y.dispose()
    }
    const named = net.namedState(live)
    if (names) {
      assert.equal(
        named.map(([n]) => n),
        [...names],
      )
      assert.equal(
        named.map(([, x]) => x.shape),
        widths!.map((w) => [B, w]),
      )
    }
    const bytes = encodeSafetensors(await toNamedArrays(named))
    const loaded = net.initialState(B)
    loadNamed(net.namedState(loaded), bytes, 'state')
    let a = live,
      b = loaded
    for (let t = 3; t < 5; t++) {
      const ra = step(a, t),
        rb = step(b, t)
      assert.equal([...ra.y.readSync()], [...rb.y.readSync()], `output at step ${t + 1}`)
      for (const s of [a, b]) disposeState(s)
      a = ra.state
      b = rb.state
      ra.y.dispose()
      rb.y.dispose()
    }
    assert.ok(
      a.some((x) => x.readSync().some((v) => v !== 0)),
      'the state moved',
    )
    for (const s of [a, b]) disposeState(s)
    net.dispose()
  })
}

test.run()
