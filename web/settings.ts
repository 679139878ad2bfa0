// What the page trains, per game: a PLE game with rl/learn_config.ts (PixelCopter's recipe, its game swapped in; the
// games whose episodes run thousands of steps on fixed-length rollouts), a MiniGrid level with its named config of
// rl/minigrid_configs.ts (levels without one share the same recipe through minigrid_doorkey's, their game swapped
// in), without the frame budget (the page trains until paused). ?tiny=1 shrinks either to seconds per iteration
// (the browser test's). Shared by web/main.ts (the form's defaults) and web/trainer_worker.ts (the trainer's args).
import type { Args } from '../rl/args.ts'
import { learnArgs, LEARN_PIXELCOPTER } from '../rl/learn_config.ts'
import { MINIGRID_CONFIGS, minigridArgs } from '../rl/minigrid_configs.ts'
import { listEnvs } from '../env/index.ts'

export const PIXELCOPTER = 'PixelCopter-v0'
const idsOf = (kind: string) =>
  listEnvs()
    .filter((e) => e.kind === kind)
    .map((e) => e.id)
export const PLE_IDS = idsOf('pixels')
export const MINIGRID_IDS = idsOf('minigrid')
export const GAMES = [...PLE_IDS, ...MINIGRID_IDS]
/** PLE games whose episodes run for thousands of steps under a young policy (PuckWorld never ends but by gym's
 *  10000-step limit; random RaycastMaze, WaterWorld and MonsterKong episodes average 4747, 1482 and 1306 steps,
 *  docs/games.md): they train on fixed-length rollouts, as MiniGrid does, without random episodes first. */
const LONG_EPISODES = ['PuckWorld-v0', 'RaycastMaze-v0', 'WaterWorld-v0', 'MonsterKong-v0']
const FIXED_LENGTH: Partial<Args> = { num_steps: 128, initial_normalization_num_trials: 0 }

const TINY_PIXELS: Partial<Args> = {
  frame_resize: 36,
  num_trials: 4,
  num_envs: 4,
  z_dim: 8,
  final_hidden_dim: 16,
  initial_normalization_num_trials: 2,
  minibatches: 2,
  sequence_length: 16,
  epochs_per_iteration: 1,
}
const TINY_MINIGRID: Partial<Args> = {
  num_envs: 4,
  num_steps: 32,
  z_dim: 8,
  final_hidden_dim: 16,
  rnd_output_dim: 8,
  initial_normalization_num_trials: 2,
  minibatches: 2,
  sequence_length: 16,
  epochs_per_iteration: 1,
}

export const isMiniGrid = (game: string) => MINIGRID_IDS.includes(game)

type MiniGridConfig = keyof typeof MINIGRID_CONFIGS

/** The named config of a level, or minigrid_doorkey's recipe for levels without their own. */
function configOf(game: string): MiniGridConfig {
  const names = Object.keys(MINIGRID_CONFIGS) as MiniGridConfig[]
  return names.find((n) => MINIGRID_CONFIGS[n].game === game) ?? 'minigrid_doorkey'
}

/** The settings of a game before the page's own overrides (what the form shows). */
export function gameSettings(game: string, tiny: boolean): Partial<Args> {
  if (!isMiniGrid(game)) {
    const long = LONG_EPISODES.includes(game)
    return { ...LEARN_PIXELCOPTER, game, ...(long ? FIXED_LENGTH : {}), ...(tiny ? TINY_PIXELS : {}), ...(long && tiny ? { num_steps: 32 } : {}) }
  }
  return { ...MINIGRID_CONFIGS[configOf(game)], game, max_frames: 0, ...(tiny ? TINY_MINIGRID : {}) }
}

/** The trainer's args: the game's settings under the page's overrides (which include the tiny ones, if any). */
export function pageArgs(game: string, overrides: Partial<Args>): Args {
  return isMiniGrid(game) ? minigridArgs(configOf(game), { game, max_frames: 0, ...overrides }) : learnArgs({ game, ...overrides })
}
