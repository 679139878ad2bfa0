// Distributed training (docs/distributed.md) against local `train`, on one machine: env steps/s of `train`, of a
// learner with 1 actor and with 2 actors (real processes: `node cli/bin.js`, a nats-server -js of our own on a free
// port and a temporary store); the bytes on the wire per env step (the server's /varz in + out, and the blocks
// alone); the CPU seconds per env step of every process (/proc/<pid>/stat utime + stime, sampled from outside at the
// window's edges); the seconds the learner waits for blocks (its metrics' rollout_seconds). From those, the
// estimate for a cluster: one learner core can take 1 / (its CPU per env step) steps/s, one actor core gives
// 1 / (its CPU per env step), so it keeps (actor CPU / learner CPU per step) actors busy, and the wire at that rate.
// The window: iterations WARM+1 .. WARM+RL_BENCH_ITERS (default 8) of each run, after step 0 and the first
// allocations. The config is tiny-ish MiniGrid (CONFIG), wasm, 1 thread per process. Needs nats-server on PATH.
import { spawn, spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { NatsServer, Proc, freePort, hasNatsServer } from '../test/cases/nats_server.ts'

const BIN = fileURLToPath(new URL('../cli/bin.js', import.meta.url))
const GAME = 'MiniGrid-Empty-8x8-v0'
const NUM_STEPS = 128,
  NUM_ENVS = 16
const CONFIG = [
  ...['--game', GAME, '--num_steps', String(NUM_STEPS), '--num_envs', String(NUM_ENVS), '--rnn_hidden_layers', '0', '--z_dim', '64'],
  ...['--initial_normalization_num_trials', '4', '--backend', 'wasm', '--threads', '1', '--disable_progress_bar'],
]
const WARM = 2,
  ITERS = Number(process.env.RL_BENCH_ITERS ?? 8),
  LAST = WARM + ITERS
const TICK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100

/** CPU seconds (user + system) of a live process so far. */
function cpuOf(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ') // fields from the 3rd (state) on
  return (Number(f[11]) + Number(f[12])) / TICK // utime, stime: fields 14 and 15
}

async function varz(monitor: number): Promise<{ in: number; out: number }> {
  const v = (await (await fetch(`http://127.0.0.1:${monitor}/varz`)).json()) as { in_bytes: number; out_bytes: number }
  return { in: v.in_bytes, out: v.out_bytes }
}

const rlrnd = (argv: string[]) => new Proc(spawn(process.execPath, [BIN, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] }))
const snapshotOf = (i: number) => new RegExp(`Saved snapshot \\S*iter_0*${i}\\b`)
const jsonLines = (f: string) =>
  fs
    .readFileSync(f, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l))

interface Result {
  name: string
  stepsPerS: number
  steps: number
  cpu: Record<string, number>
  waitS: number
  wireBytes: number
  blockBytes: number
  weightsBytes: number
}

/** One run: `train` (actors = 0) or a learner and `actors` actors; measured over the iterations WARM+1 .. LAST. */
async function measure(actors: number, server: NatsServer | null, monitor: number): Promise<Result> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rlrnd-bench-dist-'))
  const own = ['--data_dir', dir, '--max_iterations', String(LAST), '--no_resume', '--keep_past_x_snapshots', '1']
  const nats = server ? ['--nats', server.url] : []
  const main = rlrnd([actors ? 'learner' : 'train', ...CONFIG, ...own, ...nats])
  const procs: [string, Proc][] = [[actors ? 'learner' : 'train', main]]
  try {
    if (actors) await main.waitFor(/Published weights version 0/, 120_000)
    for (let i = 0; i < actors; i++) procs.push([`actor ${i}`, rlrnd(['actor', ...CONFIG, ...nats, '--actor_index', String(i), '--data_dir', '/nonexistent'])])
    if (server) procs.push(['nats-server', server.proc!])
    const sample = async () => ({ cpu: procs.map(([, p]) => cpuOf(p.p.pid!)), wire: actors ? await varz(monitor) : { in: 0, out: 0 } })
    await main.waitFor(snapshotOf(WARM), 120_000)
    const a = await sample()
    await main.waitFor(snapshotOf(LAST), 120_000)
    const b = await sample()
    const code = await main.exit
    if (code !== 0) throw new Error(`${procs[0][0]} exit ${code}:\n${main.out.slice(-2000)}`)
    for (const [name, p] of procs.slice(1, 1 + actors)) if ((await p.exit) !== 0) throw new Error(`${name} failed:\n${p.out.slice(-2000)}`)

    const exp = path.join(dir, GAME, 'experiment_1')
    const window = jsonLines(path.join(exp, 'metrics.jsonl')).filter((m) => m.iteration >= WARM && m.iteration <= LAST)
    const steps = window.slice(1).reduce((s, m) => s + m.env_steps, 0)
    const seconds = window[window.length - 1].wall_seconds - window[0].wall_seconds
    const cpu: Record<string, number> = {}
    procs.forEach(([name], i) => (cpu[name] = (b.cpu[i] - a.cpu[i]) / steps))
    let blockBytes = 0,
      weightsBytes = 0
    if (actors) {
      // the bytes of every block the window's iterations used, from the actors' logs
      const sizes = new Map<string, number>()
      for (const [, p] of procs.slice(1, 1 + actors))
        for (const m of p.out.matchAll(/Published block (\S+) \(weights version \d+, (\d+) bytes/g)) sizes.set(m[1], Number(m[2]))
      for (const r of jsonLines(path.join(exp, 'blocks.jsonl')))
        if (r.iteration > WARM && r.iteration <= LAST) for (const u of r.used) blockBytes += sizes.get(u.id) ?? Number.NaN
      weightsBytes = Number(main.out.match(/Published weights version \d+ \((\d+) bytes\)/)?.[1])
    }
    return {
      name: actors ? `learner + ${actors} actor${actors > 1 ? 's' : ''}` : 'local train',
      stepsPerS: steps / seconds,
      steps,
      cpu,
      waitS: window.slice(1).reduce((s, m) => s + m.rollout_seconds, 0) / ITERS,
      wireBytes: (b.wire.in - a.wire.in + b.wire.out - a.wire.out) / steps,
      blockBytes: blockBytes / steps,
      weightsBytes,
    }
  } finally {
    for (const [name, p] of procs) if (name !== 'nats-server' && p.p.exitCode === null) p.kill()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

const us = (s: number) => `${(s * 1e6).toFixed(1)} us`

export async function run({ json }: { json: any[] }): Promise<void> {
  if (!hasNatsServer()) throw new Error('distributed bench: nats-server not found on PATH (apt-get install nats-server)')
  const load = () =>
    os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')
  console.log(
    `\n${os.cpus().length} cores, load average ${load()} at the start. ${GAME}, --num_steps ${NUM_STEPS} --num_envs ${NUM_ENVS}, ` +
      `wasm, 1 thread per process; iterations ${WARM + 1}..${LAST} timed.`,
  )
  console.log(
    `NOTE: ${os.cpus().length} cores cannot show scaling: the learner, the actors and nats-server share them (with whatever else runs here), ` +
      'so the steps/s below compare overheads, not speedups; the cluster estimate comes from the CPU seconds per step.',
  )
  const monitor = await freePort()
  const server = new NatsServer(await freePort(), ['-m', String(monitor)])
  const results: Result[] = []
  try {
    results.push(await measure(0, null, monitor))
    await server.start()
    for (const n of [1, 2]) results.push(await measure(n, server, monitor))
  } finally {
    await server.stop('SIGTERM')
    fs.rmSync(server.store, { recursive: true, force: true })
  }
  console.log(`\n${'run'.padEnd(20)} | env steps/s | learner wait s/iter | wire B/step | blocks B/step | CPU per env step`)
  for (const r of results) {
    const cpu = Object.entries(r.cpu)
      .map(([k, v]) => `${k} ${us(v)}`)
      .join(', ')
    const dist = r.name !== 'local train'
    console.log(
      `${r.name.padEnd(20)} | ${r.stepsPerS.toFixed(0).padStart(11)} | ${(dist ? r.waitS.toFixed(3) : '-').padStart(18)} | ` +
        `${(dist ? r.wireBytes.toFixed(0) : '-').padStart(11)} | ${(dist ? r.blockBytes.toFixed(0) : '-').padStart(13)} | ${cpu}`,
    )
    json.push({
      kernel: 'distributed',
      shape: r.name,
      backend: 'wasm',
      library: 'rl-rnd',
      threads: 1,
      ms: (r.steps / r.stepsPerS / ITERS) * 1000,
      steps_per_s: r.stepsPerS,
    })
  }
  // the estimate, from each distributed run (the 1-actor one is the least contended)
  console.log(`\nCluster estimate: train alone spends ${us(results[0].cpu.train)} CPU per env step.`)
  for (const r of results.slice(1)) {
    const learnerCpu = r.cpu.learner,
      actors = Object.keys(r.cpu).filter((k) => k.startsWith('actor')),
      actorCpu = actors.reduce((s, k) => s + r.cpu[k], 0) // CPU of all actors per learned env step
    const ceiling = 1 / learnerCpu
    console.log(
      `  from the ${r.name} run: the learner spends ${us(learnerCpu)} CPU per env step, the actors ${us(actorCpu)}. One learner core ` +
        `takes at most ${ceiling.toFixed(0)} env steps/s when never waiting; one actor core gives ${(1 / actorCpu).toFixed(0)}; so one ` +
        `learner keeps about ${(actorCpu / learnerCpu).toFixed(2)} single-core actors busy. At that rate the server moves ` +
        `${((r.wireBytes * ceiling) / 1e6).toFixed(2)} MB/s in + out (${r.wireBytes.toFixed(0)} B per env step: each block twice, ` +
        `${r.blockBytes.toFixed(0)} B/step, and weights of ${r.weightsBytes} B per version to each actor).`,
    )
  }
  console.log(`Load average at the end: ${load()}.`)
}

if (import.meta.url === `file://${process.argv[1]}`) await run({ json: [] })
