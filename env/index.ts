// Environments: registered game ids, `make`, `listEnvs`. The API is Gymnasium's shape (see env/ple_env.ts):
//   const env = make('PixelCopter-v0')            // PLE's default game RNG seed 24, as gym_ple builds it
//   let { obs } = env.reset()                      // obs: Uint8Array H*W*3 (row-major y, x, RGB), owned by env
//   const { obs, reward, terminated, truncated } = env.step(0)   // 0 = up, 1 = noop
// Action sets come from each game's own action list plus PLE's noop; nothing is hand-maintained here.
import type { GameClass } from './game.ts'
import { Catcher } from './catcher.ts'
import { PixelCopter } from './pixelcopter.ts'
import { Pong } from './pong.ts'
import { PuckWorld } from './puckworld.ts'
import { Snake } from './snake.ts'
import { WaterWorld } from './waterworld.ts'
import { PleEnv, type Env } from './ple_env.ts'

export type { ActionSpace, Env, Info, ObservationSpace, ResetResult, StepResult } from './ple_env.ts'
export type { Game } from './game.ts'
export { RandomState } from './random_state.ts'

interface Registration {
  game: GameClass
  maxEpisodeSteps: number
  description: string
}

const REGISTRY: Record<string, Registration> = {
  // gym_ple's id; PLE's class is `Pixelcopter` (the alias PLE PR #62 adds), run at its default 48x48.
  'PixelCopter-v0': {
    game: PixelCopter,
    maxEpisodeSteps: 10000,
    description: 'PLE Pixelcopter 48x48: fly through the cave, +1 per block passed and per terrain column, -5 on crash',
  },
  'Catcher-v0': {
    game: Catcher,
    maxEpisodeSteps: 10000,
    description: 'PLE Catcher 64x64: catch the falling fruit, +1 per catch, -1 per miss, -5 more at the third miss',
  },
  // PLE has Pong; gym_ple does not register it. Ours is built the way gym_ple builds the others.
  'Pong-v0': {
    game: Pong,
    maxEpisodeSteps: 10000,
    description: 'PLE Pong 64x48 (gym_ple does not register it): +1 / -1 per point, first to 11, +5 / -5 at the end',
  },
  'Snake-v0': {
    game: Snake,
    maxEpisodeSteps: 10000,
    description: 'PLE Snake 64x64: +1 per food eaten (the snake grows), -5 on hitting a wall or its body',
  },
  'PuckWorld-v0': {
    game: PuckWorld,
    maxEpisodeSteps: 10000,
    description: 'PLE PuckWorld 64x64: reward -(distance to the green target) per step, less near the red puck; ' +
      'never ends (only the time limit)',
  },
  'WaterWorld-v0': {
    game: WaterWorld,
    maxEpisodeSteps: 10000,
    description: 'PLE WaterWorld 48x48: eat the green creeps (+1), avoid the red ones (-1); +5 and the end when ' +
      'no green is left',
  },
}

export interface MakeOptions {
  /** The game RNG seed (PLE's `rng`, default 24); reset({seed}) reseeds later, as gym_ple's seed(). */
  seed?: number
  /** gym TimeLimit (default: the id's registered limit, 10000). */
  maxEpisodeSteps?: number
}

export interface EnvSpec {
  id: string
  description: string
  actionMeanings: readonly string[]
  observationShape: readonly [number, number, number]
  maxEpisodeSteps: number
}

export function listEnvs(): EnvSpec[] {
  return Object.entries(REGISTRY).map(([id, r]) => ({
    id,
    description: r.description,
    actionMeanings: [...r.game.actions, 'noop'],
    observationShape: [r.game.height, r.game.width, 3] as const,
    maxEpisodeSteps: r.maxEpisodeSteps,
  }))
}

export function make(id: string, opts: MakeOptions = {}): Env {
  const reg = REGISTRY[id]
  if (!reg) throw new Error(`unknown environment '${id}'; registered: ${Object.keys(REGISTRY).join(', ')}`)
  for (const k of Object.keys(opts)) {
    if (k !== 'seed' && k !== 'maxEpisodeSteps') {
      throw new Error(`make('${id}'): unknown option '${k}' (seed, maxEpisodeSteps)`)
    }
  }
  const seed = opts.seed ?? 24
  const limit = opts.maxEpisodeSteps ?? reg.maxEpisodeSteps
  if (!Number.isInteger(limit) || limit <= 0) {
    throw new Error(`make('${id}'): maxEpisodeSteps must be a positive integer`)
  }
  return new PleEnv(id, reg.game, seed, limit)
}
