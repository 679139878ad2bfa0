// rl-rnd learner and rl-rnd actor over a real NATS server with JetStream (nats-server -js on a free port, a
// temporary store): a learner and two actors against a local `train` of the same flags, malformed and oversized
// messages, an actor killed between the parts of a rollout, the learner killed between its snapshot and its acks,
// the server killed and restarted. After each run every message the actors stored is accounted for exactly once:
// used by one iteration of the final blocks.jsonl, dropped for lag, or still queued. Without nats-server this
// prints SKIPPED loudly; under CI=true that is a failure. The bad-input cases need no server.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as path from 'node:path'
import { connect } from '@nats-io/transport-node'
import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import { cli, tmpDir } from './run.ts'
import { NatsServer, TINY_MG, actor, experiment, freePort, hasNatsServer, jsonLines, learner, published, Proc } from './nats_run.ts'
import { namesOf } from '../../cli/nats_link.ts'
import { DEFAULT_ARGS } from '../../rl/args.ts'

const test = suite('cli/nats')
const names = namesOf({ ...DEFAULT_ARGS, game: 'MiniGrid-Empty-8x8-v0' })
const ITS = ['--max_iterations', '3']

/**
 * Every stored block is used once (final blocks.jsonl), dropped for lag, or still queued; never two of these. After a
 * server killed with SIGKILL (`isServerKilled`), a used block may be queued again: the server had not synced its ack
 * (it syncs every 2 minutes); the learner skips it, so it is still used once.
 */
async function accountFor(url: string, dataDir: string, learnerLogs: string, actorLogs: string[], isServerKilled = false): Promise<number> {
  const stored = published(actorLogs)
  const used = new Map<number, number>()
  for (const r of jsonLines(path.join(experiment(dataDir), 'blocks.jsonl'))) {
    for (const u of r.used) {
      assert.not.ok(used.has(u.seq), `stream message ${u.seq} used by iterations ${used.get(u.seq)} and ${r.iteration}`)
      used.set(u.seq, r.iteration)
      // a message stored just before its actor was killed is in no actor log
      if (stored.has(u.seq)) assert.is(stored.get(u.seq), u.id, `message ${u.seq} is block ${stored.get(u.seq)}`)
      assert.ok(u.lag >= 0 && u.lag <= 4, `lag ${u.lag} within --max_policy_lag 4`)
    }
  }
  const dropped = new Set([...learnerLogs.matchAll(/Dropped block \S+ \(stream message (\d+)\)/g)].map((m) => Number(m[1])))
  const nc = await connect({ servers: url })
  const jsm = await jetstreamManager(nc)
  try {
    for (const [seq, id] of stored) {
      const queued = await jsm.streams.getMessage(names.stream, { seq }).then(
        (m) => m !== null,
        () => false,
      )
      const fates = [used.has(seq), dropped.has(seq), queued && !(isServerKilled && used.has(seq))].filter(Boolean).length
      assert.is(
        fates,
        1,
        `block ${id} (message ${seq}): used ${used.get(seq)}, dropped ${dropped.has(seq)}, queued ${queued}\n${learnerLogs
          .split('\n')
          .filter((l) => /Iteration \d+: \d+ blocks|Skipped|Resumed|NATS/.test(l))
          .join('\n')}`,
      )
    }
  } finally {
    await nc.close()
  }
  return used.size
}

async function exited(p: Proc, what: string, code = 0): Promise<void> {
  const c = await Promise.race([p.exit, new Promise((r) => setTimeout(() => r('timeout'), 60_000))])
  assert.is(c, code, `${what} exit code ${c}:\n${p.out.slice(-2500)}`)
}

test('bad input: a malformed URL, an unreachable server, missing --num_steps, train --nats; one line each, exit 2', async () => {
  const port = await freePort() // nothing listens there
  const cases: [string[], RegExp][] = [
    [
      ['learner', ...TINY_MG, '--nats', 'http://x'],
      /^error: --nats must be comma-separated URLs nats:\/\/host\[:port\] \(or tls:\/\/\); 'http:\/\/x' is not one/,
    ],
    [
      ['actor', ...TINY_MG, '--nats', `nats://127.0.0.1:${port}`, '--nats_timeout', '1'],
      /^error: cannot reach a NATS server with JetStream at nats:\/\/127\.0\.0\.1:\d+ for 1 s/,
    ],
    [['learner', '--nats', 'nats://127.0.0.1:4222', '--rnn_hidden_layers', '0'], /^error: --num_steps > 0 is required/],
    [['train', ...TINY_MG, '--nats', 'nats://127.0.0.1:4222'], /^error: --nats is for rl-rnd learner and rl-rnd actor/],
  ]
  for (const [argv, re] of cases) {
    const r = cli([...argv, '--data_dir', tmpDir('nats-bad')])
    assert.is(r.status, 2, `${argv.join(' ')}: ${r.stderr}`)
    const lines = r.stderr.trim().split('\n')
    assert.is(lines.length, 1, r.stderr)
    assert.match(lines[0], re)
  }
})

if (!hasNatsServer()) {
  const msg = 'SKIPPED cli/nats: nats-server not found (apt-get install nats-server; .ci/run installs it)'
  console.log(`\n  ${'!'.repeat(msg.length)}\n  ${msg}\n  ${'!'.repeat(msg.length)}\n`)
  if (process.env.CI === 'true') test('nats-server is installed (CI=true)', () => assert.unreachable(msg))
} else {
  let server: NatsServer
  test.before(async () => {
    server = new NatsServer(await freePort())
    await server.start()
  })
  test.after.each(() => Proc.killAll([server.proc])) // the server lives across tests
  test.after(async () => server.stop('SIGTERM'))

  test('a learner and two actors: metrics of the shape of a local train run; malformed and oversized messages rejected', async () => {
    const dir = tmpDir('nats-learner'),
      local = tmpDir('nats-local')
    const L = learner(server.url, dir, [...ITS, '--no_resume'])
    await L.waitFor(/Published weights version 0/)
    // three bad messages before any block: garbage, a block of other sizes, one larger than any block of these flags
    const nc = await connect({ servers: server.url })
    const js = jetstream(nc)
    const foreign = new Uint8Array(48)
    new DataView(foreign.buffer).setUint32(0, 0x314b4c52, true)
    new DataView(foreign.buffer).setUint16(4, 1, true)
    for (const m of [new TextEncoder().encode('not a block, but longer than the 48 bytes of a block header'), foreign, new Uint8Array(900_000)])
      await js.publish(names.subject, m)
    await nc.close()
    const A = [actor(server.url, 0), actor(server.url, 1)]
    await exited(L, 'learner')
    for (const [i, a] of A.entries()) await exited(a, `actor ${i}`)
    const rejected = [...L.out.matchAll(/Rejected stream message \d+ on \S+: (.*)/g)].map((m) => m[1])
    assert.is(rejected.length, 3, L.out)
    assert.match(rejected[0], /not a trajectory block \(bad magic\)/)
    assert.match(rejected[1], /frame size 0, this learner's flags give 147/)
    assert.match(rejected[2], /900000 bytes, more than the largest block of these flags/)
    assert.is(
      await accountFor(
        server.url,
        dir,
        L.out,
        A.map((a) => a.out),
      ),
      3 * 1,
      'one 2-segment block per iteration',
    )

    const r = cli(['train', ...TINY_MG, ...ITS, '--data_dir', local])
    assert.is(r.status, 0, r.stderr)
    const dist = jsonLines(path.join(experiment(dir), 'metrics.jsonl')),
      loc = jsonLines(path.join(experiment(local), 'metrics.jsonl'))
    assert.is(dist.length, 3)
    assert.equal(Object.keys(dist[0]).sort(), Object.keys(loc[0]).sort(), 'the same metrics')
    for (const [i, m] of dist.entries()) {
      assert.is(m.iteration, i + 1)
      assert.is(m.env_steps, loc[i].env_steps, '--num_envs x --num_steps per iteration')
      assert.is(m.total_env_steps, loc[i].total_env_steps, 'the same step 0 on the learner as in train')
      for (const k of ['loss_value', 'loss_policy', 'loss_rnd', 'entropy', 'intrinsic_reward_mean']) assert.ok(Number.isFinite(m[k]), `${k} ${m[k]}`)
      assert.ok(m.entropy > 0 && m.entropy <= Math.log(7) + 1e-6, `entropy ${m.entropy} of 7 actions`)
    }
  })

  test('an actor killed mid-rollout (its rollout split in two messages), the learner killed between snapshot and acks: nothing lost or used twice', async () => {
    const dir = tmpDir('nats-kill'),
      split = { RL_RND_TEST_BLOCK_BYTES: '5000' } // one segment per message: a rollout is two messages
    const L1 = learner(server.url, dir, ['--max_iterations', '4', '--no_resume'], { RL_RND_TEST_LEARNER_DIE_BEFORE_ACK: '2' })
    await L1.waitFor(/Published weights version 0/)
    const A1 = actor(server.url, 1, [], split)
    await A1.waitFor(/Published block a1\.\w+\.0\.0 /)
    A1.kill() // mid-rollout: its second part is likely not sent (either way, each message is whole and stored once)
    const A0 = actor(server.url, 0, [], split)
    await L1.exit
    assert.match(L1.out, /Saved snapshot .*iter_000002/)
    assert.not.match(L1.out, /Published weights version 2/, 'killed before the acks and the publish')
    const L2 = learner(server.url, dir, ['--max_iterations', '4'])
    await exited(L2, 'restarted learner')
    await exited(A0, 'actor 0')
    assert.match(L2.out, /Resumed from snapshot .*iter_000002/)
    const skipped = [...L2.out.matchAll(/Skipped stream message (\d+): its block was used by an earlier iteration/g)].map((m) => Number(m[1]))
    const it2 = jsonLines(path.join(experiment(dir), 'blocks.jsonl')).find((r) => r.iteration === 2)
    assert.equal(skipped.sort(), it2.used.map((u: { seq: number }) => u.seq).sort(), "iteration 2's blocks, delivered again, are skipped")
    const n = await accountFor(server.url, dir, L1.out + L2.out, [A0.out, A1.out])
    assert.is(n, 4 * 2, 'four iterations of two one-segment blocks')
  })

  test("--int_reward_norm forward_filter: a learner and an actor finish; an actor started before the next run's learner waits for it instead of stopping at the finished run's done", async () => {
    const FF = ['--int_reward_norm', 'forward_filter'],
      dir = tmpDir('nats-ff'),
      dir2 = tmpDir('nats-ff2')
    const L1 = learner(server.url, dir, ['--max_iterations', '2', '--no_resume', ...FF])
    await L1.waitFor(/Published weights version 0/)
    const A1 = actor(server.url, 0, FF)
    await exited(L1, 'learner')
    await exited(A1, 'actor')
    assert.match(L1.out, /Args: .*--int_reward_norm forward_filter/)
    assert.not.match(L1.out, /Rejected|Dropped/)
    const ms = jsonLines(path.join(experiment(dir), 'metrics.jsonl'))
    assert.is(ms.length, 2)
    for (const m of ms) assert.ok(m.intrinsic_return_std > 0 && Number.isFinite(m.intrinsic_return_std), `intrinsic_return_std ${m.intrinsic_return_std}`)
    // the status now says run 1 is done; an actor started before run 2's learner must wait for it, then act for it
    const A2 = actor(server.url, 1, FF)
    await A2.waitFor(/The status is a finished run's \(\w+, weights version 2\); waiting for a learner/)
    const L2 = learner(server.url, dir2, ['--max_iterations', '1', '--no_resume', ...FF])
    await exited(L2, 'learner of run 2')
    await exited(A2, 'actor of run 2')
    const run2 = L2.out.match(/; run (\w+)/)?.[1]
    assert.ok(run2 && run2 !== L1.out.match(/; run (\w+)/)?.[1], 'a new run id')
    assert.match(A2.out, new RegExp(`Loaded weights version 0 \\(run ${run2}\\)`))
    assert.match(A2.out, /Published block a1\./)
    assert.is(jsonLines(path.join(experiment(dir2), 'metrics.jsonl')).length, 1)
  })

  test('the NATS server killed and restarted mid-run: learner and actor reconnect and finish', async () => {
    const dir = tmpDir('nats-restart')
    const L = learner(server.url, dir, ['--max_iterations', '5', '--no_resume'])
    await L.waitFor(/Published weights version 0/)
    const A = actor(server.url, 0)
    await L.waitFor(/Saved snapshot .*iter_000002/)
    await server.stop('SIGKILL')
    await new Promise((r) => setTimeout(r, 1500))
    await server.start()
    await exited(L, 'learner')
    await exited(A, 'actor')
    for (const p of [L, A]) {
      assert.match(p.out, /NATS: disconnected from/)
      assert.match(p.out, /NATS: reconnected to/)
    }
    assert.is(jsonLines(path.join(experiment(dir), 'metrics.jsonl')).length, 5)
    assert.is(await accountFor(server.url, dir, L.out, [A.out], true), 5)
  })
}

test.run()
