// cli/log.ts: the per-iteration line exactly as the seed printed it, parsed the way its graph.py splits it
// (line.split(':') fields 4..7, each cut at ','); metrics.jsonl append/truncate; the graph's inputs and summary.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { Logger, MetricsWriter, doneCollectingMessage, f2, parseAvgLine, pyNow, readMetrics, returnStats } from '../../cli/log.ts'
import { readCurve, sparkline, summary, renderPng } from '../../cli/graph.ts'
import { niceTicks } from '../../cli/plot.ts'

const test = suite('cli/log')

/** graph.py, transcribed: fields = line.split(":"); float(fields[4].split(",")[0]) ... float(fields[7]) */
function graphPy(line: string): number[] {
  const fields = line.trimEnd().split(':')
  const upToComma = (f: string) => Number(f.split(',')[0])
  return [upToComma(fields[4]), upToComma(fields[5]), upToComma(fields[6]), Number(fields[7])]
}

test('pyNow looks like str(datetime.now())', () => {
  assert.is(pyNow(new Date(2019, 3, 13, 9, 5, 7, 42)), '2019-04-13 09:05:07.042000')
})

test("the 'avg cum rwd' line is the seed's, and graph.py's split reads it back", () => {
  const s = returnStats([1, 2, -3, 4.5])
  const msg = doneCollectingMessage(128, 7, 0, s)
  assert.is(msg, '> Done collecting 128 rollouts for iteration 7, epsilon_greedy: 0.00, ' + 'avg cum rwd: 1.12, std: 2.70, min: -3.00, max: 4.50')
  const lines: string[] = []
  const logger = new Logger(null, (l) => lines.push(l))
  logger.log(msg)
  assert.match(lines[0], /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6} \[rl_rnd\] > Done collecting/)
  assert.equal(graphPy(lines[0]), [1.12, 2.7, -3, 4.5])
  assert.equal(parseAvgLine(lines[0]), { mean: 1.12, std: 2.7, min: -3, max: 4.5 })
  assert.is(parseAvgLine('2019-04-13 09:05:07.042000 [rl_rnd] Starting'), null)
})

test('returnStats is numpy mean/std(ddof=0)/min/max; f2 is {:.2f}', () => {
  const s = returnStats([-5, -5, -3, -1])
  assert.is(s.mean, -3.5)
  assert.ok(Math.abs(s.std - Math.sqrt((2.25 + 2.25 + 0.25 + 6.25) / 4)) < 1e-12)
  assert.equal([s.min, s.max], [-5, -1])
  assert.equal(
    [f2(NaN), f2(Infinity), f2(-0.004), f2(12), f2(1.125), f2(1.375), f2(-0.625), f2(2.5)],
    ['nan', 'inf', '-0.00', '12.00', '1.12', '1.38', '-0.62', '2.50'],
  )
})

test('Logger appends to log.txt; metrics.jsonl appends, truncates after a resume point, skips cut lines', () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'rlrnd-log-'))
  const logger = new Logger(path.join(d, 'log.txt'), () => {})
  logger.log(doneCollectingMessage(4, 1, 0, returnStats([1, 3])))
  logger.close()
  const m = new MetricsWriter(d)
  const rec = (i: number) => ({ iteration: i, return_ext_mean: i, return_ext_std: 1, return_ext_min: i - 1, return_ext_max: i + 1 }) as any
  for (let i = 1; i <= 4; i++) m.append(rec(i))
  fs.appendFileSync(m.file, '{"iteration": 5, "ret')
  assert.equal(
    readMetrics(m.file).map((r) => r.iteration),
    [1, 2, 3, 4],
  )
  m.truncateAfter(2)
  assert.equal(
    readMetrics(m.file).map((r) => r.iteration),
    [1, 2],
  )
  // graph reads metrics.jsonl first, log.txt as the fallback
  assert.equal(
    readCurve(d).points.map((p) => p.mean),
    [1, 2],
  )
  fs.rmSync(m.file)
  const c = readCurve(d)
  assert.equal(c.points, [{ iteration: 1, mean: 2, std: 1, min: 1, max: 3 }])
  assert.match(c.source, /log\.txt$/)
})

test('graph: sparkline, summary, ticks, PNG', () => {
  assert.is(sparkline([0, 1, 2, 3, 4, 5, 6, 7]), '▁▂▃▄▅▆▇█')
  assert.is(
    sparkline(
      Array.from({ length: 120 }, (_, i) => i),
      60,
    ).length,
    60,
  )
  const two = [
    { iteration: 1, mean: 1, std: 0, min: 0, max: 2 },
    { iteration: 2, mean: 3, std: 0, min: 2, max: 5 },
  ]
  assert.match(summary(two), /best 3\.00 at iteration 2/)
  assert.equal(niceTicks(-4.2, 13.7), [0, 5, 10])
  assert.equal(niceTicks(0.5, 3.2, 6), [0.5, 1, 1.5, 2, 2.5, 3])
  const png = renderPng([{ iteration: 1, mean: 1, std: 0.5, min: 0, max: 2 }], 'one point')
  assert.equal([...png.subarray(1, 4)], [80, 78, 71]) // "PNG"
})

test.run()
