// Entry of a kernel worker thread: tsx's loader for this thread (as cli/bin.js does for the main one), then the
// TypeScript worker (cli/wasm_worker.ts).
import { register } from 'tsx/esm/api'
register()
await import('./wasm_worker.ts')
