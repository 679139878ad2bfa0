// What `rl-rnd train` starts from, read and checked whole (cli/validate.ts) before anything is written: the newest
// intact snapshot (damaged newer ones are listed with why, to be skipped and kept aside), or the final models of
// --model DIR; and the files a snapshot is made of (models and Adam states as safetensors, state.json).
import * as fs from 'node:fs'
import * as path from 'node:path'
import { encodeSafetensors, type NamedArray } from '../engine/index.ts'
import { NETWORK_FLAGS, type Args } from '../rl/args.ts'
import { TRAINED } from '../rl/networks.ts'
import type { TrainerState } from '../rl/snapshot.ts'
import { argsToArgv } from './args_cli.ts'
import { badInput } from './errors.ts'
import type { Snapshot, SnapshotStore } from './snapshot.ts'
import {
  DataError,
  checkShapes,
  checkState,
  modelFlags,
  readInput,
  readTensors,
  MODEL_FORMAT,
  STATE_FORMAT,
  type StateFile,
  type StateSizes,
  type StreamState,
} from './validate.ts'

export const RND_TARGET_FILE = 'rnd_target.safetensors'
export const FINAL_MODELS = { value: 'value.model', policy: 'policy.model' } as const

type Tensors = Record<string, Record<string, NamedArray>>
/** name -> shape of every tensor of each model and optimizer (PpoRnd.expectedShapes()). */
type Shapes = Record<string, Record<string, number[]>>
export interface Expected {
  models: Shapes
  optimizers: Shapes
}

/** The flags of NETWORK_FLAGS on which `a` and `b` disagree, as "--flag A (this run: B)". */
export function networkMismatch(saved: Partial<Args>, a: Args): string[] {
  return NETWORK_FLAGS.filter((k) => saved[k] !== undefined && saved[k] !== a[k]).map(
    (k) => `--${k} ${JSON.stringify(saved[k])} (this run: ${JSON.stringify(a[k])})`,
  )
}

/** The metadata of a model file: its network, the network flags it was made with (cli/validate.ts modelFlags) and
 *  the frame skip it acts at (`play --model` plays at it). */
export function modelMeta(net: string, args: Args): Record<string, string> {
  const flags = Object.fromEntries([...NETWORK_FLAGS, 'frame_skip' as const].map((k) => [k, args[k]]))
  return { format: MODEL_FORMAT, network: net, args: JSON.stringify(flags) }
}

/** Snapshot files of a trainer state. */
export function snapshotFiles(
  st: TrainerState,
  args: Args,
  wallSeconds: number,
  rndTargetSha: string,
  stream?: StreamState,
): Record<string, Uint8Array | string> {
  const files: Record<string, Uint8Array | string> = {}
  for (const n of TRAINED) {
    files[`${n}.safetensors`] = encodeSafetensors(st.models[n], modelMeta(n, args))
    files[`optimizer_${n}.safetensors`] = encodeSafetensors(st.optimizers[n])
  }
  const state: StateFile = {
    format: STATE_FORMAT,
    trainer: st.json,
    wall_seconds: wallSeconds,
    rnd_target_sha256: rndTargetSha,
    argv: argsToArgv(args),
    ...(stream ? { stream } : {}),
  }
  files['state.json'] = JSON.stringify(state, null, 1)
  return files
}

const MISSING = 'is missing from the snapshot manifest'

export interface Resumable {
  snap: Snapshot
  state: StateFile
  models: Tensors
  optimizers: Tensors
}
export interface Damaged {
  iteration: number
  reason: string
}

/**
 * A snapshot's file, decoded and checked; a missing one is damage too. A model file (`net` given) carries the
 * network flags it was made with (modelMeta): they must be this run's.
 */
function snapshotTensors(s: Snapshot, file: string, expected: Record<string, number[]> | undefined, args: Args, net?: string): Record<string, NamedArray> {
  const where = path.join(s.dir, file)
  if (!Object.hasOwn(s.files, file)) throw new DataError(where, '', MISSING)
  const { tensors, metadata } = readTensors(s.files[file], where, expected)
  if (net) {
    const bad = networkMismatch(modelFlags(metadata, where, net), args)
    if (bad.length) throw new DataError(where, '__metadata__.args', `says ${bad.join(', ')}, unlike its state.json`)
  }
  return tensors
}

/**
 * Check one snapshot whole: manifest, state.json (iteration = the folder's), every tensor finite, and with a
 * trainer's `expected` shapes and state `sizes`, the model's names and shapes and the sizes of the state. A
 * snapshot of other network flags is not damage but another run: one line, exit 2.
 */
function checkSnapshot(store: SnapshotStore, it: number, args: Args, expected: Expected | null, sizes: StateSizes | null): Resumable {
  const snap = store.load(it)
  const stateFile = path.join(snap.dir, 'state.json')
  if (!Object.hasOwn(snap.files, 'state.json')) throw new DataError(stateFile, '', MISSING)
  const shape = checkState(snap.files['state.json'], stateFile, it)
  const bad = networkMismatch(shape.trainer.args, args)
  if (bad.length) {
    badInput(`cannot resume from ${snap.dir}: it was made with ${bad.join(', ')}; ` + 'use the same network flags, --no_resume, or another --experiment_name')
  }
  const state = checkState(snap.files['state.json'], stateFile, it, sizes)
  const models: Tensors = {},
    optimizers: Tensors = {}
  for (const n of TRAINED) {
    models[n] = snapshotTensors(snap, `${n}.safetensors`, expected?.models[n], args, n)
    optimizers[n] = snapshotTensors(snap, `optimizer_${n}.safetensors`, expected?.optimizers[n], args)
  }
  return { snap, state, models, optimizers }
}

/**
 * The newest snapshot that passes every check, and the damaged ones newer than it (newest first, with why). With
 * snapshots present and none intact, stop: one line listing them; they stay as they are. Without `expected` (before
 * the trainer exists), the shapes are left to a second call.
 */
export function findResumable(
  store: SnapshotStore,
  args: Args,
  expected: Expected | null,
  sizes: StateSizes | null = null,
): { resumable: Resumable | null; damaged: Damaged[] } {
  const damaged: Damaged[] = []
  for (const it of store.list().reverse()) {
    try {
      return { resumable: checkSnapshot(store, it, args, expected, sizes), damaged }
    } catch (e) {
      if (!(e instanceof DataError)) throw e
      damaged.push({ iteration: it, reason: e.message })
    }
  }
  if (damaged.length) {
    badInput(
      `no intact snapshot to resume from in ${store.dir}: ` +
        damaged.map((d) => d.reason).join('; ') +
        '. They are kept as they are; --no_resume starts afresh (and removes them), or use another --experiment_name',
    )
  }
  return { resumable: null, damaged }
}

/** The RND target of a run, checked against the model's tensors (and its flags when it carries them). */
export function readRndTarget(file: string, args: Args, expected: Expected | null): { bytes: Uint8Array; tensors: Record<string, NamedArray> } {
  const bytes = readInput(file)
  const { tensors, metadata } = readTensors(bytes, file)
  const bad = networkMismatch(modelFlags(metadata, file, 'rnd_target'), args)
  if (bad.length) badInput(`${file} was made with ${bad.join(', ')}`)
  if (expected) checkShapes(file, tensors, expected.models.rnd_target)
  return { bytes, tensors }
}

/**
 * value.model and policy.model of --model DIR (and its rnd_target.safetensors when there), each checked whole
 * against this run's network flags, and against its shapes given a trainer's `expected`.
 */
export function readFinalModels(
  dir: string,
  args: Args,
  expected: Expected | null,
): { models: Record<'value' | 'policy', Record<string, NamedArray>>; rndTarget: ReturnType<typeof readRndTarget> | null } {
  const missing = Object.values(FINAL_MODELS).filter((f) => !fs.existsSync(path.join(dir, f)))
  if (missing.length) badInput(`--model ${dir}: no trained models there (missing ${missing.join(', ')})`)
  const models = {} as Record<'value' | 'policy', Record<string, NamedArray>>
  for (const net of ['value', 'policy'] as const) {
    const file = path.join(dir, FINAL_MODELS[net])
    const { tensors, metadata } = readTensors(readInput(file), file)
    // the flags first: "trained with --z_dim 8 (this run: 16)" says more than a shape mismatch
    const bad = networkMismatch(modelFlags(metadata, file, net), args)
    if (bad.length) badInput(`--model ${file} was trained with ${bad.join(', ')}`)
    if (expected) checkShapes(file, tensors, expected.models[net])
    models[net] = tensors
  }
  const target = path.join(dir, RND_TARGET_FILE)
  return { models, rndTarget: fs.existsSync(target) ? readRndTarget(target, args, expected) : null }
}
