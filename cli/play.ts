// `rl-rnd play`: run a policy for a few episodes, print each episode's length and return, and optionally record
// an animated GIF (scaled up, nearest-neighbour) and/or one PNG per frame. Frames are env.render(): the screen
// for PLE games, the whole grid in MiniGrid's look for MiniGrid levels.
// playEpisodes() is the reusable part: a trainer passes its own policy function (e.g. a loaded model).
import { mkdirSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import type { Command } from 'commander'
import { PNG } from 'pngjs'
import { make, MiniGridEnv, RandomState, type Env } from '../env/index.ts'
import { badInput, checkOutputDir, checkOutputFile, writing } from './errors.ts'
import { writeFileAtomic } from './snapshot.ts'

/** Chooses an action from the current observation (env.obs: H*W*3 RGB for PLE games, MiniGrid's 7*7*3 view; owned
 *  by the env: copy it to keep it).
 *  ctx.step is 0 on an episode's first action (reset recurrent state there). */
export type PolicyFn = (obs: Uint8Array, ctx: { episode: number; step: number }) => number | Promise<number>

export interface PlayOptions {
  episodes: number
  /** Write an animated GIF of all episodes here. */
  gif?: string
  /** Write every frame as <png>/e<episode>_t<step>.png. */
  png?: string
  /** Integer upscale factor for GIF and PNG frames (default 4). */
  scale?: number
  /** End each episode after this many steps at the latest (default: only the game and its time limit end it). */
  maxSteps?: number
  /** GIF frame rate (default: the game's, 30 for PLE, MiniGrid's render_fps 10). */
  fps?: number
  /** Called after each episode. */
  onEpisode?: (e: EpisodeStats) => void
}

export interface EpisodeStats {
  episode: number
  length: number
  return: number
}

interface Gifenc {
  GIFEncoder(): {
    writeFrame(index: Uint8Array, w: number, h: number, o: { palette: number[][]; delay?: number }): void
    finish(): void
    bytes(): Uint8Array
  }
  quantize(rgba: Uint8Array, maxColors: number): number[][]
  applyPalette(rgba: Uint8Array, palette: number[][]): Uint8Array
}
const gifenc = createRequire(import.meta.url)('gifenc') as Gifenc

/** RGB h*w*3 -> RGBA (h*s)*(w*s)*4, nearest-neighbour upscaling by the integer factor s. */
export function upscaleRgba(rgb: Uint8Array, w: number, h: number, s: number): Uint8Array {
  const W = w * s,
    out = new Uint8Array(W * h * s * 4)
  for (let y = 0; y < h * s; y++) {
    const srow = Math.floor(y / s) * w
    for (let x = 0; x < W; x++) {
      const p = (srow + Math.floor(x / s)) * 3,
        o = (y * W + x) * 4
      out[o] = rgb[p]
      out[o + 1] = rgb[p + 1]
      out[o + 2] = rgb[p + 2]
      out[o + 3] = 255
    }
  }
  return out
}

// exact palette when a frame has at most 256 colours (always, for PLE's flat-colour games), else quantized
function indexFrame(rgba: Uint8Array): { index: Uint8Array; palette: number[][] } {
  const ids = new Map<number, number>()
  const index = new Uint8Array(rgba.length / 4)
  for (let i = 0; i < index.length; i++) {
    const key = (rgba[i * 4] << 16) | (rgba[i * 4 + 1] << 8) | rgba[i * 4 + 2]
    let id = ids.get(key)
    if (id === undefined) {
      if (ids.size === 256) {
        const palette = gifenc.quantize(rgba, 256)
        return { index: gifenc.applyPalette(rgba, palette), palette }
      }
      ids.set(key, (id = ids.size))
    }
    index[i] = id
  }
  const palette = [...ids.keys()].map((k) => [k >> 16, (k >> 8) & 255, k & 255])
  while (palette.length < 2) palette.push([0, 0, 0])
  return { index, palette }
}

/** Run `episodes` episodes of env with policy, recording frames as asked; returns each episode's length and return. */
export async function playEpisodes(env: Env, policy: PolicyFn, opts: PlayOptions): Promise<EpisodeStats[]> {
  const { episodes, gif, png, scale = 4, maxSteps = Infinity } = opts
  const fps = opts.fps ?? (env.unwrapped instanceof MiniGridEnv ? 10 : 30)
  const encoder = gif ? gifenc.GIFEncoder() : null
  if (png) writing(png, () => mkdirSync(png, { recursive: true }))
  const stats: EpisodeStats[] = []
  const delay = Math.round(1000 / fps)
  for (let e = 1; e <= episodes; e++) {
    let { obs } = env.reset()
    let length = 0,
      ret = 0
    for (;;) {
      const r = env.step(await policy(obs, { episode: e, step: length }))
      obs = r.obs
      length++
      ret += r.reward
      const end = r.terminated || r.truncated || length >= maxSteps
      if (encoder || png) {
        const { rgb, width: w, height: h } = env.render()
        const rgba = upscaleRgba(rgb, w, h, scale)
        if (encoder) {
          const { index, palette } = indexFrame(rgba)
          encoder.writeFrame(index, w * scale, h * scale, { palette, delay: end ? 1000 : delay }) // hold the end 1 s
        }
        if (png) {
          const img = new PNG({ width: w * scale, height: h * scale })
          img.data.set(rgba)
          const file = join(png, `e${e}_t${String(length).padStart(5, '0')}.png`)
          writing(file, () => writeFileSync(file, PNG.sync.write(img)))
        }
      }
      if (end) break
    }
    const s = { episode: e, length, return: ret }
    stats.push(s)
    opts.onEpisode?.(s)
  }
  if (encoder && gif) {
    encoder.finish()
    writing(gif, () => writeFileAtomic(gif, encoder.bytes())) // the previous GIF stays whole if this fails
  }
  return stats
}

const POLICIES = ['random', 'noop', 'up'] as const

/** An integer option in [min, max]. */
function intOption(v: string, name: string, min: number, max: number): number {
  const n = v.trim() === '' ? NaN : Number(v)
  if (!Number.isInteger(n) || n < min || n > max) {
    badInput(`${name} must be ${min === 1 ? 'a positive integer' : 'an integer'} in [${min}, ${max}], got '${v}'`)
  }
  return n
}

interface PlayArgs {
  game: string
  policy: string
  episodes: string
  seed: string
  gif?: string
  png?: string
  scale?: string
  max_steps?: string
  model?: string
  actions?: string
}

const ACTION_MODES = ['sampled', 'greedy', 'both'] as const

/** Mean and population std of the returns, mean length: the summary line of one policy's episodes. */
export function returnStats(stats: EpisodeStats[]): { meanReturn: number; stdReturn: number; meanLength: number } {
  const n = stats.length,
    meanReturn = stats.reduce((t, s) => t + s.return, 0) / n
  return {
    meanReturn,
    stdReturn: Math.sqrt(stats.reduce((t, s) => t + (s.return - meanReturn) ** 2, 0) / n),
    meanLength: stats.reduce((t, s) => t + s.length, 0) / n,
  }
}

async function play(a: PlayArgs): Promise<void> {
  const episodes = intOption(a.episodes, '--episodes', 1, 100_000)
  // 32x a 256-pixel render is already 8192 pixels wide
  const scaleFlag = a.scale === undefined ? undefined : intOption(a.scale, '--scale', 1, 32)
  const seed = intOption(a.seed, '--seed', 0, 2 ** 32 - 1)
  const maxSteps = a.max_steps === undefined ? undefined : intOption(a.max_steps, '--max_steps', 1, 1e9)
  // outputs are checked, not created, before anything runs: a bad input leaves nothing behind
  if (a.gif !== undefined) checkOutputFile(a.gif, 'GIF')
  if (a.png !== undefined) checkOutputDir(a.png, 'PNGs to')
  if (a.model === '') badInput('--model needs a directory, not an empty string')
  const actions = a.actions ?? (a.model ? 'both' : 'sampled')
  if (!(ACTION_MODES as readonly string[]).includes(actions)) badInput(`unknown --actions '${actions}' (${ACTION_MODES.join(', ')})`)
  if (actions !== 'sampled' && !a.model) badInput(`--actions ${actions} needs --model (the simple policies have no distribution to be greedy on)`)
  // a model plays at the frame skip it was trained at
  const frameSkip = a.model ? (await import('./train.ts')).policyFrameSkip(a.model) : 1
  // every mode plays the same levels: a fresh env (and random policy) from the same seed
  const fresh = (): Env => {
    try {
      return make(a.game, { seed, frameSkip })
    } catch (e) {
      return badInput((e as Error).message)
    }
  }
  const first = fresh()
  const meanings = first.actionSpace.meanings
  // 4x suits PLE's small screens; the large ones (FlappyBird 288x512, MonsterKong 500x465) are shown as they are
  const scale = scaleFlag ?? (Math.max(...first.observationSpace.shape.slice(0, 2)) > 64 ? 1 : 4)
  const modes: ('sampled' | 'greedy')[] = actions === 'both' ? ['sampled', 'greedy'] : [actions as 'sampled' | 'greedy']
  const both = modes.length > 1
  for (const [i, mode] of modes.entries()) {
    const env = fresh()
    const rng = new RandomState(seed)
    let policy: PolicyFn
    let model: { policy: PolicyFn; dispose(): void } | null = null
    if (a.model) {
      const { loadPolicy } = await import('./train.ts')
      model = await loadPolicy(a.model, a.game, 'wasm', mode === 'greedy')
      policy = model.policy
    } else if (a.policy === 'random') policy = () => rng.randint(0, env.actionSpace.n)
    else if (a.policy === 'noop' || a.policy === 'up') {
      const action = meanings.indexOf(a.policy)
      if (action < 0) badInput(`${a.game} has no '${a.policy}' action (actions: ${meanings.join(', ')})`)
      policy = () => action
    } else return badInput(`unknown policy '${a.policy}' (${POLICIES.join(', ')})`)
    const tag = both ? `${mode} ` : ''
    let stats: EpisodeStats[]
    try {
      stats = await playEpisodes(env, policy, {
        episodes,
        gif: i === 0 ? a.gif : undefined, // the first mode's episodes only
        png: i === 0 ? a.png : undefined,
        scale,
        maxSteps,
        onEpisode: (s) => console.log(`${tag}episode ${s.episode}: length ${s.length}, return ${s.return}`),
      })
    } finally {
      model?.dispose()
    }
    const r = returnStats(stats)
    const who = a.model ? `model ${a.model} (${mode})` : a.policy
    console.log(
      `${a.game} ${who}: ${episodes} episodes, mean length ${r.meanLength.toFixed(2)}, mean return ${r.meanReturn.toFixed(2)}, ` +
        `std ${r.stdReturn.toFixed(2)}`,
    )
    if (i === 0 && a.gif) console.log(`wrote ${a.gif} (${stats.reduce((t, s) => t + s.length, 0)} frames, ${scale}x)`)
    if (i === 0 && a.png) console.log(`wrote PNG frames to ${a.png}/`)
  }
}

export function register(program: Command): void {
  program
    .command('play')
    .description('play episodes with a simple policy; print lengths and returns; record a GIF or PNG frames')
    .option('--game <id>', 'environment id (see `rl-rnd envs`)', 'PixelCopter-v0')
    .option('--policy <name>', `policy: ${POLICIES.join(' | ')}`, 'random')
    .option('--episodes <n>', 'number of episodes', '3')
    .option('--seed <n>', 'game RNG seed (PLE default 24); also seeds the random policy', '24')
    .option('--gif <file>', 'write an animated GIF of the episodes')
    .option('--png <dir>', 'write every frame as <dir>/e<episode>_t<step>.png')
    .option('--scale <n>', 'upscale factor for GIF/PNG frames (nearest-neighbour; default 4, 1 above 64 px)')
    .option('--max_steps <n>', "end each episode after n steps at the latest (default: the game's own end and limit)")
    .option('--model <dir>', "play the trained policy DIR/policy.model (as `rl-rnd train` saves it), or a snapshot folder's, instead of --policy")
    .option(
      '--actions <mode>',
      `with --model: ${ACTION_MODES.join(' | ')} (sampled from the policy, its most probable, or each on the same levels; default both)`,
    )
    .action(play)
}
