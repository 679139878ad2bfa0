// Shared by the distributed tests: a NATS server with JetStream on a free port and a temporary store (Debian's
// nats-server; .ci/run installs it), the learner and actor processes, and their logs.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import * as fs from 'node:fs'
import * as net from 'node:net'
import * as path from 'node:path'
import { cliAsync, tmpDir } from './run.ts'

/** The tiny MiniGrid config every distributed test runs (fixed-length segments, no recurrence, wasm, 1 thread). */
export const TINY_MG = [
  ...['--game', 'MiniGrid-Empty-8x8-v0', '--num_steps', '16', '--num_envs', '2', '--rnn_hidden_layers', '0', '--z_dim', '8'],
  ...['--initial_normalization_num_trials', '1', '--epochs_per_iteration', '1', '--minibatches', '2', '--sequence_length', '8'],
  ...['--backend', 'wasm', '--threads', '1', '--disable_progress_bar'],
]

export const hasNatsServer = () => spawnSync('nats-server', ['--version']).status === 0

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port
      s.close(() => resolve(port))
    })
  })
}

/** A process with its output gathered, and waits on it. Every one is remembered until it exits (killAll). */
export class Proc {
  static live = new Set<Proc>()
  out = ''
  readonly exit: Promise<number | null>
  constructor(readonly p: ChildProcess) {
    Proc.live.add(this)
    p.on('exit', () => Proc.live.delete(this))
    p.stdout?.on('data', (d) => (this.out += d))
    p.stderr?.on('data', (d) => (this.out += d))
    this.exit = new Promise((r) => p.on('exit', (code) => r(code)))
  }
  /** Resolves once the output matches `re` (count times), rejects after `ms`. */
  async waitFor(re: RegExp, ms = 30_000, count = 1): Promise<void> {
    const t0 = Date.now()
    while ((this.out.match(new RegExp(re.source, 'g')) ?? []).length < count) {
      if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${re} in:\n${this.out.slice(-3000)}`)
      await new Promise((r) => setTimeout(r, 25))
    }
  }
  kill(sig: NodeJS.Signals = 'SIGKILL'): void {
    this.p.kill(sig)
  }
  /**
   * Kill what a test left running (a failed test's learner or actors): a child still alive would hold the test
   * runner open after its last test, and CI would wait for it until its time limit.
   */
  static async killAll(keep: (Proc | null)[] = []): Promise<void> {
    const left = [...Proc.live].filter((p) => !keep.includes(p))
    for (const p of left) p.kill()
    await Promise.all(left.map((p) => p.exit))
  }
}

export class NatsServer {
  proc: Proc | null = null
  readonly store = tmpDir('nats-store')
  constructor(readonly port: number) {}
  get url(): string {
    return `nats://127.0.0.1:${this.port}`
  }
  async start(): Promise<void> {
    this.proc = new Proc(spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(this.port), '-sd', this.store], { stdio: ['ignore', 'pipe', 'pipe'] }))
    await this.proc.waitFor(/Server is ready/, 10_000)
  }
  async stop(sig: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    this.proc?.kill(sig)
    await this.proc?.exit
    this.proc = null
  }
}

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
