// The trace replayer of the sprite games (FlappyBird, MonsterKong, RaycastMaze); test/env/ple_trace.ts is the one of
// the primitive-drawn games (two harnesses grown side by side: to be unified).
// Reading the PLE game traces of test/fixtures/ple_games/ (test/fixtures/README.md): the trace, the game RNG
// recorded in numpy's own vocabulary, and the replay of one episode's actions.
import type { Game } from '../../env/game.ts'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { GameClass } from '../../env/game.ts'
import * as assert from 'uvu/assert'
import { make, type Env, type StepResult } from '../../env/index.ts'
import { RandomState } from '../../env/random_state.ts'

export const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')

export function loadTrace(game: string) {
  return JSON.parse(readFileSync(new URL(`../fixtures/ple_games/trace_${game}_ep1.json`, import.meta.url), 'utf8'))
}

/** One call as our games make it: ['randint', lo, hi, value] (hi exclusive) or ['rand', value]. */
export type Call = (string | number)[]

/** A trace RNG call `[method, args, kwargs, result]` as the primitive call numpy's legacy RandomState makes for it:
 *  random_integers(a, b) is randint(a, b + 1); choice(list) is list[randint(0, len(list))]; rand() is
 *  random_sample(). (Each checked against numpy 1.24.2's RandomState: same streams.) */
export function primitive([method, args, kwargs, result]: [string, unknown[], Record<string, number>, unknown]): Call {
  switch (method) {
    case 'rand':
      return ['rand', result as number]
    case 'random_integers':
      return ['randint', args[0] as number, (args[1] as number) + 1, result as number]
    case 'randint':
      return ['randint', args[0] as number, kwargs.high ?? (args[1] as number), result as number]
    case 'choice': {
      const list = args[0] as unknown[]
      return ['randint', 0, list.length, list.indexOf(result)]
    }
    default:
      throw new Error(`trace RNG method ${method} not mapped`)
  }
}

/** A RandomState that logs every randint and random_sample call (uniform is not used by these games). */
export class Recording extends RandomState {
  calls: Call[] = []
  randint(lo: number, hi: number) {
    const v = super.randint(lo, hi)
    this.calls.push(['randint', lo, hi, v])
    return v
  }
  randomSample() {
    const v = super.randomSample()
    this.calls.push(['rand', v])
    return v
  }
  uniform(): number {
    throw new Error('uniform: not expected')
  }
}

/** make(id) (game RNG RandomState(24), two inits done) with its RNG swapped for a Recording of the same stream. */
export function recordedEnv(id: string): { env: Env; rec: Recording } {
  const env = make(id)
  const rec = new Recording(0)
  const game = env.unwrapped as Game
  rec.setState(game.rng.getState())
  game.rng = rec
  return { env, rec }
}

/** The calls each of PLE's two construction-time inits makes on a fresh game with RandomState(24) equal the
 *  trace's `construction` lists. */
export function checkConstruction(cls: GameClass, trace: Trace): void {
  const rec = new Recording(24)
  const game = new cls(rec)
  for (const key of ['init1_rng', 'init2_rng']) {
    rec.calls = []
    game.init()
    assert.equal(rec.calls, trace.construction[key].map(primitive), key)
  }
}

/** A trace file's JSON as parsed (fields: test/fixtures/README.md). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Trace = any

/** Replays episode 0 of `trace` open loop on make(id): the reset's RNG calls and `onReset`, then for every step
 *  the reward, done, the RNG calls and `onStep` (the game's own fields); finally the return and the length. */
export function replayEpisode<G>(
  id: string,
  trace: Trace,
  onReset: (game: G, reset: Trace, obs: Uint8Array) => void,
  onStep: (game: G, s: Trace, r: StepResult, at: string) => void,
): void {
  const { env, rec } = recordedEnv(id)
  const game = env.unwrapped as G
  const ep = trace.episodes[0]
  const { obs } = env.reset()
  assert.equal(rec.calls, ep.reset.rng.map(primitive), 'reset RNG calls')
  onReset(game, ep.reset, obs)
  let ret = 0
  for (const s of ep.steps) {
    rec.calls = []
    const r = env.step(s.a)
    const at = `step ${s.t} (action ${s.a})`
    ret += r.reward
    onStep(game, s, r, at)
    assert.is(r.reward, s.r, `${at}: reward`)
    assert.is(r.terminated, s.done, `${at}: done`)
    assert.equal(rec.calls, (s.rng ?? []).map(primitive), `${at}: RNG calls`)
  }
  assert.is(ret, ep.return)
  assert.is(ep.steps.length, ep.length)
}
