// Movement ops: reshape (a view), transpose (any permutation of up to 4 axes), slice and concat on an axis,
// gatherRows (select rows by index), detach. Each records its backward (the inverse movement).
import { Tensor, record, sizeOf, type Shape } from '../tensor.ts'
import { run, sameBackend } from './run.ts'

export function reshape(x: Tensor, shape: Shape): Tensor {
  const s = [...shape]
  const hole = s.indexOf(-1)
  if (hole >= 0) s[hole] = x.size / sizeOf(s.filter((_, i) => i !== hole))
  if (sizeOf(s) !== x.size) throw new Error(`reshape: cannot reshape [${x.shape}] (${x.size} values) to [${shape}]`)
  return record(x.view(s), [x], ([g]) => [g!.view(x.shape)])
}

/** A copy of x that records nothing (cuts the graph, e.g. the recurrent state between BPTT chunks). */
export function detach(x: Tensor): Tensor {
  return x.view(x.shape)
}

export function transpose(x: Tensor, perm?: number[]): Tensor {
  const r = x.shape.length
  const p = perm ?? [...Array(r).keys()].reverse()
  if (r > 4 || p.length !== r || [...p].sort().join() !== [...Array(r).keys()].join()) {
    throw new Error(`transpose: [${p}] is not a permutation of the ${r} axes of [${x.shape}] (max 4 axes)`)
  }
  const pad = 4 - r
  const D = [...new Array(pad).fill(1), ...x.shape]
  const P = [...Array(pad).keys(), ...p.map((a) => a + pad)]
  const out = run(
    'permute',
    p.map((a) => x.shape[a]),
    [x],
    { D0: D[0], D1: D[1], D2: D[2], D3: D[3], P0: P[0], P1: P[1], P2: P[2], P3: P[3] },
  )
  const inv = p.map((_, i) => p.indexOf(i))
  return record(out, [x], ([g]) => [transpose(g!, inv)])
}

function axisView(shape: Shape, axis: number) {
  const a = axis < 0 ? axis + shape.length : axis
  if (a < 0 || a >= shape.length) throw new Error(`axis ${axis} out of range for [${shape}]`)
  return { a, O: sizeOf(shape.slice(0, a)), I: sizeOf(shape.slice(a + 1)) }
}

/** x[..., start:end, ...] along `axis`. */
export function slice(x: Tensor, axis: number, start: number, end: number): Tensor {
  const { a, O, I } = axisView(x.shape, axis)
  const DX = x.shape[a]
  if (!(0 <= start && start <= end && end <= DX)) throw new Error(`slice: [${start}, ${end}) out of range 0..${DX} on axis ${a}`)
  const shape = x.shape.map((d, i) => (i === a ? end - start : d))
  const out = run('slice_axis', shape, [x], { O, DX, I, START: start, DO: end - start })
  return record(out, [x], ([g]) => {
    const dx = Tensor.zeros(x.backend, x.shape)
    x.backend.run('concat_part', [dx.buf], [g!.buf], { O, DX: end - start, I, START: start, DO: DX })
    return [dx]
  })
}

/**
 * x cut along `axis` into consecutive parts of the given sizes (summing to x's extent): one tape entry whose backward
 * writes every part's gradient into ONE dx (zeros where a part has none). T slices would each backpropagate a
 * full-size dx that the tape then adds up: T^2 work for a time-major sequence cut into its T steps.
 */
export function split(x: Tensor, axis: number, sizes: number[]): Tensor[] {
  const { a, O, I } = axisView(x.shape, axis)
  const DX = x.shape[a]
  if (sizes.some((n) => !(n >= 0)) || sizes.reduce((s, n) => s + n, 0) !== DX) throw new Error(`split: sizes [${sizes}] do not sum to ${DX} on axis ${a}`)
  const starts: number[] = []
  let start = 0
  const outs = sizes.map((n) => {
    starts.push(start)
    start += n
    return run(
      'slice_axis',
      x.shape.map((d, i) => (i === a ? n : d)),
      [x],
      { O, DX, I, START: start - n, DO: n },
    )
  })
  return record(outs, [x], (gs) => {
    const dx = gs.every((g) => g) ? Tensor.empty(x.backend, x.shape) : Tensor.zeros(x.backend, x.shape)
    gs.forEach((g, i) => {
      if (g) x.backend.run('concat_part', [dx.buf], [g.buf], { O, DX: sizes[i], I, START: starts[i], DO: DX })
    })
    return [dx]
  })
}

export function concat(xs: Tensor[], axis: number): Tensor {
  sameBackend(xs, 'concat')
  const { a, O, I } = axisView(xs[0].shape, axis)
  for (const x of xs) {
    if (x.shape.length !== xs[0].shape.length || x.shape.some((d, i) => i !== a && d !== xs[0].shape[i])) {
      throw new Error(`concat: shapes [${xs[0].shape}] and [${x.shape}] differ off axis ${a}`)
    }
  }
  const DO = xs.reduce((s, x) => s + x.shape[a], 0)
  const out = Tensor.empty(
    xs[0].backend,
    xs[0].shape.map((d, i) => (i === a ? DO : d)),
  )
  let start = 0
  const starts = xs.map((x) => {
    out.backend.run('concat_part', [out.buf], [x.buf], { O, DX: x.shape[a], I, START: start, DO })
    return (start += x.shape[a]) - x.shape[a]
  })
  return record(out, xs, ([g]) => xs.map((x, i) => (x.requiresGrad ? slice(g!, a, starts[i], starts[i] + x.shape[a]) : null)))
}

/** out[n] = x[idx[n]] for x [V, ...], idx a [N] tensor of integer values (stored as f32). */
export function gatherRows(x: Tensor, idx: Tensor): Tensor {
  sameBackend([x, idx], 'gatherRows')
  const V = x.shape[0],
    D = x.size / V,
    N = idx.size
  const out = run('gather_rows', [N, ...x.shape.slice(1)], [x, idx], { N, V, D })
  return record(out, [x], ([g]) => [run('gather_rows_backward', x.shape, [g!, idx], { N, V, D })])
}
