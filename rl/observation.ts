// What the networks see of a game, in one place: PLE games give RGB screens (or a square of them, --frame_crop),
// resized to frame_resize x frame_resize grayscale frames (0..255, fed / 255, the seed's Nature CNN); MiniGrid levels
// give the 7x7 symbolic view, channel-first, as 3 numbers per cell (object, colour, state indices, fed as they are)
// or one-hot in 20 channels (--grid_onehot; layout in docs/minigrid.md), read by the grid encoder. A frame is one
// observation of one env: C x H x W values; stacks of S frames are S*C channels.
import { listEnvs } from '../env/index.ts'
import { ONEHOT_CHANNELS, writeSymbolic } from '../env/minigrid/symbolic.ts'
import { Resizer, type Crop } from '../env/preprocess.ts'
import { parseCrop, type Args } from './args.ts'
import type { EncoderKind, InputSpec } from './networks.ts'

export interface ObsLayout {
  kind: 'pixels' | 'minigrid'
  /** channels per frame, and the square side */
  channels: number
  size: number
  /** C * H * W */
  frameSize: number
  /** the policy/value input is frame / divisor (255 for pixels, 1 for MiniGrid's indices) */
  divisor: number
  /** PLE draws nothing at reset: an episode's first frame is blank (docs/algorithm.md, Observations). MiniGrid's
   *  reset observation is real. */
  blankFirst: boolean
  encoder: EncoderKind
  /** pixels: the square of the screen that is resized (--frame_crop), undefined for the whole screen */
  crop?: Crop
}

export function obsLayout(args: Args): ObsLayout {
  const spec = listEnvs().find((e) => e.id === args.game)
  if (!spec) throw new Error(`unknown game '${args.game}'`)
  const auto = (k: EncoderKind): EncoderKind => (args.encoder === 'auto' ? k : args.encoder)
  if (spec.kind === 'minigrid') {
    const channels = args.grid_onehot ? ONEHOT_CHANNELS : 3,
      size = spec.observationShape[0]
    return { kind: 'minigrid', channels, size, frameSize: channels * size * size, divisor: 1, blankFirst: false, encoder: auto('grid') }
  }
  const F = args.frame_resize,
    crop = parseCrop(args.frame_crop) ?? undefined
  return { kind: 'pixels', channels: 1, size: F, frameSize: F * F, divisor: 255, blankFirst: true, encoder: auto('nature'), crop }
}

export const inputSpec = (o: ObsLayout): InputSpec => ({ encoder: o.encoder, channels: o.channels, size: o.size })

/** [n, S * C, H, W]: the shape of n stacks of S frames. */
export const stackShape = (o: ObsLayout, n: number, S: number): number[] => [n, S * o.channels, o.size, o.size]

/** Writes an env's raw observation (an RGB screen, or MiniGrid's 7x7x3 bytes) as one frame of this layout. */
export type FrameWriter = (obs: Uint8Array, out: Float32Array) => void

export function frameWriter(o: ObsLayout, game: string): FrameWriter {
  if (o.kind === 'minigrid') {
    const onehot = o.channels !== 3
    return (obs, out) => writeSymbolic(obs, out, 0, onehot)
  }
  const [h, w] = listEnvs().find((e) => e.id === game)!.observationShape
  const r = new Resizer(w, h, o.size, o.size, 'nearest', o.crop) // as the trainer's VectorEnv preprocesses
  return (obs, out) => r.grayInto(obs, out)
}
