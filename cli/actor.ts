// `rl-rnd actor --nats URL --actor_index N ...`: runs fixed-length rollouts with the learner's newest weights and
// publishes them as trajectory blocks to the work-queue stream (docs/distributed.md). Flags as train's: the same
// network, game and rollout flags as the learner's (a block of other sizes is refused there). Its random streams
// (actions, episode seeds) come from --rng_seed and --actor_index (actorSeed), so actors never replay each other.
// Before each rollout it reads the learner's status: newer weights are fetched and loaded; `done` ends the actor
// (exit 0). A rollout too large for one message (the server's max_payload) goes out as several blocks of whole
// segments. Each message carries a unique id (actor, process nonce, block, first segment) as its Nats-Msg-Id, so
// a publish retried after a lost acknowledgement (a server restart) is stored once. A killed actor loses only the
// rollout in progress: what it published is whole, what it had not is not there. Actors wait while the queue holds
// two learner iterations' worth of blocks (a bounded queue keeps the policy lag small).
// RL_RND_TEST_BLOCK_BYTES caps a message's bytes below max_payload (tests split rollouts with it).
import type { Command } from 'commander'
import { randomBytes } from 'node:crypto'
import type { Args } from '../rl/args.ts'
import { PpoRnd } from '../rl/ppo_rnd.ts'
import { BLOCK_HEADER_BYTES, blockId, encodeBlock, largestBlockBytes } from '../rl/distributed/block.ts'
import { loadWeights } from '../rl/distributed/weights.ts'
import { CliError, EXIT_FAILED, badInput, oneLine } from './errors.ts'
import { registerDistributed } from './learner.ts'
import { Logger } from './log.ts'
import { NatsLink, fetchWeights, readStatus } from './nats_link.ts'
import { openBackend } from './node_backend.ts'

/** Actor i's --rng_seed: far from the learner's streams (rng_seed + 0..4) and from every other actor's. */
export const actorSeed = (seed: number, index: number) => (seed + 7919 * (index + 1)) % 2 ** 32

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Segments per message so that none exceeds `limit` bytes; one line when even one segment does not fit. */
function segmentsPerMessage(t: PpoRnd, limit: number): number {
  const isFiltered = t.args.int_reward_norm === 'forward_filter'
  const shape = { steps: t.args.num_steps, frameSize: t.obs.frameSize, actions: t.numActions, rndDim: t.args.rnd_output_dim, isFiltered }
  const one = (n: number) => largestBlockBytes(shape, n)
  if (one(1) > limit) {
    badInput(
      `one segment of --num_steps ${t.args.num_steps} is ${one(1)} bytes, over the server's max_payload ${limit}: lower --num_steps or raise max_payload`,
    )
  }
  let n = 1
  while (n < t.args.num_envs && one(n + 1) <= limit) n++
  return n
}

/** Blocks the learner's consumer has not been given yet (0 while it has none: the learner is starting). */
async function undelivered(link: NatsLink): Promise<number> {
  const info = await link.jsm.consumers.info(link.names.stream, link.names.consumer).catch((e) => {
    if (/not found/i.test(String(e?.message))) return null
    throw e
  })
  return info?.num_pending ?? 0
}

export async function actor(args: Args): Promise<number> {
  const logger = new Logger(null)
  const log = (m: string) => logger.log(`[actor ${args.actor_index}] ${m}`)
  const own: Args = { ...args, rng_seed: actorSeed(args.rng_seed, args.actor_index) }
  let backend
  try {
    backend = await openBackend(args.backend, { log, threads: args.threads, simd: args.wasm_simd })
  } catch (e) {
    return badInput(`--backend ${args.backend}: ${(e as Error).message}`)
  }
  const t = await PpoRnd.create(own, backend)
  const link = await NatsLink.open(args, `rl-rnd actor ${args.actor_index}`, log).catch((e) => {
    t.dispose()
    backend.destroy()
    throw e
  })
  try {
    const { kv, os } = await link.stores()
    const max = Math.min(link.nc.info?.max_payload ?? 1 << 20, Number(process.env.RL_RND_TEST_BLOCK_BYTES) || Infinity)
    const perMessage = segmentsPerMessage(t, max - BLOCK_HEADER_BYTES)
    const nonce = randomBytes(4).readUInt32LE(0),
      perIteration = Math.ceil(args.num_envs / perMessage)
    log(`NATS: connected to ${args.nats}; publishing to ${link.names.subject}, ${perMessage} segment(s) per message`)
    const started = Date.now() - process.uptime() * 1000
    let version = -1,
      waited = 0,
      run: string | null = null,
      staleSince = -1
    for (let seq = 0; ; ) {
      const status = await link.retry('reading the status', () => readStatus(kv))
      // done: of the run this actor acted for, or of one that ended after this process started (it ran meanwhile)
      if (status?.done && (status.run === run || status.writtenMs >= started)) {
        log(
          `The learner is done (weights version ${status.version}${status.run === run ? '' : `, run ${status.run} ended while this actor started`}); stopping`,
        )
        return 0
      }
      if (status?.done) {
        // an earlier run's, finished before this actor started: a new learner may be starting; wait --nats_timeout s
        if (staleSince < 0) {
          staleSince = performance.now()
          log(`The status is a finished run's (${status.run || 'no id'}, weights version ${status.version}); waiting for a learner to start a new run`)
        }
        if (performance.now() - staleSince > args.nats_timeout * 1000) {
          log(`No learner started a new run in ${args.nats_timeout} s (--nats_timeout); stopping`)
          return 0
        }
        await sleep(500)
        continue
      }
      if (!status) {
        if (waited++ % 20 === 0) log('Waiting for the learner to publish weights')
        await sleep(500)
        continue
      }
      if (status.version !== version || status.run !== run) {
        const bytes = await link.retry('fetching the weights', () => fetchWeights(os))
        if (!bytes) {
          log('The weights were replaced while being read (or are not there); reading the status again')
          continue
        }
        try {
          version = loadWeights(t, bytes)
          run = status.run
        } catch (e) {
          throw new CliError(`the learner's weights do not fit this actor's flags: ${oneLine((e as Error).message)}`, EXIT_FAILED)
        }
        log(`> Loaded weights version ${version} (run ${run || 'without an id'})`)
      }
      // a bounded queue (IMPALA's): while two iterations' worth of blocks wait, acting now would only add lag
      const queued = await link.retry('reading the queue', () => undelivered(link))
      if (queued >= 2 * perIteration) {
        await sleep(50)
        continue
      }
      const r = await t.rollout()
      for (let first = 0; first < r.eps.length; first += perMessage) {
        const id = { version, actor: args.actor_index, nonce, seq }
        const bytes = encodeBlock(r, id, first, Math.min(perMessage, r.eps.length - first))
        const name = blockId({ ...id, first })
        const ack = await link.retry('publishing a block', () => link.js.publish(link.names.subject, bytes, { msgID: name, timeout: 10_000 }))
        log(`> Published block ${name} (weights version ${version}, ${bytes.length} bytes, stream message ${ack.seq}${ack.duplicate ? ', a duplicate' : ''})`)
      }
      seq++
    }
  } finally {
    await link.close()
    t.dispose()
    backend.destroy()
    logger.close()
  }
}

export function register(program: Command): void {
  registerDistributed(
    program,
    'actor',
    "Run rollouts with the learner's newest weights and publish them over NATS JetStream (docs/distributed.md); flags as train",
    (cli) => actor(cli.args),
  )
}
