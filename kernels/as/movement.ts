// Movement kernels (spec: kernels/ref/movement.ts): permute (rank-4 axis permutation), slice_axis and concat_part
// (a slab along the middle axis of an [O, D, I] view: contiguous runs, copied with memory.copy), gather_rows and
// gather_rows_backward (rows picked / scatter-added by indices stored as f32).

@inline function at(p: usize, i: i32): usize { return p + (<usize>i << 2) }

/** out[i_P0, i_P1, i_P2, i_P3] = x[i0, i1, i2, i3]: output axis j is input axis Pj. */
export function permute(out: usize, x: usize, D0: i32, D1: i32, D2: i32, D3: i32, P0: i32, P1: i32, P2: i32, P3: i32): void {
  // input strides of axes 0..3, then the output's dims and the input stride of each output axis
  const s3 = 1, s2 = D3, s1 = D2 * D3, s0 = D1 * D2 * D3
  const o0 = P0 == 0 ? D0 : P0 == 1 ? D1 : P0 == 2 ? D2 : D3, t0 = P0 == 0 ? s0 : P0 == 1 ? s1 : P0 == 2 ? s2 : s3
  const o1 = P1 == 0 ? D0 : P1 == 1 ? D1 : P1 == 2 ? D2 : D3, t1 = P1 == 0 ? s0 : P1 == 1 ? s1 : P1 == 2 ? s2 : s3
  const o2 = P2 == 0 ? D0 : P2 == 1 ? D1 : P2 == 2 ? D2 : D3, t2 = P2 == 0 ? s0 : P2 == 1 ? s1 : P2 == 2 ? s2 : s3
  const o3 = P3 == 0 ? D0 : P3 == 1 ? D1 : P3 == 2 ? D2 : D3, t3 = P3 == 0 ? s0 : P3 == 1 ? s1 : P3 == 2 ? s2 : s3
  let o = out
  for (let a = 0; a < o0; a++) for (let b = 0; b < o1; b++) for (let c = 0; c < o2; c++) {
    const base = a * t0 + b * t1 + c * t2
    if (t3 == 1) {
      memory.copy(o, at(x, base), <usize>o3 << 2)
      o += <usize>o3 << 2
    } else {
      for (let e = 0; e < o3; e++) {
        store<f32>(o, load<f32>(at(x, base + e * t3)))
        o += 4
      }
    }
  }
}

export function slice_axis(out: usize, x: usize, O: i32, DX: i32, I: i32, START: i32, DO: i32): void {
  for (let o = 0; o < O; o++) memory.copy(at(out, o * DO * I), at(x, (o * DX + START) * I), <usize>(DO * I) << 2)
}

export function concat_part(out: usize, x: usize, O: i32, DX: i32, I: i32, START: i32, DO: i32): void {
  for (let o = 0; o < O; o++) memory.copy(at(out, (o * DO + START) * I), at(x, o * DX * I), <usize>(DX * I) << 2)
}

export function gather_rows(out: usize, x: usize, idx: usize, N: i32, V: i32, D: i32): void {
  for (let n = 0; n < N; n++) {
    const v = <i32>load<f32>(at(idx, n))
    memory.copy(at(out, n * D), at(x, v * D), <usize>D << 2)
  }
}

export function gather_rows_backward(dx: usize, dout: usize, idx: usize, N: i32, V: i32, D: i32): void {
  memory.fill(dx, 0, <usize>(V * D) << 2)
  for (let n = 0; n < N; n++) {
    const row = at(dx, <i32>load<f32>(at(idx, n)) * D), src = at(dout, n * D)
    let j = 0
    for (; j + 4 <= D; j += 4) v128.store(at(row, j), f32x4.add(v128.load(at(row, j)), v128.load(at(src, j))))
    for (; j < D; j++) store<f32>(at(row, j), load<f32>(at(row, j)) + load<f32>(at(src, j)))
  }
}
