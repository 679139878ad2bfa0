// Shared types of the reference kernels: generic over f32 and f64 storage so gradchecks run in f64.
import type { Dims } from '../index.ts'
export type Float = Float32Array | Float64Array
export type { Dims }
