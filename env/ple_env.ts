// A PLE game as gym_ple runs it (docs/games.md §1-2), with Gymnasium's reset/step shape and gym's TimeLimit.
//   construction: PLE(game, fps=30, rng=seed) initialises the game, then gym_ple calls PLE.init() again:
//                 two inits (two rounds of RNG draws) before the first reset.
//   reset({seed}): with a seed, the game RNG becomes RandomState(seed) first (gym_ple seed() then reset()); then
//                 PLE.reset_game(): game.reset() (init() unless the game overrides it), score baseline 0.
//                 Nothing is drawn, so the observation is the stale last frame (all black before the first step).
//   step(a):      gym index a -> the game's a-th action, the last index is PLE's noop. If the game is already over,
//                 PLE does nothing and the reward is 0. reward = score change; terminated = game over;
//                 truncated = elapsed steps >= maxEpisodeSteps (gym TimeLimit, 10000 for every gym_ple id).
//                 frameSkip k (PLE's frame_skip, default 1): the action is posted for k game steps and the reward is
//                 their sum; steps after the game ends do nothing (PLE's act: sum of _oneStepAct, 0 once over). The
//                 time limit counts calls of step(), as gym's TimeLimit does.
// obs is the env's own screen buffer (H*W*3 uint8, row-major y, x, RGB), overwritten by the next step (FlappyBird
// and MonsterKong paint it when obs, step() or render() reads it after a step; act() alone draws nothing): copy it
// to keep it.
import type { ActionSpace, Env, Info, ObservationSpace, ResetResult, RgbImage, StepResult } from './api.ts'
import type { Game, GameClass } from './game.ts'
import { RandomState } from './random_state.ts'

const NO_INFO: Info = Object.freeze({})

export class PleEnv implements Env<Game> {
  readonly actionSpace: ActionSpace
  readonly observationSpace: ObservationSpace
  readonly unwrapped: Game
  elapsedSteps = 0
  private previousScore = 0
  private hasReset = false

  constructor(
    readonly id: string,
    cls: GameClass,
    seed: number,
    readonly maxEpisodeSteps: number,
    readonly frameSkip = 1,
  ) {
    this.actionSpace = Object.freeze({ n: cls.actions.length + 1, meanings: Object.freeze([...cls.actions, 'noop']) })
    const shape = Object.freeze([cls.height, cls.width, 3] as const)
    this.observationSpace = Object.freeze({ shape, dtype: 'uint8' })
    this.unwrapped = new cls(new RandomState(seed))
    this.unwrapped.init() // PLE.__init__ -> init()
    this.unwrapped.init() // gym_ple calls PLE.init() once more
  }

  reset(opts: { seed?: number } = {}): ResetResult {
    const game = this.unwrapped
    if (opts.seed !== undefined) game.rng = new RandomState(opts.seed)
    if (game.reset) game.reset()
    else game.init()
    this.previousScore = 0
    this.elapsedSteps = 0
    this.hasReset = true
    return { obs: this.unwrapped.screen, info: NO_INFO }
  }

  act(action: number): number {
    const n = this.actionSpace.n
    if (!Number.isInteger(action) || action < 0 || action >= n) {
      throw new RangeError(
        `${this.id}: invalid action ${action}; expected an integer in 0..${n - 1} ` + `(${this.actionSpace.meanings.map((m, i) => `${i} = ${m}`).join(', ')})`,
      )
    }
    if (!this.hasReset) throw new Error(`${this.id}: call reset() before step()`)
    const game = this.unwrapped
    let reward = 0
    for (let k = 0; k < this.frameSkip && !game.isGameOver(); k++) {
      game.step(action === n - 1 ? -1 : action)
      reward += game.score - this.previousScore
      this.previousScore = game.score
    }
    this.elapsedSteps++
    return reward
  }

  step(action: number): StepResult {
    const reward = this.act(action)
    return { obs: this.unwrapped.screen, reward, terminated: this.terminated, truncated: this.truncated, info: NO_INFO }
  }

  get obs(): Uint8Array {
    return this.unwrapped.screen
  }

  /** The screen itself: PLE's observation is already the picture. */
  render(): RgbImage {
    const [height, width] = this.observationSpace.shape
    return { rgb: this.unwrapped.screen, width, height }
  }

  get terminated(): boolean {
    return this.unwrapped.isGameOver()
  }

  get truncated(): boolean {
    return this.elapsedSteps >= this.maxEpisodeSteps
  }
}
