#!/usr/bin/env node
// Entry point of the `rl-rnd` command: runs the TypeScript CLI through tsx's loader (no build step needed).
import { register } from 'tsx/esm/api'
register()
await import('./main.ts')
