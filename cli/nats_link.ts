// The NATS JetStream side of distributed training (docs/distributed.md), shared by `rl-rnd learner` and
// `rl-rnd actor`: one connection that reconnects for as long as it takes, the names an experiment uses on the server,
// and retries of every server call while the server is away (a restart): each call is tried again until it
// succeeds or --nats_timeout seconds have passed since its first failure, then the run stops with one line.
//   stream   RLRND_<tag>, subject rlrnd.<tag>.blocks: a work queue of trajectory blocks (rl/distributed/block.ts)
//   consumer learner: the learner's durable pull consumer, explicit acks
//   object   rlrnd_<tag> / weights: the newest weights blob (rl/distributed/weights.ts)
//   kv       rlrnd_<tag> / status: {"version": V, "done": bool, "run": id}, what actors poll before each rollout
// <tag> is the game and the experiment name with anything but letters, digits, '_' and '-' made '_'.
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { jetstream, jetstreamManager, RetentionPolicy, StorageType, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream'
import { Kvm, type KV } from '@nats-io/kv'
import { Objm, type ObjectStore } from '@nats-io/obj'
import type { Args } from '../rl/args.ts'
import { CliError, EXIT_BAD_INPUT, EXIT_FAILED, oneLine } from './errors.ts'

export const WEIGHTS_OBJECT = 'weights'
export const STATUS_KEY = 'status'

export interface Names {
  stream: string
  subject: string
  consumer: string
  bucket: string
}

export function namesOf(a: Pick<Args, 'game' | 'experiment_name'>): Names {
  const tag = `${a.game}_${a.experiment_name}`.replace(/[^A-Za-z0-9_-]/g, '_')
  return { stream: `RLRND_${tag}`, subject: `rlrnd.${tag}.blocks`, consumer: 'learner', bucket: `rlrnd_${tag}` }
}

/** What the learner publishes in the status key. */
export interface Status {
  version: number
  done: boolean
  /** random per learner process: an actor stops at `done` only of a run whose weights it acted with ('' if absent) */
  run: string
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const reason = (e: unknown) => oneLine(e instanceof Error ? `${e.message}` : String(e))

export class NatsLink {
  readonly js: JetStreamClient
  private stopped = false
  /** false from a disconnect to the reconnect */
  isConnected = true

  private constructor(
    readonly nc: NatsConnection,
    readonly jsm: JetStreamManager,
    readonly names: Names,
    readonly timeoutS: number,
    private readonly log: (m: string) => void,
  ) {
    this.js = jetstream(nc)
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === 'disconnect') log(`NATS: disconnected from ${s.server}; reconnecting`)
        if (s.type === 'reconnect') log(`NATS: reconnected to ${s.server}`)
        if (s.type === 'disconnect' || s.type === 'reconnect') this.isConnected = s.type === 'reconnect'
      }
    })()
  }

  /** Connect, trying for --nats_timeout seconds; then one line (exit 2: the address is the user's to fix). */
  static async open(a: Args, name: string, log: (m: string) => void): Promise<NatsLink> {
    const servers = a.nats.split(',').map((s) => s.trim())
    const t0 = performance.now()
    let last: unknown = null
    for (let attempt = 0; performance.now() - t0 < a.nats_timeout * 1000; attempt++) {
      try {
        const nc = await connect({ servers, name, maxReconnectAttempts: -1, reconnectTimeWait: 500, timeout: 2000, pingInterval: 5000 })
        const jsm = await jetstreamManager(nc, { timeout: 5000 })
        return new NatsLink(nc, jsm, namesOf(a), a.nats_timeout, log)
      } catch (e) {
        last = e
        if (attempt === 0) log(`NATS: cannot reach ${a.nats} yet (${reason(e)}); retrying for ${a.nats_timeout} s`)
        await sleep(Math.min(2000, 250 * 2 ** attempt))
      }
    }
    throw new CliError(`cannot reach a NATS server with JetStream at ${a.nats} for ${a.nats_timeout} s (--nats_timeout): ${reason(last)}`, EXIT_BAD_INPUT)
  }

  /** fn(), tried again while it fails, for --nats_timeout seconds from the first failure; then one line, exit 1. */
  async retry<T>(what: string, fn: () => Promise<T>): Promise<T> {
    let t0 = -1
    for (let k = 0; ; k++) {
      try {
        return await fn()
      } catch (e) {
        if (this.stopped) throw e
        if (t0 < 0) t0 = performance.now()
        if (performance.now() - t0 > this.timeoutS * 1000) {
          throw new CliError(`NATS: ${what} kept failing for ${this.timeoutS} s (--nats_timeout): ${reason(e)}`, EXIT_FAILED)
        }
        if (k === 0) this.log(`NATS: ${what} failed (${reason(e)}); retrying`)
        await sleep(Math.min(2000, 200 * 2 ** k))
      }
    }
  }

  /** The block stream (created when missing): a work queue on file storage. */
  async ensureStream(): Promise<void> {
    const { stream, subject } = this.names
    await this.retry('creating the block stream', async () => {
      const exists = await this.jsm.streams.info(stream).then(
        () => true,
        (e) => {
          if (/not found/i.test(String(e?.message))) return false
          throw e
        },
      )
      if (!exists) await this.jsm.streams.add({ name: stream, subjects: [subject], retention: RetentionPolicy.Workqueue, storage: StorageType.File })
    })
  }

  /** The key-value bucket of the status and the object store of the weights (created when missing, by either side). */
  async stores(): Promise<{ kv: KV; os: ObjectStore }> {
    const b = this.names.bucket
    return this.retry('opening the weights stores', async () => ({ kv: await new Kvm(this.nc).create(b), os: await new Objm(this.nc).create(b) }))
  }

  async close(): Promise<void> {
    this.stopped = true
    await this.nc.close().catch(() => {})
  }
}

/** The status in the key-value bucket and when the server stored it, or null when the learner has not published one yet. */
export async function readStatus(kv: KV): Promise<(Status & { writtenMs: number }) | null> {
  const e = await kv.get(STATUS_KEY)
  if (e?.operation !== 'PUT') return null
  const s = e.json<Status>()
  s.run ??= ''
  if (!Number.isInteger(s?.version) || typeof s.done !== 'boolean' || typeof s.run !== 'string')
    throw new CliError(`NATS: malformed status ${oneLine(e.string())}`, EXIT_FAILED)
  return { ...s, writtenMs: e.created.getTime() }
}

/**
 * The weights blob, or null when there is none or it was replaced while being read: the object store reads an
 * object's chunks by its id, and a put of a new version purges them, so such a read would wait forever (seen when
 * the learner published twice in quick succession). A read idle for `idleMs` is abandoned; the caller asks again.
 */
export async function fetchWeights(os: ObjectStore, idleMs = 5000): Promise<Uint8Array | null> {
  const r = await os.get(WEIGHTS_OBJECT)
  if (!r) return null
  const reader = r.data.getReader(),
    parts: Uint8Array[] = []
  for (;;) {
    let timer: ReturnType<typeof setTimeout> | undefined
    const idle = new Promise<null>((res) => (timer = setTimeout(() => res(null), idleMs)))
    const x = await Promise.race([reader.read(), idle]).finally(() => clearTimeout(timer))
    if (x === null) {
      await reader.cancel().catch(() => {})
      return null
    }
    if (x.done) break
    parts.push(x.value)
  }
  await r.error
  return Buffer.concat(parts)
}
