// lstm_cell_forward / lstm_cell_backward in WGSL: one invocation per (n, u) of the [N, U] state.
// pre/gates rows are [a | i | f | o] blocked, each U wide (kernels/index.ts): c = a i + f c_prev, h = o tanh(c).
import { grid1d, type WgslKernel } from './prelude.ts'

const WG = 64
const ACT = `
fn sigmoid_(x: f32) -> f32 { return 1.0 / (1.0 + exp(-x)); }
fn tanh_(x: f32) -> f32 { let e = exp(-2.0 * abs(x)); return sign(x) * (1.0 - e) / (1.0 + e); }`

// k: state index n*U + u; g: offset of gate a of unit u in the 4U-wide row
const INDEX = `
  let k = flat(gid, nwg);
  if (k >= d.N * d.U) { return; }
  let n = k / d.U;
  let u = k % d.U;
  let g = n * 4 * d.U + u;`

export const lstm_cell_forward: WgslKernel = {
  workgroup: [WG, 1, 1],
  helpers: ACT,
  body: `${INDEX}
  let a = tanh_(pre[g]);
  let ig = sigmoid_(pre[g + d.U]);
  let f = sigmoid_(pre[g + 2 * d.U]);
  let o = sigmoid_(pre[g + 3 * d.U]);
  gates[g] = a;
  gates[g + d.U] = ig;
  gates[g + 2 * d.U] = f;
  gates[g + 3 * d.U] = o;
  let cn = a * ig + f * c_prev[k];
  c[k] = cn;
  h[k] = o * tanh_(cn);`,
  workgroups: (d) => grid1d(d.N * d.U, WG),
}

export const lstm_cell_backward: WgslKernel = {
  workgroup: [WG, 1, 1],
  helpers: ACT,
  body: `${INDEX}
  let a = gates[g];
  let ig = gates[g + d.U];
  let f = gates[g + 2 * d.U];
  let o = gates[g + 3 * d.U];
  let tc = tanh_(c[k]);
  let dct = dc[k] + dh[k] * o * (1.0 - tc * tc);   // total gradient reaching c
  dpre[g] = dct * ig * (1.0 - a * a);
  dpre[g + d.U] = dct * a * ig * (1.0 - ig);
  dpre[g + 2 * d.U] = dct * c_prev[k] * f * (1.0 - f);
  dpre[g + 3 * d.U] = dh[k] * tc * o * (1.0 - o);
  dc_prev[k] = dct * f;`,
  workgroups: (d) => grid1d(d.N * d.U, WG),
}
