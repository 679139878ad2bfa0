// Elementwise kernels: binary ops with rank-4 broadcasting, where, unary ops and their backwards, fill.
// Same names and ABI as kernels/ref/elementwise.ts (the spec): out first, then inputs, then dims, then params.
//
// Binary ops (add sub mul div maximum minimum) see out as [D0,D1,D2,D3] and a, b through element strides SA*, SB*
// (0 along a broadcast axis). One invocation walks out in order; the innermost axis runs an f32x4 main loop when
// both operands are contiguous (stride 1) or one of them is broadcast (stride 0, splat once), then a scalar tail.
// Unary ops map L elements; ops with a cheap SIMD form (neg sqrt square abs relu leaky_relu clip) run f32x4;
// transcendentals (exp log tanh sigmoid softplus) use AssemblyScript's Mathf (ports of musl's expf/logf/tanhf, < 1 ulp).
// Each unary op has <op>_backward(dx; dout, x, y) = dout * f'(x), written with y = f(x) where simpler; the same
// ops run it f32x4 (f' as a vector, then one multiply: leaky_relu_backward was 7% of a train step as a scalar loop).
// The ops are a table of @inline functions selected by a constant op id: after inlining, the optimizer folds the
// if-chain so each exported kernel is a straight loop.

const ADD = 0, SUB = 1, MUL = 2, DIV = 3, MAXIMUM = 4, MINIMUM = 5

// ---- the binary table: scalar and f32x4 forms
@inline function bin(op: i32, a: f32, b: f32): f32 {
  if (op == ADD) return a + b
  if (op == SUB) return a - b
  if (op == MUL) return a * b
  if (op == DIV) return a / b
  if (op == MAXIMUM) return a >= b ? a : b
  return a <= b ? a : b
}
@inline function binv(op: i32, a: v128, b: v128): v128 {
  if (op == ADD) return f32x4.add(a, b)
  if (op == SUB) return f32x4.sub(a, b)
  if (op == MUL) return f32x4.mul(a, b)
  if (op == DIV) return f32x4.div(a, b)
  if (op == MAXIMUM) return v128.bitselect(a, b, f32x4.ge(a, b)) // a >= b ? a : b, NaN in a picks b like the ref
  return v128.bitselect(a, b, f32x4.le(a, b))
}

@inline function off(i: i32): usize { return <usize>i << 2 }

// out[i0,i1,i2,i3] = op(a[i . SA], b[i . SB]); cond (where) uses a's strides.
@inline function broadcast(op: i32, isWhere: bool, out: usize, cond: usize, a: usize, b: usize,
  D0: i32, D1: i32, D2: i32, D3: i32, SA0: i32, SA1: i32, SA2: i32, SA3: i32,
  SB0: i32, SB1: i32, SB2: i32, SB3: i32): void {
  let o = out
  const zero = f32x4.splat(0)
  for (let i0 = 0; i0 < D0; i0++) for (let i1 = 0; i1 < D1; i1++) for (let i2 = 0; i2 < D2; i2++) {
    const ea = i0 * SA0 + i1 * SA1 + i2 * SA2, eb = i0 * SB0 + i1 * SB1 + i2 * SB2
    const pa = a + off(ea), pb = b + off(eb), pc = cond + off(ea)
    let i3 = 0
    if (SA3 == 1 && (SB3 == 1 || SB3 == 0)) {
      // contiguous a; b contiguous or one splatted value
      const bs = f32x4.splat(load<f32>(pb))
      for (; i3 + 4 <= D3; i3 += 4) {
        const va = v128.load(pa + off(i3)), vb = SB3 == 1 ? v128.load(pb + off(i3)) : bs
        if (isWhere) v128.store(o, v128.bitselect(va, vb, f32x4.ne(v128.load(pc + off(i3)), zero)))
        else v128.store(o, binv(op, va, vb))
        o += 16
      }
    } else if (SA3 == 0 && SB3 == 1 && !isWhere) {
      const as = f32x4.splat(load<f32>(pa))
      for (; i3 + 4 <= D3; i3 += 4) {
        v128.store(o, binv(op, as, v128.load(pb + off(i3))))
        o += 16
      }
    }
    for (; i3 < D3; i3++) {
      const va = load<f32>(pa + off(i3 * SA3)), vb = load<f32>(pb + off(i3 * SB3))
      if (isWhere) store<f32>(o, load<f32>(pc + off(i3 * SA3)) != 0 ? va : vb)
      else store<f32>(o, bin(op, va, vb))
      o += 4
    }
  }
}

// The six binary kernels and where share one body; the macro-like wrappers only fix the op id.
export function add(out: usize, a: usize, b: usize, D0: i32, D1: i32, D2: i32, D3: i32, SA0: i32, SA1: i32, SA2: i32,
  SA3: i32, SB0: i32, SB1: i32, SB2: i32, SB3: i32): void {
  broadcast(ADD, false, out, 0, a, b, D0, D1, D2, D3, SA0, SA1, SA2, SA3, SB0, SB1, SB2, SB3)
}
export function sub(out: usize, a: usize, b: usize, D0: i32, D1: i32, D2: i32, D3: i32, SA0: i32, SA1: i32, SA2: i32,
  SA3: i32, SB0: i32, SB1: i32, SB2: i32, SB3: i32): void {
  broadcast(SUB, false, out, 0, a, b, D0, D1, D2, D3, SA0, SA1, SA2, SA3, SB0, SB1, SB2, SB3)
}
export function mul(out: usize, a: usize, b: usize, D0: i32, D1: i32, D2: i32, D3: i32, SA0: i32, SA1: i32, SA2: i32,
  SA3: i32, SB0: i32, SB1: i32, SB2: i32, SB3: i32): void {
  broadcast(MUL, false, out, 0, a, b, D0, D1, D2, D3, SA0, SA1, SA2, SA3, SB0, SB1, SB2, SB3)
}
export function div(out: usize, a: usize, b: usize, D0: i32, D1: i32, D2: i32, D3: i32, SA0: i32, SA1: i32, SA2: i32,
  SA3: i32, SB0: i32, SB1: i32, SB2: i32, SB3: i32): void {
  broadcast(DIV, false, out, 0, a, b, D0, D1, D2, D3, SA0, SA1, SA2, SA3, SB0, SB1, SB2, SB3)
}
export function maximum(out: usize, a: usize, b: usize, D0: i32, D1: i32, D2: i32, D3: i32, SA0: i32, SA1: i32,
  SA2: i32, SA3: i32, SB0: i32, SB1: i32, SB2: i32, SB3: i32): void {
  broadcast(MAXIMUM, false, out, 0, a, b, D0, D1, D2, D3, SA0, SA1, SA2, SA3, SB0, SB1, SB2, SB3)
}
export function minimum(out: usize, a: usize, b: usize, D0: i32, D1: i32, D2: i32, D3: i32, SA0: i32, SA1: i32,
  SA2: i32, SA3: i32, SB0: i32, SB1: i32, SB2: i32, SB3: i32): void {
  broadcast(MINIMUM, false, out, 0, a, b, D0, D1, D2, D3, SA0, SA1, SA2, SA3, SB0, SB1, SB2, SB3)
}
/** out = cond != 0 ? a : b; cond is indexed with a's strides. */
export function where(out: usize, cond: usize, a: usize, b: usize, D0: i32, D1: i32, D2: i32, D3: i32, SA0: i32,
  SA1: i32, SA2: i32, SA3: i32, SB0: i32, SB1: i32, SB2: i32, SB3: i32): void {
  broadcast(0, true, out, cond, a, b, D0, D1, D2, D3, SA0, SA1, SA2, SA3, SB0, SB1, SB2, SB3)
}

// ---- the unary table: f(x) and dout * f'(x) given x and y = f(x); p0/p1 carry alpha or lo/hi
const NEG = 0, EXP = 1, LOG = 2, SQRT = 3, SQUARE = 4, ABS = 5, RELU = 6, LEAKY = 7, TANH = 8, SIGMOID = 9, CLIP = 10, SOFTPLUS = 11

@inline function isTranscendental(op: i32): bool { return op == EXP || op == LOG || op == TANH || op == SIGMOID || op == SOFTPLUS }

@inline function un(op: i32, x: f32, p0: f32, p1: f32): f32 {
  if (op == NEG) return -x
  if (op == EXP) return Mathf.exp(x)
  if (op == LOG) return Mathf.log(x)
  if (op == SQRT) return Mathf.sqrt(x)
  if (op == SQUARE) return x * x
  if (op == ABS) return Mathf.abs(x)
  if (op == RELU) return x > 0 ? x : 0
  if (op == LEAKY) return x >= 0 ? x : p0 * x
  if (op == TANH) return Mathf.tanh(x)
  if (op == SIGMOID) return 1 / (1 + Mathf.exp(-x))
  if (op == SOFTPLUS) return Mathf.max(x, 0) + Mathf.log1p(Mathf.exp(-Mathf.abs(x))) // log(1 + e^x), no overflow
  return Mathf.min(Mathf.max(x, p0), p1) // clip; f32.min/max propagate NaN like Math.min/max
}
@inline function unv(op: i32, x: v128, p0: f32, p1: f32): v128 {
  const zero = f32x4.splat(0)
  if (op == NEG) return f32x4.neg(x)
  if (op == SQRT) return f32x4.sqrt(x)
  if (op == SQUARE) return f32x4.mul(x, x)
  if (op == ABS) return f32x4.abs(x)
  if (op == RELU) return v128.and(x, f32x4.gt(x, zero))
  if (op == LEAKY) return v128.bitselect(x, f32x4.mul(x, f32x4.splat(p0)), f32x4.ge(x, zero))
  return f32x4.min(f32x4.max(x, f32x4.splat(p0)), f32x4.splat(p1)) // clip
}
@inline function dun(op: i32, x: f32, y: f32, p0: f32, p1: f32): f32 {
  if (op == NEG) return -1
  if (op == EXP) return y
  if (op == LOG) return 1 / x
  if (op == SQRT) return 0.5 / y
  if (op == SQUARE) return 2 * x
  if (op == ABS) return x > 0 ? 1 : x < 0 ? -1 : 0
  if (op == RELU) return x > 0 ? 1 : 0
  if (op == LEAKY) return x >= 0 ? 1 : p0
  if (op == TANH) return 1 - y * y
  if (op == SIGMOID) return y * (1 - y)
  if (op == SOFTPLUS) return 1 / (1 + Mathf.exp(-x))
  return x >= p0 && x <= p1 ? 1 : 0 // clip
}

// f'(x) as f32x4 for the non-transcendental ops (the same values as dun, so dx = dout * f' matches bit for bit)
@inline function dunv(op: i32, x: v128, y: v128, p0: f32, p1: f32): v128 {
  const zero = f32x4.splat(0), one = f32x4.splat(1)
  if (op == NEG) return f32x4.splat(-1)
  if (op == SQRT) return f32x4.div(f32x4.splat(0.5), y)
  if (op == SQUARE) return f32x4.add(x, x)
  if (op == ABS) return v128.bitselect(one, v128.bitselect(f32x4.splat(-1), zero, f32x4.lt(x, zero)), f32x4.gt(x, zero))
  if (op == RELU) return v128.bitselect(one, zero, f32x4.gt(x, zero))
  if (op == LEAKY) return v128.bitselect(one, f32x4.splat(p0), f32x4.ge(x, zero))
  return v128.bitselect(one, zero, v128.and(f32x4.ge(x, f32x4.splat(p0)), f32x4.le(x, f32x4.splat(p1)))) // clip
}

@inline function unaryMap(op: i32, out: usize, x: usize, L: i32, p0: f32, p1: f32): void {
  let i = 0
  if (!isTranscendental(op)) {
    for (; i + 4 <= L; i += 4) v128.store(out + off(i), unv(op, v128.load(x + off(i)), p0, p1))
  }
  for (; i < L; i++) store<f32>(out + off(i), un(op, load<f32>(x + off(i)), p0, p1))
}
@inline function unaryBack(op: i32, dx: usize, dout: usize, x: usize, y: usize, L: i32, p0: f32, p1: f32): void {
  let i = 0
  if (!isTranscendental(op)) {
    for (; i + 4 <= L; i += 4) {
      const o = off(i)
      v128.store(dx + o, f32x4.mul(v128.load(dout + o), dunv(op, v128.load(x + o), v128.load(y + o), p0, p1)))
    }
  }
  for (; i < L; i++) {
    const o = off(i)
    store<f32>(dx + o, load<f32>(dout + o) * dun(op, load<f32>(x + o), load<f32>(y + o), p0, p1))
  }
}

export function neg(out: usize, x: usize, L: i32): void { unaryMap(NEG, out, x, L, 0, 0) }
export function exp(out: usize, x: usize, L: i32): void { unaryMap(EXP, out, x, L, 0, 0) }
export function log(out: usize, x: usize, L: i32): void { unaryMap(LOG, out, x, L, 0, 0) }
export function sqrt(out: usize, x: usize, L: i32): void { unaryMap(SQRT, out, x, L, 0, 0) }
export function square(out: usize, x: usize, L: i32): void { unaryMap(SQUARE, out, x, L, 0, 0) }
export function abs(out: usize, x: usize, L: i32): void { unaryMap(ABS, out, x, L, 0, 0) }
export function relu(out: usize, x: usize, L: i32): void { unaryMap(RELU, out, x, L, 0, 0) }
export function leaky_relu(out: usize, x: usize, L: i32, alpha: f32): void { unaryMap(LEAKY, out, x, L, alpha, 0) }
export function tanh(out: usize, x: usize, L: i32): void { unaryMap(TANH, out, x, L, 0, 0) }
export function sigmoid(out: usize, x: usize, L: i32): void { unaryMap(SIGMOID, out, x, L, 0, 0) }
export function clip(out: usize, x: usize, L: i32, lo: f32, hi: f32): void { unaryMap(CLIP, out, x, L, lo, hi) }
export function softplus(out: usize, x: usize, L: i32): void { unaryMap(SOFTPLUS, out, x, L, 0, 0) }

export function neg_backward(dx: usize, dout: usize, x: usize, y: usize, L: i32): void { unaryBack(NEG, dx, dout, x, y, L, 0, 0) }
export function exp_backward(dx: usize, dout: usize, x: usize, y: usize, L: i32): void { unaryBack(EXP, dx, dout, x, y, L, 0, 0) }
export function log_backward(dx: usize, dout: usize, x: usize, y: usize, L: i32): void { unaryBack(LOG, dx, dout, x, y, L, 0, 0) }
export function sqrt_backward(dx: usize, dout: usize, x: usize, y: usize, L: i32): void { unaryBack(SQRT, dx, dout, x, y, L, 0, 0) }
export function square_backward(dx: usize, dout: usize, x: usize, y: usize, L: i32): void { unaryBack(SQUARE, dx, dout, x, y, L, 0, 0) }
export function abs_backward(dx: usize, dout: usize, x: usize, y: usize, L: i32): void { unaryBack(ABS, dx, dout, x, y, L, 0, 0) }
export function relu_backward(dx: usize, dout: usize, x: usize, y: usize, L: i32): void { unaryBack(RELU, dx, dout, x, y, L, 0, 0) }
export function leaky_relu_backward(dx: usize, dout: usize, x: usize, y: usize, L: i32, alpha: f32): void {
  unaryBack(LEAKY, dx, dout, x, y, L, alpha, 0)
}
export function tanh_backward(dx: usize, dout: usize, x: usize, y: usize, L: i32): void { unaryBack(TANH, dx, dout, x, y, L, 0, 0) }
export function sigmoid_backward(dx: usize, dout: usize, x: usize, y: usize, L: i32): void {
  unaryBack(SIGMOID, dx, dout, x, y, L, 0, 0)
}
export function softplus_backward(dx: usize, dout: usize, x: usize, y: usize, L: i32): void {
  unaryBack(SOFTPLUS, dx, dout, x, y, L, 0, 0)
}
export function clip_backward(dx: usize, dout: usize, x: usize, y: usize, L: i32, lo: f32, hi: f32): void {
  unaryBack(CLIP, dx, dout, x, y, L, lo, hi)
}

/** out[0..L) = value */
export function fill(out: usize, L: i32, value: f32): void {
  const v = f32x4.splat(value)
  let i = 0
  for (; i + 4 <= L; i += 4) v128.store(out + off(i), v)
  for (; i < L; i++) store<f32>(out + off(i), value)
}
