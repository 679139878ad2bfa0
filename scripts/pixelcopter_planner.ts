// `npx tsx scripts/pixelcopter_planner.ts [episodes] [lookahead] [samples] [max_frames]`: how far PixelCopter-v0 can
// be played from its true state (issue #14's context, docs/results/pixelcopter_100.md). A random-shooting planner:
// at every frame, for each action, `samples` copies of the game take it and then `lookahead` frames of random
// presses (each copy its own press probability in [0.05, 0.35]); the action whose best copy survives longest is
// played. The copies share the game's future random draws, so the planner also knows where the next block will
// appear (about a screen before it shows). It is not a policy of ours: it bounds what the game allows.
import { PixelCopter } from '../env/pixelcopter.ts'
import { RandomState } from '../env/random_state.ts'

function copy(g: PixelCopter): PixelCopter {
  const c = Object.create(Object.getPrototypeOf(g)) as Record<string, unknown>
  for (const [k, v] of Object.entries(g)) {
    if (v instanceof RandomState) {
      const r = Object.create(RandomState.prototype) as Record<string, unknown>
      for (const [k2, v2] of Object.entries(v)) r[k2] = v2 instanceof Uint32Array ? v2.slice() : v2
      c[k] = r
    } else c[k] = ArrayBuffer.isView(v) ? (v as Float64Array).slice() : v
  }
  c.render = () => {} // the copies draw nothing
  return c as unknown as PixelCopter
}

const [episodes, lookahead, samples, maxFrames] = [5, 40, 8, 3000].map((d, i) => Number(process.argv[2 + i] ?? d))
const UP = 0,
  NOOP = -1
const draws = new RandomState(1)
const returns: number[] = []
for (let e = 0; e < episodes; e++) {
  const g = new PixelCopter(new RandomState(100 + e))
  g.init()
  let frames = 0
  while (!g.isGameOver() && frames < maxFrames) {
    let best = -1,
      bestAction = NOOP
    for (const a of [NOOP, UP]) {
      for (let s = 0; s < samples; s++) {
        const c = copy(g)
        c.step(a)
        const p = 0.05 + 0.3 * draws.randomSample()
        let t = 0
        while (!c.isGameOver() && t < lookahead) {
          c.step(draws.randomSample() < p ? UP : NOOP)
          t++
        }
        const survived = c.isGameOver() ? t : lookahead + 1
        if (survived > best) [best, bestAction] = [survived, a]
      }
    }
    g.step(bestAction)
    frames++
  }
  returns.push(g.score)
  console.log(`episode ${e}: ${frames} frames, return ${g.score}${g.isGameOver() ? '' : ' (stopped alive at max_frames)'}`)
}
console.log(
  `mean return ${(returns.reduce((a, b) => a + b, 0) / returns.length).toFixed(1)} over ${episodes} episodes (lookahead ${lookahead}, samples ${samples})`,
)
