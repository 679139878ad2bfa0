// Shared by the PLE game tests: load a trace of test/fixtures/ple_games/, log the game RNG's draws, and turn the
// trace's numpy-level calls into the draws they make (numpy's legacy RandomState, env/random_state.ts):
//   choice(seq)          randint(0, len(seq)), the result is seq[index]
//   choice(seq, n)       n x randint(0, len(seq))
//   uniform(lo, hi, size=n)   n x uniform(lo, hi)
//   rand(), random_sample()   random_sample()
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import * as assert from 'uvu/assert'
import type { Game, GameClass } from '../../env/game.ts'
import { make } from '../../env/index.ts'
import { RandomState } from '../../env/random_state.ts'

export type Draw = [string, ...number[]]

export const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')

export function loadTrace(game: string) {
  const url = new URL(`../fixtures/ple_games/trace_${game}_ep1.json`, import.meta.url)
  return JSON.parse(readFileSync(url, 'utf8'))
}

/** A RandomState that logs its top-level draws: ['randint', lo, hi, v], ['uniform', lo, hi, v],
 *  ['random_sample', v]. */
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

type Seq = { range: [number, number, number] } | number[]
const items = (s: Seq): number[] => {
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
      const results = args.length > 1 ? (result as number[]) : [result as number]
      if (args.length > 1 && results.length !== args[1]) throw new Error('choice: size mismatch')
      for (const r of results) out.push(['randint', 0, seq.length, seq.indexOf(r)])
    } else if (method === 'uniform') {
      const [lo, hi] = args as number[]
      const results = kwargs.size !== undefined ? (result as number[]) : [result as number]
      for (const r of results) out.push(['uniform', lo, hi, r])
    } else if (method === 'rand' || method === 'random_sample') {
      out.push(['random_sample', result as number])
    } else {
      throw new Error(`trace RNG method ${method} not mapped`)
    }
  }
  return out
}

export interface ReplayOptions<G extends Game> {
  id: string
  cls: GameClass
  game: string
  /** The game's state in the trace's field names (meta.trace.state_fields). */
  state: (g: G) => Record<string, unknown>
}

/** Replay a traced episode open loop and assert every recorded value exactly: the draws of the two inits at
 *  construction, the reset (state, draws, stale frame), then per step the action (re-drawn from the trace's
 *  policy RandomState(100)), reward, done, state, draws and frame SHA-256. Returns the number of steps. */
export function replayTrace<G extends Game>(o: ReplayOptions<G>): number {
  const T = loadTrace(o.game)
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
  const ep = T.episodes[0]
  const pick = (src: Record<string, unknown>, like: Record<string, unknown>) => Object.fromEntries(Object.keys(like).map((k) => [k, src[k]]))
  const { obs } = env.reset()
  const mine = o.state(game)
  assert.equal(mine, pick(ep.reset, mine), 'state after reset')
  assert.equal(rec.take(), expectedDraws(ep.reset.rng), 'reset draws')
  assert.is(env.terminated, ep.reset.game_over)
  assert.is(sha(obs), ep.reset.sha256, 'reset frame (stale)')
  const policy = new RandomState(ep.policy_seed)
  const n = env.actionSpace.n
  assert.equal(
    T.meta.action_set.map((a: { action: string }) => a.action),
    env.actionSpace.meanings,
  )
  let ret = 0
  for (const s of ep.steps) {
    const at = `step ${s.t}`
    const a = policy.randint(0, n)
    assert.is(a, s.a, `${at}: policy action`)
    const r = env.step(a)
    ret += r.reward
    assert.is(r.reward, s.r, `${at}: reward`)
    assert.is(r.terminated, s.done, `${at}: done`)
    const st = o.state(game)
    assert.equal(st, pick(s, st), `${at}: state`)
    assert.equal(rec.take(), expectedDraws(s.rng ?? []), `${at}: draws`)
    assert.is(sha(r.obs), s.sha256, `${at}: frame sha256`)
  }
  assert.is(ep.steps.length, ep.length)
  assert.is(ret, ep.return)
  return ep.steps.length
}

export interface EpisodeStats {
  lengths: number[]
  returns: number[]
  meanLength: number
  meanReturn: number
}

/** `episodes` uniform-random episodes (policy RandomState(0)) of a fresh env with its default seed. */
export function randomEpisodes(id: string, episodes: number, maxEpisodeSteps?: number): EpisodeStats {
  const env = make(id, maxEpisodeSteps === undefined ? {} : { maxEpisodeSteps })
  const policy = new RandomState(0)
  const lengths: number[] = []
  const returns: number[] = []
  for (let e = 0; e < episodes; e++) {
    env.reset()
    let t = 0
    let ret = 0
    for (;;) {
      const r = env.step(policy.randint(0, env.actionSpace.n))
      t++
      ret += r.reward
      if (r.terminated || r.truncated) break
    }
    lengths.push(t)
    returns.push(ret)
  }
  const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length
  return { lengths, returns, meanLength: mean(lengths), meanReturn: mean(returns) }
}
