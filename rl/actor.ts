// A trained policy playing one episode at a time (cli play, web): reset() at an episode's start, then act(frame)
// with each raw grayscale frame (frame_resize^2 values, 0..255) returns an action, sampled (default) or the most
// probable (greedy). It keeps its own frame stack and recurrent state, and builds its input exactly as a rollout
// does (rl/rollout.ts), so the policy sees what it was trained on. PpoRnd.actor() makes one from its policy.
import { Tensor, Rng, scope, noGrad, type Backend } from '../engine/index.ts'
import type { Args } from './args.ts'
import { disposeState, type Net, type RecState } from './networks.ts'
import { EpisodeBuffer, fillStack, sampleCategorical } from './rollout.ts'

export interface ActorOptions { greedy?: boolean; seed?: number }
export interface Actor { reset(): void; act(frame: Float32Array): Promise<number>; dispose(): void }

/** `seed` seeds the sampling (default args.rng_seed + 4, a stream no trainer uses). */
export function createActor(policy: Net, backend: Backend, args: Args, numActions: number,
  opts: ActorOptions = {}): Actor {
  const a = args, hw = a.frame_resize * a.frame_resize, S = a.stacked_frames, F = a.frame_resize, A = numActions
  const ep = new EpisodeBuffer(hw, A, a.rnd_output_dim)
  const x = new Float32Array(S * hw)
  const rng = new Rng(opts.seed ?? a.rng_seed + 4)
  let state: RecState = []
  const reset = () => { disposeState(state); state = policy.initialState(1); ep.reset() }
  reset()
  return {
    reset,
    act: async (frame: Float32Array) => {
      const t = ep.length
      ep.ensure(t)
      if (t === 0) ep.frames.fill(0, 0, hw) // as in rollouts: an episode starts from a blank frame
      else ep.frames.set(frame.subarray(0, hw), t * hw)
      ep.length++
      fillStack(x, 0, ep, t, S)
      const res = noGrad(() => scope(() => {
        const r = policy.step(Tensor.fromArray(backend, x, [1, S, F, F]), state)
        return { y: r.y, state: r.state }
      }))
      const logits = await res.y.read()
      res.y.dispose()
      disposeState(state)
      state = res.state
      if (!opts.greedy) return sampleCategorical(logits, 0, A, rng.uniform())
      let best = 0
      for (let k = 1; k < A; k++) if (logits[k] > logits[best]) best = k
      return best
    },
    dispose: () => disposeState(state),
  }
}
