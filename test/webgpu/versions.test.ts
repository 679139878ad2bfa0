// Every WGSL version of matmul and conv2d against ref, named one by one (the parity suite only reaches the version
// the selector picks for a shape on this device): the naive v1s, the plain register tiles, the vec4 tiles, the
// quad-shared tiles (subgroup quads), the workgroup-memory tiles of hardware GPUs and the conv composites. A second
// backend with subgroups turned off checks that the default selection falls back to the plain versions, and that a
// quad version then refuses to run.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { WebGPUBackend } from '../../engine/backend/webgpu.ts'
import { WGSL_VERSIONS, WGSL_COMPOSITE, WGSL_SELECT, WGSL_INTERNAL } from '../../kernels/wgsl/index.ts'
import type { KernelName } from '../../kernels/index.ts'
import { ref, runOn, type Call } from '../kernels/parity.ts'
import { convOut, type ConvCase } from '../cases/shapes.ts'
import { webgpuOrSkip, requireGpu } from './gpu.ts'
import { close, randn } from '../helpers.ts'

const test = suite('webgpu versions')
let gpu: WebGPUBackend | null = null,
  plain: WebGPUBackend | null = null
test.before(async () => {
  gpu = await webgpuOrSkip('kernel versions')
  plain = gpu && (await webgpuOrSkip('kernel versions without subgroups', { subgroups: false }))
})
test.after(() => {
  gpu?.destroy()
  plain?.destroy()
})

const versionsOf = (name: string) => [...Object.keys(WGSL_VERSIONS), ...Object.keys(WGSL_COMPOSITE)].filter((v) => v.replace(/_v\d+$/, '') === name).sort()
/** a version with vec4 bindings (itself or in a composite step) needs dims divisible by 4 */
const needsVec4 = (version: string) => !!WGSL_VERSIONS[version]?.vec4 || !!WGSL_COMPOSITE[version]?.steps.some((st) => WGSL_INTERNAL[st.kernel].kernel.vec4)

function check(name: KernelName, shape: string, c: Call, depth: number, anyDims = false) {
  let want: Promise<Float32Array[]> | undefined
  for (const version of versionsOf(name)) {
    test(`${version} == ref [${shape}]`, async () => {
      if (!requireGpu(gpu)) return
      if (anyDims && needsVec4(version)) return void console.log(`  (${version}: vec4, needs dims divisible by 4)`)
      if (WGSL_VERSIONS[version]?.subgroups && !gpu.caps.quads) return void console.log(`  (${version}: no subgroup quads on this device)`)
      const [got, exp] = [await runOn(gpu, name, c, '', (outs, ins) => gpu!.runVersion(version, name, outs, ins, c.d)), await (want ??= runOn(ref, name, c))]
      close(got[0], exp[0], { atol: 1e-5 + 3e-7 * depth, rtol: 1e-4 }, version)
    })
  }
}

// matmul: every dim a multiple of 4 (the vec4 versions' need) but of no tile: edges are clamped and skipped; then
// dims that are multiples of neither 4 nor any tile (and K > one 16-wide slab, M, N > one 64 block), for the
// versions without vec4 bindings only (itself or in a composite step)
for (const { M, K, N } of [
  { M: 20, K: 44, N: 36 },
  { M: 68, K: 8, N: 132 },
  { M: 67, K: 37, N: 71 },
  { M: 1, K: 1, N: 1 },
]) {
  const a = randn(M * K, M),
    b = randn(K * N, N),
    anyDims = M % 4 !== 0 || K % 4 !== 0 || N % 4 !== 0
  for (const name of ['matmul', 'matmul_nt', 'matmul_tn'] as const)
    check(name, `${M}x${K}x${N}`, { inputs: [a, b], outLens: [M * N], d: { M, K, N } }, K, anyDims)
}

// conv: C*R*S divisible by 4 (the vec4 GEMM composites' need), with and without padding, stride 3 and 4; then dims
// that are multiples of neither 4 nor any tile (C*R*S = 75, N*P*Q = 112 and K = 18 each span more than one 64 block or
// 16 slab of the v6 shared tiles), for the versions without vec4 bindings only; the last (N*P*Q = 1932, K = 40) is
// long enough for backward_weight v6 / v7 to split N*P*Q (Z = 7 slices of 288, the last ending mid-slab) and has K
// over one 32-row block of v7
const CASES: Omit<ConvCase, 'heavy'>[] = [
  { N: 3, C: 5, H: 13, W: 11, K: 7, R: 4, S: 4, STRIDE: 3, PAD: 0 },
  { N: 2, C: 4, H: 21, W: 21, K: 6, R: 8, S: 8, STRIDE: 4, PAD: 2 },
  { N: 2, C: 3, H: 15, W: 13, K: 18, R: 5, S: 5, STRIDE: 2, PAD: 2 },
  { N: 4, C: 3, H: 23, W: 21, K: 40, R: 3, S: 3, STRIDE: 1, PAD: 1 },
]
for (const c of CASES) {
  const { P, Q } = convOut(c),
    d = { ...(c as Omit<ConvCase, 'heavy'>), P, Q }
  const x = randn(c.N * c.C * c.H * c.W, 1),
    w = randn(c.K * c.C * c.R * c.S, 2, 0.1),
    bias = randn(c.K, 3)
  const dout = randn(c.N * c.K * P * Q, 4),
    shape = `${c.N},${c.C},${c.H},${c.W} k${c.K} ${c.R}x${c.S} s${c.STRIDE} p${c.PAD}`
  const anyDims = (c.C * c.R * c.S) % 4 !== 0
  check('conv2d_forward', shape, { inputs: [x, w, bias], outLens: [c.N * c.K * P * Q], d }, c.C * c.R * c.S, anyDims)
  check('conv2d_backward_input', shape, { inputs: [dout, w], outLens: [x.length], d }, c.K * c.R * c.S, anyDims)
  check('conv2d_backward_weight', shape, { inputs: [dout, x], outLens: [w.length], d }, c.N * P * Q, anyDims)
}

test('selection: hardware GPUs get the workgroup-memory tiles, software adapters the register / quad tiles', () => {
  const hw = { quads: true, software: false },
    sw = { quads: true, software: true },
    plainSw = { quads: false, software: true }
  const sel = (name: 'matmul' | 'matmul_nt' | 'matmul_tn', d: Record<string, number>, caps: typeof hw) => WGSL_SELECT[name](d, caps)
  const d = { M: 64, K: 3136, N: 512 }
  assert.equal([sel('matmul', d, hw), sel('matmul_nt', d, hw), sel('matmul_tn', d, hw)], ['matmul_v5', 'matmul_nt_v5', 'matmul_tn_v5'])
  assert.equal([sel('matmul', d, sw), sel('matmul_nt', d, sw), sel('matmul_tn', d, sw)], ['matmul_v4', 'matmul_nt_v7', 'matmul_tn_v7'])
  assert.is(sel('matmul_nt', { M: 30, K: 64, N: 30 }, sw), 'matmul_nt_v7') // nt_v7: only K % 4
  assert.is(sel('matmul_tn', { M: 30, K: 64, N: 512 }, sw), 'matmul_tn_v7') // tn_v7: K and N % 4
  assert.is(sel('matmul_tn', { M: 64, K: 30, N: 512 }, sw), 'matmul_tn_v4')
  assert.equal([sel('matmul', d, plainSw), sel('matmul_nt', d, plainSw), sel('matmul_tn', d, plainSw)], ['matmul_v3', 'matmul_nt_v2', 'matmul_tn_v3'])
  assert.is(sel('matmul', { M: 3, K: 5, N: 7 }, sw), 'matmul_v2')
  // conv: v6 (implicit GEMMs on the shared tiles, any dims) on hardware; quad / vec4 / direct on software adapters
  const convs = ['conv2d_forward', 'conv2d_backward_weight', 'conv2d_backward_input'] as const
  const selC = (c: Record<string, number>, caps: typeof hw) => convs.map((n) => WGSL_SELECT[n](c, caps))
  const c4 = { ...CASES[1], ...convOut(CASES[1]) },
    odd = { ...CASES[2], ...convOut(CASES[2]) },
    hwPlain = { quads: false, software: false }
  // v7 (32-row blocks) for forward / backward_weight when K <= 32
  for (const c of [c4, odd])
    for (const caps of [hw, hwPlain]) assert.equal(selC(c, caps), ['conv2d_forward_v7', 'conv2d_backward_weight_v7', 'conv2d_backward_input_v6'])
  const k40 = { ...CASES[3], ...convOut(CASES[3]) }
  assert.equal(
    selC(k40, hw),
    convs.map((n) => `${n}_v6`),
  )
  assert.equal(selC(c4, sw), ['conv2d_forward_v5', 'conv2d_backward_weight_v5', 'conv2d_backward_input_v5'])
  assert.equal(selC(c4, plainSw), ['conv2d_forward_v3', 'conv2d_backward_weight_v4', 'conv2d_backward_input_v4'])
  assert.equal(selC(odd, sw), ['conv2d_forward_v2', 'conv2d_backward_weight_v2', 'conv2d_backward_input_v3'])
})

test('conv2d_backward_weight v6 / v7 split N*P*Q: the seed layers get >= 100 workgroups, each slice >= 256 pixels', () => {
  const grid = (version: string, d: Record<string, number>): Record<string, number> => {
    const c = WGSL_COMPOSITE[version],
      dd = { ...d, ...c.dims(d) }
    return { ...dd, wgs: WGSL_INTERNAL[c.steps[0].kernel].kernel.workgroups(dd).reduce((a, b) => a * b) }
  }
  const seed = [
    { N: 64, C: 4, H: 84, W: 84, K: 32, R: 8, S: 8, STRIDE: 4, PAD: 0 },
    { N: 64, C: 32, H: 20, W: 20, K: 64, R: 4, S: 4, STRIDE: 2, PAD: 0 },
    { N: 64, C: 64, H: 9, W: 9, K: 64, R: 3, S: 3, STRIDE: 1, PAD: 0 },
  ].map((c) => ({ ...c, ...convOut(c) }))
  const bound = seed.map((c) => WGSL_SELECT.conv2d_backward_weight(c, { quads: false, software: false }))
  assert.equal(bound, ['conv2d_backward_weight_v7', 'conv2d_backward_weight_v6', 'conv2d_backward_weight_v6'])
  const got = seed.map((c, i) => grid(bound[i], c))
  assert.equal(
    got.map((g) => [g.Z, g.KS, g.wgs]),
    [
      [32, 800, 128],
      [16, 336, 128],
      [12, 272, 108],
    ],
  )
  for (const [i, g] of got.entries()) {
    const npq = g.N * g.P * g.Q
    assert.ok(g.KS >= 256 && g.KS % 16 === 0 && (g.Z - 1) * g.KS < npq && g.Z * g.KS >= npq, `seed layer ${i + 1}: ${JSON.stringify(g)}`)
  }
  // the tested case above that splits (the versions loop checks it against ref), and one too short to split
  for (const v of ['conv2d_backward_weight_v6', 'conv2d_backward_weight_v7']) {
    const g = grid(v, { ...CASES[3], ...convOut(CASES[3]) })
    assert.equal([g.Z, g.KS], [7, 288])
    assert.is(grid(v, { ...CASES[2], ...convOut(CASES[2]) }).Z, 1)
  }
})

test('matmul_tn_v7 takes any M, matmul_nt_v7 any N (the operand read element by element)', async () => {
  if (!requireGpu(gpu)) return
  if (!gpu.caps.quads) return void console.log('  (v7: no subgroup quads on this device)')
  for (const [name, M, K, N] of [
    ['matmul_tn', 30, 12, 20],
    ['matmul_nt', 20, 12, 30],
    ['matmul_nt', 70, 36, 67],
  ] as const) {
    const c: Call = { inputs: [randn(M * K, 7), randn(K * N, 8)], outLens: [M * N], d: { M, K, N } }
    const [got, exp] = [await runOn(gpu, name, c, '', (outs, ins) => gpu!.runVersion(`${name}_v7`, name, outs, ins, c.d)), await runOn(ref, name, c)]
    close(got[0], exp[0], { atol: 1e-5, rtol: 1e-4 }, `${name}_v7 ${M}x${K}x${N}`)
  }
})

test('SwiftShader offers subgroup quads, and the probe accepts them', () => {
  if (!requireGpu(gpu)) return
  if (/swiftshader/i.test(gpu.description)) assert.ok(gpu.caps.quads, `quads expected on ${gpu.description}`)
  assert.is(gpu.description.includes('subgroup quads'), gpu.caps.quads)
})

test('with subgroups off, the default selection runs the plain versions; a quad version refuses to run', async () => {
  if (!requireGpu(plain)) return
  assert.not.ok(plain.caps.quads)
  const M = 20,
    K = 44,
    N = 36,
    c: Call = { inputs: [randn(M * K, 5), randn(K * N, 6)], outLens: [M * N], d: { M, K, N } }
  const [got, exp] = [await runOn(plain, 'matmul', c), await runOn(ref, 'matmul', c)]
  close(got[0], exp[0], { atol: 1e-4, rtol: 1e-4 }, 'matmul without quads')
  assert.throws(
    () => plain!.runVersion('matmul_v4', 'matmul', [plain!.alloc(M * N)], [plain!.alloc(M * K), plain!.alloc(K * N)], { M, K, N }),
    /needs subgroup quad operations/,
  )
})

test.run()
