// A trained policy playing one episode at a time (cli play, web): reset() at an episode's start, then act(obs) with
// each raw observation of the env (its RGB screen, or MiniGrid's 7x7x3 view) returns an action, sampled (default) or
// the most probable (greedy). It turns each observation into a frame as the trainer's VectorEnv does
// (rl/observation.ts), keeps its own frame stack and recurrent state, and builds its input exactly as a rollout does
// (rl/rollout.ts), so the policy sees what it was trained on. PpoRnd.actor() makes one from its policy.
import { Tensor, Rng, scope, noGrad, type Backend } from '../engine/index.ts'
import type { Args } from './args.ts'
import { disposeState, type Net, type RecState } from './networks.ts'
import { EpisodeBuffer, fillStack, sampleCategorical } from './rollout.ts'
import { obsLayout, frameWriter, stackShape } from './observation.ts'

export interface ActorOptions {
  greedy?: boolean
  seed?: number
}
export interface Actor {
  reset(): void
  act(obs: Uint8Array): Promise<number>
  dispose(): void
}

/** `seed` seeds the sampling (default args.rng_seed + 4, a stream no trainer uses). */
export function createActor(policy: Net, backend: Backend, args: Args, numActions: number, opts: ActorOptions = {}): Actor {
  const a = args,
    o = obsLayout(a),
    fs = o.frameSize,
    S = a.stacked_frames,
    A = numActions
  const write = frameWriter(o, a.game)
  const ep = new EpisodeBuffer(fs, A, a.rnd_output_dim, o.divisor)
  const x = new Float32Array(S * fs),
    frame = new Float32Array(fs)
  const rng = new Rng(opts.seed ?? a.rng_seed + 4)
  let state: RecState = []
  const reset = () => {
    disposeState(state)
    state = policy.initialState(1)
    ep.reset()
  }
  reset()
  return {
    reset,
    act: async (obs: Uint8Array) => {
      const t = ep.length
      ep.ensure(t)
      if (t === 0 && o.blankFirst)
        ep.frames.fill(0, 0, fs) // as in rollouts: a PLE episode starts from a blank frame
      else {
        write(obs, frame)
        ep.frames.set(frame, t * fs)
      }
      ep.length++
      fillStack(x, 0, ep, t, S)
      const res = noGrad(() =>
        scope(() => {
          const r = policy.step(Tensor.fromArray(backend, x, stackShape(o, 1, S)), state)
          return { y: r.y, state: r.state }
        }),
      )
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
