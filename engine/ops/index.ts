// Every op, one import.
export * from './elementwise.ts'
export * from './reduce.ts'
export * from './matmul.ts'
export * from './conv.ts'
export * from './softmax.ts'
export * from './movement.ts'
export * from './lstm.ts'
