// Shared by the distributed tests (test/cli/nats_run.ts) and bench/distributed.bench.ts: a NATS server with
// JetStream on a free port and a temporary store (Debian's nats-server; .ci/run installs it), and child processes
// with their output gathered.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import * as fs from 'node:fs'
import * as net from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'

export const hasNatsServer = () => spawnSync('nats-server', ['--version']).status === 0

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port
      s.close(() => resolve(port))
    })
  })
}

/** A process with its output gathered, and waits on it. */
export class Proc {
  /** every process started and not yet exited (killAll) */
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
  readonly store = fs.mkdtempSync(path.join(os.tmpdir(), 'rlrnd-nats-store-'))
  constructor(
    readonly port: number,
    readonly extra: string[] = [],
  ) {}
  get url(): string {
    return `nats://127.0.0.1:${this.port}`
  }
  async start(): Promise<void> {
    this.proc = new Proc(
      spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(this.port), '-sd', this.store, ...this.extra], { stdio: ['ignore', 'pipe', 'pipe'] }),
    )
    await this.proc.waitFor(/Server is ready/, 10_000)
  }
  async stop(sig: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    this.proc?.kill(sig)
    await this.proc?.exit
    this.proc = null
  }
}
