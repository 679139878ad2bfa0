// MiniGrid's 7x7x3 observation as a network input, channel-first (numpy's image.transpose(2, 0, 1)):
//   raw:    3 channels (object, colour, state) of the indices as numbers, out[c][vx][vy] = image[vx][vy][c]
//   onehot: 20 channels: 0..10 the object index (OBJECT_IDX, 11 values), 11..16 the colour (COLOR_IDX, 6),
//           17..19 the state (open/closed/locked, 3); each index one-hot on its own, so an unseen cell (0, 0, 0)
//           lights channels 0, 11 and 17 and an empty cell (1, 0, 0) channels 1, 11 and 17.
import { NUM_COLORS, NUM_OBJECT_TYPES, NUM_STATES } from './constants.ts'

const CELLS = 49
export const ONEHOT_CHANNELS = NUM_OBJECT_TYPES + NUM_COLORS + NUM_STATES
const COLOR_BASE = NUM_OBJECT_TYPES
const STATE_BASE = NUM_OBJECT_TYPES + NUM_COLORS

/** Write image (7*7*3 bytes, [vx][vy][c]) at out[offset..] as (3, 7, 7) raw indices or (20, 7, 7) one-hot. */
export function writeSymbolic(image: Uint8Array, out: Float32Array, offset: number, onehot: boolean): void {
  if (!onehot) {
    for (let k = 0; k < CELLS; k++) {
      out[offset + k] = image[k * 3]
      out[offset + CELLS + k] = image[k * 3 + 1]
      out[offset + 2 * CELLS + k] = image[k * 3 + 2]
    }
    return
  }
  out.fill(0, offset, offset + ONEHOT_CHANNELS * CELLS)
  for (let k = 0; k < CELLS; k++) {
    out[offset + image[k * 3] * CELLS + k] = 1
    out[offset + (COLOR_BASE + image[k * 3 + 1]) * CELLS + k] = 1
    out[offset + (STATE_BASE + image[k * 3 + 2]) * CELLS + k] = 1
  }
}
