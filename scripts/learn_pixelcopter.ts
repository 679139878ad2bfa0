// `npm run learn:pixelcopter [-- --flag value ...]`: does it learn? Trains PixelCopter-v0 with the CPU-friendly
// configuration of rl/learn_config.ts (any train flag given on the command line overrides it), logging as
// `rl-rnd train` does, then prints the iteration curve (table + sparkline) and writes avg_cum_rwd.png.
// It resumes like `rl-rnd train` (experiment "learn_pixelcopter" unless overridden); add --no_resume to start over.
import { Command } from 'commander'
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { Args } from '../rl/args.ts'
import { addTrainOptions, argsFromOptions, badInput, exitOnBadInput } from '../cli/args_cli.ts'
import { train } from '../cli/train.ts'
import { readCurve, renderPng, summary } from '../cli/graph.ts'

// Used only until rl/learn_config.ts exists: small conv-only networks, 36x36 frames, 32 episodes per iteration.
const FALLBACK: Partial<Args> = {
  experiment_name: 'learn_pixelcopter', backend: 'wasm', frame_resize: 36, z_dim: 32, rnn_hidden_layers: 0,
  final_hidden_dim: 64, final_hidden_layers: 1, num_trials: 32, num_envs: 32, epochs_per_iteration: 4,
  sequence_length: 32, minibatches: 4, model_policy_lr: 3e-4, model_value_lr: 3e-4, model_rnd_predictor_lr: 3e-4,
  max_iterations: 60, target_cumulative_rewards_extrinsic: 10,
}

async function learnConfig(): Promise<{ config: Partial<Args>; source: string }> {
  const specifier = '../rl/learn_config.ts' // a variable: the file is the rl helper's and may not exist yet
  const mod: any = await import(specifier).catch(() => null)
  const config = mod?.LEARN_CONFIG ?? mod?.PIXELCOPTER_LEARN_CONFIG ?? mod?.learnConfig ?? mod?.default
  if (config && typeof config === 'object') return { config: config.args ?? config, source: 'rl/learn_config.ts' }
  return { config: FALLBACK, source: 'scripts/learn_pixelcopter.ts (fallback: rl/learn_config.ts not found)' }
}

const { config, source } = await learnConfig()
// config flags first, the user's after them (commander keeps the last value of a repeated option)
const base: string[] = []
for (const [k, v] of Object.entries({ game: 'PixelCopter-v0', experiment_name: 'learn_pixelcopter', ...config })) {
  if (typeof v === 'boolean') {
    if (v) base.push(`--${k}`)
  } else if (v !== '' && v !== undefined) {
    base.push(`--${k}`, String(v))
  }
}
const cmd = exitOnBadInput(addTrainOptions(new Command('learn:pixelcopter')))
cmd.parse([...base, ...process.argv.slice(2)], { from: 'user' })
const cli = argsFromOptions(cmd.opts(), cmd)
if ('error' in cli) badInput(cli.error)
console.log(`learn:pixelcopter: configuration from ${source}`)
const code = await train(cli)
const { points } = readCurve(cli.experimentDir)
if (points.length) {
  console.log('\niteration  avg cum rwd    std      min      max')
  for (const p of points) {
    const col = (x: number, w: number) => x.toFixed(2).padStart(w)
    console.log(`${String(p.iteration).padStart(9)}  ${col(p.mean, 11)}  ${col(p.std, 7)}  ` +
      `${p.min.toFixed(2).padStart(7)}  ${p.max.toFixed(2).padStart(7)}`)
  }
  console.log(summary(points))
  const png = path.join(cli.experimentDir, 'avg_cum_rwd.png')
  fs.writeFileSync(png, renderPng(points, `${cli.args.game} ${cli.args.experiment_name}: avg cum rwd per iteration`))
  console.log(`wrote ${png}`)
}
process.exitCode = code
