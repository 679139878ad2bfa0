// conv2d_forward / conv2d_backward_input / conv2d_backward_weight in WGSL: NCHW, weights [K,C,R,S], any stride,
// zero padding PAD (kernels/ref/conv2d.ts is the spec). Input pixel of output (p, q) and tap (r, s):
// h = p*STRIDE - PAD + r, w = q*STRIDE - PAD + s; taps outside the image read zero.
// The direct kernels; the GEMM composites are in conv2d_gemm.ts (software adapters) and conv2d_shared.ts (hardware).
// v1 (naive baseline, never selected: the bench's reference point): one invocation per element written, each a
//   plain loop over its reduction: forward: out (n,k,p,q) sums over (c,r,s); backward_input: dx (n,c,h,w) sums over
//   (k,r,s) with the p, q that reach h, w (p = (h + PAD - r) / STRIDE when divisible); backward_weight: dw (k,c,r,s)
//   sums over (n,p,q).
// v2 (forward, backward_weight; register tiled implicit GEMM, the matmul v2 scheme): an invocation owns TM channels
//   (rows: k) x TN columns (forward: output pixels (n,p,q); backward_weight: taps (c,r,s)), the columns strided by
//   WG_X so SIMD lanes take neighbouring columns and the per-row weight/dout loads are broadcasts. Unrolled from
//   TM/TN; clamped loads, guarded stores.
// v3 (backward_input): one input pixel x 4 channels, visiting only the taps that reach it.
// Software adapters select these only when C*R*S % 4 != 0 (the GEMM composites need vec4 rows of w); hardware GPUs
// never do. Retired: backward_input v2 (v2's tiling, rows c x columns (n,h,w), every tap tested), which v3 beat 10x
// at stride 4; in git history, see docs/kernels.md.
import { cdiv, grid1d, type WgslKernel } from './prelude.ts'

const WG = 64

export const conv2d_forward_v1: WgslKernel = {
  workgroup: [WG, 1, 1],
  body: `
  let i = flat(gid, nwg);
  if (i >= d.N * d.K * d.P * d.Q) { return; }
  let q = i % d.Q;
  let p = (i / d.Q) % d.P;
  let k = (i / (d.Q * d.P)) % d.K;
  let n = i / (d.Q * d.P * d.K);
  var acc = b[k];
  for (var c = 0; c < d.C; c++) {
    for (var r = 0; r < d.R; r++) {
      let h = p * d.STRIDE - d.PAD + r;
      if (h < 0 || h >= d.H) { continue; }
      for (var s = 0; s < d.S; s++) {
        let ww = q * d.STRIDE - d.PAD + s;
        if (ww < 0 || ww >= d.W) { continue; }
        acc += x[((n * d.C + c) * d.H + h) * d.W + ww] * w[((k * d.C + c) * d.R + r) * d.S + s];
      }
    }
  }
  out[i] = acc;`,
  workgroups: (d) => grid1d(d.N * d.K * d.P * d.Q, WG),
}

export const conv2d_backward_input_v1: WgslKernel = {
  workgroup: [WG, 1, 1],
  body: `
  let i = flat(gid, nwg);
  if (i >= d.N * d.C * d.H * d.W) { return; }
  let ww = i % d.W;
  let h = (i / d.W) % d.H;
  let c = (i / (d.W * d.H)) % d.C;
  let n = i / (d.W * d.H * d.C);
  var acc = 0.0;
  for (var r = 0; r < d.R; r++) {
    let ph = h + d.PAD - r;                      // = p * STRIDE when tap r of output row p lands on h
    if (ph < 0 || ph % d.STRIDE != 0 || ph / d.STRIDE >= d.P) { continue; }
    let p = ph / d.STRIDE;
    for (var s = 0; s < d.S; s++) {
      let qw = ww + d.PAD - s;
      if (qw < 0 || qw % d.STRIDE != 0 || qw / d.STRIDE >= d.Q) { continue; }
      let q = qw / d.STRIDE;
      for (var k = 0; k < d.K; k++) {
        acc += dout[((n * d.K + k) * d.P + p) * d.Q + q] * w[((k * d.C + c) * d.R + r) * d.S + s];
      }
    }
  }
  dx[i] = acc;`,
  workgroups: (d) => grid1d(d.N * d.C * d.H * d.W, WG),
}

export const conv2d_backward_weight_v1: WgslKernel = {
  workgroup: [WG, 1, 1],
  body: `
  let i = flat(gid, nwg);
  if (i >= d.K * d.C * d.R * d.S) { return; }
  let s = i % d.S;
  let r = (i / d.S) % d.R;
  let c = (i / (d.S * d.R)) % d.C;
  let k = i / (d.S * d.R * d.C);
  var acc = 0.0;
  for (var n = 0; n < d.N; n++) {
    for (var p = 0; p < d.P; p++) {
      let h = p * d.STRIDE - d.PAD + r;
      if (h < 0 || h >= d.H) { continue; }
      for (var q = 0; q < d.Q; q++) {
        let ww = q * d.STRIDE - d.PAD + s;
        if (ww < 0 || ww >= d.W) { continue; }
        acc += dout[((n * d.K + k) * d.P + p) * d.Q + q] * x[((n * d.C + c) * d.H + h) * d.W + ww];
      }
    }
  }
  dw[i] = acc;`,
  workgroups: (d) => grid1d(d.K * d.C * d.R * d.S, WG),
}

const range = (n: number) => [...Array(n).keys()]
const TM = 8,
  TN = 4,
  WX = 16,
  WY = 4

/**
 * A tiled kernel: rows = `rows` (count expr), cols = `cols`; `colSetup(t)` declares per-column values for column t
 * (index j${'$'}t, clamped), `loop(inner)` wraps the reduction's loops around `inner` (the column loads and FMAs),
 * `store(r, t)` writes acc r_t.
 */
function tiled(
  rows: string,
  cols: string,
  colSetup: (t: number) => string,
  loop: (inner: string) => string,
  rowLoad: (r: number) => string,
  colLoad: (t: number) => string,
  store: (r: number, t: number) => string,
  count: (d: Record<string, number>) => [number, number],
): WgslKernel {
  const R = range(TM),
    C = range(TN)
  return {
    workgroup: [WX, WY, 1],
    consts: { TM, TN },
    body: `
  let nRows = ${rows};
  let nCols = ${cols};
  let row0 = i32(gid.y) * TM;
  let col0 = i32(wid.x) * i32(WG_X) * TN + i32(lid.x);
  if (row0 >= nRows || col0 >= nCols) { return; }
  ${R.map((r) => `let m${r} = min(row0 + ${r}, nRows - 1);`).join(' ')}
  ${C.map((t) => `let j${t} = min(col0 + ${t * WX}, nCols - 1);\n  ${colSetup(t)}`).join('\n  ')}
  ${R.map((r) => C.map((t) => `var acc${r}_${t} = 0.0;`).join(' ')).join('\n  ')}
  ${loop(`${C.map((t) => `let v${t} = ${colLoad(t)};`).join(' ')}
      ${R.map((r) => `{ let u = ${rowLoad(r)}; ${C.map((t) => `acc${r}_${t} = fma(u, v${t}, acc${r}_${t});`).join(' ')} }`).join('\n      ')}`)}
  ${R.map((r) => `if (row0 + ${r} < nRows) { ${C.map((t) => `if (col0 + ${t * WX} < nCols) { ${store(r, t)} }`).join(' ')} }`).join('\n  ')}`,
    workgroups: (d) => {
      const [nr, nc] = count(d)
      return [Math.max(1, cdiv(nc, WX * TN)), Math.max(1, cdiv(nr, WY * TM)), 1]
    },
  }
}

// forward: rows k, cols (n,p,q); reduction (c,r,s); x tap (hb + r, wb + s) read as 0 outside the image
export const conv2d_forward_v2 = tiled(
  'd.K',
  'd.N * d.P * d.Q',
  (t) => `let n${t} = j${t} / (d.P * d.Q); let p${t} = (j${t} / d.Q) % d.P; let q${t} = j${t} % d.Q;
  let xb${t} = n${t} * d.C * d.H * d.W; let hb${t} = p${t} * d.STRIDE - d.PAD; let wb${t} = q${t} * d.STRIDE - d.PAD;`,
  (inner) => `for (var c = 0; c < d.C; c++) {
    for (var r = 0; r < d.R; r++) {
      for (var s = 0; s < d.S; s++) {
      let tap = (c * d.R + r) * d.S + s;
      ${range(TN)
        .map((t) => `let h${t} = hb${t} + r; let w${t} = wb${t} + s; let ok${t} = h${t} >= 0 && h${t} < d.H && w${t} >= 0 && w${t} < d.W;`)
        .join('\n      ')}
      ${inner}
      }
    }
  }`,
  (r) => `w[m${r} * d.C * d.R * d.S + tap]`,
  (t) => `select(0.0, x[xb${t} + ((c * d.H) + clamp(h${t}, 0, d.H - 1)) * d.W + clamp(w${t}, 0, d.W - 1)], ok${t})`,
  (r, t) => `out[((n${t} * d.K + row0 + ${r}) * d.P + p${t}) * d.Q + q${t}] = acc${r}_${t} + b[row0 + ${r}];`,
  (d) => [d.K, d.N * d.P * d.Q],
)

// backward_weight: rows k, cols taps (c,r,s); reduction (n,p,q)
export const conv2d_backward_weight_v2 = tiled(
  'd.K',
  'd.C * d.R * d.S',
  (t) => `let c${t} = j${t} / (d.R * d.S); let r${t} = (j${t} / d.S) % d.R; let s${t} = j${t} % d.S;`,
  (inner) => `for (var n = 0; n < d.N; n++) {
    for (var p = 0; p < d.P; p++) {
      for (var q = 0; q < d.Q; q++) {
      let o = ((n * d.K) * d.P + p) * d.Q + q;
      ${range(TN)
        .map(
          (t) =>
            `let h${t} = p * d.STRIDE - d.PAD + r${t}; let w${t} = q * d.STRIDE - d.PAD + s${t}; let ok${t} = h${t} >= 0 && h${t} < d.H && w${t} >= 0 && w${t} < d.W;`,
        )
        .join('\n      ')}
      ${inner}
      }
    }
  }`,
  (r) => `dout[o + m${r} * d.P * d.Q]`,
  (t) => `select(0.0, x[((n * d.C + c${t}) * d.H + clamp(h${t}, 0, d.H - 1)) * d.W + clamp(w${t}, 0, d.W - 1)], ok${t})`,
  (r, t) => `dw[(row0 + ${r}) * d.C * d.R * d.S + col0 + ${t * WX}] = acc${r}_${t};`,
  (d) => [d.K, d.C * d.R * d.S],
)

// backward_input v3: one input pixel (n,h,w) x 4 channels per invocation, visiting only the taps that reach it:
// r = (h + PAD) mod STRIDE, then every STRIDE-th (so 1/STRIDE^2 of v2's taps at stride 4). No column tiling:
// neighbouring pixels have different tap phases, so lanes can't share one tap loop.
export const conv2d_backward_input_v3: WgslKernel = {
  workgroup: [64, 1, 1],
  consts: { CT: 4 },
  body: `
  let i = flat(gid, nwg);
  let nc = (d.C + CT - 1) / CT;                       // channel groups
  if (i >= d.N * nc * d.H * d.W) { return; }
  let w0 = i % d.W;
  let h = (i / d.W) % d.H;
  let n = i / (d.W * d.H * nc);
  let c0 = ((i / (d.W * d.H)) % nc) * CT;
  var acc = vec4<f32>();
  let cs = vec4<i32>(c0, min(c0 + 1, d.C - 1), min(c0 + 2, d.C - 1), min(c0 + 3, d.C - 1));
  for (var r = (h + d.PAD) % d.STRIDE; r < d.R; r += d.STRIDE) {
    let p = (h + d.PAD - r) / d.STRIDE;
    if (h + d.PAD - r < 0 || p >= d.P) { continue; }
    for (var s = (w0 + d.PAD) % d.STRIDE; s < d.S; s += d.STRIDE) {
      let q = (w0 + d.PAD - s) / d.STRIDE;
      if (w0 + d.PAD - s < 0 || q >= d.Q) { continue; }
      for (var k = 0; k < d.K; k++) {
        let g = dout[((n * d.K + k) * d.P + p) * d.Q + q];
        let wb = (k * d.C) * d.R * d.S + r * d.S + s;
        let rs = d.R * d.S;
        acc = fma(vec4<f32>(g), vec4<f32>(w[wb + cs.x * rs], w[wb + cs.y * rs], w[wb + cs.z * rs], w[wb + cs.w * rs]), acc);
      }
    }
  }
  for (var t = 0; t < CT; t++) {
    if (c0 + t < d.C) { dx[((n * d.C + c0 + t) * d.H + h) * d.W + w0] = acc[t]; }
  }`,
  workgroups: (d) => grid1d(d.N * Math.ceil(d.C / 4) * d.H * d.W, 64),
}
