// The arithmetic behind `explore` and `visits`, on hand-worked numbers: the budget cut, linear interpolation, curves
// over seeds on a common frame grid (mean, min, max where runs cover the frame), the per-run summary, the axis and
// duration formats, evenly spaced iterations, the colour scales (viridis's ends are matplotlib's), and which
// command lines train a given run folder.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { bandOver, fmtDuration, frameGrid, interpolate, runRefs, summarize, withinBudget } from '../../cli/explore_runs.ts'
import { fmtCount } from '../../cli/plot.ts'
import { evenlySpaced } from '../../cli/visits.ts'
import { flagValue, isAlive, trainingProcesses, trainsRun } from '../../cli/train_processes.ts'
import { UNVISITED, cellColors, viridis, visitScales } from '../../rl/visit_colors.ts'
import { tmpDir } from './run.ts'

const test = suite('cli/explore_runs')
const rec = (iteration: number, total_env_steps: number, success_rate: number | null, return_ext_mean: number | null, wall_seconds = iteration) => ({
  iteration,
  total_env_steps,
  success_rate,
  return_ext_mean,
  wall_seconds,
})

test('withinBudget keeps records up to the first at or past the budget', () => {
  const rs = [rec(1, 300, 0, 0), rec(2, 600, 0, 0), rec(3, 900, 0, 0), rec(4, 1200, 0, 0)]
  assert.equal(
    withinBudget(rs, 600).map((r) => r.iteration),
    [1, 2],
  )
  assert.equal(
    withinBudget(rs, 700).map((r) => r.iteration),
    [1, 2, 3],
  )
  assert.equal(
    withinBudget(rs, 5000).map((r) => r.iteration),
    [1, 2, 3, 4],
  )
})

test('interpolate: linear inside a run, null outside it', () => {
  const s = { x: [100, 300, 700], y: [0, 1, 0.5] }
  assert.is(interpolate(s, 100), 0)
  assert.is(interpolate(s, 200), 0.5)
  assert.is(interpolate(s, 300), 1)
  assert.is(interpolate(s, 400), 0.875) // 1 + (0.5 - 1) * 100 / 400
  assert.is(interpolate(s, 700), 0.5)
  assert.is(interpolate(s, 99), null)
  assert.is(interpolate(s, 701), null)
  assert.is(interpolate({ x: [], y: [] }, 0), null)
})

test('bandOver: mean, min, max over the runs that cover each frame', () => {
  const a = { x: [0, 100], y: [0, 1] },
    b = { x: [0, 50], y: [1, 0] }
  const band = bandOver([a, b], [0, 50, 100])
  assert.equal(band.k, [2, 2, 1])
  assert.equal(band.mean, [0.5, 0.25, 1]) // (0 + 1) / 2, (0.5 + 0) / 2, a alone
  assert.equal(band.min, [0, 0, 1])
  assert.equal(band.max, [1, 0.5, 1])
  assert.equal(bandOver([a], [200]).mean, [null])
  assert.equal(frameGrid(0, 100, 5), [0, 25, 50, 75, 100])
  assert.equal(frameGrid(7, 7), [7])
})

test('summarize: the last iteration, the first solved frame, the status against the budget', () => {
  const [ref] = runRefs('/d/G', 1)
  assert.is(ref.name, 'explore_rnd_seed1')
  assert.is(ref.dir, path.join('/d/G', 'explore_rnd_seed1'))
  const rs = [rec(1, 300, 0.2, 0.1, 5), rec(2, 600, 0.95, 0.7, 9), rec(3, 900, null, null, 12.5)]
  assert.equal(summarize(ref, rs, 900), {
    agent: 'rnd',
    seed: 1,
    name: 'explore_rnd_seed1',
    status: 'done',
    iterations: 3,
    frames: 900,
    last_success_rate: null,
    last_return_mean: null,
    first_frame_solved: 600,
    wall_seconds: 12.5,
  })
  assert.is(summarize(ref, rs.slice(0, 1), 900).status, 'partial')
  assert.is(summarize(ref, rs.slice(0, 1), 900).first_frame_solved, null)
  assert.is(summarize(ref, [], 900).status, 'missing')
  assert.equal(
    runRefs('/d', 2).map((r) => r.name),
    ['explore_rnd_seed1', 'explore_ppo_seed1', 'explore_rnd_seed2', 'explore_ppo_seed2'],
  )
})

test('formats: counts on axes, durations; evenly spaced iterations', () => {
  assert.equal([0, 750, 1500, 20000, 2_500_000, 1e7].map(fmtCount), ['0', '750', '1.5k', '20k', '2.5M', '10M'])
  assert.equal([0, 59.6, 3661, 36000].map(fmtDuration), ['0:00:00', '0:01:00', '1:01:01', '10:00:00'])
  assert.is(fmtDuration(null), '-')
  assert.equal(evenlySpaced([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), [1, 4, 7, 10]) // round(k * 9 / 3)
  assert.equal(evenlySpaced([1, 2, 3]), [1, 2, 3])
})

test('colour scales: viridis ends as matplotlib, log visit scale, unvisited grey', () => {
  assert.equal(viridis(0), [68, 1, 84]) // matplotlib _viridis_data[0] * 255
  assert.equal(viridis(1), [253, 231, 37]) // _viridis_data[255] * 255
  assert.equal(viridis(0.5), [33, 145, 140]) // _viridis_data[128]
  assert.equal(viridis(2), viridis(1))
  const r = { width: 3, height: 1, visits: [0, 1, 99], intrinsic_mean: [null, 0.5, 0.1] }
  const sc = visitScales([r])
  assert.equal(sc, { maxVisits: 99, intLo: 0.1, intHi: 0.5 })
  assert.equal(cellColors(r, 0, sc), { visits: UNVISITED, intrinsic: UNVISITED })
  assert.equal(cellColors(r, 2, sc), { visits: viridis(1), intrinsic: viridis(0) })
  // one visit of 99 on the log scale: log(2) / log(100) = 0.1505
  assert.equal(cellColors(r, 1, sc), { visits: viridis(Math.log(2) / Math.log(100)), intrinsic: viridis(1) })
  // intrinsic on a log scale: 0.2 between 0.1 and 0.4 sits halfway; 0 (possible, never seen) at the bottom
  const q = { width: 3, height: 1, visits: [1, 1, 1], intrinsic_mean: [0.1, 0.2, 0.4] }
  assert.equal(cellColors(q, 1, visitScales([q])).intrinsic, [33, 145, 140]) // viridis(0.5) = _viridis_data[128]
  assert.equal(visitScales([{ ...q, intrinsic_mean: [0, 0.1, 0.4] }]), { maxVisits: 1, intLo: 0.1, intHi: 0.4 })
})

test('which command lines train a run folder', async () => {
  assert.is(flagValue(['train', '--game', 'A', '--game=B'], '--game'), 'B')
  const argv = ['node', 'cli/bin.js', 'train', '--config', 'minigrid_doorkey', '--data_dir', 'runs', '--experiment_name', 'x']
  assert.ok(trainsRun(argv, '/w', '/w/runs/MiniGrid-DoorKey-8x8-v0/x'), 'the game from a known config')
  assert.not.ok(trainsRun(argv, '/w', '/w/runs/MiniGrid-DoorKey-8x8-v0/y'))
  assert.not.ok(trainsRun(argv, '/v', '/w/runs/MiniGrid-DoorKey-8x8-v0/x'), 'data_dir relative to its cwd')
  assert.ok(trainsRun([...argv.slice(0, 4), 'not_ours', ...argv.slice(5)], '/w', '/w/runs/AnyGame/x'), 'an unknown config: data_dir and name decide')
  assert.not.ok(trainsRun(['node', 'cli/bin.js', 'graph', '--data_dir', 'runs', '--experiment_name', 'x'], '/w', '/w/runs/PixelCopter-v0/x'))
  // a live process whose command line trains dir/G/explore_rnd_seed1
  const dir = tmpDir('procs')
  const child = spawn(
    process.execPath,
    ['-e', 'setTimeout(() => {}, 30000)', 'train', '--data_dir', 'rel', '--game', 'G', '--experiment_name', 'explore_rnd_seed1'],
    { cwd: dir, stdio: 'ignore' },
  )
  try {
    await new Promise((ok) => setTimeout(ok, 200))
    if (fs.existsSync('/proc')) {
      assert.equal(trainingProcesses(path.join(dir, 'rel', 'G', 'explore_rnd_seed1')), [child.pid])
      assert.equal(trainingProcesses(path.join(dir, 'rel', 'G', 'explore_ppo_seed1')), [])
      assert.equal(trainingProcesses(path.join(dir, 'rel', 'G', 'explore_rnd_seed1'), new Set([child.pid!])), [])
    }
    assert.ok(isAlive(child.pid!))
  } finally {
    child.kill('SIGKILL')
  }
  await new Promise((ok) => child.on('exit', ok))
  assert.not.ok(isAlive(child.pid!))
})

test.run()
