// The wasm module's entry: re-exports every kernel under its registry name (kernels/index.ts), plus the
// numbered baselines (_v1) the benches time side by side. Pointer-and-size exports only: JS owns the memory.
export * from './matmul'
export * from './conv2d'
export * from './elementwise'
export * from './softmax'
export * from './reduce'
export * from './pool'
export * from './movement'
export * from './lstm'
export * from './adam'
export * from './batch_matmul'
export * from './dnc'
export * from './dnc_access'
export * from './dnc_interface'

/** 1 in the relaxed-SIMD builds (madd.ts: fused multiply-adds), 0 in the SIMD128 ones. */
export function relaxed_simd(): i32 { return ASC_FEATURE_RELAXED_SIMD ? 1 : 0 }

/** End of the module's static data (Mathf's tables): the JS allocator places buffers above this. */
export function heap_base(): usize { return __heap_base }
