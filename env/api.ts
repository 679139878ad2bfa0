// The Gymnasium-shaped API every environment here implements (PLE games through env/ple_env.ts, MiniGrid levels
// through env/minigrid/minigrid_env.ts): reset({seed}) / step(action) -> obs, reward, terminated, truncated, info.

export interface ActionSpace {
  n: number
  meanings: readonly string[]
}

export interface ObservationSpace {
  shape: readonly [number, number, number]
  dtype: 'uint8'
}

/** What an observation is: 'pixels', an RGB screen (H, W, 3) row-major; 'minigrid', MiniGrid's symbolic view
 *  (7, 7, 3) [vx][vy] of (object, colour, state) indices. */
export type ObservationKind = 'pixels' | 'minigrid'

export type Info = Readonly<Record<string, unknown>>

export interface ResetResult {
  obs: Uint8Array
  info: Info
}

export interface StepResult {
  obs: Uint8Array
  reward: number
  terminated: boolean
  truncated: boolean
  info: Info
}

/** An RGB picture for people: rgb is height*width*3 bytes, row-major (y, x, RGB). */
export interface RgbImage {
  rgb: Uint8Array
  width: number
  height: number
}

/** U: the type of `unwrapped` (the game, or the MiniGrid env itself). */
export interface Env<U = unknown> {
  readonly id: string
  readonly actionSpace: ActionSpace
  readonly observationSpace: ObservationSpace
  readonly maxEpisodeSteps: number
  /** Steps since the last reset (gym TimeLimit's counter; MiniGrid's step_count). */
  readonly elapsedSteps: number
  /** The game itself (score, state(), positions), as Gymnasium's env.unwrapped. */
  readonly unwrapped: U
  reset(opts?: { seed?: number }): ResetResult
  step(action: number): StepResult
  /** step() without building a result object (for vectorized loops): returns the reward; read obs,
   *  terminated and truncated afterwards. */
  act(action: number): number
  /** The current observation (the same buffer step() returns). */
  readonly obs: Uint8Array
  /** The game is over (set by the last step). */
  readonly terminated: boolean
  /** The episode was cut: PLE envs at gym's TimeLimit (elapsedSteps >= maxEpisodeSteps); MiniGrid by its own
   *  step_count >= max_steps. */
  readonly truncated: boolean
  /** The whole scene as an RGB picture (PLE: the screen; MiniGrid: the full grid, MiniGrid's look). */
  render(): RgbImage
}
