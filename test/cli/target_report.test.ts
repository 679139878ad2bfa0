// cli/target_report.ts: issue #14's measure over metrics.jsonl records written by hand (the first iteration at the
// target, its wall time, how the iterations after it held), its one-line report, and the chart of several runs.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { pooledMeans, renderRuns, reportLine, targetReport } from '../../cli/target_report.ts'

const test = suite('cli/target_report')
const rec = (iteration: number, mean: number | null, wall: number, episodes: number) => ({ iteration, return_ext_mean: mean, wall_seconds: wall, episodes })
// iteration 3 first reaches 100 (at 90 s); after it 80, null (no episode ended), 120, then 60 beyond a window of 3
const RUN = [rec(1, 10, 30, 40), rec(2, 99.9, 60, 10), rec(3, 100, 90, 10), rec(4, 80, 120, 20), rec(5, null, 150, 0), rec(6, 120, 180, 30), rec(7, 60, 210, 5)]
// pooled over >= 32 episodes, back from each iteration: 10 (40 episodes); (999 + 400) / 50; (1000 + 999 + 400) / 60;
// (1600 + 1000 + 999) / 40; the same past the empty iteration 5; (3600 + 1600) / 50 = 104; (300 + 3600) / 35
const POOLED = [10, 1399 / 50, 2399 / 60, 3599 / 40, 3599 / 40, 104, 3900 / 35]

test('targetReport: first iteration at the target, its wall time, the mean and min of the next N (null left out), the best', () => {
  assert.equal(targetReport(RUN, 100, 3), {
    iteration: 3,
    seconds: 90,
    afterMean: 100, // (80 + 120) / 2
    afterCount: 2,
    afterMin: 80,
    best: 120,
    bestIteration: 6,
    pooledIteration: 6,
    pooledSeconds: 180,
    pooledBest: 3900 / 35,
    pooledBestIteration: 7,
  })
  assert.equal(targetReport(RUN, 100, 4).afterMean, (80 + 120 + 60) / 3)
  const never = targetReport(RUN, 200, 20)
  assert.equal([never.iteration, never.seconds, never.afterMean, never.afterCount, never.best], [null, null, null, 0, 120])
})

test('pooledMeans: the mean of the last >= N episodes, episode-weighted, empty iterations skipped; null before N', () => {
  const got = pooledMeans(RUN, 32)
  got.forEach((m, i) => assert.ok(Math.abs((m as number) - POOLED[i]) < 1e-12, `iteration ${i + 1}: ${m} != ${POOLED[i]}`))
  assert.equal(pooledMeans(RUN, 41).slice(0, 2), [null, 1399 / 50])
})

test('reportLine: reached (with a short window), not reached', () => {
  assert.is(
    reportLine(targetReport(RUN, 100, 20), 100, 20),
    'reached 100 at iteration 3 after 1.5 min; the next 3 (of 20) iterations averaged 86.7 (lowest 60.0); best iteration mean 120.0 (iteration 6); ' +
      'pooled over the last >= 32 episodes: reached 100 at iteration 6 after 3.0 min, best 111.4 (iteration 7)',
  )
  assert.is(
    reportLine(targetReport(RUN, 200, 20), 200, 20),
    'did not reach 200; best iteration mean 120.0 (iteration 6); pooled over the last >= 32 episodes: did not reach 200, best 111.4 (iteration 7)',
  )
})

test('renderRuns: a PNG and an SVG naming each run', () => {
  const runs = [
    { label: 'seed1', records: RUN },
    { label: 'seed2', records: RUN.slice(0, 3) },
  ]
  const png = renderRuns('png', runs, 100, 'curves') as Buffer
  assert.equal([...png.subarray(1, 4)], [...Buffer.from('PNG')])
  const svg = renderRuns('svg', runs, 100, 'curves') as string
  assert.ok(svg.startsWith('<svg') && svg.includes('seed2') && svg.includes('target 100'), svg.slice(0, 80))
})

test.run()
