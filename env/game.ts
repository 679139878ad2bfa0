// The contract between a game (a port of one PLE game) and the gym-style wrapper in env/ple_env.ts.
// A game is PLE's PyGameWrapper subclass minus pygame: it owns its RGB screen and its numpy-compatible RNG.
import type { RandomState } from './random_state.ts'
import type { SampleGrid } from './sampled.ts'

export interface Game {
  /** RGB screen, H*W*3 bytes, row-major (y, x, channel): the gym_ple observation layout. The same buffer every
   *  time; games with big screens (FlappyBird, MonsterKong) paint it when it is read, not at each step. */
  readonly screen: Uint8Array
  /** Cumulative score; PLE's reward is its change over one step. */
  readonly score: number
  /** The game RNG (PLE's `rng`); replace it to reseed, as gym_ple's seed() does. */
  rng: RandomState
  /** PLE `game.init()` / `game.reset()`: new episode state. Draws nothing (the screen stays as it was). */
  init(): void
  /** PLE `game.reset()` when the game overrides it (Pong draws its serve); absent, a reset is `init()`. */
  reset?(): void
  /** One PLE step of dt = 1000/fps ms. `action` indexes the game's actions; -1 is PLE's noop. Draws the frame (or
   *  records it, to be drawn when `screen` is read). */
  step(action: number): void
  isGameOver(): boolean
  /** Optional: the frame `screen` shows, drawn at the positions of a nearest-resize SampleGrid (env/sampled.ts),
   *  grayscale into out[offset ..]: exactly the screen resized. VectorEnv's nearest preprocessing uses it. */
  sample?(grid: SampleGrid, out: Float32Array, offset: number): void
  /** PLE `getGameState()`: the non-visual state (numbers only). */
  state(): Record<string, number>
}

/** A game class with its static metadata (read by listEnvs() without building a game). */
export interface GameClass {
  new (rng: RandomState): Game
  readonly width: number
  readonly height: number
  /** The game's action names in PLE's action-dict order; the wrapper appends PLE's noop. */
  readonly actions: readonly string[]
}
