// safetensors (https://github.com/huggingface/safetensors): 8-byte little-endian header length, a JSON header
// {name: {dtype, shape, data_offsets: [begin, end]}, __metadata__?: {string: string}}, then the raw bytes.
// We write F32 only. The reader validates everything before returning anything, so a malformed or mismatched
// file is rejected whole with an error naming the tensor and the problem (never a half-loaded model).
import type { Tensor } from './tensor.ts'

export interface NamedArray {
  shape: number[]
  data: Float32Array
}

export class SafetensorsError extends Error {}

export function encodeSafetensors(tensors: Record<string, NamedArray>, metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = Object.create(null) // a tensor may be named __proto__
  if (metadata) header.__metadata__ = metadata
  let offset = 0
  const names = Object.keys(tensors)
  for (const name of names) {
    const { shape, data } = tensors[name]
    if (shape.reduce((a, b) => a * b, 1) !== data.length) throw new SafetensorsError(`tensor ${name}: shape [${shape}] does not match ${data.length} values`)
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + data.byteLength] }
    offset += data.byteLength
  }
  let json = JSON.stringify(header)
  json += ' '.repeat((8 - (json.length % 8)) % 8) // keep the data 8-byte aligned, as the reference writer does
  const jsonBytes = new TextEncoder().encode(json)
  const out = new Uint8Array(8 + jsonBytes.length + offset)
  new DataView(out.buffer).setBigUint64(0, BigInt(jsonBytes.length), true)
  out.set(jsonBytes, 8)
  let p = 8 + jsonBytes.length
  for (const name of names) {
    const d = tensors[name].data
    out.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), p)
    p += d.byteLength
  }
  return out
}

/**
 * Parse and validate. `expected` (name -> shape), when given, must match exactly: same names, same shapes.
 * `what` names the file in errors.
 */
export function decodeSafetensors(
  bytes: Uint8Array,
  expected?: Record<string, readonly number[]>,
  what = 'safetensors file',
): { tensors: Record<string, NamedArray>; metadata: Record<string, string> } {
  const fail = (msg: string): never => {
    throw new SafetensorsError(`${what}: ${msg}`)
  }
  if (bytes.length < 8) fail(`truncated: ${bytes.length} bytes, a header length needs 8`)
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true)
  if (n > BigInt(bytes.length - 8)) fail(`header length ${n} exceeds the file (${bytes.length} bytes): truncated or not safetensors`)
  const hlen = Number(n)
  let header: any
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + hlen)))
  } catch (e) {
    fail(`header is not valid JSON (${(e as Error).message})`)
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) fail('header is not a JSON object')
  const dataLen = bytes.length - 8 - hlen
  const metadata = header.__metadata__ ?? {}
  const entries = Object.entries(header).filter(([k]) => k !== '__metadata__')
  const ranges: [number, number, string][] = []
  const tensors: Record<string, NamedArray> = Object.create(null) // names like "constructor" are plain keys
  for (const [name, v] of entries as [string, any][]) {
    if (!v || typeof v !== 'object') fail(`tensor ${name}: entry is not an object`)
    if (v.dtype !== 'F32') fail(`tensor ${name}: dtype ${v.dtype} is not supported (F32 only)`)
    const shape = v.shape
    if (!Array.isArray(shape) || !shape.every((d: unknown) => Number.isInteger(d) && (d as number) >= 0))
      fail(`tensor ${name}: invalid shape ${JSON.stringify(shape)}`)
    const off = v.data_offsets
    if (!Array.isArray(off) || off.length !== 2 || !off.every((d: unknown) => Number.isInteger(d) && (d as number) >= 0))
      fail(`tensor ${name}: invalid data_offsets ${JSON.stringify(off)}`)
    const [b, e] = off as [number, number]
    if (b > e || e > dataLen) fail(`tensor ${name}: data_offsets [${b}, ${e}] out of range (data is ${dataLen} bytes)`)
    const count = (shape as number[]).reduce((a, c) => a * c, 1)
    if (e - b !== count * 4) fail(`tensor ${name}: shape [${shape}] needs ${count * 4} bytes, data_offsets give ${e - b}`)
    ranges.push([b, e, name])
    const copy = new Uint8Array(e - b)
    copy.set(bytes.subarray(8 + hlen + b, 8 + hlen + e))
    tensors[name] = { shape, data: new Float32Array(copy.buffer) }
  }
  ranges.sort((x, y) => x[0] - y[0] || x[1] - y[1])
  // the spec: the data must be indexed entirely, without holes or overlaps (no polyglot files)
  let covered = 0,
    last = ''
  for (const [b, e, name] of ranges) {
    if (b < covered) fail(`tensors ${last} and ${name} overlap`)
    if (b > covered) fail(`data bytes [${covered}, ${b}) before tensor ${name} belong to no tensor`)
    if (e > b) {
      covered = e
      last = name
    }
  }
  if (covered !== dataLen) fail(`data bytes [${covered}, ${dataLen}) at the end belong to no tensor`)
  if (expected) {
    for (const [name, shape] of Object.entries(expected)) {
      const t = Object.hasOwn(tensors, name) ? tensors[name] : undefined
      if (!t) return fail(`tensor ${name} is missing`)
      if (t.shape.join() !== shape.join()) fail(`tensor ${name}: shape [${t.shape}] does not match the model's [${shape}]`)
    }
    for (const name of Object.keys(tensors)) if (!Object.hasOwn(expected, name)) fail(`unexpected tensor ${name} (not in the model)`)
  }
  return { tensors, metadata }
}

/** Read named tensors from the device into host arrays. */
export async function toNamedArrays(named: [string, Tensor][]): Promise<Record<string, NamedArray>> {
  const out: Record<string, NamedArray> = {}
  for (const [name, t] of named) out[name] = { shape: [...t.shape], data: await t.read() }
  return out
}

/** Validate then write: either every tensor is loaded or none is. */
export function loadNamed(named: [string, Tensor][], bytes: Uint8Array, what?: string): Record<string, string> {
  const expected = Object.fromEntries(named.map(([n, t]) => [n, t.shape]))
  const { tensors, metadata } = decodeSafetensors(bytes, expected, what)
  for (const [name, t] of named) t.write(tensors[name].data)
  return metadata
}
