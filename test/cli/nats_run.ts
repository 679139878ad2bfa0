// Shared by the distributed tests: the learner and actor processes and their logs; the NATS server and the process
// helpers are in test/cases/nats_server.ts (the bench uses them too).
import * as fs from 'node:fs'
import * as path from 'node:path'
import { Proc } from '../cases/nats_server.ts'
import { cliAsync } from './run.ts'

export { NatsServer, Proc, freePort, hasNatsServer } from '../cases/nats_server.ts'

/** The tiny MiniGrid config every distributed test runs (fixed-length segments, no recurrence, wasm, 1 thread). */
export const TINY_MG = [
  ...['--game', 'MiniGrid-Empty-8x8-v0', '--num_steps', '16', '--num_envs', '2', '--rnn_hidden_layers', '0', '--z_dim', '8'],
  ...['--initial_normalization_num_trials', '1', '--epochs_per_iteration', '1', '--minibatches', '2', '--sequence_length', '8'],
  ...['--backend', 'wasm', '--threads', '1', '--disable_progress_bar'],
]

export const learner = (url: string, dataDir: string, extra: string[] = [], env: Record<string, string> = {}) =>
  new Proc(cliAsync(['learner', ...TINY_MG, '--nats', url, '--data_dir', dataDir, ...extra], env))

export const actor = (url: string, index: number, extra: string[] = [], env: Record<string, string> = {}) =>
  new Proc(cliAsync(['actor', ...TINY_MG, '--nats', url, '--actor_index', String(index), '--data_dir', '/nonexistent', ...extra], env))

export const experiment = (dataDir: string) => path.join(dataDir, 'MiniGrid-Empty-8x8-v0', 'experiment_1')

export function jsonLines(file: string): any[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l))
}

/** Stream sequence -> block id of every message the actors' logs say was stored (duplicates excluded). */
export function published(logs: string[]): Map<number, string> {
  const out = new Map<number, string>()
  for (const log of logs)
    for (const m of log.matchAll(/Published block (\S+) \(weights version \d+, \d+ bytes, stream message (\d+)(, a duplicate)?\)/g)) {
      if (!m[3]) out.set(Number(m[2]), m[1])
    }
  return out
}
