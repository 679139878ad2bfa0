// commander <-> rl Args: one option per Args field under the seed's exact snake_case name, with its doc line and
// default from rl/args.ts. Boolean seed flags are presence flags (argparse store_true). `--model [dir]` takes an
// optional directory (default: the experiment directory). `--gpu N` maps onto --backend when --backend is not given:
// N >= 0 -> webgpu, N < 0 -> wasm (the seed's CPU). Bad input exits 2 with one line (see exitOnBadInput).
import { Command, InvalidArgumentError, Option } from 'commander'
import * as path from 'node:path'
import { ARG_DOCS, DEFAULT_ARGS, validateArgs, type Args } from '../rl/args.ts'

export const EXIT_BAD_INPUT = 2

/** Print `error: <msg>` on stderr and exit 2. */
export function badInput(msg: string): never {
  process.stderr.write(`error: ${msg}\n`)
  process.exit(EXIT_BAD_INPUT)
}

function parseNumber(v: string): number {
  const n = v.trim() === '' ? NaN : Number(v)
  if (Number.isNaN(n)) throw new InvalidArgumentError('not a number.')
  return n
}

/** Commander's own errors (unknown option, missing value, not a number) also exit 2, on one line; help exits 0. */
export function exitOnBadInput(cmd: Command): Command {
  return cmd.showHelpAfterError(false).exitOverride((err) => {
    const isHelp = ['commander.helpDisplayed', 'commander.help', 'commander.version'].includes(err.code)
    process.exit(isHelp ? 0 : EXIT_BAD_INPUT)
  })
}

const EXTRA_DOCS: Partial<Record<keyof Args, string>> = {
  data_dir: 'The base data/output directory (the seed used /data/rl_rnd, rarely writable: ours is relative)',
  model: 'Start from the final value.model/policy.model saved when training completed, in DIR ' +
    '(default: the experiment directory)',
  gpu: 'GPU id as in the seed: >= 0 selects --backend webgpu, < 0 (given explicitly) selects wasm, ' +
    'unless --backend is given',
  dnc: 'Differentiable Neural Computer N,W,R,K, e.g. 256,64,4,0 (not available yet)',
  backend: 'Tensor backend: auto (webgpu on a hardware adapter, else wasm), webgpu, wasm or ref',
  rnd_output_dim: 'Output size of the RND target/predictor (the seed: 1; the RND paper: 512)',
  save_gifs: 'Save GIFs of the first N episodes of each iteration (the seed saved one per rollout; 0 = none)',
}

/** Add every training flag to `cmd`. */
export function addTrainOptions(cmd: Command): Command {
  for (const key of Object.keys(DEFAULT_ARGS) as (keyof Args)[]) {
    const def = DEFAULT_ARGS[key]
    const doc = EXTRA_DOCS[key] ?? ARG_DOCS[key]
    let opt: Option
    if (key === 'model') {
      opt = new Option('--model [dir]', doc)
    } else if (typeof def === 'boolean') {
      opt = new Option(`--${key}`, doc)
    } else if (typeof def === 'number') {
      opt = new Option(`--${key} <n>`, doc).argParser(parseNumber).default(def)
    } else {
      opt = new Option(`--${key} <${key === 'dnc' ? 'N,W,R,K' : 'value'}>`, doc).default(def)
    }
    cmd.addOption(opt)
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
  const args = { ...DEFAULT_ARGS } as Args
  for (const key of Object.keys(DEFAULT_ARGS) as (keyof Args)[]) {
    if (key === 'model' || !(key in opts) || opts[key] === undefined) continue
    ;(args as any)[key] = opts[key]
  }
  const model = opts.model
  args.model = model !== undefined && model !== false
  const backendGiven = cmd ? cmd.getOptionValueSource('backend') === 'cli' : opts.backend !== undefined
  const gpuGiven = cmd ? cmd.getOptionValueSource('gpu') === 'cli' : opts.gpu !== undefined
  if (!backendGiven && gpuGiven) args.backend = args.gpu >= 0 ? 'webgpu' : 'wasm'
  if (args.dnc) {
    return { error: `--dnc ${args.dnc}: the DNC core is not available yet (use the LSTM: --rnn_hidden_layers)` }
  }
  const bad = validateArgs(args)
  if (bad) return { error: bad }
  const dir = experimentDir(args)
  return { args, modelDir: args.model ? (typeof model === 'string' ? model : dir) : null, experimentDir: dir }
}

/** The flags as the seed would be given them (for the JSON state and the log). */
export function argsToArgv(a: Args): string[] {
  const out: string[] = []
  for (const key of Object.keys(DEFAULT_ARGS) as (keyof Args)[]) {
    const v = a[key]
    if (typeof v === 'boolean') { if (v) out.push(`--${key}`) } else if (v !== '') out.push(`--${key}`, String(v))
  }
  return out
}
