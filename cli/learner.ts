// `rl-rnd learner --nats URL ...`: `train`, with the rollouts of its iterations coming from actors over NATS
// JetStream (docs/distributed.md). Everything of a run is train's (cli/train.ts): input checks, step 0 on this
// machine, logs, metrics.jsonl, atomic snapshots, resuming, stopping at --max_iterations. What differs, here:
//   - an iteration takes blocks from the work-queue stream until it holds --num_envs segments; a block acted on by
//     weights more than --max_policy_lag versions old is dropped, a malformed or oversized message rejected, each
//     with a log line (and acked, so it leaves the queue); each iteration logs the lag of the blocks it used and
//     writes a line of blocks.jsonl (ids, stream sequences, lags, drops);
//   - after the iteration's snapshot, which records the stream sequences it used, the blocks are acked, then the
//     new weights are published (object store) and their version (key-value status); at the end, status done.
// No block is lost or used twice across a kill: blocks are acked only once a snapshot holding their iteration is on
// disk; on start the consumer is made afresh, so every unacked block comes again at once, and those the resumed
// snapshot lists as used (a kill between its write and the acks, or acks a killed server had not synced) are acked
// and skipped.
// RL_RND_TEST_LEARNER_DIE_BEFORE_ACK=I kills the process after iteration I's snapshot, before its acks (tests).
import type { Command } from 'commander'
import { randomBytes } from 'node:crypto'
import * as path from 'node:path'
import { AckPolicy, type Consumer, type JsMsg } from '@nats-io/jetstream'
import type { KV } from '@nats-io/kv'
import type { ObjectStore } from '@nats-io/obj'
import type { Args } from '../rl/args.ts'
import type { PpoRnd, IterationMetrics } from '../rl/ppo_rnd.ts'
import { decodeBlock, largestBlockBytes, blockId, BlockError, type Block, type BlockShape } from '../rl/distributed/block.ts'
import { learnFromBlocks, lagSummary, refusal } from '../rl/distributed/learner_step.ts'
import { encodeWeights } from '../rl/distributed/weights.ts'
import { addTrainOptions, argsFromOptions, exitOnBadInput, type TrainCli } from './args_cli.ts'
import { badInput } from './errors.ts'
import { MetricsWriter } from './log.ts'
import { NatsLink, STATUS_KEY, WEIGHTS_OBJECT } from './nats_link.ts'
import { train, type IterationSource } from './train.ts'
import type { StreamState } from './validate.ts'

export const BLOCKS_FILE = 'blocks.jsonl'

/** The flags every distributed command needs; null when they are usable. */
export function distributedProblem(a: Args): string | null {
  if (a.nats === '') return '--nats URL is required (the NATS server with JetStream, e.g. nats://127.0.0.1:4222)'
  if (a.num_steps === 0) return '--num_steps > 0 is required: actors send fixed-length segments (docs/distributed.md)'
  return null
}

/** The blocks this learner's flags accept (an oversized message has more bytes than the largest of them). */
export function blockShape(t: PpoRnd): BlockShape {
  const isFiltered = t.args.int_reward_norm === 'forward_filter'
  return { frameSize: t.obs.frameSize, actions: t.numActions, rndDim: t.args.rnd_output_dim, steps: t.args.num_steps, maxSegments: t.args.num_envs, isFiltered }
}

const now = () => performance.now() / 1000

/** Sequence numbers as flat ranges [first, last, first, last, ...]. */
export function toRanges(seqs: Iterable<number>): number[] {
  const out: number[] = []
  for (const s of [...seqs].sort((x, y) => x - y)) {
    if (out.length && out[out.length - 1] + 1 === s) out[out.length - 1] = s
    else out.push(s, s)
  }
  return out
}

export function fromRanges(r: number[]): number[] {
  const out: number[] = []
  for (let i = 0; i + 1 < r.length; i += 2) for (let s = r[i]; s <= r[i + 1]; s++) out.push(s)
  return out
}

class BlockSource implements IterationSource {
  private link: NatsLink | null = null
  private consumer: Consumer | null = null
  private kv: KV | null = null
  private os: ObjectStore | null = null
  private log: (m: string) => void = () => {}
  /** stream sequences of every block used so far (kept in snapshots as ranges): a block acked but delivered again
   *  (a kill before the acks; a server killed before it synced an ack) is skipped, never used twice */
  private used = new Set<number>()
  private pending: JsMsg[] = []
  private readonly record: MetricsWriter
  private drops: { id: string; seq: number; why: string }[] = []
  /** this process's run id in the status: actors started before it ignore an earlier run's `done` */
  private readonly run = randomBytes(4).toString('hex')
  private publishedVersion = -1

  constructor(
    readonly args: Args,
    dir: string,
  ) {
    this.record = new MetricsWriter(dir, BLOCKS_FILE)
  }

  async start(t: PpoRnd, saved: StreamState | undefined, log: (m: string) => void): Promise<void> {
    this.log = log
    this.record.truncateAfter(t.iteration)
    const link = (this.link = await NatsLink.open(this.args, 'rl-rnd learner', log))
    const { stream, consumer } = link.names
    await link.ensureStream()
    if (!saved) {
      // a fresh run: blocks left in the queue belong to an earlier run of this experiment (their versions are not ours)
      const { purged } = await link.retry('emptying the block stream', () => link.jsm.streams.purge(stream))
      if (purged) log(`NATS: removed ${purged} blocks of an earlier run from ${stream}`)
    }
    // afresh: every block not acked (a killed learner's included) is delivered again now, in stream order
    await link.retry('creating the consumer', async () => {
      await link.jsm.consumers.delete(stream, consumer).catch((e) => {
        if (!/not found/i.test(String(e?.message))) throw e
      })
      await link.jsm.consumers.add(stream, { durable_name: consumer, ack_policy: AckPolicy.Explicit, ack_wait: 3600 * 1e9 }) // ns: an hour; a dead learner's blocks come back when it restarts
    })
    this.consumer = await link.retry('opening the consumer', () => link.js.consumers.get(stream, consumer))
    ;({ kv: this.kv, os: this.os } = await link.stores())
    this.used = new Set(fromRanges(saved?.used ?? []))
    log(`NATS: connected to ${this.args.nats}; blocks from stream ${stream} (subject ${link.names.subject}); run ${this.run}`)
    await this.publish(t, false)
  }

  /** The weights of version t.iteration, then the status that points actors at them. */
  private async publish(t: PpoRnd, done: boolean): Promise<void> {
    const link = this.link!
    const version = t.iteration
    const bytes = await encodeWeights(t, version)
    // once per version: at the end the weights are those of the last iteration's publish (a put while an actor reads
    // the previous one makes that read start over, cli/nats_link.ts fetchWeights)
    if (version !== this.publishedVersion) await link.retry('publishing the weights', () => this.os!.putBlob({ name: WEIGHTS_OBJECT }, bytes))
    this.publishedVersion = version
    await link.retry('publishing the status', () => this.kv!.put(STATUS_KEY, JSON.stringify({ version, done, run: this.run })))
    this.log(`> Published weights version ${version} (${bytes.length} bytes)${done ? '; actors told to stop' : ''}`)
  }

  async iterate(t: PpoRnd): Promise<IterationMetrics> {
    const a = this.args,
      link = this.link!,
      shape = blockShape(t),
      maxBytes = largestBlockBytes(shape, shape.maxSegments)
    const t0 = now(),
      version = t.iteration,
      blocks: Block[] = [],
      msgs: JsMsg[] = [],
      held = new Set<number>()
    this.drops = []
    let segments = 0
    const ack = (m: JsMsg) => this.ack(m)
    while (segments < a.num_envs) {
      const m = await link.retry('fetching blocks', () => this.consumer!.next({ expires: 5000 }))
      if (!m || held.has(m.seq)) continue // a redelivery of a block this iteration holds
      if (this.used.has(m.seq)) {
        this.log(`> Skipped stream message ${m.seq}: its block was used by an earlier iteration`)
        await ack(m)
        continue
      }
      let b: Block
      try {
        if (m.data.length > maxBytes) throw new BlockError(`${m.data.length} bytes, more than the largest block of these flags (${maxBytes})`)
        b = decodeBlock(m.data, shape)
      } catch (e) {
        if (!(e instanceof BlockError)) throw e
        this.log(`> Rejected stream message ${m.seq} on ${m.subject}: ${e.message}`)
        this.drops.push({ id: '', seq: m.seq, why: `rejected: ${e.message}` })
        await ack(m)
        continue
      }
      const why = refusal(b, version, a.max_policy_lag)
      if (why) {
        this.log(`> Dropped block ${blockId(b.header)} (stream message ${m.seq}): ${why}`)
        this.drops.push({ id: blockId(b.header), seq: m.seq, why })
        await ack(m)
        continue
      }
      blocks.push(b)
      msgs.push(m)
      held.add(m.seq)
      segments += b.header.segments
    }
    const m = await learnFromBlocks(t, blocks, now() - t0)
    const lag = lagSummary(blocks, version)
    this.pending = msgs
    for (const x of msgs) this.used.add(x.seq)
    const ids = blocks.map((b, i) => ({ id: blockId(b.header), seq: msgs[i].seq, version: b.header.version, lag: version - b.header.version }))
    this.log(
      `> Iteration ${m.iteration}: ${blocks.length} blocks (${segments} segments), policy lag by blocks ${JSON.stringify(lag.byLag)}, ` +
        `mean ${lag.mean.toFixed(2)}, max ${lag.max}; dropped or rejected ${this.drops.length}; used ${ids.map((x) => `${x.id}@${x.seq}`).join(' ')}`,
    )
    this.record.append({ iteration: m.iteration, lag_mean: lag.mean, lag_max: lag.max, by_lag: lag.byLag, used: ids, dropped: this.drops })
    return m
  }

  /**
   * Ack a message and wait for the server to confirm it (retried across a server restart). A server restarted from
   * a SIGKILL may have lost the delivery and never confirm: after three unconfirmed tries while connected, the ack
   * goes out unconfirmed. Safe: a used block that comes back is skipped (this.used), a dropped one is dropped again.
   */
  private ack(m: JsMsg): Promise<void> {
    let tries = 0
    return this.link!.retry('acknowledging a message', async () => {
      if (tries >= 3 && this.link!.isConnected) {
        m.ack()
        this.log(`> The server did not confirm the ack of stream message ${m.seq} (${tries} tries); acked without confirmation`)
        return
      }
      tries++
      if (!(await m.ackAck({ timeout: 5000 }))) throw new Error('the server did not confirm the ack')
    })
  }

  position(): StreamState {
    return { used: toRanges(this.used) }
  }

  async afterSave(t: PpoRnd, m: IterationMetrics): Promise<void> {
    if (Number(process.env.RL_RND_TEST_LEARNER_DIE_BEFORE_ACK) === m.iteration) process.kill(process.pid, 'SIGKILL')
    for (const msg of this.pending) await this.ack(msg)
    this.pending = []
    await this.publish(t, false)
  }

  async finish(t: PpoRnd): Promise<void> {
    if (this.link) await this.publish(t, true)
  }

  async close(): Promise<void> {
    await this.link?.close()
  }
}

/** A distributed command (learner, actor): train's flags, checked, plus the flags every distributed command needs. */
export function registerDistributed(program: Command, name: string, description: string, run: (cli: TrainCli) => Promise<unknown>): void {
  const cmd = program.command(name).description(description)
  addTrainOptions(cmd)
  exitOnBadInput(cmd)
  cmd.action(async (opts: Record<string, unknown>, c: Command) => {
    const cli = argsFromOptions(opts, c)
    if ('error' in cli) badInput(cli.error)
    const bad = distributedProblem(cli.args)
    if (bad) badInput(bad)
    await run(cli)
  })
}

export function register(program: Command): void {
  registerDistributed(
    program,
    'learner',
    'Train PPO + RND on trajectory blocks from rl-rnd actor processes over NATS JetStream (docs/distributed.md); flags as train',
    (cli) => train(cli, new BlockSource(cli.args, path.resolve(cli.experimentDir))),
  )
}
