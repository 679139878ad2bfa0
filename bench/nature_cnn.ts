// The benchmark's training-step network, shared by train_step.bench.ts (wasm vs tfjs-wasm) and
// train_step_webgpu.bench.ts (webgpu vs tfjs-webgpu): Nature-CNN (32 8x8 s4, 64 4x4 s2, 64 3x3 s1, leaky_relu)
// + Linear(3136, 512) + Linear(512, 2), softmax cross-entropy, on a fixed batch of 64 x 4x84x84.
import type { Backend } from '../engine/backend/backend.ts'
import { type Tensor, Rng, Conv2d, Linear, Module, leakyRelu, logSoftmax, reshape, mul, sum, mulScalar } from '../engine/index.ts'
import { randn } from './harness.ts'

export const N = 64,
  C = 4,
  HW = 84,
  CLASSES = 2,
  LR = 1e-3,
  ALPHA = 0.2,
  SHAPE = `${N}x${C}x${HW}x${HW}`

export class Net extends Module {
  conv: Conv2d[]
  fc: Linear
  out: Linear
  constructor(be: Backend, seed = 1) {
    super(be)
    const rng = new Rng(seed)
    this.conv = [
      this.child('conv1', new Conv2d(be, C, 32, 8, 4, rng)),
      this.child('conv2', new Conv2d(be, 32, 64, 4, 2, rng)),
      this.child('conv3', new Conv2d(be, 64, 64, 3, 1, rng)),
    ]
    this.fc = this.child('fc', new Linear(be, 3136, 512, rng))
    this.out = this.child('out', new Linear(be, 512, CLASSES, rng))
  }
  loss(x: Tensor, onehot: Tensor): Tensor {
    let y = x
    for (const c of this.conv) y = leakyRelu(c.forward(y), ALPHA)
    const logits = this.out.forward(leakyRelu(this.fc.forward(reshape(y, [N, 3136])), ALPHA))
    return mulScalar(sum(mul(logSoftmax(logits), onehot)), -1 / N)
  }
}

export function batch() {
  const x = randn(N * C * HW * HW, 11),
    onehot = new Float32Array(N * CLASSES)
  for (let n = 0; n < N; n++) onehot[n * CLASSES + ((n * 7919) % 3 === 0 ? 1 : 0)] = 1
  return { x, onehot }
}

// NCHW -> NHWC and [K,C,R,S] -> [R,S,C,K] host-side conversions for the tfjs peers (their layouts)
export function toNHWC(a: Float32Array, n: number, c: number, hw: number): Float32Array {
  const y = new Float32Array(a.length)
  for (let i = 0; i < n; i++) for (let j = 0; j < c; j++) for (let p = 0; p < hw; p++) y[(i * hw + p) * c + j] = a[(i * c + j) * hw + p]
  return y
}
export function toRSCK(w: Float32Array, K: number, Cn: number, RS: number): Float32Array {
  const y = new Float32Array(w.length)
  for (let k = 0; k < K; k++) for (let c = 0; c < Cn; c++) for (let t = 0; t < RS; t++) y[(t * Cn + c) * K + k] = w[(k * Cn + c) * RS + t]
  return y
}
