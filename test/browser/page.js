// Runs in headless Chromium: loads the engine bundle (dist/engine.js layout), opens the WebGPU backend through
// navigator.gpu and checks a parity subset against the reference kernels computed in the page.
// Served as a plain ES module by test/browser/webgpu.test.ts; returns {adapter, results: [{name, ok, maxDiff}]}.
import * as E from './engine.js'

function randn(n, seed) {
  // LCG + Box-Muller: deterministic inputs without the Node test helpers
  let s = seed >>> 0
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 1) / 4294967297
  return Float32Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()))
}

const conv = (c) => ({ ...c, P: Math.floor((c.H + 2 * c.PAD - c.R) / c.STRIDE) + 1, Q: Math.floor((c.W + 2 * c.PAD - c.S) / c.STRIDE) + 1 })
const bc = (n) => ({ D0: 1, D1: 1, D2: 3, D3: n, SA0: 0, SA1: 0, SA2: n, SA3: 1, SB0: 0, SB1: 0, SB2: 0, SB3: 1 })
const c1 = conv({ N: 2, C: 3, H: 7, W: 9, K: 5, R: 3, S: 2, STRIDE: 2, PAD: 1 })
const c2 = conv({ N: 2, C: 4, H: 84, W: 84, K: 32, R: 8, S: 8, STRIDE: 4, PAD: 0 })
const convSizes = (d) => [d.N * d.K * d.P * d.Q, d.N * d.C * d.H * d.W, d.K * d.C * d.R * d.S, d.K]

// [kernel, dims, output sizes, input sizes]
const CASES = [
  ['matmul', { M: 17, K: 33, N: 9 }, [17 * 9], [17 * 33, 33 * 9]],
  ['matmul', { M: 64, K: 3136, N: 32 }, [64 * 32], [64 * 3136, 3136 * 32]],
  ['conv2d_forward', c1, convSizes(c1).slice(0, 1), convSizes(c1).slice(1)],
  ['conv2d_forward', c2, convSizes(c2).slice(0, 1), convSizes(c2).slice(1)],
  ['softmax_forward', { N: 9, D: 257 }, [9 * 257], [9 * 257]],
  ['add', bc(17), [3 * 17], [3 * 17, 17]],
  ['relu', { L: 4099 }, [4099], [4099]],
  ['lstm_cell_forward', { N: 7, U: 33 }, [7 * 33, 7 * 33, 7 * 4 * 33], [7 * 4 * 33, 7 * 33]],
]

export async function runParity() {
  let gpu
  try {
    gpu = await E.createWebGPUBackend({ log: () => {} })
  } catch (e) {
    return { error: String(e?.message || e) }
  }
  const results = []
  let seed = 1
  for (const [name, d, outSizes, inSizes] of CASES) {
    const ins = inSizes.map((n) => randn(n, seed++))
    const refOuts = outSizes.map((n) => new Float32Array(n))
    E.REF[name](...refOuts, ...ins, d)
    const gi = ins.map((x) => {
      const b = gpu.alloc(x.length)
      gpu.write(b, x)
      return b
    })
    const go = outSizes.map((n) => gpu.alloc(n))
    gpu.run(name, go, gi, d)
    let maxDiff = 0,
      ok = true
    for (let o = 0; o < go.length; o++) {
      const got = await gpu.read(go[o])
      for (let i = 0; i < got.length; i++) {
        const diff = Math.abs(got[i] - refOuts[o][i])
        if (!(diff <= 1e-4 + 1e-4 * Math.abs(refOuts[o][i]))) ok = false
        maxDiff = Math.max(maxDiff, Number.isNaN(diff) ? Infinity : diff)
      }
    }
    ;[...gi, ...go].forEach((b) => gpu.free(b))
    results.push({ name, shape: JSON.stringify(d), ok, maxDiff })
  }
  const adapter = gpu.description
  gpu.destroy()
  return { adapter, results }
}
