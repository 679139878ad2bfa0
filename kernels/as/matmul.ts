// matmul, matmul_nt, matmul_tn (spec: kernels/ref/matmul.ts). out[M,N] = a @ b with a [M,K], b [K,N];
// _nt: b is [N,K] (out = a b^T); _tn: a is [K,M] (out = a^T b). Row-major f32.
//
// v1 (matmul_v1, also _nt_v1, _tn_v1): the plain scalar triple loop, the baseline the bench shows.

@inline function at(p: usize, i: i32): usize { return p + (<usize>i << 2) }

// a[i,k] lives at a + (i*rsA + k*ksA) floats: row-major a is (K, 1), a transposed [K,M] view is (1, M). Same for b.
@inline function mmScalar(out: usize, a: usize, b: usize, M: i32, K: i32, N: i32,
  rsA: i32, ksA: i32, ksB: i32, csB: i32): void {
  for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
    let acc: f32 = 0
    for (let k = 0; k < K; k++) acc += load<f32>(at(a, i * rsA + k * ksA)) * load<f32>(at(b, k * ksB + j * csB))
    store<f32>(at(out, i * N + j), acc)
  }
}

export function matmul_v1(out: usize, a: usize, b: usize, M: i32, K: i32, N: i32): void { mmScalar(out, a, b, M, K, N, K, 1, N, 1) }
export function matmul_nt_v1(out: usize, a: usize, b: usize, M: i32, K: i32, N: i32): void { mmScalar(out, a, b, M, K, N, K, 1, 1, K) }
export function matmul_tn_v1(out: usize, a: usize, b: usize, M: i32, K: i32, N: i32): void { mmScalar(out, a, b, M, K, N, 1, M, N, 1) }

export function matmul(out: usize, a: usize, b: usize, M: i32, K: i32, N: i32): void { matmul_v1(out, a, b, M, K, N) }
export function matmul_nt(out: usize, a: usize, b: usize, M: i32, K: i32, N: i32): void { matmul_nt_v1(out, a, b, M, K, N) }
export function matmul_tn(out: usize, a: usize, b: usize, M: i32, K: i32, N: i32): void { matmul_tn_v1(out, a, b, M, K, N) }
