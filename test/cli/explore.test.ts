// `rl-rnd explore` and `rl-rnd visits` end to end on MultiRoom-N2-S4 with tiny networks: both agents trained to the
// frame budget (train stops there), the table and JSON equal to what the runs' metrics.jsonl say (recomputed here),
// the figure's size, a second call skipping finished runs, --plot_only; a run another process trains is waited
// for and then resumed here; SIGTERM stops the children, which keep their snapshots, and the same command resumes;
// the heat map's cells in the colours of visits.jsonl; bad input exits 2 with one line.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { spawn, type ChildProcess } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { PNG } from 'pngjs'
import { cli, cliAsync, tmpDir } from './run.ts'

const test = suite('cli/explore')
const GAME = 'MiniGrid-MultiRoom-N2-S4-v0'
const TINY_MG =
  '--num_envs 4 --num_steps 64 --z_dim 8 --final_hidden_dim 16 --rnd_output_dim 8 --minibatches 2 ' +
  '--sequence_length 16 --epochs_per_iteration 1 --initial_normalization_num_trials 2'
const BUDGET = 1200
const data = tmpDir('explore')
const gameDir = path.join(data, GAME)
const explore = (extra: string[] = [], dir = data) => [
  'explore',
  '--config',
  'minigrid_multiroom_n2s4',
  '--seeds',
  '1',
  '--parallel',
  '2',
  '--data_dir',
  dir,
  '--train_args',
  TINY_MG,
  ...extra,
]
const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms))
const jsonl = (f: string) =>
  fs
    .readFileSync(f, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
const pngSize = (f: string) => {
  const p = PNG.sync.read(fs.readFileSync(f))
  return [p.width, p.height]
}

test("explore trains rnd and ppo to the budget; table and JSON equal the runs' metrics; figure sizes", () => {
  const r = cli(explore(['--frames', String(BUDGET)]), {}, 120_000)
  assert.is(r.status, 0, r.stderr + r.stdout)
  for (const agent of ['rnd', 'ppo']) {
    const dir = path.join(gameDir, `explore_${agent}_seed1`)
    assert.match(r.stdout, new RegExp(`started explore_${agent}_seed1 \\(pid \\d+\\)`))
    assert.match(r.stdout, new RegExp(`finished explore_${agent}_seed1: \\d+ frames`))
    const m = jsonl(path.join(dir, 'metrics.jsonl'))
    // train stopped at the first iteration that reached the budget
    assert.ok(m.at(-1).total_env_steps >= BUDGET && m.at(-2).total_env_steps < BUDGET, `stopped at the budget: ${m.map((x) => x.total_env_steps)}`)
    const args = fs
      .readFileSync(path.join(dir, 'log.txt'), 'utf8')
      .split('\n')
      .find((l) => l.includes('[rl_rnd] Args: '))!
    assert.ok(args.includes(`--intrinsic_coefficient ${agent === 'ppo' ? 0 : 1} `), args)
    assert.ok(args.includes(' --rng_seed 1 ') && args.includes(` --max_frames ${BUDGET} `) && args.includes(' --threads 1 '), args)
    assert.ok(args.includes(' --num_steps 64 ') && args.includes(' --num_envs 4 '), 'train_args passed through')
    assert.ok(fs.readFileSync(path.join(dir, 'explore.log'), 'utf8').includes('Reached --max_frames'))
  }
  const table = JSON.parse(fs.readFileSync(path.join(gameDir, 'explore.json'), 'utf8'))
  assert.equal([table.game, table.config, table.budget, table.seeds], [GAME, 'minigrid_multiroom_n2s4', BUDGET, 1])
  const md = fs.readFileSync(path.join(gameDir, 'explore.md'), 'utf8')
  for (const row of table.runs) {
    const m = jsonl(path.join(gameDir, row.name, 'metrics.jsonl')),
      last = m.at(-1)
    const solved = m.find((x) => x.success_rate !== null && x.success_rate >= 0.9)
    assert.equal(row, {
      agent: row.name.split('_')[1],
      seed: 1,
      name: row.name,
      status: 'done',
      iterations: m.length,
      frames: last.total_env_steps,
      last_success_rate: last.success_rate,
      last_return_mean: last.return_ext_mean,
      first_frame_solved: solved ? solved.total_env_steps : null,
      wall_seconds: last.wall_seconds,
    })
    const f3 = (v: number | null) => (v === null ? '-' : v.toFixed(3))
    const wall = Math.round(last.wall_seconds)
    const hms = `${Math.floor(wall / 3600)}:${String(Math.floor(wall / 60) % 60).padStart(2, '0')}:${String(wall % 60).padStart(2, '0')}`
    assert.ok(
      md.includes(
        `| ${row.agent} | 1 | done | ${last.total_env_steps} | ${m.length} | ${f3(last.success_rate)} | ` +
          `${f3(last.return_ext_mean)} | ${solved ? solved.total_env_steps : '-'} | ${hms} |`,
      ),
      md,
    )
    assert.ok(r.stdout.includes(`| ${row.agent} | 1 | done | ${last.total_env_steps} |`), 'the table on stdout')
  }
  assert.equal(pngSize(path.join(gameDir, 'explore.png')), [960, 760])
  assert.match(fs.readFileSync(path.join(gameDir, 'explore.svg'), 'utf8'), /^<svg [^>]*width="960" height="760"/)
  // the heat map of explore_rnd_seed1: a 25x25 grid at 8 pixels per cell, 4 iterations: 30 + 4 * (200 + 24) + 110 wide,
  // 74 + 2 * (200 + 46) + 10 high
  assert.equal(pngSize(path.join(gameDir, 'explore_visits.png')), [1036, 576])
  assert.match(fs.readFileSync(path.join(gameDir, 'explore_visits.svg'), 'utf8'), /^<svg [^>]*width="1036" height="576"/)
})

test('a second call skips finished runs; --plot_only rewrites the outputs at once', () => {
  const before = fs.readFileSync(path.join(gameDir, 'explore.json'), 'utf8')
  const again = cli(explore(['--frames', String(BUDGET)]))
  assert.is(again.status, 0, again.stderr)
  assert.match(again.stdout, /explore_rnd_seed1: done \(\d+ frames\), skipped/)
  assert.match(again.stdout, /explore_ppo_seed1: done \(\d+ frames\), skipped/)
  assert.not.match(again.stdout, /started /)
  fs.rmSync(path.join(gameDir, 'explore.json'))
  const plot = cli(explore(['--frames', String(BUDGET), '--plot_only']))
  assert.is(plot.status, 0, plot.stderr)
  assert.not.match(plot.stdout, /skipped|started/)
  assert.is(fs.readFileSync(path.join(gameDir, 'explore.json'), 'utf8'), before)
})

test('visits: the heat map cells in the colours of visits.jsonl; SVG; unknown runs and iterations exit 2', () => {
  const exp = path.join(gameDir, 'explore_rnd_seed1'),
    out = path.join(data, 'v.png')
  const r = cli(['visits', '--data_dir', data, '--game', GAME, '--experiment_name', 'explore_rnd_seed1', '--iterations', '2', '--out', out])
  assert.is(r.status, 0, r.stderr)
  assert.match(r.stdout, /drew iterations 2; wrote /)
  const v = jsonl(path.join(exp, 'visits.jsonl')).find((x) => x.iteration === 2)
  const png = PNG.sync.read(fs.readFileSync(out))
  // one column: cells of 8 pixels from (30, 74), the intrinsic row 200 + 46 pixels lower
  const at = (x: number, y: number, row: number) => {
    const i = ((74 + row * 246 + y * 8 + 4) * png.width + 30 + x * 8 + 4) * 4
    return [png.data[i], png.data[i + 1], png.data[i + 2]]
  }
  const cell = (k: number) => [k % v.width, Math.floor(k / v.width)] as const
  const most = v.visits.indexOf(Math.max(...v.visits)),
    never = v.visits.indexOf(0)
  const means = v.intrinsic_mean.map((m: number | null) => m ?? -Infinity),
    top = means.indexOf(Math.max(...means))
  assert.equal(at(...cell(most), 0), [253, 231, 37], 'most visited cell: the top of viridis (matplotlib)')
  assert.equal(at(...cell(top), 1), [253, 231, 37], 'highest mean intrinsic reward: the top of viridis')
  assert.equal(at(...cell(never), 0), [215, 215, 215], 'an unvisited cell: grey')
  assert.equal(at(...cell(never), 1), [215, 215, 215])
  const svg = path.join(data, 'v.svg')
  assert.is(cli(['visits', '--data_dir', data, '--game', GAME, '--experiment_name', 'explore_rnd_seed1', '--out', svg]).status, 0)
  assert.match(fs.readFileSync(svg, 'utf8'), /^<svg /)
  const none = cli(['visits', '--data_dir', data, '--game', GAME, '--experiment_name', 'nope'])
  assert.is(none.status, 2)
  assert.match(none.stderr, /^error: no experiment at .*nope\n$/)
  const it = cli(['visits', '--data_dir', data, '--game', GAME, '--experiment_name', 'explore_rnd_seed1', '--iterations', '999'])
  assert.is(it.status, 2)
  assert.match(it.stderr, /^error: --iterations: no record of iteration 999 \(logged: 1\.\.\d+\)\n$/)
})

test('bad input: one line, exit 2', async () => {
  const cases: [string[], RegExp][] = [
    [['explore', '--config', 'nope'], /^error: unknown --config 'nope'; available: learn_pixelcopter, pixelcopter_100, minigrid_doorkey/],
    [['explore', '--game', 'MiniGrid-Empty-8x8-v0'], /^error: no named config for --game MiniGrid-Empty-8x8-v0; give --config NAME/],
    [['explore', '--config', 'minigrid_doorkey', '--seeds', '0'], /--seeds must be an integer >= 1/],
    [['explore', '--config', 'minigrid_doorkey', '--train_args', '--experiment_name x'], /^error: --train_args may not set --experiment_name/],
    [
      ['explore', '--config', 'minigrid_doorkey', '--train_args', '--no_such_flag 1'],
      /^error: --train_args '--no_such_flag 1': unknown option '--no_such_flag'/,
    ],
    [
      ['explore', '--config', 'minigrid_doorkey', '--train_args', '--num_envs 0'],
      /^error: --train_args '--num_envs 0': --num_envs must be an integer in \[1, 4096\]/,
    ],
    [['explore', '--config', 'minigrid_doorkey', '--plot_only', '--data_dir', tmpDir('empty')], /^error: no explore runs with iterations under /],
  ]
  const runs = cases.map(
    ([args]) =>
      new Promise<{ code: number | null; err: string }>((ok) => {
        const c = cliAsync(args)
        let err = ''
        c.stderr!.on('data', (d) => {
          err += d
        })
        c.on('exit', (code) => ok({ code, err }))
      }),
  )
  const results = await Promise.all(runs)
  results.forEach(({ code, err }, i) => {
    assert.is(code, 2, `${cases[i][0].join(' ')}: exit ${code} ${err}`)
    assert.is(err.trim().split('\n').length, 1, err)
    assert.match(err, cases[i][1])
  })
})

/** Wait until check() holds (polling), or fail saying what was awaited. */
async function until(what: string, check: () => boolean, ms = 60_000): Promise<void> {
  const t0 = Date.now()
  while (!check()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`)
    await sleep(50)
  }
}

test('a run another process trains is waited for; SIGTERM stops the children with their snapshots; the same command resumes', async () => {
  const dir = tmpDir('explore-stop'),
    g = path.join(dir, GAME)
  const snaps = (agent: string) => path.join(g, `explore_${agent}_seed1`, 'snapshots')
  const hasSnapshot = (agent: string) => fs.existsSync(snaps(agent)) && fs.readdirSync(snaps(agent)).some((s) => /^iter_\d+$/.test(s))
  // someone trains explore_ppo_seed1 by hand (a process whose command line says so)
  const other = spawn(
    process.execPath,
    ['-e', 'setTimeout(() => {}, 60000)', 'train', '--data_dir', dir, '--game', GAME, '--experiment_name', 'explore_ppo_seed1'],
    { stdio: 'ignore' },
  )
  let out = ''
  const child: ChildProcess = cliAsync(explore(['--frames', '1000000'], dir))
  child.stdout!.on('data', (d) => {
    out += d
  })
  const exited = new Promise<number | null>((ok) => child.on('exit', (code) => ok(code)))
  try {
    await until('the wait for the other process', () => /explore_ppo_seed1: another process trains it \(pid \d+\); waiting/.test(out))
    assert.ok(out.includes(`pid ${other.pid}`), out)
    await until('a snapshot of explore_rnd_seed1', () => hasSnapshot('rnd'))
    assert.not.ok(fs.existsSync(path.join(g, 'explore_ppo_seed1', 'log.txt')), 'not trained while the other process runs')
    other.kill('SIGKILL')
    await until('explore taking over explore_ppo_seed1', () => /explore_ppo_seed1: the other process ended at 0 frames; resuming it here/.test(out))
    await until('a snapshot of explore_ppo_seed1', () => hasSnapshot('ppo'))
    child.kill('SIGTERM')
    assert.is(await exited, 143, out)
  } finally {
    other.kill('SIGKILL')
    child.kill('SIGKILL')
  }
  assert.match(out, /SIGTERM: stopping 2 run\(s\)/)
  const pids = [...out.matchAll(/started explore_\w+_seed1 \(pid (\d+)\)/g)].map((m) => Number(m[1]))
  assert.is(pids.length, 2)
  await sleep(200)
  for (const pid of pids) assert.throws(() => process.kill(pid, 0), /ESRCH/, `child ${pid} stopped`)
  assert.ok(hasSnapshot('rnd') && hasSnapshot('ppo'), 'snapshots kept')
  // resume: a small budget both runs reach in an iteration or two
  const frames = Math.max(...['rnd', 'ppo'].map((a) => jsonl(path.join(g, `explore_${a}_seed1`, 'metrics.jsonl')).at(-1).total_env_steps))
  const r = cli(explore(['--frames', String(frames + 300)], dir), {}, 120_000)
  assert.is(r.status, 0, r.stderr + r.stdout)
  for (const agent of ['rnd', 'ppo']) {
    assert.match(r.stdout, new RegExp(`explore_${agent}_seed1: resumes at \\d+ frames`))
    assert.match(fs.readFileSync(path.join(g, `explore_${agent}_seed1`, 'explore.log'), 'utf8'), /Resumed from snapshot/)
  }
})

test.run()
