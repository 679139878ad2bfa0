// VectorEnv: N copies of one game stepped in lockstep, with the policy's preprocessing done in place.
//
//   const venv = new VectorEnv('PixelCopter-v0', { numEnvs: 64, seed: 24, frameResize: 84, stackedFrames: 4 })
//   const mg = new VectorEnv('MiniGrid-DoorKey-8x8-v0', { numEnvs: 64, seed: 0, onehot: false })
//   venv.reset()                         // every env starts an episode; buffers below are filled
//   venv.step(actions)                   // actions: Int32Array(N); optional 2nd arg `active`: Uint8Array(N) mask
//
// kind 'pixels' (PLE games) and 'minigrid' (MiniGrid levels) differ only in obs/frame (and agentPos/agentDir).
// Buffers (allocated once, overwritten in place by reset/step; nothing is allocated per step):
//   obs            pixels: Float32Array (N, C, H, W): the last C grayscale frames / 255, oldest first, zeros before
//                  the episode's first frame (C = stackedFrames, H = W = frameResize). The policy/value input.
//                  minigrid: Float32Array (N, 3, 7, 7): the observation image channel-first, obs[i][c][vx][vy] =
//                  image[vx][vy][c] (numpy's image.transpose(2, 0, 1)), the raw indices (object 0..10, colour
//                  0..5, state 0..2) as numbers; with onehot: (N, 20, 7, 7), channel 0..10 one-hot of the object
//                  index, 11..16 of the colour index, 17..19 of the state (each of the three indices one-hot on its
//                  own, so an unseen cell (0, 0, 0) sets channels 0, 11 and 17). No stacking, no resizing.
//   frame          pixels: Float32Array (N, 1, H, W): the latest grayscale frame, raw 0..255 (the RND input before
//                  its own normalisation). minigrid: the same array as obs (frame === obs; RND sees what the policy
//                  sees). frameShape gives its per-env shape.
//   agentPos       Int32Array (N * 2): [x, y] of env i's agent at its current observation (after the step; after an
//                  auto-reset, the new episode's start, like obs). minigrid only (-1 for pixel games).
//   agentDir       Int32Array (N): its direction (0 right, 1 down, 2 left, 3 up). minigrid only (-1 otherwise).
//   rewards        Float32Array (N)  reward of this step (0 for an env that was not stepped)
//   terminated     Uint8Array (N)    1 if this step ended the episode (game over; MiniGrid: success)
//   truncated      Uint8Array (N)    1 if this step hit the time limit (pixels: maxEpisodeSteps, 10000; MiniGrid:
//                                    its own max_steps)
//   stepped        Uint8Array (N)    1 if the env was stepped by this call
//   running        Uint8Array (N)    1 while the env is inside an episode; 0 = paused (see autoReset)
//   episodeSteps   Int32Array (N)    steps so far in the episode the env's latest step belongs to: on the step that
//                                    ends an episode it is the episode's length
//   episodeReturns Float64Array (N)  the same episode's summed raw reward
//
// Episode ends:
//   autoReset true (default): an env whose step ends the episode (terminated or truncated) is reset in the same
//     call; its obs/frame then hold the new episode's first observation, while rewards/terminated/truncated/
//     episodeSteps/episodeReturns still describe the step that ended. In gym_ple the reset observation is the
//     previous episode's terminal frame (PLE draws nothing at reset), so no frame is lost.
//   autoReset false: the env is paused instead (running[i] = 0) with its terminal frame in obs/frame; later step()
//     calls skip it until resetEnv(i) starts its next episode. A trainer collecting exactly K whole episodes
//     runs N envs, and calls resetEnv(i) only while it still needs episodes.
//   active: step(actions, active) steps only envs with active[i] = 1 (and running); the others keep their state.
// Seeds: env i uses the game RNG seed `seed + i` (default seed 24, so env 0 replays exactly like make(id)); for
// MiniGrid that seeds its first reset (gym's reset(seed=seed + i)), later resets continue its generator, and
// resetEnv(i, seed) reseeds.
// frameResize, stackedFrames, resize and crop are rejected for MiniGrid (its observation is the 7x7 symbolic view);
// onehot applies to MiniGrid only.
// Preprocessing of pixel games (env/preprocess.ts): resize 'nearest' (Pillow NEAREST, default) or 'bilinear' (Pillow
// BILINEAR) of the RGB screen (or of a square crop of it, nearest only), grayscale 0.299 R + 0.587 G + 0.114 B;
// obs = float32(frame) / 255. With nearest, a game that has sample() (FlappyBird, MonsterKong) draws its frame at
// the sampled pixels only (env/sampled.ts), with the same result.
// Sticky actions are the caller's: applySticky(prev, action, p, u) in env/preprocess.ts, with the caller's RNG.
import { make, type ActionSpace, type Env, type ObservationKind } from './index.ts'
import { MiniGridEnv } from './minigrid/minigrid_env.ts'
import { ONEHOT_CHANNELS, writeSymbolic } from './minigrid/symbolic.ts'
import type { Game } from './game.ts'
import { Resizer, type Crop, type ResizeMode } from './preprocess.ts'
import { SampleGrid } from './sampled.ts'

export interface VectorEnvOptions {
  numEnvs: number
  /** Base game RNG seed; env i uses seed + i (default 24). */
  seed?: number
  /** Output frame size, square (default 84). */
  frameResize?: number
  /** Frames per policy observation stack (default 4). */
  stackedFrames?: number
  /** Resize filter (default 'nearest'). */
  resize?: ResizeMode
  /** The square of the screen that is resized (default: the whole screen). Pixel games, nearest resize only. */
  crop?: Crop
  /** Reset finished envs automatically (default true); false pauses them until resetEnv(i). */
  autoReset?: boolean
  /** Time limit per episode (default: the id's, 10000). Pixel games only. */
  maxEpisodeSteps?: number
  /** Game frames per action (PLE's frame_skip, default 1). Pixel games only. */
  frameSkip?: number
  /** MiniGrid only: one-hot channels (N, 20, 7, 7) instead of raw indices (N, 3, 7, 7) (default false). */
  onehot?: boolean
}

export class VectorEnv {
  readonly numEnvs: number
  readonly envs: Env[]
  readonly actionSpace: ActionSpace
  readonly kind: ObservationKind
  /** MiniGrid: one-hot channels. */
  readonly onehot: boolean
  /** (C, H, W) of one env's observation (stack). */
  readonly obsShape: readonly [number, number, number]
  /** (C, H, W) of one env's frame. */
  readonly frameShape: readonly [number, number, number]
  readonly autoReset: boolean
  readonly obs: Float32Array
  readonly frame: Float32Array
  readonly agentPos: Int32Array
  readonly agentDir: Int32Array
  readonly rewards: Float32Array
  readonly terminated: Uint8Array
  readonly truncated: Uint8Array
  readonly stepped: Uint8Array
  readonly running: Uint8Array
  readonly episodeSteps: Int32Array
  readonly episodeReturns: Float64Array
  private resizer: Resizer | null
  private grid: SampleGrid | null = null // nearest, games with sample(): they draw at its positions themselves
  private samplers: Game[] = []
  private minigrid: MiniGridEnv[] // the envs themselves when kind is 'minigrid'
  private len: Int32Array // the current episode's step count and return
  private ret: Float64Array
  private hw: number
  private hasReset = false

  constructor(
    readonly id: string,
    opts: VectorEnvOptions,
  ) {
    const { numEnvs, seed = 24, frameResize = 84, stackedFrames = 4, resize = 'nearest', autoReset = true } = opts
    const { onehot = false } = opts
    const posInt = (v: number, name: string) => {
      if (!Number.isInteger(v) || v <= 0) throw new Error(`VectorEnv: ${name} must be a positive integer, got ${v}`)
    }
    posInt(numEnvs, 'numEnvs')
    posInt(frameResize, 'frameResize')
    posInt(stackedFrames, 'stackedFrames')
    if (!Number.isInteger(seed) || seed < 0 || seed + numEnvs - 1 > 0xffffffff) {
      throw new Error(`VectorEnv: seed must be an integer with 0 <= seed and seed + numEnvs - 1 < 2^32, got ${seed}`)
    }
    this.numEnvs = numEnvs
    this.autoReset = autoReset
    const mk = {
      ...(opts.maxEpisodeSteps === undefined ? {} : { maxEpisodeSteps: opts.maxEpisodeSteps }),
      ...(opts.frameSkip === undefined ? {} : { frameSkip: opts.frameSkip }),
    }
    this.envs = Array.from({ length: numEnvs }, (_, i) => make(id, { seed: seed + i, ...mk }))
    this.actionSpace = this.envs[0].actionSpace
    this.onehot = onehot
    this.agentPos = new Int32Array(numEnvs * 2).fill(-1)
    this.agentDir = new Int32Array(numEnvs).fill(-1)
    if (this.envs[0].unwrapped instanceof MiniGridEnv) {
      const frameOpts = (['frameResize', 'stackedFrames', 'resize', 'crop'] as const).filter((k) => opts[k] !== undefined)
      if (frameOpts.length > 0) {
        throw new Error(
          `VectorEnv: ${frameOpts.join(', ')} do not apply to ${id} (its observation is MiniGrid's ` + `7x7 symbolic view; see the onehot option)`,
        )
      }
      this.kind = 'minigrid'
      this.minigrid = this.envs.map((e) => e.unwrapped as MiniGridEnv)
      this.resizer = null
      const [h, w] = this.envs[0].observationSpace.shape
      this.obsShape = this.frameShape = [onehot ? ONEHOT_CHANNELS : 3, h, w]
      this.hw = h * w
      this.obs = this.frame = new Float32Array(numEnvs * this.obsShape[0] * this.hw)
    } else {
      if (onehot) throw new Error(`VectorEnv: onehot applies to MiniGrid observations only, not ${id}`)
      this.kind = 'pixels'
      this.minigrid = []
      const [h, w] = this.envs[0].observationSpace.shape
      this.resizer = new Resizer(w, h, frameResize, frameResize, resize, opts.crop)
      if (resize === 'nearest' && typeof (this.envs[0].unwrapped as Game).sample === 'function') {
        this.grid = new SampleGrid(w, h, frameResize, frameResize, opts.crop)
        this.samplers = this.envs.map((e) => e.unwrapped as Game)
      }
      this.obsShape = [stackedFrames, frameResize, frameResize]
      this.frameShape = [1, frameResize, frameResize]
      this.hw = frameResize * frameResize
      this.obs = new Float32Array(numEnvs * stackedFrames * this.hw)
      this.frame = new Float32Array(numEnvs * this.hw)
    }
    this.rewards = new Float32Array(numEnvs)
    this.terminated = new Uint8Array(numEnvs)
    this.truncated = new Uint8Array(numEnvs)
    this.stepped = new Uint8Array(numEnvs)
    this.running = new Uint8Array(numEnvs)
    this.episodeSteps = new Int32Array(numEnvs)
    this.episodeReturns = new Float64Array(numEnvs)
    this.len = new Int32Array(numEnvs)
    this.ret = new Float64Array(numEnvs)
  }

  /** Start an episode in every env. */
  reset(): this {
    for (let i = 0; i < this.numEnvs; i++) this.resetEnv(i)
    this.rewards.fill(0)
    this.terminated.fill(0)
    this.truncated.fill(0)
    this.stepped.fill(0)
    return this
  }

  /** Start a new episode in env i (un-pauses it); `seed` reseeds its game RNG first (gym_ple seed + reset). */
  resetEnv(i: number, seed?: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.numEnvs) {
      throw new RangeError(`VectorEnv: no env ${i} (0..${this.numEnvs - 1})`)
    }
    this.restart(i, seed)
    this.episodeSteps[i] = 0
    this.episodeReturns[i] = 0
    this.hasReset = true
  }

  private restart(i: number, seed?: number): void {
    this.envs[i].reset(seed === undefined ? {} : { seed })
    this.startStack(i)
    this.running[i] = 1
    this.len[i] = 0
    this.ret[i] = 0
  }

  /** Step every running env (and, with `active`, only those with active[i] = 1) with actions[i]. */
  step(actions: Int32Array | ArrayLike<number>, active?: Uint8Array): this {
    if (!this.hasReset) throw new Error('VectorEnv: call reset() before step()')
    const N = this.numEnvs,
      n = this.actionSpace.n
    if (actions.length < N) throw new RangeError(`VectorEnv: ${N} actions needed, got ${actions.length}`)
    for (let i = 0; i < N; i++) {
      this.rewards[i] = 0
      this.terminated[i] = 0
      this.truncated[i] = 0
      this.stepped[i] = 0
      if (!this.running[i] || (active && !active[i])) continue
      const a = actions[i]
      if (!Number.isInteger(a) || a < 0 || a >= n) {
        const meanings = this.actionSpace.meanings.join(', ')
        throw new RangeError(`VectorEnv: env ${i}: invalid action ${a}; expected an integer in 0..${n - 1} ` + `(${meanings})`)
      }
      const env = this.envs[i]
      const r = env.act(a)
      const term = env.terminated,
        trunc = env.truncated
      this.rewards[i] = r
      this.terminated[i] = term ? 1 : 0
      this.truncated[i] = trunc ? 1 : 0
      this.stepped[i] = 1
      this.episodeSteps[i] = ++this.len[i]
      this.episodeReturns[i] = this.ret[i] += r
      if (!(term || trunc)) this.pushFrame(i)
      else if (this.autoReset) {
        this.restart(i) // episodeSteps/episodeReturns keep describing the episode that just ended
      } else {
        this.pushFrame(i)
        this.running[i] = 0
      }
    }
    return this
  }

  // write env i's screen as the newest frame: frame[i] (raw) and the last channel of its stack (/255), shifting
  // the older channels down by one (MiniGrid: its symbolic view and pose)
  private pushFrame(i: number): void {
    if (this.resizer === null) return this.writeMiniGrid(i)
    const hw = this.hw,
      C = this.obsShape[0]
    const base = i * C * hw
    this.obs.copyWithin(base, base + hw, base + C * hw)
    this.writeFrame(i, base + (C - 1) * hw)
  }

  private startStack(i: number): void {
    if (this.resizer === null) return this.writeMiniGrid(i)
    const hw = this.hw,
      C = this.obsShape[0]
    const base = i * C * hw
    this.obs.fill(0, base, base + (C - 1) * hw)
    this.writeFrame(i, base + (C - 1) * hw)
  }

  // env i's current frame, resized to grayscale, into frame[i] (raw) and obs at `at` (/ 255)
  private writeFrame(i: number, at: number): void {
    const hw = this.hw
    if (this.grid === null) return this.resizer!.grayPair(this.envs[i].obs, this.frame, i * hw, this.obs, at)
    const f = this.frame,
      o = this.obs
    this.samplers[i].sample!(this.grid, f, i * hw)
    for (let j = 0, k = i * hw; j < hw; j++, k++) o[at + j] = f[k] / 255
  }

  private writeMiniGrid(i: number): void {
    const env = this.minigrid[i]
    writeSymbolic(env.image, this.obs, i * this.obsShape[0] * this.hw, this.onehot)
    this.agentPos[2 * i] = env.agentPos[0]
    this.agentPos[2 * i + 1] = env.agentPos[1]
    this.agentDir[i] = env.agentDir
  }
}
