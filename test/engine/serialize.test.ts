// safetensors (https://github.com/huggingface/safetensors): the byte layout by hand, round trips of tensors and of
// a Linear+Conv2d+LSTM model, and every malformed file rejected whole with an error naming the problem (and the
// tensor), leaving the model's parameters unchanged.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import {
  RefBackend,
  Rng,
  Linear,
  Conv2d,
  LSTM,
  Module,
  encodeSafetensors,
  decodeSafetensors,
  toNamedArrays,
  loadNamed,
  SafetensorsError,
  type NamedArray,
} from '../../engine/index.ts'
import type { Backend } from '../../engine/index.ts'
import { randn } from '../helpers.ts'

const be = new RefBackend(32)
const test = suite('serialize')

class Net extends Module {
  conv: Conv2d
  lstm: LSTM
  head: Linear
  constructor(b: Backend, seed: number) {
    super(b)
    const rng = new Rng(seed)
    this.conv = this.child('conv', new Conv2d(b, 2, 3, 3, 2, rng, 1))
    this.lstm = this.child('lstm', new LSTM(b, 12, 4, rng))
    this.head = this.child('head', new Linear(b, 4, 5, rng))
  }
}

/** A file from a raw header object and data bytes (for hand-made malformed files). */
function rawFile(header: unknown, data: Uint8Array = new Uint8Array(0), headerText?: string): Uint8Array {
  const json = new TextEncoder().encode(headerText ?? JSON.stringify(header))
  const out = new Uint8Array(8 + json.length + data.length)
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true)
  out.set(json, 8)
  out.set(data, 8 + json.length)
  return out
}
function rejects(bytes: Uint8Array, re: RegExp, expected?: Record<string, number[]>) {
  try {
    decodeSafetensors(bytes, expected, 'test.safetensors')
  } catch (e) {
    assert.instance(e, SafetensorsError)
    assert.match((e as Error).message, /^test\.safetensors: /, 'the error names the file')
    assert.match((e as Error).message, re)
    return
  }
  assert.unreachable(`accepted a malformed file (expected ${re})`)
}

test('byte layout by hand: 8-byte LE header length, JSON header, then little-endian f32 data [2]', () => {
  const bytes = encodeSafetensors({ a: { shape: [2], data: new Float32Array([1.5, -2]) } }, { k: 'v' })
  const dv = new DataView(bytes.buffer, bytes.byteOffset)
  const n = Number(dv.getBigUint64(0, true))
  assert.is(bytes[0] + bytes[1] * 256, n, 'length is little-endian')
  for (let i = 2; i < 8; i++) assert.is(bytes[i], 0)
  assert.is((8 + n) % 8, 0, 'data starts 8-byte aligned (header padded with spaces)')
  const text = new TextDecoder().decode(bytes.subarray(8, 8 + n))
  assert.match(text, /^\{.*\} *$/)
  assert.equal(JSON.parse(text), { __metadata__: { k: 'v' }, a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } })
  assert.is(bytes.length, 8 + n + 8)
  assert.is(dv.getFloat32(8 + n, true), 1.5)
  assert.is(dv.getFloat32(8 + n + 4, true), -2)
  // 1.5f = 0x3FC00000, little-endian bytes 00 00 C0 3F
  assert.equal([...bytes.subarray(8 + n, 8 + n + 4)], [0x00, 0x00, 0xc0, 0x3f])
})

test('round trip: names, shapes, values, metadata (incl. a scalar and an empty tensor)', () => {
  const tensors: Record<string, NamedArray> = {
    'conv.W': { shape: [3, 2, 3, 3], data: randn(54, 1) },
    b: { shape: [7], data: randn(7, 2) },
    scalar: { shape: [], data: new Float32Array([42]) },
    empty: { shape: [0, 3], data: new Float32Array(0) },
  }
  const meta = { step: '1200', args: JSON.stringify({ lr: 1e-4 }) }
  const { tensors: back, metadata } = decodeSafetensors(encodeSafetensors(tensors, meta))
  assert.equal(Object.keys(back).sort(), Object.keys(tensors).sort())
  for (const [k, t] of Object.entries(tensors)) {
    assert.equal(back[k].shape, t.shape, `shape of ${k}`)
    assert.equal([...back[k].data], [...t.data], `values of ${k}`)
  }
  assert.equal(metadata, meta)
  assert.equal(decodeSafetensors(encodeSafetensors({ x: { shape: [1], data: new Float32Array(1) } })).metadata, {})
})

test('model save/load via toNamedArrays/loadNamed: Linear+Conv2d+LSTM parameters', async () => {
  const a = new Net(be, 1),
    b = new Net(be, 2)
  const names = a.namedParameters().map(([n]) => n)
  assert.equal(names, ['conv.W', 'conv.b', 'lstm.Wx', 'lstm.Wh', 'lstm.b', 'head.W', 'head.b'])
  const bytes = encodeSafetensors(await toNamedArrays(a.namedParameters()), { note: 'x' })
  assert.not.equal([...b.head.w.readSync()], [...a.head.w.readSync()])
  const meta = loadNamed(b.namedParameters(), bytes)
  assert.equal(meta, { note: 'x' })
  for (const [[n, pa], [, pb]] of a.namedParameters().map((e, i) => [e, b.namedParameters()[i]] as const)) {
    assert.equal([...pb.readSync()], [...pa.readSync()], `${n} loaded`)
  }
  a.dispose()
  b.dispose()
})

test('truncated: fewer than 8 bytes', () => {
  rejects(new Uint8Array(5), /truncated: 5 bytes/)
  rejects(new Uint8Array(0), /truncated/)
})
test('truncated: header length larger than the file', () => {
  const good = encodeSafetensors({ a: { shape: [2], data: new Float32Array(2) } })
  rejects(good.subarray(0, 20), /header length \d+ exceeds the file \(20 bytes\)/)
  const huge = new Uint8Array(16)
  new DataView(huge.buffer).setBigUint64(0, 0xffffffffffffffffn, true)
  rejects(huge, /header length 18446744073709551615 exceeds/)
})
test('truncated: data shorter than the offsets claim', () => {
  const good = encodeSafetensors({ a: { shape: [4], data: new Float32Array(4) } })
  rejects(good.subarray(0, good.length - 4), /tensor a: data_offsets \[0, 16\] out of range \(data is 12 bytes\)/)
})
test('bad JSON header', () => {
  rejects(rawFile(null, undefined, '{"a": {"dtype": "F32",'), /header is not valid JSON/)
  rejects(rawFile(null, undefined, '\xff\xfe'), /header is not valid JSON/)
})
test('header not an object', () => {
  rejects(rawFile([1, 2]), /header is not a JSON object/)
  rejects(rawFile(7), /header is not a JSON object/)
  rejects(rawFile(null), /header is not a JSON object/)
})
test('tensor entry not an object', () => {
  rejects(rawFile({ a: 5 }), /tensor a: entry is not an object/)
})
test('unsupported dtype names the tensor and the dtype', () => {
  rejects(rawFile({ w: { dtype: 'F16', shape: [2], data_offsets: [0, 4] } }, new Uint8Array(4)), /tensor w: dtype F16 is not supported/)
  rejects(rawFile({ w: { shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4)), /tensor w: dtype undefined/)
})
test('invalid shape / data_offsets', () => {
  rejects(rawFile({ w: { dtype: 'F32', shape: [2, -1], data_offsets: [0, 4] } }, new Uint8Array(4)), /tensor w: invalid shape/)
  rejects(rawFile({ w: { dtype: 'F32', shape: [1], data_offsets: [0] } }, new Uint8Array(4)), /tensor w: invalid data_offsets/)
  rejects(rawFile({ w: { dtype: 'F32', shape: [1], data_offsets: [0.5, 4] } }, new Uint8Array(4)), /tensor w: invalid data_offsets/)
})
test('offsets out of range (end past the data, begin after end)', () => {
  rejects(rawFile({ w: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, new Uint8Array(8)), /tensor w: data_offsets \[4, 12\] out of range/)
  rejects(rawFile({ w: { dtype: 'F32', shape: [0], data_offsets: [8, 4] } }, new Uint8Array(8)), /tensor w: data_offsets \[8, 4\] out of range/)
})
test('overlapping offsets name both tensors', () => {
  rejects(
    rawFile(
      {
        a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
        b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] },
      },
      new Uint8Array(12),
    ),
    /tensors a and b overlap/,
  )
  // also when an empty tensor sits between them
  rejects(
    rawFile(
      {
        a: { dtype: 'F32', shape: [3], data_offsets: [0, 12] },
        e: { dtype: 'F32', shape: [0], data_offsets: [12, 12] },
        c: { dtype: 'F32', shape: [1], data_offsets: [8, 12] },
      },
      new Uint8Array(12),
    ),
    /tensors a and c overlap/,
  )
})
test('holes: data bytes that belong to no tensor (the spec forbids them: no polyglot files)', () => {
  const a = { dtype: 'F32', shape: [1] }
  rejects(rawFile({ w: { ...a, data_offsets: [4, 8] } }, new Uint8Array(8)), /data bytes \[0, 4\) before tensor w belong to no tensor/)
  rejects(rawFile({ w: { ...a, data_offsets: [0, 4] }, v: { ...a, data_offsets: [8, 12] } }, new Uint8Array(12)), /data bytes \[4, 8\) before tensor v/)
  rejects(rawFile({ w: { ...a, data_offsets: [0, 4] } }, new Uint8Array(8)), /data bytes \[4, 8\) at the end belong to no tensor/)
  // an empty tensor may sit anywhere, including at the end
  decodeSafetensors(rawFile({ w: { ...a, data_offsets: [0, 4] }, e: { dtype: 'F32', shape: [0], data_offsets: [4, 4] } }, new Uint8Array(4)))
})
test('tensor names that are Object.prototype properties are plain names', () => {
  const one = { shape: [1], data: new Float32Array([5]) }
  rejects(encodeSafetensors({ a: one, constructor: one }), /unexpected tensor constructor/, { a: [1] })
  rejects(encodeSafetensors({ a: one }), /tensor toString is missing/, { a: [1], toString: [1] })
  const { tensors } = decodeSafetensors(encodeSafetensors({ x: one, ['__proto__']: one } as Record<string, NamedArray>))
  assert.ok(Object.hasOwn(tensors, '__proto__'), 'a tensor named __proto__ is an entry, not the prototype')
})
test('byte count not matching the shape', () => {
  rejects(rawFile({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8)), /tensor w: shape \[3\] needs 12 bytes, data_offsets give 8/)
})
test('against a model: wrong shape, missing tensor, unexpected extra tensor', () => {
  const expected = { a: [2, 2], b: [3] }
  const f = (t: Record<string, number[]>) =>
    encodeSafetensors(Object.fromEntries(Object.entries(t).map(([k, s]) => [k, { shape: s, data: new Float32Array(s.reduce((x, y) => x * y, 1)) }])))
  rejects(f({ a: [4], b: [3] }), /tensor a: shape \[4\] does not match the model's \[2,2\]/, expected)
  rejects(f({ a: [2, 2] }), /tensor b is missing/, expected)
  rejects(f({ a: [2, 2], b: [3], c: [1] }), /unexpected tensor c/, expected)
  decodeSafetensors(f({ b: [3], a: [2, 2] }), expected) // order does not matter
})
test('encode refuses data that does not fill the shape', () => {
  assert.throws(() => encodeSafetensors({ w: { shape: [2, 2], data: new Float32Array(3) } }), /tensor w: shape \[2,2\] does not match 3 values/)
})

test('a failed load leaves every parameter unchanged (no half-load) for each kind of mismatch', async () => {
  const src = new Net(be, 3),
    dst = new Net(be, 4)
  const before = dst.namedParameters().map(([, t]) => [...t.readSync()])
  const arrays = await toNamedArrays(src.namedParameters())
  const bad: [string, Record<string, NamedArray>, RegExp][] = [
    // the bad tensor comes LAST in file order, so a loader that wrote as it went would have changed the others
    ['wrong shape', { ...arrays, 'head.b': { shape: [1, 5], data: arrays['head.b'].data } }, /tensor head\.b: shape \[1,5\] does not match/],
    ['missing', Object.fromEntries(Object.entries(arrays).filter(([k]) => k !== 'head.b')), /tensor head\.b is missing/],
    ['extra', { ...arrays, 'head.extra': { shape: [1], data: new Float32Array(1) } }, /unexpected tensor head\.extra/],
  ]
  for (const [what, tensors, re] of bad) {
    assert.throws(() => loadNamed(dst.namedParameters(), encodeSafetensors(tensors), 'model.safetensors'), re, what)
    dst.namedParameters().forEach(([n, t], i) => assert.equal([...t.readSync()], before[i], `${what}: ${n} unchanged`))
  }
  // a corrupt file (last tensor's bytes cut off) is rejected whole too
  const good = encodeSafetensors(arrays)
  assert.throws(() => loadNamed(dst.namedParameters(), good.subarray(0, good.length - 4)), /head\.b: data_offsets .* out of range/)
  dst.namedParameters().forEach(([n, t], i) => assert.equal([...t.readSync()], before[i], `truncated: ${n} unchanged`))
  src.dispose()
  dst.dispose()
})

test.run()
