// Every named configuration (`train --config NAME`): a set of flag values applied over the seed's defaults, under
// the flags given on the command line. Each lives beside its reasons (rl/learn_config.ts, rl/minigrid_configs.ts).
import type { Args } from './args.ts'
import { LEARN_PIXELCOPTER } from './learn_config.ts'
import { MINIGRID_CONFIGS } from './minigrid_configs.ts'
import { PIXELCOPTER_100 } from './target_config.ts'

export const CONFIGS: Record<string, Partial<Args>> = { learn_pixelcopter: LEARN_PIXELCOPTER, pixelcopter_100: PIXELCOPTER_100, ...MINIGRID_CONFIGS }
export const CONFIG_NAMES = Object.keys(CONFIGS)
