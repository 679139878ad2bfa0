// Environments: registered game ids, `make`, `listEnvs`. The API is Gymnasium's shape (env/api.ts):
//   const env = make('PixelCopter-v0')            // PLE's default game RNG seed 24, as gym_ple builds it
//   let { obs } = env.reset()                      // obs: Uint8Array H*W*3 (row-major y, x, RGB), owned by env
//   const { obs, reward, terminated, truncated } = env.step(0)   // 0 = up, 1 = noop
//   const mg = make('MiniGrid-DoorKey-8x8-v0', { seed: 0 })      // the first reset is reset(seed=0)
//   mg.reset().obs                                 // Uint8Array 7*7*3, MiniGrid's obs['image'] bytes
// PLE action sets come from each game's own action list plus PLE's noop; MiniGrid's are its 7 actions.
import type { ObservationKind } from './api.ts'
import type { GameClass } from './game.ts'
import { ACTION_NAMES } from './minigrid/constants.ts'
import { MINIGRID_LEVELS } from './minigrid/index.ts'
import { PixelCopter } from './pixelcopter.ts'
import { PleEnv } from './ple_env.ts'
import type { Env } from './api.ts'
import { Catcher } from './catcher.ts'
import { Pong } from './pong.ts'
import { PuckWorld } from './puckworld.ts'
import { Snake } from './snake.ts'
import { WaterWorld } from './waterworld.ts'
import { FlappyBird } from './flappybird.ts'
import { MonsterKong } from './monsterkong/index.ts'
import { RaycastMaze } from './raycastmaze.ts'

export type {
  ActionSpace,
  Env,
  Info,
  ObservationKind,
  ObservationSpace,
  ResetResult,
  RgbImage,
  StepResult,
} from './api.ts'
export type { Game } from './game.ts'
export { RandomState } from './random_state.ts'
export { MiniGridEnv } from './minigrid/minigrid_env.ts'

interface PleRegistration {
  game: GameClass
  maxEpisodeSteps: number
  description: string
}

const PLE: Record<string, PleRegistration> = {
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
    description: 'PLE PuckWorld 64x64: reward -(distance to the green target) per step, less near the red puck; ' + 'never ends (only the time limit)',
  },
  'WaterWorld-v0': {
    game: WaterWorld,
    maxEpisodeSteps: 10000,
    description: 'PLE WaterWorld 48x48: eat the green creeps (+1), avoid the red ones (-1); +5 and the end when ' + 'no green is left',
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

const ALL_IDS = [...Object.keys(PLE), ...Object.keys(MINIGRID_LEVELS)]

export interface MakeOptions {
  /** PLE: the game RNG seed (PLE's `rng`, default 24); reset({seed}) reseeds later, as gym_ple's seed().
   *  MiniGrid: the seed of the first reset (as gym's reset(seed=...)); later resets continue the generator. */
  seed?: number
  /** PLE only: gym TimeLimit (default: the id's registered limit, 10000). MiniGrid's limit is its own max_steps. */
  maxEpisodeSteps?: number
  /** PLE only: game frames per action (PLE's frame_skip, default 1): the action repeats, the rewards add up. */
  frameSkip?: number
}

export interface EnvSpec {
  id: string
  kind: ObservationKind
  description: string
  /** What the observation holds, in a few words. */
  observation: string
  actionMeanings: readonly string[]
  observationShape: readonly [number, number, number]
  maxEpisodeSteps: number
}

export function listEnvs(): EnvSpec[] {
  const ple = Object.entries(PLE).map(
    ([id, r]): EnvSpec => ({
      id,
      kind: 'pixels',
      description: r.description,
      observation: 'RGB screen, row-major (y, x, RGB)',
      actionMeanings: [...r.game.actions, 'noop'],
      observationShape: [r.game.height, r.game.width, 3] as const,
      maxEpisodeSteps: r.maxEpisodeSteps,
    }),
  )
  const minigrid = Object.entries(MINIGRID_LEVELS).map(([id, l]): EnvSpec => {
    const env = l.create(id) // construction draws nothing and builds no level
    return {
      id,
      kind: 'minigrid',
      description: `${l.description} (grid ${env.width}x${env.height})`,
      observation: 'MiniGrid symbolic view [vx][vy] of (object, colour, state)',
      actionMeanings: ACTION_NAMES,
      observationShape: env.observationSpace.shape,
      maxEpisodeSteps: env.maxSteps,
    }
  })
  return [...ple, ...minigrid]
}

export function make(id: string, opts: MakeOptions = {}): Env {
  const ple = PLE[id],
    level = MINIGRID_LEVELS[id]
  if (!ple && !level) throw new Error(`unknown environment '${id}'; registered: ${ALL_IDS.join(', ')}`)
  for (const k of Object.keys(opts)) {
    if (k !== 'seed' && k !== 'maxEpisodeSteps' && k !== 'frameSkip') {
      throw new Error(`make('${id}'): unknown option '${k}' (seed, maxEpisodeSteps, frameSkip)`)
    }
  }
  if (level) {
    if (opts.maxEpisodeSteps !== undefined) {
      throw new Error(`make('${id}'): maxEpisodeSteps is not an option here: MiniGrid truncates at its own max_steps`)
    }
    if ((opts.frameSkip ?? 1) !== 1) throw new Error(`make('${id}'): frameSkip is for PLE games; a MiniGrid step is one move`)
    return level.create(id, opts.seed)
  }
  const seed = opts.seed ?? 24
  const limit = opts.maxEpisodeSteps ?? ple.maxEpisodeSteps
  if (!Number.isInteger(limit) || limit <= 0) {
    throw new Error(`make('${id}'): maxEpisodeSteps must be a positive integer`)
  }
  const skip = opts.frameSkip ?? 1
  if (!Number.isInteger(skip) || skip <= 0) throw new Error(`make('${id}'): frameSkip must be a positive integer, got ${skip}`)
  return new PleEnv(id, ple.game, seed, limit, skip)
}
