// Shared by the CLI tests: run `node cli/bin.js ...` as a subprocess, the tiny training config, temp dirs.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'

export const BIN = fileURLToPath(new URL('../../cli/bin.js', import.meta.url))
export const TINY = [
  '--frame_resize',
  '36',
  '--z_dim',
  '8',
  '--rnn_hidden_dim',
  '8',
  '--num_trials',
  '4',
  '--num_envs',
  '2',
  '--initial_normalization_num_trials',
  '2',
  '--epochs_per_iteration',
  '1',
  '--sequence_length',
  '8',
  '--backend',
  'wasm',
  '--disable_progress_bar',
]

export interface Run {
  status: number | null
  stdout: string
  stderr: string
}

export function tmpDir(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `rlrnd-${tag}-`))
}

export function cli(args: string[], env: Record<string, string> = {}, timeout = 60_000): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

export function cliAsync(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
}

export const expDir = (dataDir: string) => path.join(dataDir, 'PixelCopter-v0', 'experiment_1')

export function metricsOf(dataDir: string): any[] {
  const f = path.join(expDir(dataDir), 'metrics.jsonl')
  return fs
    .readFileSync(f, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
}

/** A metrics record without its timing fields (those differ run to run). */
export function untimed(r: any): any {
  const { wall_seconds, rollout_seconds, train_seconds, env_steps_per_s, episodes_per_s, ...rest } = r
  return rest
}
