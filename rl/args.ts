// Every flag of the seed's rl_rnd.py (docs/algorithm.md, Flags; same snake_case names, meanings and defaults), plus a
// few of ours (backend, threads, num_envs, rnd_output_dim, save_gifs, max_iterations), each declared once in FLAGS:
// default (which fixes its type), doc line, allowed values, and whether it changes tensor shapes. Everything else
// is derived from the table: the Args type, DEFAULT_ARGS, NETWORK_FLAGS, validateArgs (one line per bad value),
// flagFromText (the web page's query string), and the command's options (cli/args_cli.ts).
// Adding a flag is one entry here: `name: int(default, 'doc', { min: 1 })` (or num, prob, bool, str, oneOf).
import { listEnvs } from '../env/index.ts'
import type { DncSize } from '../engine/index.ts'

/** What a rule sees of the other flags (typed loosely: Args is derived from the table the rules live in). */
type OtherFlags = Readonly<Record<string, unknown>>

export interface Flag<T> {
  readonly kind: 'int' | 'number' | 'bool' | 'string' | 'choice'
  readonly default: T
  /** the --help line */
  readonly doc: string
  /** null when `v` is a value of this flag, else what is allowed ("an integer >= 1") */
  readonly allowed: (v: unknown, others: OtherFlags) => string | null
  /** the allowed values of a 'choice' flag (a function: the game list comes from env/ at run time) */
  readonly choices?: () => readonly string[]
  /** appended to the error line: why the rule exists */
  readonly why?: string
  /** changes the shapes of the networks or of the saved statistics (snapshots and models must agree on it) */
  readonly network?: boolean
  /** --help placeholder of the value; for a boolean flag, an optional value (`--model [dir]`) */
  readonly metavar?: string
}

interface Opts { why?: string; network?: boolean; metavar?: string }
interface NumOpts extends Opts {
  min?: number
  /** null when allowed given the other flags, else what is allowed */
  rule?: (v: number, others: OtherFlags) => string | null
}

const isInt = (v: unknown): v is number => Number.isInteger(v)
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)

/** An integer flag, >= min when given; `rule` adds a condition on other flags. */
function int(def: number, doc: string, o: NumOpts = {}): Flag<number> {
  const what = o.min === undefined ? 'an integer' : `an integer >= ${o.min}`
  return { kind: 'int', default: def, doc, ...o,
    allowed: (v, a) => (!isInt(v) || (o.min !== undefined && v < o.min) ? what : o.rule?.(v, a) ?? null) }
}

/** A finite number; `above` 0 means > 0, `min` 0 means >= 0. */
function num(def: number, doc: string, o: Opts & { min?: number; above?: number } = {}): Flag<number> {
  const what = o.above !== undefined ? `a number > ${o.above}` : o.min !== undefined ? `a number >= ${o.min}` : 'a finite number'
  const ok = (v: number) => (o.above === undefined || v > o.above) && (o.min === undefined || v >= o.min)
  return { kind: 'number', default: def, doc, ...o, allowed: (v) => (isNum(v) && ok(v) ? null : what) }
}

function prob(def: number, doc: string): Flag<number> {
  return { kind: 'number', default: def, doc, allowed: (v) => (isNum(v) && v >= 0 && v <= 1 ? null : 'a probability in [0, 1]') }
}

/** A presence flag (argparse store_true): false unless given. */
function bool(doc: string, o: Opts = {}): Flag<boolean> {
  return { kind: 'bool', default: false, doc, ...o, allowed: (v) => (typeof v === 'boolean' ? null : 'true or false') }
}

/** A string; `only` restricts it (null when allowed, else what is allowed). */
function str(def: string, doc: string, o: Opts & { only?: (v: string) => string | null } = {}): Flag<string> {
  return { kind: 'string', default: def, doc, ...o, allowed: (v) => (typeof v !== 'string' ? 'a string' : o.only?.(v) ?? null) }
}

/** One of a list of names (errors list them all). */
function oneOf<const C extends string>(choices: () => readonly C[], def: NoInfer<C>, doc: string, o: Opts = {}): Flag<C> {
  return { kind: 'choice', default: def, doc, choices, ...o,
    allowed: (v) => (choices().includes(v as C) ? null : choices().join(', ')) }
}

/** Size after the encoder's three convolutions (8/4, 4/2, 3/1, no padding); <= 0 when the frame is too small. */
export function encoderOutSize(frame: number): number {
  const o1 = Math.floor((frame - 8) / 4) + 1
  const o2 = Math.floor((o1 - 4) / 2) + 1
  return o1 >= 4 ? Math.floor(o2 - 3) + 1 : 0
}
/** The smallest frame the encoder accepts (36). */
const MIN_FRAME = (() => { let f = 1; while (encoderOutSize(f) < 1) f++; return f })()

/** What is wrong with a --dnc value ('' = no DNC), or null; the sizes themselves come from parseDnc. */
function dncProblem(v: string): string | null {
  if (v === '') return null
  const parts = v.split(',')
  const what = 'N,W,R,K: four comma-separated integers (memory slots, word size, read heads, sparse link entries)'
  if (parts.length !== 4) return `${what}, not ${parts.length}`
  const bad = parts.find((p) => !/^\s*[+-]?\d+\s*$/.test(p))
  if (bad !== undefined) return `${what}; '${bad}' is not an integer`
  const [N, W, R, K] = parts.map(Number)
  const small = (['N', 'W', 'R'] as const).find((_, i) => [N, W, R][i] < 1)
  if (small) return `N,W,R,K with N, W and R >= 1 (${small} is ${{ N, W, R }[small]})`
  if (K < 0) return `N,W,R,K with K >= 0 (0 = the dense link matrix; K is ${K})`
  if (K > N) return `N,W,R,K with K <= N (the sparse link matrix keeps at most N entries; K ${K} > N ${N})`
  return null
}

/** The DNC's sizes from a valid --dnc value, or null when it is '' (validateArgs reports bad values first). */
export function parseDnc(v: string): DncSize | null {
  if (v === '' || dncProblem(v) !== null) return null
  const [N, W, R, K] = v.split(',').map(Number)
  return { N, W, R, K }
}

const BACKENDS = ['auto', 'webgpu', 'wasm', 'ref'] as const
const gameIds = () => listEnvs().map((e) => e.id)

export const FLAGS = {
  data_dir: str('./data/rl_rnd', 'The base data/output directory (the seed used /data/rl_rnd, rarely writable: ours is relative)'),
  game: oneOf(gameIds, 'PixelCopter-v0', 'Game to use', { network: true }),
  experiment_name: str('experiment_1', 'To isolate its files from others'),
  frame_resize: int(84, `h x w resize of each observation frame (>= ${MIN_FRAME} for the 8/4, 4/2, 3/1 convolutions)`,
    { min: MIN_FRAME, network: true, why: "the encoder's 8/4, 4/2, 3/1 convolutions need it" }),
  initial_normalization_num_trials: int(8, 'Collect observations over this many random trials to initialize the RND observation normalization', { min: 0 }),
  num_trials: int(128, 'Trials (whole episodes) per iteration of training; "Rollout Length" in the paper', { min: 1 }),
  portion_experience_train_rnd_predictor: prob(0.25, 'Share of the episodes the RND predictor trains on, as in the RND paper'),
  z_dim: int(32, 'Dimension of the encoded vector', { min: 1, network: true }),
  rnn_hidden_dim: int(256, 'RNN hidden units (of each LSTM layer, or of the DNC\'s controller and output)', {
    min: 0, network: true, rule: (v, a) => (v >= 1 ? null : Number(a.rnn_hidden_layers) > 0 ? 'an integer >= 1 when --rnn_hidden_layers > 0'
      : a.dnc !== '' ? 'an integer >= 1 with --dnc (its controller\'s units)' : null),
  }),
  rnn_hidden_layers: int(1, 'RNN (LSTM) hidden layers; 0 = convolutional-only policy', { min: 0, network: true }),
  rnn_single_record_training: bool('Required for DNC in the seed; accepted and unused here (our LSTM and DNC step every lane one record at a time, batched)'),
  final_hidden_dim: int(0, 'Units of the additional linear layers before the final output', {
    min: 0, network: true, rule: (v, a) => (Number(a.final_hidden_layers) > 0 && v < 1 ? 'an integer >= 1 when --final_hidden_layers > 0' : null),
  }),
  final_hidden_layers: int(0, 'Additional linear layers (leaky_relu) before the final output', { min: 0, network: true }),
  epochs_per_iteration: int(4, 'Number of optimization epochs per iteration', { min: 1 }),
  sequence_length: int(64, 'Steps per training chunk (truncated BPTT length)', { min: 1 }),
  minibatches: int(4, 'A gradient step is taken every this many chunks (they run side by side in one batch)', { min: 1 }),
  stacked_frames: int(4, '# of observations stacked together for the value/policy', { min: 1, network: true }),
  stacked_frames_rnd: int(1, '# of observations stacked together for the RND networks', { min: 1, network: true }),
  sticky_action_probability: prob(0.25, 'Repeat the previous action with this probability'),
  intrinsic_coefficient: num(1.0, 'Intrinsic reward coefficient, as in the RND paper'),
  extrinsic_coefficient: num(2.0, 'Extrinsic reward coefficient, as in the RND paper'),
  extrinsic_reward_clip: num(1.0, 'Extrinsic rewards are clipped to [-clip, +clip], as in the RND paper', { min: 0 }),
  gamma_intrinsic: prob(0.99, 'Discount factor for intrinsic rewards'),
  gamma_extrinsic: prob(0.999, 'Discount factor for extrinsic rewards'),
  lambda_gae: prob(0.95, 'GAE lambda'),
  epsilon_ppo: num(0.1, 'PPO ratio clip range (1 - eps, 1 + eps)', { above: 0 }),
  rnd_obs_norm_clip: num(5.0, 'Normalized RND observations are clipped to [-clip, +clip], as in the RND paper', { above: 0 }),
  beta_entropy: num(0.001, 'Entropy coefficient', { min: 0 }),
  epsilon_greedy: prob(0.0, 'Probability of a uniformly random action (exploration)'),
  model_policy_lr: num(0.0001, 'Adam learning rate of the policy network', { above: 0 }),
  model_rnd_predictor_lr: num(0.0001, 'Adam learning rate of the RND predictor network', { above: 0 }),
  model_value_lr: num(0.0001, 'Adam learning rate of the value network', { above: 0 }),
  model: bool('Start from the final value.model/policy.model saved when training completed, in DIR (default: the experiment directory)', { metavar: 'dir' }),
  keep_past_x_snapshots: int(10, 'Delete snapshots older than this many iterations', { min: 0 }),
  no_resume: bool("Don't auto-resume from the latest snapshot"),
  disable_progress_bar: bool('Disable the progress bars'),
  gpu: int(-1, 'GPU id as in the seed: >= 0 selects --backend webgpu, < 0 (given explicitly) selects wasm, unless --backend is given'),
  gradient_clip: num(0.0, 'Gradients are rescaled to this global L2 norm when above it (0 = off)', { min: 0 }),
  rng_seed: int(31337, 'Seed of every random stream (weights, actions, environments, shuffling)'),
  num_threads: int(10, 'Accepted and unused: the seed ran rollouts on threads; we step num_envs episodes in lockstep instead', { min: 0 }),
  target_cumulative_rewards_extrinsic: num(100, 'Training ends when the mean episode reward of an iteration reaches this'),
  dnc: str('', 'Differentiable Neural Computer N,W,R,K (memory slots, word size, read heads, sparse link entries or 0 ' +
    'for the dense link matrix), e.g. 256,64,4,0: replaces the LSTM stack (docs/dnc.md)', {
    network: true, metavar: 'N,W,R,K', only: dncProblem,
  }),
  // ours
  backend: oneOf(() => BACKENDS, 'auto', 'Tensor backend: auto (webgpu on a hardware adapter, else wasm), webgpu, wasm or ref'),
  threads: int(0, 'Kernel threads of the wasm backend (conv forward and input gradient split over the batch; results are the same for any count): 0 = one per core, at most 8', { min: 0 }),
  num_envs: int(32, 'Episodes stepped in lockstep during rollouts (one batched forward per step)', { min: 1 }),
  rnd_output_dim: int(1, 'Output size of the RND target/predictor (the seed: 1; the RND paper: 512)', { min: 1, network: true }),
  save_gifs: int(0, 'Save GIFs of the first N episodes of each iteration (the seed saved one per rollout; 0 = none)', { min: 0 }),
  max_iterations: int(0, 'Stop after this many iterations (0 = until the target is reached)', { min: 0 }),
}

export type FlagName = keyof typeof FLAGS
/** The value of every flag, typed by its default. */
export type Args = { -readonly [K in FlagName]: (typeof FLAGS)[K]['default'] }

export const FLAG_NAMES = Object.keys(FLAGS) as FlagName[]
const flag = (k: FlagName): Flag<unknown> => FLAGS[k]

export const DEFAULT_ARGS: Args = Object.fromEntries(FLAG_NAMES.map((k) => [k, FLAGS[k].default])) as Args

/** Flags that change the shapes of the networks or of the saved statistics. */
export const NETWORK_FLAGS: readonly FlagName[] = FLAG_NAMES.filter((k) => flag(k).network)

const shown = (v: unknown) => (typeof v === 'string' ? `'${v}'` : String(v))

/** null when every flag is usable, else one line naming the first bad flag, its value, and what is allowed. */
export function validateArgs(a: Args): string | null {
  for (const k of FLAG_NAMES) {
    const f = flag(k), v = a[k]
    const what = f.allowed(v, a)
    if (what === null) continue
    if (f.kind === 'choice') return `unknown --${k} ${shown(v)}; available: ${what}`
    return `--${k} must be ${what} (got ${shown(v)})${f.why ? `: ${f.why}` : ''}`
  }
  return null
}

export function isFlag(name: string): name is FlagName {
  return Object.hasOwn(FLAGS, name)
}

/**
 * A flag's value from text (a query string, a command line), or null when the text is not of the flag's type:
 * numbers as JavaScript reads them, booleans as '', '1' or 'true' / '0' or 'false'. Ranges are validateArgs' job.
 */
export function flagFromText(name: FlagName, text: string): Args[FlagName] | null {
  const kind = flag(name).kind
  if (kind === 'int' || kind === 'number') {
    const n = text.trim() === '' ? NaN : Number(text)
    return Number.isNaN(n) ? null : n
  }
  if (kind === 'bool') return ['', '1', 'true'].includes(text) ? true : ['0', 'false'].includes(text) ? false : null
  return text
}
