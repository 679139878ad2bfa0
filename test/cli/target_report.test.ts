// cli/target_report.ts: issue #14's measure over metrics.jsonl records written by hand (the first iteration at the
// target, its wall time, how the iterations after it held), its one-line report, and the chart of several runs.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { renderRuns, reportLine, targetReport } from '../../cli/target_report.ts'

const test = suite('cli/target_report')
const rec = (iteration: number, mean: number | null, wall: number) => ({ iteration, return_ext_mean: mean, wall_seconds: wall })
// iteration 3 first reaches 100 (at 90 s); after it 80, null (no episode ended), 120, then 60 beyond a window of 3
const RUN = [rec(1, 10, 30), rec(2, 99.9, 60), rec(3, 100, 90), rec(4, 80, 120), rec(5, null, 150), rec(6, 120, 180), rec(7, 60, 210)]

test('targetReport: first iteration at the target, its wall time, the mean and min of the next N (null left out), the best', () => {
  assert.equal(targetReport(RUN, 100, 3), {
    iteration: 3,
    seconds: 90,
    afterMean: 100, // (80 + 120) / 2
    afterCount: 2,
    afterMin: 80,
    best: 120,
    bestIteration: 6,
  })
  assert.equal(targetReport(RUN, 100, 4).afterMean, (80 + 120 + 60) / 3)
  const never = targetReport(RUN, 200, 20)
  assert.equal([never.iteration, never.seconds, never.afterMean, never.afterCount, never.best], [null, null, null, 0, 120])
})

test('reportLine: reached (with a short window), not reached', () => {
  assert.is(
    reportLine(targetReport(RUN, 100, 20), 100, 20),
    'reached 100 at iteration 3 after 1.5 min; the next 3 (of 20) iterations averaged 86.7 (lowest 60.0); best iteration mean 120.0 (iteration 6)',
  )
  assert.is(reportLine(targetReport(RUN, 200, 20), 200, 20), 'did not reach 200; best iteration mean 120.0 (iteration 6)')
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
