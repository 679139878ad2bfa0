// Environments: registered game ids, `make`, `listEnvs`. The API is Gymnasium's shape (see env/ple_env.ts):
//   const env = make('PixelCopter-v0')            // PLE's default game RNG seed 24, as gym_ple builds it
//   let { obs } = env.reset()                      // obs: Uint8Array H*W*3 (row-major y, x, RGB), owned by env
//   const { obs, reward, terminated, truncated } = env.step(0)   // 0 = up, 1 = noop
// Action sets come from each game's own action list plus PLE's noop; nothing is hand-maintained here.
import { FlappyBird } from './flappybird.ts'
import type { GameClass } from './game.ts'
import { MonsterKong } from './monsterkong/index.ts'
import { PixelCopter } from './pixelcopter.ts'
import { PleEnv, type Env } from './ple_env.ts'
import { RaycastMaze } from './raycastmaze.ts'

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
  'FlappyBird-v0': {
    game: FlappyBird,
    maxEpisodeSteps: 10000,
    description: 'PLE FlappyBird 288x512: flap through the pipe gaps, +1 per pipe passed, -5 on crash',
  },
  'MonsterKong-v0': {
    game: MonsterKong,
    maxEpisodeSteps: 10000,
    description: 'PLE MonsterKong 500x465: to the princess (+50, next round), +5 a coin, -25 a fireball hit, 3 lives',
  },
  'RaycastMaze-v0': {
    game: RaycastMaze,
    maxEpisodeSteps: 10000,
    description: 'PLE RaycastMaze 48x48: first-person maze, +5 on reaching the red wall facing it (no other reward)',
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
