// The MiniGrid levels ported, under their registered ids with the kwargs MiniGrid 3.1.0 registers them with
// (minigrid/__init__.py). No TimeLimit wrapper: gym.make gives max_episode_steps None, truncation is MiniGrid's
// own step_count >= max_steps.
import type { MiniGridEnv } from './minigrid_env.ts'
import { DoorKeyEnv } from './levels/doorkey.ts'
import { EmptyEnv } from './levels/empty.ts'
import { KeyCorridorEnv } from './levels/keycorridor.ts'
import { MultiRoomEnv } from './levels/multiroom.ts'
import { ObstructedMaze1Dlhb } from './levels/obstructedmaze.ts'

export { ACTION_NAMES, COLOR_IDX, COLOR_NAMES, NUM_COLORS, NUM_OBJECT_TYPES, NUM_STATES, OBJECT_IDX } from './constants.ts'
export { MiniGridEnv } from './minigrid_env.ts'
export { Generator, npRandom, PCG64, SeedSequence } from './numpy_generator.ts'

export interface MiniGridLevel {
  description: string
  create(id: string, seed?: number): MiniGridEnv
}

export const MINIGRID_LEVELS: Readonly<Record<string, MiniGridLevel>> = {
  'MiniGrid-Empty-8x8-v0': {
    description: 'MiniGrid Empty 8x8: reach the goal in the far corner of an empty room (no occlusion)',
    create: (id, seed) => new EmptyEnv(id, {}, seed),
  },
  'MiniGrid-DoorKey-8x8-v0': {
    description: 'MiniGrid DoorKey 8x8: pick up the key, unlock the door in the splitting wall, reach the goal',
    create: (id, seed) => new DoorKeyEnv(id, { size: 8 }, seed),
  },
  'MiniGrid-MultiRoom-N2-S4-v0': {
    description: 'MiniGrid MultiRoom, 2 rooms of size 4: open the door, reach the goal in the second room',
    create: (id, seed) => new MultiRoomEnv(id, { minNumRooms: 2, maxNumRooms: 2, maxRoomSize: 4 }, seed),
  },
  // legacy: registered with 6 rooms although named N4 (MiniGrid keeps it; -v1 has 4)
  'MiniGrid-MultiRoom-N4-S5-v0': {
    description: 'MiniGrid MultiRoom N4-S5 v0 (legacy: 6 rooms of size <= 5): a chain of doors to the goal',
    create: (id, seed) => new MultiRoomEnv(id, { minNumRooms: 6, maxNumRooms: 6, maxRoomSize: 5 }, seed),
  },
  'MiniGrid-MultiRoom-N4-S5-v1': {
    description: 'MiniGrid MultiRoom N4-S5 v1: 4 rooms of size <= 5, a chain of doors to the goal',
    create: (id, seed) => new MultiRoomEnv(id, { minNumRooms: 4, maxNumRooms: 4, maxRoomSize: 5 }, seed),
  },
  'MiniGrid-MultiRoom-N6-v0': {
    description: 'MiniGrid MultiRoom N6: 6 rooms of size <= 10, a chain of doors to the goal',
    create: (id, seed) => new MultiRoomEnv(id, { minNumRooms: 6, maxNumRooms: 6 }, seed),
  },
  'MiniGrid-KeyCorridorS3R1-v0': {
    description: 'MiniGrid KeyCorridor S3R1: find the key, unlock the room, pick up the ball (1 row of 3x3 rooms)',
    create: (id, seed) => new KeyCorridorEnv(id, { roomSize: 3, numRows: 1 }, seed),
  },
  'MiniGrid-KeyCorridorS3R3-v0': {
    description: 'MiniGrid KeyCorridor S3R3: find the key, unlock the room, pick up the ball (3 rows of 3x3 rooms)',
    create: (id, seed) => new KeyCorridorEnv(id, { roomSize: 3, numRows: 3 }, seed),
  },
  'MiniGrid-ObstructedMaze-1Dl-v0': {
    description: 'MiniGrid ObstructedMaze 1Dl: pick up the key, unlock the door, pick up the blue ball beyond it',
    create: (id, seed) => new ObstructedMaze1Dlhb(id, { keyInBox: false, blocked: false }, seed),
  },
}
