// After every optimizer step, before a snapshot can hold it: the parameters and Adam moments of each trained network
// must be finite (engine/optim/adam.ts finiteSums: one readback per step for the three networks). The loss check of
// ppo_rnd.ts sees a bad step only at the next step's forward, never after an iteration's last step, whose result is
// what the snapshot saves; this check sees every step's result, so the newest snapshot is always a good state.
import { concat, keep, scope, type Adam } from '../engine/index.ts'
import { TRAINED, type TrainedName } from './networks.ts'

const PARTS = ['parameters', 'Adam first moments (m)', 'Adam second moments (v)'] as const

/** A trained network's state stopped being finite: training stops, naming the network, the part and the step. */
export class NonFiniteStateError extends Error {
  constructor(
    readonly network: TrainedName,
    readonly what: (typeof PARTS)[number],
    readonly step: number,
    readonly steps: number,
    readonly iteration: number,
    readonly value: number,
  ) {
    super(
      `the ${network} network's ${what} are not finite after gradient step ${step} of ${steps} in iteration ` +
        `${iteration} (their float32 sum of squares is ${value}): training stopped (try a lower learning rate or ` +
        '--gradient_clip)',
    )
    this.name = 'NonFiniteStateError'
  }
}

/** Throw NonFiniteStateError for the first network (value, policy, rnd_predictor) whose state is not finite. */
export async function checkFiniteState(optims: Record<TrainedName, Adam>, iteration: number, step: number, steps: number): Promise<void> {
  const sums = scope(() =>
    keep(
      concat(
        TRAINED.map((n) => optims[n].finiteSums()),
        0,
      ),
    ),
  )
  const v = await sums.read()
  sums.dispose()
  TRAINED.forEach((n, i) =>
    PARTS.forEach((what, j) => {
      const x = v[3 * i + j]
      if (!Number.isFinite(x)) throw new NonFiniteStateError(n, what, step, steps, iteration, x)
    }),
  )
}
