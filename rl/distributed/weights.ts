// The weights the learner publishes and every actor acts with (docs/distributed.md): the four networks (value,
// policy, RND target, RND predictor) and the observation statistics the RND inputs are normalized with, as one
// safetensors blob whose metadata carries its version (the learner's iteration) and the statistics' count.
import { decodeSafetensors, encodeSafetensors, toNamedArrays, type NamedArray } from '../../engine/index.ts'
import { NET_NAMES } from '../networks.ts'
import type { PpoRnd } from '../ppo_rnd.ts'

export const WEIGHTS_FORMAT = 'rl-rnd-weights/1'

/** The trainer's networks and observation statistics as a versioned blob. */
export async function encodeWeights(t: PpoRnd, version: number): Promise<Uint8Array> {
  const tensors: Record<string, NamedArray> = {}
  for (const n of NET_NAMES) for (const [name, a] of Object.entries(await toNamedArrays(t.networkNamed(n)))) tensors[`${n}/${name}`] = a
  const F = t.obsStats.size
  tensors['obs/mean'] = { shape: [F], data: Float32Array.from(t.obsStats.mean) }
  tensors['obs/var'] = { shape: [F], data: Float32Array.from(t.obsStats.var) }
  return encodeSafetensors(tensors, { format: WEIGHTS_FORMAT, version: String(version), obs_count: String(t.obsStats.count) })
}

/** Load a blob into the networks and statistics of `t` (all or nothing); returns its version. Throws naming the problem. */
export function loadWeights(t: PpoRnd, bytes: Uint8Array): number {
  const expected: Record<string, number[]> = {}
  for (const n of NET_NAMES) for (const [name, a] of t.networkNamed(n)) expected[`${n}/${name}`] = [...a.shape]
  expected['obs/mean'] = [t.obsStats.size]
  expected['obs/var'] = [t.obsStats.size]
  const { tensors, metadata } = decodeSafetensors(bytes, expected, 'weights')
  if (metadata.format !== WEIGHTS_FORMAT) throw new Error(`weights: format ${metadata.format}, expected ${WEIGHTS_FORMAT}`)
  const version = Number(metadata.version),
    count = Number(metadata.obs_count)
  if (!Number.isInteger(version) || version < 0) throw new Error(`weights: version ${metadata.version} is not an integer >= 0`)
  if (!(count >= 0)) throw new Error(`weights: obs_count ${metadata.obs_count} is not a number >= 0`)
  for (const [name, a] of Object.entries(tensors)) if (!a.data.every(Number.isFinite)) throw new Error(`weights: tensor ${name} is not finite`)
  for (const n of NET_NAMES) for (const [name, p] of t.networkNamed(n)) p.write(tensors[`${n}/${name}`].data)
  t.obsStats.load({ count, mean: tensors['obs/mean'].data, var: tensors['obs/var'].data })
  return version
}
