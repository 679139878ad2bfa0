// c + a * b on f32x4, the inner step of every GEMM micro-kernel (gemm.ts, conv2d.ts, batch_matmul.ts). In the
// relaxed-SIMD builds (kernels.relaxed.wasm, kernels.threads-relaxed.wasm: ASC_FEATURE_RELAXED_SIMD) it is
// f32x4.relaxed_madd, one fused multiply-add where the CPU has one (one rounding instead of two, so results differ
// from the SIMD128 build in the last bits; within one build every thread count still computes each element in the
// same order, so runs stay bitwise the same for any thread count). Elsewhere: a mul and an add, as before.
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c)
  return f32x4.add(c, f32x4.mul(a, b))
}
