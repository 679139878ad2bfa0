// `npm run learn:pixelcopter:100 [-- --rng_seed 2 --threads 1 --data_dir D ...]`: issue #14. Trains PixelCopter-v0
// with the configuration of rl/target_config.ts for a wall-clock budget (--max_seconds, default 3600) whatever the
// iterations do (an iteration of fixed-length rollouts holds a few episodes, so one can pass 100 by chance: the run
// goes on; --iterations_after_target N stops it N iterations after the first), then prints the iteration where the
// mean return first reached 100, its wall time, how the 20 following iterations held, the same for the mean of the
// last >= 32 episodes (cli/target_report.ts), and writes avg_cum_rwd.png. Any train flag overrides the
// configuration; the experiment is pixelcopter_100_seed<rng_seed> unless --experiment_name is given. It resumes like
// `rl-rnd train` (add --no_resume to start over).
//   npm run learn:pixelcopter:100 -- --plot DIR,DIR,... --out curves.png   the reports and curves of finished runs
import { Command } from 'commander'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { addTrainOptions, argsFromOptions, badInput, exitOnBadInput } from '../cli/args_cli.ts'
import { train } from '../cli/train.ts'
import { readCurve, readRecords, renderPng, summary } from '../cli/graph.ts'
import { renderRuns, reportLine, targetReport } from '../cli/target_report.ts'
import { runMain } from '../cli/program.ts'

const TARGET = 100
const AFTER = 20

process.exitCode = await runMain(async () => {
  const argv = process.argv.slice(2)
  const plot = argv.indexOf('--plot')
  if (plot >= 0) {
    // --plot DIR,DIR,... [--out FILE] [--after N]
    const opt = (name: string, def: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : def)
    const dirs = (argv[plot + 1] ?? '').split(',').filter(Boolean)
    if (!dirs.length) badInput('--plot needs a comma-separated list of experiment directories')
    const after = Number(opt('--after', String(AFTER))),
      out = opt('--out', 'pixelcopter_100.png')
    const runs = dirs.map((d) => ({ label: path.basename(d), records: readRecords(d).records }))
    for (const r of runs) console.log(`${r.label}: ${reportLine(targetReport(r.records, TARGET, after), TARGET, after)}`)
    fs.writeFileSync(out, renderRuns(out.endsWith('.svg') ? 'svg' : 'png', runs, TARGET, 'PixelCopter-v0 pixelcopter_100: mean return'))
    console.log(`wrote ${out}`)
    return
  }
  const base = ['--config', 'pixelcopter_100', '--max_seconds', '3600', '--iterations_after_target', '1000000000']
  const cmd = exitOnBadInput(addTrainOptions(new Command('learn:pixelcopter:100')))
  cmd.parse([...base, ...argv], { from: 'user' })
  const opts = cmd.opts()
  if (!argv.includes('--experiment_name')) {
    opts.experiment_name = `pixelcopter_100_seed${opts.rng_seed ?? 31337}`
    cmd.setOptionValueWithSource('experiment_name', opts.experiment_name, 'cli')
  }
  const cli = argsFromOptions(cmd.opts(), cmd)
  if ('error' in cli) badInput(cli.error)
  try {
    await train(cli)
  } finally {
    const { points } = readCurve(cli.experimentDir)
    if (points.length) {
      console.log(summary(points))
      console.log(reportLine(targetReport(readRecords(cli.experimentDir).records, TARGET, AFTER), TARGET, AFTER))
      const png = path.join(cli.experimentDir, 'avg_cum_rwd.png')
      fs.writeFileSync(png, renderPng(points, `${cli.args.game} ${cli.args.experiment_name}: avg cum rwd per iteration`))
      console.log(`wrote ${png}`)
    }
  }
})
