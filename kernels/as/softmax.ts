// softmax_forward/backward and log_softmax_forward/backward on the last axis of x [N, D] (spec:
// kernels/ref/softmax.ts). One invocation handles all N rows; each row: max, then sum of exp(x - max), then scale.
// Sums accumulate in f64 (the ref accumulates in JS doubles), exps use Mathf.exp (musl expf port, < 1 ulp).
// Backward uses the forward output y: softmax dx = y (dy - sum(dy y)); log_softmax dx = dy - exp(y) sum(dy).

@inline function at(p: usize, i: i32): usize { return p + (<usize>i << 2) }

export function softmax_forward(y: usize, x: usize, N: i32, D: i32): void {
  for (let n = 0; n < N; n++) {
    const xr = at(x, n * D), yr = at(y, n * D)
    let mx = -Infinity as f32
    for (let j = 0; j < D; j++) mx = Mathf.max(mx, load<f32>(at(xr, j)))
    let s: f64 = 0
    for (let j = 0; j < D; j++) {
      const e = Mathf.exp(load<f32>(at(xr, j)) - mx)
      store<f32>(at(yr, j), e)
      s += e
    }
    const inv = <f32>(1 / s)
    for (let j = 0; j < D; j++) store<f32>(at(yr, j), load<f32>(at(yr, j)) * inv)
  }
}

export function softmax_backward(dx: usize, dy: usize, y: usize, N: i32, D: i32): void {
  for (let n = 0; n < N; n++) {
    const r = n * D
    let dot: f64 = 0
    for (let j = 0; j < D; j++) dot += <f64>load<f32>(at(dy, r + j)) * load<f32>(at(y, r + j))
    const d32 = <f32>dot
    for (let j = 0; j < D; j++) store<f32>(at(dx, r + j), load<f32>(at(y, r + j)) * (load<f32>(at(dy, r + j)) - d32))
  }
}

export function log_softmax_forward(y: usize, x: usize, N: i32, D: i32): void {
  for (let n = 0; n < N; n++) {
    const xr = at(x, n * D), yr = at(y, n * D)
    let mx = -Infinity as f32
    for (let j = 0; j < D; j++) mx = Mathf.max(mx, load<f32>(at(xr, j)))
    let s: f64 = 0
    for (let j = 0; j < D; j++) s += Mathf.exp(load<f32>(at(xr, j)) - mx)
    const lse = <f64>mx + Math.log(s)
    for (let j = 0; j < D; j++) store<f32>(at(yr, j), <f32>(<f64>load<f32>(at(xr, j)) - lse))
  }
}

export function log_softmax_backward(dx: usize, dy: usize, y: usize, N: i32, D: i32): void {
  for (let n = 0; n < N; n++) {
    const r = n * D
    let s: f64 = 0
    for (let j = 0; j < D; j++) s += load<f32>(at(dy, r + j))
    const s32 = <f32>s
    for (let j = 0; j < D; j++) {
      store<f32>(at(dx, r + j), load<f32>(at(dy, r + j)) - Mathf.exp(load<f32>(at(y, r + j))) * s32)
    }
  }
}
