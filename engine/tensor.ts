// Tensor: a shape over refcounted backend storage (reshape shares storage), plus the ownership machinery:
// scopes that dispose the intermediates they created, and the autograd tape (a flat list in creation order,
// already topological, walked in reverse by backward()). Ops live in engine/ops/; they create outputs with
// Tensor.empty and call record() with a backward closure written beside the forward (micrograd style).
import type { Backend, Buffer } from './backend/backend.ts'

export type Shape = readonly number[]

class Storage {
  refs = 1
  constructor(
    readonly backend: Backend,
    readonly buf: Buffer,
  ) {}
  release(): void {
    if (--this.refs === 0) this.backend.free(this.buf)
  }
}

export const sizeOf = (shape: Shape) => shape.reduce((a, b) => a * b, 1)

export class Tensor {
  readonly shape: Shape
  readonly size: number
  requiresGrad = false
  /** Accumulated gradient of a leaf (parameters); owned by the leaf, outside every scope. */
  grad: Tensor | null = null
  isDisposed = false
  private storage: Storage

  private constructor(storage: Storage, shape: Shape) {
    this.storage = storage
    this.shape = [...shape]
    this.size = sizeOf(shape)
    if (!Number.isInteger(this.size) || this.size < 0) throw new Error(`invalid tensor shape [${shape}]`)
    track(this)
  }

  get backend(): Backend {
    return this.storage.backend
  }
  get buf(): Buffer {
    return this.check().storage.buf
  }

  /** New tensor with undefined contents (an op output). */
  static empty(backend: Backend, shape: Shape): Tensor {
    return new Tensor(new Storage(backend, backend.alloc(Math.max(1, sizeOf(shape)))), shape)
  }
  static fromArray(backend: Backend, data: ArrayLike<number>, shape: Shape = [data.length]): Tensor {
    if (sizeOf(shape) !== data.length) throw new Error(`fromArray: ${data.length} values do not fill shape [${shape}]`)
    const t = Tensor.empty(backend, shape)
    backend.write(t.buf, data instanceof Float32Array ? data : Float32Array.from(data))
    return t
  }
  static full(backend: Backend, shape: Shape, value: number): Tensor {
    const t = Tensor.empty(backend, shape)
    backend.run('fill', [t.buf], [], { L: t.size, value })
    return t
  }
  static zeros(backend: Backend, shape: Shape): Tensor {
    return Tensor.full(backend, shape, 0)
  }

  /** A tensor of another shape over the same storage (no copy). Not recorded: ops/movement.ts wraps it. */
  view(shape: Shape): Tensor {
    if (sizeOf(shape) !== this.size) throw new Error(`cannot view [${this.shape}] as [${shape}]`)
    this.check().storage.refs++
    return new Tensor(this.storage, shape)
  }

  async read(): Promise<Float32Array> {
    return this.backend.read(this.buf)
  }
  readSync(): Float32Array {
    const r = this.backend.readSync
    if (!r) throw new Error(`readSync is not available on the ${this.backend.name} backend: use await tensor.read()`)
    return r.call(this.backend, this.buf)
  }
  /** Overwrite the contents from the host. */
  write(data: Float32Array): this {
    if (data.length !== this.size) throw new Error(`write: ${data.length} values into a tensor of ${this.size}`)
    this.backend.write(this.buf, data)
    return this
  }
  /** Copy another tensor's values into this one (same size), enqueued on the backend. */
  assign(src: Tensor): this {
    if (src.size !== this.size) throw new Error(`assign: size ${src.size} into ${this.size}`)
    this.backend.copy(this.buf, src.buf, this.size)
    return this
  }

  dispose(): void {
    if (this.isDisposed) return
    this.isDisposed = true
    this.storage.release()
    this.grad?.dispose()
    this.grad = null
  }

  private check(): this {
    if (this.isDisposed) throw new Error(`use of a disposed tensor [${this.shape}]`)
    return this
  }
  toString() {
    return `Tensor[${this.shape}] on ${this.backend.name}`
  }
}

// ------------------------------------------------------------------------------------------------ scopes
const scopes: Set<Tensor>[] = []

function track(t: Tensor): void {
  scopes[scopes.length - 1]?.add(t)
}

/** Remove a tensor from every enclosing scope: the caller now owns it and disposes it. */
export function keep<T extends Tensor>(t: T): T {
  for (const s of scopes) s.delete(t)
  return t
}

function collect(x: unknown, out: Set<Tensor>): void {
  if (x instanceof Tensor) out.add(x)
  else if (Array.isArray(x)) for (const v of x) collect(v, out)
  else if (x && typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype) for (const v of Object.values(x)) collect(v, out)
}

function endScope(result: unknown): void {
  const mine = scopes.pop()!
  const returned = new Set<Tensor>()
  collect(result, returned)
  const parent = scopes[scopes.length - 1]
  for (const t of mine) {
    if (returned.has(t)) parent?.add(t)
    else t.dispose()
  }
  dropDisposedEntries()
}

/**
 * Run fn; dispose every tensor created inside except those it returns (a tensor, or arrays/plain objects of
 * them), which move to the enclosing scope. Async functions are awaited before cleanup.
 */
export function scope<T>(fn: () => T): T {
  scopes.push(new Set())
  let result: T
  try {
    result = fn()
  } catch (e) {
    endScope(undefined)
    throw e
  }
  if (result instanceof Promise) {
    return result.then(
      (r) => (endScope(r), r),
      (e) => {
        endScope(undefined)
        throw e
      },
    ) as T
  }
  endScope(result)
  return result
}

// ------------------------------------------------------------------------------------------------ tape
type Grads = (Tensor | null)[]
interface Entry {
  outs: Tensor[]
  inputs: Tensor[]
  backward: (douts: Grads) => Grads
}
let tape: Entry[] = []
let gradEnabled = true

export const isGradEnabled = () => gradEnabled

/** Run fn with recording off (rollouts, the frozen RND target, optimizer updates). */
export function noGrad<T>(fn: () => T): T {
  const prev = gradEnabled
  gradEnabled = false
  try {
    const r = fn()
    if (r instanceof Promise)
      return r.finally(() => {
        gradEnabled = prev
      }) as T
    gradEnabled = prev
    return r
  } catch (e) {
    gradEnabled = prev
    throw e
  }
}

/**
 * Record an op on the tape when grads are on and an input requires them: `backward` gets the gradients of the
 * outputs (null where none reached an output) and returns one gradient (or null) per input, in order.
 */
export function record<T extends Tensor | Tensor[]>(out: T, inputs: Tensor[], backward: (douts: Grads) => Grads): T {
  if (!gradEnabled || !inputs.some((t) => t.requiresGrad)) return out
  const outs: Tensor[] = Array.isArray(out) ? out : [out as Tensor]
  for (const o of outs) o.requiresGrad = true
  tape.push({ outs, inputs, backward })
  return out
}

function dropDisposedEntries(): void {
  if (tape.some((e) => e.outs.some((o) => o.isDisposed))) tape = tape.filter((e) => !e.outs.some((o) => o.isDisposed))
}

/** Number of recorded entries not yet consumed (tests check the tape drains). */
export const tapeLength = () => tape.length

/**
 * Backpropagate from `loss` (any shape; its gradient seed is ones, or `seed`). Walks the tape in reverse;
 * entries that the loss reaches are consumed, others stay for another backward. Leaves (tensors with
 * requiresGrad that no entry produced: parameters) accumulate into `.grad`; intermediate gradients are ordinary
 * tensors of the current scope.
 */
export function backward(loss: Tensor, seed?: Tensor): void {
  const grads = new Map<Tensor, Tensor>()
  grads.set(loss, seed ?? Tensor.full(loss.backend, loss.shape, 1))
  const produced = new Set<Tensor>()
  for (const e of tape) for (const o of e.outs) produced.add(o)
  const consumed = new Set<Entry>()
  noGrad(() => {
    for (let i = tape.length - 1; i >= 0; i--) {
      const e = tape[i]
      const douts = e.outs.map((o) => grads.get(o) ?? null)
      if (douts.every((g) => g === null)) continue
      consumed.add(e)
      const dins = e.backward(douts)
      e.inputs.forEach((inp, j) => {
        const g = dins[j]
        if (!g || !inp.requiresGrad) return
        if (g.size !== inp.size) throw new Error(`internal: gradient [${g.shape}] for input [${inp.shape}]`)
        const prev = grads.get(inp)
        grads.set(inp, prev ? accumulate(prev, g) : g)
      })
    }
  })
  tape = tape.filter((e) => !consumed.has(e))
  for (const [t, g] of grads) {
    if (!t.requiresGrad || produced.has(t)) continue
    // a leaf: fold into its persistent .grad (kept outside every scope)
    if (!t.grad) t.grad = keep(copyOf(g, t.shape))
    else {
      const sum = keep(accumulate(t.grad, g))
      t.grad.dispose()
      t.grad = sum
    }
  }
}

function shapeOfSize(t: Tensor, shape: Shape): Tensor {
  return t.shape.join() === shape.join() ? t : t.view(shape)
}

function accumulate(a: Tensor, b: Tensor): Tensor {
  const out = Tensor.empty(a.backend, a.shape)
  const L = a.size
  a.backend.run('add', [out.buf], [a.buf, b.buf], { D0: 1, D1: 1, D2: 1, D3: L, SA0: 0, SA1: 0, SA2: 0, SA3: 1, SB0: 0, SB1: 0, SB2: 0, SB3: 1 })
  return out
}

function copyOf(g: Tensor, shape: Shape): Tensor {
  const out = Tensor.empty(g.backend, shape)
  g.backend.copy(out.buf, shapeOfSize(g, g.shape).buf, g.size)
  return out
}
