// `npm run learn:pixelcopter [-- --flag value ...]`: does it learn? Trains PixelCopter-v0 with the CPU-friendly
// configuration of rl/learn_config.ts (any train flag given on the command line overrides it), logging as
// `rl-rnd train` does, then prints the iteration curve (table + sparkline) and writes avg_cum_rwd.png.
// It resumes like `rl-rnd train` (experiment "learn_pixelcopter" unless overridden); add --no_resume to start over.
import { Command } from 'commander'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { LEARN_PIXELCOPTER } from '../rl/learn_config.ts'
import { addTrainOptions, argsFromOptions, argsToArgv, badInput, exitOnBadInput } from '../cli/args_cli.ts'
import { train } from '../cli/train.ts'
import { readCurve, renderPng, summary } from '../cli/graph.ts'
import { runMain } from '../cli/program.ts'

// config flags first, the user's after them (commander keeps the last value of a repeated option)
process.exitCode = await runMain(async () => {
  const base = argsToArgv(LEARN_PIXELCOPTER)
  const cmd = exitOnBadInput(addTrainOptions(new Command('learn:pixelcopter')))
  cmd.parse([...base, ...process.argv.slice(2)], { from: 'user' })
  const cli = argsFromOptions(cmd.opts(), cmd)
  if ('error' in cli) badInput(cli.error)
  try {
    await train(cli)
  } finally {
    const { points } = readCurve(cli.experimentDir)
    if (points.length) {
      console.log('\niteration  avg cum rwd    std      min      max')
      for (const p of points) {
        const col = (x: number, w: number) => x.toFixed(2).padStart(w)
        console.log(
          `${String(p.iteration).padStart(9)}  ${col(p.mean, 11)}  ${col(p.std, 7)}  ` + `${p.min.toFixed(2).padStart(7)}  ${p.max.toFixed(2).padStart(7)}`,
        )
      }
      console.log(summary(points))
      const png = path.join(cli.experimentDir, 'avg_cum_rwd.png')
      fs.writeFileSync(png, renderPng(points, `${cli.args.game} ${cli.args.experiment_name}: avg cum rwd per iteration`))
      console.log(`wrote ${png}`)
    }
  }
})
