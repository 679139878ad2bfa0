// MiniGridEnv (minigrid/minigrid_env.py), the base of every level, as a Gymnasium-shaped Env (env/api.ts).
//   reset({seed}): with a seed, np_random = Generator(PCG64(SeedSequence(seed))) (gymnasium/core.py:159); without
//     one the generator continues (its buffered 32-bit half included); never seeded: seeded from the OS (as gym).
//     A seed given to make() seeds the first reset, as if passed to it. Then agent_pos = (-1, -1), agent_dir = -1,
//     _gen_grid(width, height) (the level), carrying = None, step_count = 0, obs = gen_obs() (:119-157).
//   step(a): step_count += 1 first (:528); the cell in front is read before acting; left/right turn; forward moves
//     if the cell is empty or can be overlapped, and on the goal gives reward 1 - 0.9 * (step_count / max_steps)
//     (:245, evaluated in that order in doubles) and terminated; pickup takes a pickable object only when carrying
//     nothing; drop puts the carried object only into an empty cell; toggle acts on the object in front (a locked
//     door opens for a key of its colour); done does nothing. truncated = step_count >= max_steps (:587),
//     independent of terminated. Stepping after the end is allowed (MiniGrid does not forbid it).
//   obs: the 7x7x3 view (env/minigrid/view.ts) in `image`; info/properties carry `direction` and `mission`.
// For checking, the names of MiniGrid's attributes in camelCase: agentPos [x, y], agentDir, stepCount, carrying,
// mission, grid, encodeGrid() (= grid.encode().tobytes(), the agent not in it), npRandom (its generator).
import type { ActionSpace, Env, Info, ObservationSpace, ResetResult, RgbImage, StepResult } from '../api.ts'
import { ACTION_NAMES, ACTIONS, COLOR_NAMES, DIR_TO_VEC, type Color } from './constants.ts'
import { Grid } from './grid.ts'
import { npRandom, type Generator, type IntegersCall } from './numpy_generator.ts'
import type { WorldObj } from './objects.ts'
import { renderFull } from './render.ts'
import { genObs, VIEW, ViewScratch } from './view.ts'

export interface MiniGridConfig {
  width: number
  height: number
  maxSteps: number
  /** Empty sets it (no occlusion); every other ported level does not. */
  seeThroughWalls?: boolean
}

/** place_obj's reject_fn: true rejects the position. */
export type RejectFn = (env: MiniGridEnv, x: number, y: number) => boolean

// module-local copies for the step loop (imported bindings can cost a getter call per access under tsx)
const { left: LEFT, right: RIGHT, forward: FORWARD, pickup: PICKUP, drop: DROP, toggle: TOGGLE } = ACTIONS
const DX = DIR_TO_VEC.map((v) => v[0]),
  DY = DIR_TO_VEC.map((v) => v[1])

const ACTION_SPACE: ActionSpace = Object.freeze({ n: ACTION_NAMES.length, meanings: ACTION_NAMES })
const OBSERVATION_SPACE: ObservationSpace = Object.freeze({ shape: Object.freeze([VIEW, VIEW, 3] as const), dtype: 'uint8' })

export abstract class MiniGridEnv implements Env<MiniGridEnv> {
  readonly actionSpace = ACTION_SPACE
  readonly observationSpace = OBSERVATION_SPACE
  readonly width: number
  readonly height: number
  readonly maxSteps: number
  readonly seeThroughWalls: boolean
  readonly agentViewSize = VIEW
  grid: Grid
  /** [x, y], owned by the env (updated in place). */
  readonly agentPos: [number, number] = [-1, -1]
  agentDir = -1
  carrying: WorldObj | null = null
  stepCount = 0
  mission = ''
  /** Gymnasium's np_random (null until the first reset). */
  npRandom: Generator | null = null
  /** Debugging: set to an array to record every integers() call as [low, high, value] (from the next reset on). */
  rngLog: IntegersCall[] | null = null
  /** obs['image']: (7, 7, 3) uint8 [vx][vy][c], overwritten by every reset/step. */
  readonly image = new Uint8Array(VIEW * VIEW * 3)
  terminated = false
  truncated = false
  /** KeyCorridor (keycorridor.py:133) and ObstructedMaze (obstructedmaze.py:130) override step: a pickup that leaves
   *  the agent carrying this object (by identity) gives the success reward and terminates. Null elsewhere. */
  protected pickupTarget: WorldObj | null = null
  private readonly scratch = new ViewScratch()
  private pendingSeed: number | undefined
  private hasReset = false

  constructor(
    readonly id: string,
    cfg: MiniGridConfig,
    seed?: number,
  ) {
    this.width = cfg.width
    this.height = cfg.height
    this.maxSteps = cfg.maxSteps
    this.seeThroughWalls = cfg.seeThroughWalls ?? false
    this.grid = new Grid(cfg.width, cfg.height)
    if (seed !== undefined) checkSeed(id, seed)
    this.pendingSeed = seed
  }

  /** The level's layout (MiniGrid's _gen_grid): sets grid, agentPos, agentDir, mission. */
  protected abstract genGrid(width: number, height: number): void

  get unwrapped(): MiniGridEnv {
    return this
  }

  get maxEpisodeSteps(): number {
    return this.maxSteps
  }

  get elapsedSteps(): number {
    return this.stepCount
  }

  get obs(): Uint8Array {
    return this.image
  }

  /** obs['direction'] */
  get direction(): number {
    return this.agentDir
  }

  reset(opts: { seed?: number } = {}): ResetResult {
    const seed = opts.seed ?? this.pendingSeed
    this.pendingSeed = undefined
    if (seed !== undefined) {
      checkSeed(this.id, seed)
      this.npRandom = npRandom(seed)
    } else if (this.npRandom === null) {
      this.npRandom = npRandom(osEntropy())
    }
    this.npRandom.log = this.rngLog
    this.agentPos[0] = -1
    this.agentPos[1] = -1
    this.agentDir = -1
    this.genGrid(this.width, this.height)
    const [ax, ay] = this.agentPos
    if (ax < 0 || ay < 0 || this.agentDir < 0) throw new Error(`${this.id}: the level placed no agent`)
    const start = this.grid.get(ax, ay)
    if (start !== null && !start.canOverlap()) throw new Error(`${this.id}: the agent starts on a ${start.type}`)
    this.carrying = null
    this.stepCount = 0
    this.terminated = false
    this.truncated = false
    this.hasReset = true
    this.genObs()
    return { obs: this.image, info: this.info() }
  }

  step(action: number): StepResult {
    const reward = this.act(action)
    return { obs: this.image, reward, terminated: this.terminated, truncated: this.truncated, info: this.info() }
  }

  act(action: number): number {
    if (!(action >= 0 && action <= 6 && Number.isInteger(action))) {
      throw new RangeError(`${this.id}: invalid action ${action}; expected an integer in 0..6 ` + `(${ACTION_NAMES.map((m, i) => `${i} = ${m}`).join(', ')})`)
    }
    if (!this.hasReset) throw new Error(`${this.id}: call reset() before step()`)
    this.stepCount++
    let reward = 0
    let terminated = false
    const fx = this.agentPos[0] + DX[this.agentDir],
      fy = this.agentPos[1] + DY[this.agentDir]
    const grid = this.grid
    const fwd = grid.get(fx, fy)
    switch (action) {
      case LEFT:
        this.agentDir = (this.agentDir + 3) % 4
        break
      case RIGHT:
        this.agentDir = (this.agentDir + 1) % 4
        break
      case FORWARD:
        if (fwd === null || fwd.canOverlap()) {
          this.agentPos[0] = fx
          this.agentPos[1] = fy
        }
        if (fwd !== null && fwd.type === 'goal') {
          terminated = true
          reward = this.reward()
        }
        if (fwd !== null && fwd.type === 'lava') terminated = true
        break
      case PICKUP:
        if (fwd?.canPickup() && this.carrying === null) {
          this.carrying = fwd
          grid.set(fx, fy, null)
        }
        break
      case DROP:
        if (fwd === null && this.carrying !== null) {
          grid.set(fx, fy, this.carrying)
          this.carrying = null
        }
        break
      case TOGGLE:
        if (fwd?.toggle(this.carrying, grid, fx, fy)) grid.refresh(fx, fy)
        break
      // ACTIONS.done: nothing
    }
    this.truncated = this.stepCount >= this.maxSteps
    if (action === PICKUP && this.pickupTarget !== null && this.carrying === this.pickupTarget) {
      reward = this.reward()
      terminated = true
    }
    this.terminated = terminated
    this.genObs()
    return reward
  }

  /** MiniGridEnv._reward: 1 - 0.9 * (step_count / max_steps). */
  protected reward(): number {
    return 1 - 0.9 * (this.stepCount / this.maxSteps)
  }

  /** grid.encode().tobytes(): (width, height, 3) [x][y][c], without the agent. */
  encodeGrid(): Uint8Array {
    return this.grid.encode()
  }

  /** The full grid in MiniGrid's look (tiles, agent triangle, highlighted view cone), tileSize pixels per cell. */
  render(tileSize = 8): RgbImage {
    return renderFull(this, this.scratch.visible, tileSize)
  }

  private info(): Info {
    return { direction: this.agentDir, mission: this.mission }
  }

  private genObs(): void {
    const [ax, ay] = this.agentPos
    genObs(this.grid.enc, this.width, this.height, ax, ay, this.agentDir, this.carrying, this.seeThroughWalls, this.image, this.scratch)
  }

  // ---- the generator helpers of minigrid_env.py, every draw through _rand_int (:252) ----

  /** _rand_int(low, high): np_random.integers(low, high). */
  randInt(low: number, high: number): number {
    return this.npRandom!.integers(low, high)
  }

  /** _rand_elem (:274): lst[_rand_int(0, len(lst))]. */
  randElem<T>(list: readonly T[]): T {
    return list[this.randInt(0, list.length)]
  }

  /** _rand_subset (:288): num distinct elements, each drawn from what is left (the last pick draws nothing). */
  randSubset<T>(list: readonly T[], num: number): T[] {
    const left = [...list],
      out: T[] = []
    while (out.length < num) {
      const e = this.randElem(left)
      left.splice(left.indexOf(e), 1)
      out.push(e)
    }
    return out
  }

  /** _rand_color (:299): from COLOR_NAMES (alphabetical). */
  randColor(): Color {
    return this.randElem(COLOR_NAMES)
  }

  /**
   * place_obj (:348-349): draw x in [top.x, min(top.x + size.x, W)), then y likewise, until the cell is empty, is not
   * the agent's cell and reject_fn accepts; throws after maxTries rejections. Returns the position.
   */
  placeObj(
    obj: WorldObj | null,
    top: readonly [number, number] = [0, 0],
    size?: readonly [number, number],
    rejectFn?: RejectFn,
    maxTries = Infinity,
  ): [number, number] {
    const tx = Math.max(top[0], 0),
      ty = Math.max(top[1], 0)
    const [sx, sy] = size ?? [this.grid.width, this.grid.height]
    let tries = 0
    for (;;) {
      if (tries > maxTries) throw new Error(`${this.id}: rejection sampling failed in place_obj`)
      tries++
      const x = this.randInt(tx, Math.min(tx + sx, this.grid.width))
      const y = this.randInt(ty, Math.min(ty + sy, this.grid.height))
      if (this.grid.get(x, y) !== null) continue
      if (x === this.agentPos[0] && y === this.agentPos[1]) continue
      if (rejectFn?.(this, x, y)) continue
      this.grid.set(x, y, obj)
      return [x, y]
    }
  }

  /** put_obj: at a given cell. */
  putObj(obj: WorldObj, x: number, y: number): void {
    this.grid.set(x, y, obj)
  }

  /** place_agent (:389, :393): place_obj(None, ...) away from the old position, then agent_dir = _rand_int(0, 4). */
  placeAgent(top?: readonly [number, number], size?: readonly [number, number], randDir = true, maxTries = Infinity): [number, number] {
    this.agentPos[0] = -1
    this.agentPos[1] = -1
    const [x, y] = this.placeObj(null, top, size, undefined, maxTries)
    this.agentPos[0] = x
    this.agentPos[1] = y
    if (randDir) this.agentDir = this.randInt(0, 4)
    return [x, y]
  }

  /** front_pos: the cell the agent faces. */
  frontPos(): [number, number] {
    return [this.agentPos[0] + DX[this.agentDir], this.agentPos[1] + DY[this.agentDir]]
  }
}

function checkSeed(id: string, seed: number): void {
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`${id}: seed must be a non-negative integer, got ${seed}`)
}

// SeedSequence(None) takes 128 bits from the OS; so do we
function osEntropy(): bigint {
  const w = crypto.getRandomValues(new Uint32Array(4))
  return w.reduce((acc, v) => (acc << 32n) | BigInt(v), 0n)
}
