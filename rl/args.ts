// Every flag of the seed's rl_rnd.py (docs/algorithm.md, Flags; same snake_case names, meanings and defaults), plus a
// few of ours (backend, threads, num_envs, rnd_output_dim, save_gifs, max_iterations), each declared once in FLAGS:
// default (which fixes its type), doc line, allowed values, and whether it changes tensor shapes. Everything else
// is derived from the table: the Args type, DEFAULT_ARGS, NETWORK_FLAGS, validateArgs (one line per bad value),
// flagFromText (the web page's query string), and the command's options (cli/args_cli.ts).
// Adding a flag is one entry here: `name: int(default, 'doc', { min: 1, max: 64 })` (or num, prob, bool, str, oneOf).
// Every numeric flag has bounds, strings are never empty unless said so, and names stay inside --data_dir.
import { listEnvs } from '../env/index.ts'
import { cropProblem, type Crop } from '../env/preprocess.ts'
import { encoderOutSize } from './networks.ts'
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
  /** numeric flags: the allowed range, [min, max] or (above, max] (the fuzz corpus of test/cli tries its edges) */
  readonly min?: number
  readonly above?: number
  readonly max?: number
}

interface Opts {
  why?: string
  network?: boolean
  metavar?: string
}
interface NumOpts extends Opts {
  min: number
  /** the largest allowed value: every numeric flag has one (a huge value is a typo or a probe, never a plan) */
  max: number
  /** null when allowed given the other flags, else what is allowed */
  rule?: (v: number, others: OtherFlags) => string | null
}

const isInt = (v: unknown): v is number => Number.isInteger(v)
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)

/** An integer flag in [min, max]; `rule` adds a condition on other flags. */
function int(def: number, doc: string, o: NumOpts): Flag<number> {
  const what = `an integer in [${o.min}, ${o.max}]`
  const ok = (v: number) => v >= o.min && v <= o.max
  return { kind: 'int', default: def, doc, ...o, allowed: (v, a) => (!isInt(v) || !ok(v) ? what : (o.rule?.(v, a) ?? null)) }
}

/** A finite number in [min, max], or in (above, max] when `above` is given. */
function num(def: number, doc: string, o: Opts & { min?: number; above?: number; max: number }): Flag<number> {
  const what = o.above !== undefined ? `a number in (${o.above}, ${o.max}]` : `a number in [${o.min}, ${o.max}]`
  const ok = (v: number) => (o.above === undefined || v > o.above) && (o.min === undefined || v >= o.min) && v <= o.max
  return { kind: 'number', default: def, doc, ...o, allowed: (v) => (isNum(v) && ok(v) ? null : what) }
}

function prob(def: number, doc: string): Flag<number> {
  return { kind: 'number', default: def, doc, min: 0, max: 1, allowed: (v) => (isNum(v) && v >= 0 && v <= 1 ? null : 'a probability in [0, 1]') }
}

/** A presence flag (argparse store_true): false unless given. */
function bool(doc: string, o: Opts = {}): Flag<boolean> {
  return { kind: 'bool', default: false, doc, ...o, allowed: (v) => (typeof v === 'boolean' ? null : 'true or false') }
}

/** Control characters would break the one-line messages and logs that show the value. */
const CONTROL = /[\u0000-\u001f\u007f]/

/** A string, never empty (unless `empty`) and without control characters; `only` restricts it further. */
function str(def: string, doc: string, o: Opts & { only?: (v: string) => string | null; empty?: boolean } = {}): Flag<string> {
  return {
    kind: 'string',
    default: def,
    doc,
    ...o,
    allowed: (v) =>
      typeof v !== 'string' ? 'a string' : v === '' && !o.empty ? 'a non-empty string' : CONTROL.test(v) ? 'free of control characters' : (o.only?.(v) ?? null),
  }
}

/** One of a list of names (errors list them all). */
function oneOf<const C extends string>(choices: () => readonly C[], def: NoInfer<C>, doc: string, o: Opts = {}): Flag<C> {
  return { kind: 'choice', default: def, doc, choices, ...o, allowed: (v) => (choices().includes(v as C) ? null : choices().join(', ')) }
}

/** A folder name under data_dir/game: relative, and no '..' segment that would climb out of it. */
function insideDataDir(v: string): string | null {
  const parts = v.split(/[\\/]/)
  const isAbsolute = v.startsWith('/') || v.startsWith('\\') || /^[A-Za-z]:/.test(v)
  return isAbsolute || parts.some((p) => p === '..') || parts.every((p) => p === '' || p === '.')
    ? "a folder name inside --data_dir/<game> (not absolute, no '..', not '.')"
    : null
}

/** What is wrong with a --nats value ('' = none), or null: comma-separated nats:// or tls:// URLs of host[:port]. */
function natsUrlProblem(v: string): string | null {
  if (v === '') return null
  for (const part of v.split(',')) {
    let u: URL | null = null
    try {
      u = new URL(part.trim())
    } catch {
      u = null
    }
    const ok = u && (u.protocol === 'nats:' || u.protocol === 'tls:') && u.hostname !== '' && (u.pathname === '' || u.pathname === '/') && !u.search
    if (!ok) return `comma-separated URLs nats://host[:port] (or tls://); '${part}' is not one`
  }
  return null
}

/** The square of --frame_crop ('' = none), or null when the text is not TOP,LEFT,SIZE (the screen's bounds are
 *  crossCheck's: they depend on the game). */
export function parseCrop(v: string): Crop | null {
  const parts = v.split(',')
  if (parts.length !== 3 || parts.some((p) => !/^\s*\d+\s*$/.test(p))) return null
  const [top, left, size] = parts.map(Number)
  return size >= 1 && size <= 4096 && top <= 65536 && left <= 65536 ? { top, left, size } : null
}

/** The smallest frame the encoder accepts (36). */
const MIN_FRAME = (() => {
  let f = 1
  while (encoderOutSize('nature', f) < 1) f++
  return f
})()

/** Largest memory slots, word size and read heads --dnc takes: 16x, 16x and 16x the seed's 256,64,4. */
const DNC_MAX = [4096, 1024, 64] as const

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
  const big = (['N', 'W', 'R'] as const).find((_, i) => [N, W, R][i] > DNC_MAX[i])
  if (big) return `N,W,R,K with N <= ${DNC_MAX[0]}, W <= ${DNC_MAX[1]}, R <= ${DNC_MAX[2]} (${big} is ${{ N, W, R }[big]})`
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

const LR = { above: 0, max: 1, why: 'Adam moves each weight by about the learning rate per step' }

const BACKENDS = ['auto', 'webgpu', 'wasm', 'ref'] as const
const ENCODERS = ['auto', 'nature', 'grid', 'fine'] as const
const WASM_SIMD = ['auto', 'relaxed', 'simd128'] as const
const INT_NORMS = ['episode_returns', 'forward_filter'] as const
const gameIds = () => listEnvs().map((e) => e.id)

export const FLAGS = {
  data_dir: str('./data/rl_rnd', 'The base data/output directory (the seed used /data/rl_rnd, rarely writable: ours is relative)'),
  game: oneOf(gameIds, 'PixelCopter-v0', 'Game to use', { network: true }),
  experiment_name: str('experiment_1', 'To isolate its files from others', { only: insideDataDir }),
  frame_resize: int(84, `h x w resize of each observation frame (>= ${MIN_FRAME} for the 8/4, 4/2, 3/1 convolutions)`, {
    min: MIN_FRAME,
    max: 512,
    network: true,
    why: "the encoder's 8/4, 4/2, 3/1 convolutions need it",
  }),
  initial_normalization_num_trials: int(8, 'Collect observations over this many random trials to initialize the RND observation normalization', {
    min: 0,
    max: 100_000,
  }),
  num_trials: int(128, 'Trials (whole episodes) per iteration of training; "Rollout Length" in the paper', { min: 1, max: 100_000 }),
  portion_experience_train_rnd_predictor: prob(0.25, 'Share of the episodes the RND predictor trains on, as in the RND paper'),
  z_dim: int(32, 'Dimension of the encoded vector', { min: 1, max: 4096, network: true }),
  rnn_hidden_dim: int(256, "RNN hidden units (of each LSTM layer, or of the DNC's controller and output)", {
    min: 0,
    max: 4096,
    network: true,
    rule: (v, a) =>
      v >= 1
        ? null
        : Number(a.rnn_hidden_layers) > 0
          ? 'an integer >= 1 when --rnn_hidden_layers > 0'
          : a.dnc !== ''
            ? "an integer >= 1 with --dnc (its controller's units)"
            : null,
  }),
  rnn_hidden_layers: int(1, 'RNN (LSTM) hidden layers; 0 = convolutional-only policy', { min: 0, max: 16, network: true }),
  rnn_single_record_training: bool('Required for DNC in the seed; accepted and unused here (our LSTM and DNC step every lane one record at a time, batched)'),
  final_hidden_dim: int(0, 'Units of the additional linear layers before the final output', {
    min: 0,
    max: 4096,
    network: true,
    rule: (v, a) => (Number(a.final_hidden_layers) > 0 && v < 1 ? 'an integer >= 1 when --final_hidden_layers > 0' : null),
  }),
  final_hidden_layers: int(0, 'Additional linear layers (leaky_relu) before the final output', { min: 0, max: 16, network: true }),
  epochs_per_iteration: int(4, 'Number of optimization epochs per iteration', { min: 1, max: 1000 }),
  sequence_length: int(64, 'Steps per training chunk (truncated BPTT length)', { min: 1, max: 10_000 }),
  minibatches: int(4, 'A gradient step is taken every this many chunks (they run side by side in one batch)', { min: 1, max: 4096 }),
  stacked_frames: int(4, '# of observations stacked together for the value/policy', { min: 1, max: 64, network: true }),
  stacked_frames_rnd: int(1, '# of observations stacked together for the RND networks', { min: 1, max: 64, network: true }),
  sticky_action_probability: prob(0.25, 'Repeat the previous action with this probability'),
  intrinsic_coefficient: num(1.0, 'Intrinsic reward coefficient, as in the RND paper', { min: 0, max: 1000 }),
  extrinsic_coefficient: num(2.0, 'Extrinsic reward coefficient, as in the RND paper', { min: 0, max: 1000 }),
  extrinsic_reward_clip: num(1.0, 'Extrinsic rewards are clipped to [-clip, +clip], as in the RND paper', { above: 0, max: 1e6 }),
  gamma_intrinsic: prob(0.99, 'Discount factor for intrinsic rewards'),
  gamma_extrinsic: prob(0.999, 'Discount factor for extrinsic rewards'),
  lambda_gae: prob(0.95, 'GAE lambda'),
  epsilon_ppo: num(0.1, 'PPO ratio clip range (1 - eps, 1 + eps)', { above: 0, max: 1 }),
  rnd_obs_norm_clip: num(5.0, 'Normalized RND observations are clipped to [-clip, +clip], as in the RND paper', { above: 0, max: 1000 }),
  beta_entropy: num(0.001, 'Entropy coefficient', { min: 0, max: 100 }),
  epsilon_greedy: prob(0.0, 'Probability of a uniformly random action (exploration)'),
  model_policy_lr: num(0.0001, 'Adam learning rate of the policy network', LR),
  model_rnd_predictor_lr: num(0.0001, 'Adam learning rate of the RND predictor network', LR),
  model_value_lr: num(0.0001, 'Adam learning rate of the value network', LR),
  model: bool('Start from the final value.model/policy.model saved when training completed, in DIR (default: the experiment directory)', { metavar: 'dir' }),
  keep_past_x_snapshots: int(10, 'Delete snapshots older than this many iterations', { min: 0, max: 1e6 }),
  no_resume: bool("Don't auto-resume from the latest snapshot"),
  disable_progress_bar: bool('Disable the progress bars'),
  gpu: int(-1, 'GPU id as in the seed: >= 0 selects --backend webgpu, < 0 (given explicitly) selects wasm, unless --backend is given', { min: -1, max: 255 }),
  gradient_clip: num(0.0, 'Gradients are rescaled to this global L2 norm when above it (0 = off)', { min: 0, max: 1e9 }),
  rng_seed: int(31337, 'Seed of every random stream (weights, actions, environments, shuffling)', { min: 0, max: 2 ** 32 - 1 }),
  num_threads: int(10, 'Accepted and unused: the seed ran rollouts on threads; we step num_envs episodes in lockstep instead', { min: 0, max: 1024 }),
  target_cumulative_rewards_extrinsic: num(100, 'Training ends when the mean episode reward of an iteration reaches this', { min: -1e12, max: 1e12 }),
  dnc: str(
    '',
    'Differentiable Neural Computer N,W,R,K (memory slots, word size, read heads, sparse link entries or 0 for the dense link matrix), e.g. 256,64,4,0: replaces the LSTM stack (docs/dnc.md)',
    {
      network: true,
      metavar: 'N,W,R,K',
      empty: true,
      only: dncProblem,
    },
  ),
  // ours
  backend: oneOf(() => BACKENDS, 'auto', 'Tensor backend: auto (webgpu on a hardware adapter, else wasm), webgpu, wasm or ref'),
  threads: int(
    0,
    'Kernel threads of the wasm backend (conv forward and input gradient split over the batch; results are the same for any count): 0 = one per core, at most 8',
    { min: 0, max: 64 },
  ),
  wasm_simd: oneOf(
    () => WASM_SIMD,
    'simd128',
    'Kernels build of the wasm backend: simd128 (the default: relaxed SIMD measured no consistent gain, docs/kernels.md), relaxed (fused multiply-adds in the GEMMs; an error on a Node without relaxed SIMD) or auto (relaxed where this Node has it)',
  ),
  num_envs: int(32, 'Episodes stepped in lockstep during rollouts (one batched forward per step)', { min: 1, max: 4096 }),
  rnd_output_dim: int(1, 'Output size of the RND target/predictor (the seed: 1; the RND paper: 512)', { min: 1, max: 4096, network: true }),
  save_gifs: int(0, 'Save GIFs of the first N episodes of each iteration (the seed saved one per rollout; 0 = none)', { min: 0, max: 100_000 }),
  max_iterations: int(0, 'Stop after this many iterations (0 = until the target is reached)', { min: 0, max: 1e9 }),
  max_frames: int(0, 'Stop once this many env steps were taken, the initial random rollouts included (0 = no limit)', { min: 0, max: 1e12 }),
  // observations and encoders (docs/algorithm.md, Networks)
  encoder: oneOf(
    () => ENCODERS,
    'auto',
    "Encoder of all four networks: auto (nature for frames, grid for MiniGrid's 7x7 view), nature (the seed's 8/4, 4/2, 3/1 CNN), grid (three 2x2 convolutions) or fine (16 4/2, 32 4/2, 32 3/1: half the nature strides, for small frames)",
    { network: true },
  ),
  grid_onehot: bool("MiniGrid: feed each cell's object, colour and state one-hot (20 channels) instead of as 3 numbers", { network: true }),
  // the RND paper's options (docs/algorithm.md, Fixed-length rollouts); the defaults keep the seed's behaviour
  num_steps: int(
    0,
    'Steps per environment per iteration (fixed-length rollouts over num_envs environments, as the RND paper and CleanRL); 0 = num_trials whole episodes (the seed)',
    {
      min: 0,
      max: 1e6,
      rule: (v, a) =>
        v > 0 && (Number(a.rnn_hidden_layers) > 0 || a.dnc !== '')
          ? '0 with a recurrent core (--rnn_hidden_layers > 0 or --dnc): a training chunk cannot yet reset it inside the chunk'
          : null,
    },
  ),
  intrinsic_non_episodic: bool('The intrinsic return runs through episode ends (the RND paper); needs --num_steps > 0'),
  int_reward_norm: oneOf(
    () => INT_NORMS,
    'episode_returns',
    "Divisor of the intrinsic rewards: episode_returns (the seed: std of each episode's discounted intrinsic returns) or forward_filter (the RND paper: std of a per-environment discounted sum along time, never reset)",
  ),
  normalize_advantages: bool('Normalize the advantages of each iteration to mean 0, std 1 (CleanRL; the seed does not)'),
  // distributed training over NATS JetStream: `rl-rnd learner` and `rl-rnd actor` (docs/distributed.md); train refuses --nats
  nats: str('', 'NATS server URL(s) of rl-rnd learner / actor, comma-separated (nats://host:4222)', { empty: true, only: natsUrlProblem, metavar: 'url' }),
  actor_index: int(0, "rl-rnd actor: this actor's index; its random streams are seeded from --rng_seed and the index", { min: 0, max: 1e6 }),
  max_policy_lag: int(4, 'rl-rnd learner: drop blocks acted on by weights more than this many versions (iterations) old', { min: 0, max: 1e6 }),
  nats_timeout: num(60, 'rl-rnd learner / actor: seconds to keep trying to reach the NATS server (at start, after a loss) before giving up', {
    min: 1,
    max: 86_400,
  }),
  // PPO implementation details of CleanRL's ppo.py the seed lacks (docs/algorithm.md, PPO details); the defaults keep
  // the seed's behaviour
  lr_anneal_frames: int(
    0,
    'Anneal the three learning rates linearly to 0 over this many env steps: each iteration trains at lr x max(0, 1 - steps before it / N), the initial random rollouts included; 0 = constant (the seed)',
    { min: 0, max: 1e12 },
  ),
  entropy_anneal_frames: int(
    0,
    'Anneal --beta_entropy linearly to 0 over this many env steps, as --lr_anneal_frames does the learning rates: each iteration trains at beta_entropy x max(0, 1 - steps before it / N); 0 = constant (the seed)',
    { min: 0, max: 1e12 },
  ),
  adam_epsilon: num(1e-8, "Adam's epsilon of the three optimizers (the seed: Chainer's 1e-8; CleanRL: 1e-5)", { above: 0, max: 1 }),
  value_clip: num(
    0,
    "Value-loss clipping (CleanRL's clip_vloss): per record the larger of (v - R)^2 and (v_old + clip(v - v_old, -c, c) - R)^2, v_old the rollout's value; 0 = off (the seed)",
    { min: 0, max: 1e6 },
  ),
  target_kl: num(0, "Stop an iteration's training after the first epoch whose mean approximate KL exceeds this (CleanRL's target_kl); 0 = off", {
    min: 0,
    max: 100,
  }),
  ortho_init: bool(
    "Orthogonal weights and zero biases (CleanRL's layer_init): gain sqrt(2) for hidden layers, 0.01 for the policy's output, 1 for the value's and the LSTM's; off = Chainer's LeCun normal (the seed)",
  ),
  shared_encoder: bool(
    "The policy and the value share one encoder (CleanRL's shared trunk: one forward and backward of the convolutions instead of two); the policy's Adam trains it on the policy loss plus value_loss_coef x the value loss; needs a convolutional-only network; off = two encoders (the seed)",
    { network: true },
  ),
  value_loss_coef: num(
    1,
    "The value loss's weight (CleanRL's vf_coef x 0.5 = 0.25 on our sum of squares): with --shared_encoder it sets the value's share of the encoder's gradient; alone it only scales the value network's own gradient; 1 = the seed",
    {
      above: 0,
      max: 1e6,
    },
  ),
  frame_skip: int(1, "PLE games: game frames per action (PLE's frame_skip): the action holds for k frames, their rewards add up; 1 = every frame (the seed)", {
    min: 1,
    max: 64,
  }),
  max_seconds: int(0, 'Stop after the iteration that brings the wall time (resumed runs included) to this many seconds (0 = no limit)', {
    min: 0,
    max: 1e9,
  }),
  iterations_after_target: int(
    0,
    'Once an iteration first reaches --target_cumulative_rewards_extrinsic, save the final models as always but train this many more iterations before stopping (0 = stop there, the seed)',
    { min: 0, max: 1e9 },
  ),
  frame_crop: str(
    '',
    "PLE games: TOP,LEFT,SIZE, the square of the game's screen that frames are cut from before the resize (e.g. PixelCopter's rows and columns around and ahead of the copter at native resolution: 6,12,36 with --frame_resize 36); empty = the whole screen (the seed)",
    {
      empty: true,
      network: true,
      only: (v) => (v === '' || parseCrop(v) ? null : 'TOP,LEFT,SIZE: three comma-separated integers, TOP and LEFT >= 0, SIZE >= 1'),
    },
  ),
}

export type FlagName = keyof typeof FLAGS
/** The value of every flag, typed by its default. */
export type Args = { -readonly [K in FlagName]: (typeof FLAGS)[K]['default'] }

export const FLAG_NAMES = Object.keys(FLAGS) as FlagName[]
const flag = (k: FlagName): Flag<unknown> => FLAGS[k]

export const DEFAULT_ARGS: Args = Object.fromEntries(FLAG_NAMES.map((k) => [k, FLAGS[k].default])) as Args

/** Flags that change the shapes of the networks or of the saved statistics. */
export const NETWORK_FLAGS: readonly FlagName[] = FLAG_NAMES.filter((k) => flag(k).network)

/** A value as an error line shows it: strings quoted (JSON-escaped when they hold control characters). */
const shown = (v: unknown) => (typeof v !== 'string' ? String(v) : CONTROL.test(v) ? JSON.stringify(v) : `'${v}'`)

/** null when `v` is a usable value of flag `k` (given the other flags), else one line naming it, its value and what is allowed. */
export function flagError(k: FlagName, v: unknown, others: OtherFlags = DEFAULT_ARGS): string | null {
  const f = flag(k)
  const what = f.allowed(v, others)
  if (what === null) return null
  if (f.kind === 'choice') return `unknown --${k} ${shown(v)}; available: ${what}`
  return `--${k} must be ${what} (got ${shown(v)})${f.why ? `: ${f.why}` : ''}`
}

/** null when every flag is usable, else one line naming the first bad flag, its value, and what is allowed. */
export function validateArgs(a: Args): string | null {
  for (const k of FLAG_NAMES) {
    const bad = flagError(k, a[k], a)
    if (bad) return bad
  }
  return crossCheck(a)
}

/** Rules between flags and the game that one flag's entry cannot state alone. */
function crossCheck(a: Args): string | null {
  if (a.intrinsic_non_episodic && a.num_steps === 0) {
    return '--intrinsic_non_episodic needs --num_steps > 0: whole episodes (the seed) have no stream beyond their end'
  }
  if (a.int_reward_norm === 'forward_filter' && a.num_steps === 0) {
    return "--int_reward_norm forward_filter needs --num_steps > 0: the filter runs along each environment's time"
  }
  const spec = listEnvs().find((e) => e.id === a.game),
    kind = spec?.kind
  if (kind === 'minigrid' && (a.encoder === 'nature' || a.encoder === 'fine')) {
    return `--encoder ${a.encoder} needs frames of at least ${MIN_FRAME} pixels; ${a.game} observes a 7x7 grid (use --encoder grid or auto)`
  }
  if (kind === 'pixels' && a.grid_onehot) return `--grid_onehot applies to MiniGrid levels only, not ${a.game}`
  if (a.ortho_init && a.dnc !== '') return '--ortho_init covers the convolutions, linears and LSTMs, not the DNC: drop one of --ortho_init, --dnc'
  if (a.shared_encoder && (a.rnn_hidden_layers > 0 || a.dnc !== '')) {
    return '--shared_encoder needs a convolutional-only network: add --rnn_hidden_layers 0 (and no --dnc), or drop --shared_encoder'
  }
  if (a.frame_crop !== '') {
    if (kind === 'minigrid') return `--frame_crop applies to PLE games only; ${a.game} observes a 7x7 grid`
    const crop = parseCrop(a.frame_crop)
    const bad = crop && spec ? cropProblem(crop, spec.observationShape[1], spec.observationShape[0]) : null
    if (bad) return `--frame_crop ${a.frame_crop}: ${bad} of ${a.game}; choose TOP,LEFT,SIZE inside it`
  }
  if (kind === 'minigrid' && a.frame_skip !== 1) return `--frame_skip applies to PLE games only; a MiniGrid step (${a.game}) is one move`
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
