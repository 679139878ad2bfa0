// commander <-> rl Args: one option per flag of rl/args.ts FLAGS under the seed's exact snake_case name, with its doc
// line and default from there. Boolean seed flags are presence flags (argparse store_true). `--model [dir]` takes an
// optional directory (default: the experiment directory). `--gpu N` maps onto --backend when --backend is not given:
// N >= 0 -> webgpu, N < 0 -> wasm (the seed's CPU). Bad input exits 2 with one line (see exitOnBadInput).
import { type Command, InvalidArgumentError, Option } from 'commander'
import * as path from 'node:path'
import { DEFAULT_ARGS, FLAGS, FLAG_NAMES, flagFromText, validateArgs, type Args, type Flag } from '../rl/args.ts'
import { CONFIGS, CONFIG_NAMES } from '../rl/configs.ts'
import { oneLine } from './errors.ts'

export { badInput, EXIT_BAD_INPUT } from './errors.ts'

/**
 * commander's own errors (unknown option, stray argument, missing value, not a number) on one line (its "Did you
 * mean" hint joins the line), no help page, thrown to cli/program.ts: exit 2; --help and --version exit 0.
 */
export function exitOnBadInput(cmd: Command): Command {
  return cmd
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ outputError: (s, write) => write(`${oneLine(s)}\n`) })
}

/** Add every training flag of rl/args.ts FLAGS to `cmd`, with its doc line and default. */
export function addTrainOptions(cmd: Command): Command {
  cmd.addOption(new Option('--config <name>', `A named configuration applied over the defaults, under the flags given here: ${CONFIG_NAMES.join(', ')}`))
  for (const key of FLAG_NAMES) {
    const f: Flag<unknown> = FLAGS[key]
    if (f.kind === 'bool') {
      cmd.addOption(new Option(f.metavar ? `--${key} [${f.metavar}]` : `--${key}`, f.doc))
      // --no-<flag> turns off what a --config turns on
      if (!f.metavar) cmd.addOption(new Option(`--no-${key}`, `Turn --${key} off (where a --config turns it on)`))
      continue
    }
    const isNumber = f.kind === 'int' || f.kind === 'number'
    const opt = new Option(`--${key} <${f.metavar ?? (isNumber ? 'n' : 'value')}>`, f.doc).default(f.default)
    cmd.addOption(
      isNumber
        ? opt.argParser((v: string) => {
            const n = flagFromText(key, v)
            if (n === null) throw new InvalidArgumentError('not a number.')
            return n
          })
        : opt,
    )
  }
  return cmd
}

export interface TrainCli {
  args: Args
  /** where --model reads value.model/policy.model, or null without --model */
  modelDir: string | null
  /** data_dir/game/experiment_name */
  experimentDir: string
}

/** The experiment directory, as the seed: data_dir/game/experiment_name. */
export function experimentDir(a: Pick<Args, 'data_dir' | 'game' | 'experiment_name'>): string {
  return path.join(a.data_dir, a.game, a.experiment_name)
}

/** Options parsed by commander -> Args; returns an error line instead of args on bad input. */
export function argsFromOptions(opts: Record<string, unknown>, cmd?: Command): TrainCli | { error: string } {
  const name = opts.config as string | undefined
  if (name !== undefined && !Object.hasOwn(CONFIGS, name)) return { error: `unknown --config '${name}'; available: ${CONFIG_NAMES.join(', ')}` }
  const config = name === undefined ? {} : CONFIGS[name]
  const args: Args = { ...DEFAULT_ARGS, ...config }
  for (const key of FLAG_NAMES) {
    const v = opts[key]
    // under --config, a flag overrides the configuration only when given on the command line (not its default)
    const given = cmd ? cmd.getOptionValueSource(key) === 'cli' : v !== undefined
    if (Object.hasOwn(config, key) && !given) continue
    if (FLAGS[key].kind === 'bool')
      (args as Record<string, unknown>)[key] = v !== undefined && v !== false // `--model DIR` too
    else if (v !== undefined) (args as Record<string, unknown>)[key] = v
  }
  const model = opts.model
  if (model === '') return { error: '--model needs a directory, not an empty string (--model alone: the experiment directory)' }
  const backendGiven = cmd ? cmd.getOptionValueSource('backend') === 'cli' : opts.backend !== undefined
  const gpuGiven = cmd ? cmd.getOptionValueSource('gpu') === 'cli' : opts.gpu !== undefined
  if (!backendGiven && gpuGiven) args.backend = args.gpu >= 0 ? 'webgpu' : 'wasm'
  const bad = validateArgs(args)
  if (bad) return { error: bad }
  const dir = experimentDir(args)
  return { args, modelDir: args.model ? (typeof model === 'string' ? model : dir) : null, experimentDir: dir }
}

/** The flags (all of them, or those given) as the seed would be given them (for the JSON state and the log). */
export function argsToArgv(a: Partial<Args>): string[] {
  const out: string[] = []
  for (const key of FLAG_NAMES) {
    const v = a[key]
    if (typeof v === 'boolean') {
      if (v) out.push(`--${key}`)
    } else if (v !== '' && v !== undefined) out.push(`--${key}`, String(v))
  }
  return out
}
