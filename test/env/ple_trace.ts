// Reading the PLE game traces of test/fixtures/ple_games/ (test/fixtures/README.md): the trace, the game RNG
// recorded in numpy's own vocabulary, and the replay of one episode's actions.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { GameClass } from '../../env/game.ts'
import { make, type Env } from '../../env/index.ts'
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
    case 'rand': return ['rand', result as number]
    case 'random_integers': return ['randint', args[0] as number, (args[1] as number) + 1, result as number]
    case 'randint': return ['randint', args[0] as number, kwargs.high ?? (args[1] as number), result as number]
    case 'choice': {
      const list = args[0] as unknown[]
      return ['randint', 0, list.length, list.indexOf(result)]
    }
    default: throw new Error(`trace RNG method ${method} not mapped`)
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
  rec.setState(env.unwrapped.rng.getState())
  env.unwrapped.rng = rec
  return { env, rec }
}

/** The calls each of PLE's two construction-time inits makes on a fresh game with RandomState(24). */
export function constructionCalls(cls: GameClass): Call[][] {
  const rec = new Recording(24)
  const game = new cls(rec)
  return [0, 1].map(() => {
    rec.calls = []
    game.init()
    return rec.calls
  })
}
