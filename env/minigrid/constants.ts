// MiniGrid's encoding tables and names (minigrid/core/constants.py, minigrid/core/actions.py).

/** OBJECT_TO_IDX: the first channel of a cell's (object, colour, state) encoding. */
export const OBJECT_IDX = {
  unseen: 0,
  empty: 1,
  wall: 2,
  floor: 3,
  door: 4,
  key: 5,
  ball: 6,
  box: 7,
  goal: 8,
  lava: 9,
  agent: 10,
} as const
export type ObjectType = Exclude<keyof typeof OBJECT_IDX, 'unseen' | 'empty' | 'agent'>
export const NUM_OBJECT_TYPES = 11

/** COLOR_TO_IDX: the second channel. */
export const COLOR_IDX = { red: 0, green: 1, blue: 2, purple: 3, yellow: 4, grey: 5 } as const
export type Color = keyof typeof COLOR_IDX
export const NUM_COLORS = 6

/** COLOR_NAMES = sorted(COLORS): the list every random colour is drawn from, alphabetical, NOT in index order. */
export const COLOR_NAMES: readonly Color[] = ['blue', 'green', 'grey', 'purple', 'red', 'yellow']

/** COLORS: the RGB of each colour name (for rendering). */
export const COLOR_RGB: Record<Color, readonly [number, number, number]> = {
  red: [255, 0, 0],
  green: [0, 255, 0],
  blue: [0, 0, 255],
  purple: [112, 39, 195],
  yellow: [255, 255, 0],
  grey: [100, 100, 100],
}

/** Door states, the third channel (0 for every other object). */
export const STATE = { open: 0, closed: 1, locked: 2 } as const
export const NUM_STATES = 3

/** DIR_TO_VEC: agent_dir 0 right (+x), 1 down (+y), 2 left (-x), 3 up (-y). */
export const DIR_TO_VEC: readonly (readonly [number, number])[] = [
  [1, 0],
  [0, 1],
  [-1, 0],
  [0, -1],
]

/** MiniGridEnv.Actions. */
export const ACTIONS = { left: 0, right: 1, forward: 2, pickup: 3, drop: 4, toggle: 5, done: 6 } as const
export const ACTION_NAMES: readonly string[] = ['left', 'right', 'forward', 'pickup', 'drop', 'toggle', 'done']
