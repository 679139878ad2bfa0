// The one harness of the PLE game tests (every game of test/fixtures/ple_games/, test/fixtures/README.md):
//   replayTrace     replays a traced episode of the real game open loop and asserts every recorded value exactly
//   checkRandomRuns replays the first of PLE's own random-policy episodes (ple_runs_seed24.json) and checks the
//                   mean length and return of another policy stream against PLE's
//   play, randomEpisodes   episodes back to back under a policy, for the tests' own statistics
// The trace records the game RNG in numpy's vocabulary; expectedDraws turns each call into the draws numpy's legacy
// RandomState makes for it (env/random_state.ts; each checked against numpy 1.24.2's streams):
//   choice(seq)               randint(0, len(seq)), the result is seq[index]; choice(seq, n): n such draws
//   random_integers(a, b)     randint(a, b + 1)
//   randint(lo, high=h)       randint(lo, h)
//   uniform(lo, hi, size=n)   n x uniform(lo, hi)
//   rand(), random_sample()   random_sample()
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import * as assert from 'uvu/assert'
import type { Game, GameClass } from '../../env/game.ts'
import { type Env, make } from '../../env/index.ts'
import { RandomState } from '../../env/random_state.ts'

export type Draw = [string, ...number[]]

export const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/ple_games/${name}`, import.meta.url), 'utf8'))

export const loadTrace = (game: string) => fixture(`trace_${game}_ep1.json`)

/** A RandomState that logs its top-level draws: ['randint', lo, hi, v], ['uniform', lo, hi, v],
 *  ['random_sample', v] (a draw made inside another, as uniform's random_sample, is not logged again). */
export class RecordingRng extends RandomState {
  calls: Draw[] = []
  private depth = 0

  static following(rng: RandomState): RecordingRng {
    const rec = new RecordingRng(0)
    rec.setState(rng.getState()) // the same stream, now logged
    return rec
  }

  private log<T extends number>(d: () => T, entry: (v: T) => Draw): T {
    this.depth++
    const v = d()
    this.depth--
    if (this.depth === 0) this.calls.push(entry(v))
    return v
  }

  randomSample(): number {
    return this.log(
      () => super.randomSample(),
      (v) => ['random_sample', v],
    )
  }

  uniform(lo: number, hi: number): number {
    return this.log(
      () => super.uniform(lo, hi),
      (v) => ['uniform', lo, hi, v],
    )
  }

  randint(lo: number, hi: number): number {
    return this.log(
      () => super.randint(lo, hi),
      (v) => ['randint', lo, hi, v],
    )
  }

  take(): Draw[] {
    const c = this.calls
    this.calls = []
    return c
  }
}

type Seq = { range: [number, number, number] } | unknown[]
const items = (s: Seq): unknown[] => {
  if (Array.isArray(s)) return s
  const [a, b, st] = s.range
  const out: number[] = []
  for (let v = a; v < b; v += st) out.push(v)
  return out
}

/** The draws a trace's `[method, args, kwargs, result]` calls make, in order. */
export function expectedDraws(calls: [string, unknown[], Record<string, number>, unknown][]): Draw[] {
  const out: Draw[] = []
  for (const [method, args, kwargs, result] of calls) {
    if (method === 'choice') {
      const seq = items(args[0] as Seq)
      const results = args.length > 1 ? (result as unknown[]) : [result]
      if (args.length > 1 && results.length !== args[1]) throw new Error('choice: size mismatch')
      for (const r of results) out.push(['randint', 0, seq.length, seq.indexOf(r)])
    } else if (method === 'uniform') {
      const [lo, hi] = args as number[]
      const results = kwargs.size !== undefined ? (result as number[]) : [result as number]
      for (const r of results) out.push(['uniform', lo, hi, r])
    } else if (method === 'rand' || method === 'random_sample') {
      out.push(['random_sample', result as number])
    } else if (method === 'random_integers') {
      out.push(['randint', args[0] as number, (args[1] as number) + 1, result as number])
    } else if (method === 'randint') {
      out.push(['randint', args[0] as number, kwargs.high ?? (args[1] as number), result as number])
    } else {
      throw new Error(`trace RNG method ${method} not mapped`)
    }
  }
  return out
}

export interface ReplayOptions<G extends Game> {
  id: string
  cls: GameClass
  /** The fixture's name: test/fixtures/ple_games/trace_<game>_ep1.json. */
  game: string
  /** The game's state in the trace's field names (meta.trace.state_fields), compared at the reset and every step. */
  state: (g: G) => Record<string, unknown>
  /** Fields the trace records only at some points (a map at the reset, coins when they change): compared wherever
   *  the trace has them, and each must be compared at least once. */
  recordedAt?: (g: G) => Record<string, unknown>
  /** Compare each frame's SHA-256 (default true; false for the games drawn with our own sprites). */
  frames?: boolean
}

/** Replay a traced episode open loop and assert every recorded value exactly: the draws of the two inits at
 *  construction, the reset (state, draws, stale frame), then per step the action (re-drawn from the trace's
 *  policy RandomState), reward, done, state, draws and frame SHA-256. Returns the number of steps. */
export function replayTrace<G extends Game>(o: ReplayOptions<G>): number {
  const T = loadTrace(o.game)
  const frames = o.frames ?? true
  // construction: PLE.__init__ and gym_ple each call init() once
  const built = new o.cls(new RecordingRng(24))
  const rec0 = built.rng as RecordingRng
  built.init()
  assert.equal(rec0.take(), expectedDraws(T.construction.init1_rng), 'first init draws')
  built.init()
  assert.equal(rec0.take(), expectedDraws(T.construction.init2_rng), 'second init draws')
  const env = make(o.id)
  const game = env.unwrapped as G
  assert.equal(game.rng.getState(), built.rng.getState(), 'make() leaves the RNG where two inits do')
  const rec = RecordingRng.following(game.rng)
  game.rng = rec
  assert.equal(
    T.meta.action_set.map((a: { action: string }) => a.action),
    env.actionSpace.meanings,
  )
  const ep = T.episodes[0]
  const seen = new Map<string, number>()
  const compare = (src: Record<string, unknown>, at: string) => {
    const mine = o.state(game)
    assert.equal(mine, pick(src, Object.keys(mine)), `${at}: state`)
    const extra = o.recordedAt?.(game) ?? {}
    for (const k of Object.keys(extra)) {
      if (!(k in src)) continue
      assert.equal(extra[k], src[k], `${at}: ${k}`)
      seen.set(k, (seen.get(k) ?? 0) + 1)
    }
  }
  const { obs } = env.reset()
  compare(ep.reset, 'reset')
  assert.equal(rec.take(), expectedDraws(ep.reset.rng), 'reset draws')
  assert.is(env.terminated, ep.reset.game_over)
  if (frames) assert.is(sha(obs), ep.reset.sha256, 'reset frame (stale)')
  const policy = new RandomState(ep.policy_seed)
  const n = env.actionSpace.n
  let ret = 0
  for (const s of ep.steps) {
    const at = `step ${s.t} (action ${s.a})`
    const a = policy.randint(0, n)
    assert.is(a, s.a, `${at}: policy action`)
    const r = env.step(a)
    ret += r.reward
    assert.is(r.reward, s.r, `${at}: reward`)
    assert.is(r.terminated, s.done, `${at}: done`)
    compare(s, at)
    assert.equal(rec.take(), expectedDraws(s.rng ?? []), `${at}: draws`)
    if (frames) assert.is(sha(r.obs), s.sha256, `${at}: frame sha256`)
  }
  for (const k of Object.keys(o.recordedAt?.(game) ?? {})) assert.ok(seen.get(k), `${k} never compared`)
  assert.is(ep.steps.length, ep.length)
  assert.is(ret, ep.return)
  return ep.steps.length
}

const pick = (src: Record<string, unknown>, keys: string[]) => Object.fromEntries(keys.map((k) => [k, src[k]]))

/** PLE's own episodes (test/fixtures/ple_games/ple_runs_seed24.json): [length, return, game over] each. */
export const RUNS = fixture('ple_runs_seed24.json') as { random: Record<string, number[][]>; scripted: Record<string, number[][]> }

/** Plays `episodes` episodes back to back on make(id) (seed 24, gym's 10000-step limit unless `maxEpisodeSteps`);
 *  `policy` picks each action (`t`: steps done in the episode). Returns [length, return, 1 if game over] each. */
export function play(id: string, episodes: number, policy: (env: Env, t: number) => number, maxEpisodeSteps?: number): number[][] {
  const env = make(id, maxEpisodeSteps === undefined ? {} : { maxEpisodeSteps })
  const out: number[][] = []
  for (let e = 0; e < episodes; e++) {
    env.reset()
    let t = 0
    let ret = 0
    for (;;) {
      const r = env.step(policy(env, t))
      t++
      ret += r.reward
      if (r.terminated || r.truncated) break
    }
    out.push([t, ret, env.terminated ? 1 : 0])
  }
  return out
}

/** The uniform-random policy of the reference runs: one RandomState(seed), randint(0, n) before every step. */
export function randomPolicy(seed: number): (env: Env) => number {
  const rs = new RandomState(seed)
  return (env) => rs.randint(0, env.actionSpace.n)
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
const sd = (xs: number[]) => Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1))

/** How many of PLE's episodes a test replays: `n` by default, all of them with PLE_RUNS=all in the environment
 *  (a long run: RaycastMaze's 300 episodes are 1.42M steps, each stream). */
export const runsToCheck = (n: number, all: number): number => (process.env.PLE_RUNS === 'all' ? all : n)

/** The random-policy checks of every game: (1) the first `n` of PLE's episodes (policy RandomState(7)) replay
 *  exactly, episode by episode; (2) `n` episodes under another policy stream, RandomState(8), have a mean length and
 *  a mean return within 4 standard errors of PLE's means (PLE's sample standard deviation over sqrt(n)). For a
 *  faithful port the mean of n episodes is PLE's up to sampling noise, and 4 standard errors leave it outside with
 *  probability about 6e-5 (normal approximation); a port whose mean is off by that much lands outside about half
 *  the time. */
export function checkRandomRuns(id: string, n: number): void {
  const ref = RUNS.random[id]
  n = runsToCheck(n, ref.length)
  const same = play(id, n, randomPolicy(7))
  assert.equal(
    same,
    ref.slice(0, n).map(([l, r, o]) => [l, r, o ? 1 : 0]),
    'PLE episodes, policy RandomState(7)',
  )
  const other = play(id, n, randomPolicy(8))
  for (const [k, name] of [
    [0, 'length'],
    [1, 'return'],
  ] as const) {
    const want = mean(ref.map((e) => e[k]))
    const band = (4 * sd(ref.map((e) => e[k]))) / Math.sqrt(n)
    const got = mean(other.map((e) => e[k]))
    console.log(`  ${id} random x${n}: mean ${name} ${got.toFixed(2)} (PLE ${want.toFixed(2)} over ${ref.length}, band +-${band.toFixed(2)})`)
    assert.ok(Math.abs(got - want) <= band, `mean ${name} ${got} outside ${want} +- ${band}`)
  }
}

export interface EpisodeStats {
  lengths: number[]
  returns: number[]
  meanLength: number
  meanReturn: number
}

/** `episodes` uniform-random episodes (policy RandomState(0)) of a fresh env with its default seed. */
export function randomEpisodes(id: string, episodes: number, maxEpisodeSteps?: number): EpisodeStats {
  const runs = play(id, episodes, randomPolicy(0), maxEpisodeSteps)
  const lengths = runs.map((e) => e[0])
  const returns = runs.map((e) => e[1])
  return { lengths, returns, meanLength: mean(lengths), meanReturn: mean(returns) }
}
