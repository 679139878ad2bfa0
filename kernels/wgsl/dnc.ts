// The DNC's memory-addressing kernels in WGSL (spec: kernels/ref/dnc.ts; equations in docs/dnc.md).
// Elementwise-parallel where each output needs O(N) work at most: the cosine similarity and its gradient (one
// invocation per output element; the backward covers dmem and dkeys in one launch), the link update and its gradient
// (one per entry of L, plus one per dw and dp entry), the allocation weighting (one per slot: its rank and the
// product of the usages ranked before it, so no sort is needed; the product runs in index order, not the ref's
// sorted order, so it may differ in the last bits). Sequential per lane where a scan is needed: the allocation
// backward (one invocation per lane walking the saved free list). The top-K kernels take a workgroup per lane: each
// invocation ranks its slots, then the workgroup sums the kept entries.
import { grid1d, type WgslKernel } from './prelude.ts'
import { REDUCE } from './wg_reduce.ts'

const WG = 64

const NORM = `
fn norm_eps(s: f32) -> f32 { return sqrt(s + 1e-6); }   // |x| = sqrt(sum x^2 + 1e-6), as the ref`

export const dnc_cosine_forward: WgslKernel = {
  workgroup: [WG, 1, 1],
  helpers: NORM,
  body: `
  let e = flat(gid, nwg);
  if (e >= d.B * d.H * d.N) { return; }
  let n = e % d.N;
  let bh = e / d.N;             // b * H + h
  let b = bh / d.H;
  let k0 = bh * d.W;
  let m0 = (b * d.N + n) * d.W;
  var dot = 0.0;
  var kk = 0.0;
  var mm = 0.0;
  for (var w = 0; w < d.W; w++) {
    let kv = keys[k0 + w];
    let mv = mem[m0 + w];
    dot += kv * mv;
    kk += kv * kv;
    mm += mv * mv;
  }
  let kn = norm_eps(kk);
  let mn = norm_eps(mm);
  sim[e] = dot / (kn * mn);
  if (n == 0) { knorm[bh] = kn; }
  if (bh % d.H == 0) { mnorm[b * d.N + n] = mn; }`,
  workgroups: (d) => grid1d(d.B * d.H * d.N, WG),
}

// invocations [0, B N W) write dmem, [B N W, B N W + B H W) write dkeys
export const dnc_cosine_backward: WgslKernel = {
  workgroup: [WG, 1, 1],
  body: `
  let e = flat(gid, nwg);
  let nm = d.B * d.N * d.W;
  if (e >= nm + d.B * d.H * d.W) { return; }
  if (e < nm) {
    let w = e % d.W;
    let m = e / d.W;            // b * N + n
    let b = m / d.N;
    let n = m % d.N;
    let mn = mnorm[m];
    var acc = 0.0;
    for (var h = 0; h < d.H; h++) {
      let kh = b * d.H + h;
      let s = kh * d.N + n;
      acc += dsim[s] * (keys[kh * d.W + w] / (knorm[kh] * mn) - sim[s] * mem[e] / (mn * mn));
    }
    dmem[e] = acc;
  } else {
    let f = e - nm;
    let w = f % d.W;
    let kh = f / d.W;           // b * H + h
    let b = kh / d.H;
    let kn = knorm[kh];
    var acc = 0.0;
    for (var n = 0; n < d.N; n++) {
      let m = b * d.N + n;
      let s = kh * d.N + n;
      acc += dsim[s] * (mem[m * d.W + w] / (kn * mnorm[m]) - sim[s] * keys[f] / (kn * kn));
    }
    dkeys[f] = acc;
  }`,
  workgroups: (d) => grid1d(d.B * (d.N + d.H) * d.W, WG),
}

// slot n's rank in the free list (ascending usage, ties to the lower index) and the product of the usages before it
export const dnc_allocation_forward: WgslKernel = {
  workgroup: [WG, 1, 1],
  body: `
  let e = flat(gid, nwg);
  if (e >= d.B * d.N) { return; }
  let b0 = (e / d.N) * d.N;
  let n = e % d.N;
  let un = usage[e];
  var rank = 0;
  var prod = 1.0;
  for (var m = 0; m < d.N; m++) {
    let um = usage[b0 + m];
    if (um < un || (um == un && m < n)) { rank++; prod *= um; }
  }
  alloc[e] = (1.0 - un) * prod;
  order[b0 + rank] = f32(n);`,
  workgroups: (d) => grid1d(d.B * d.N, WG),
}

// one invocation per lane: G from the end of the free list (stored as G - da), then P from its start
export const dnc_allocation_backward: WgslKernel = {
  workgroup: [WG, 1, 1],
  body: `
  let b = flat(gid, nwg);
  if (b >= d.B) { return; }
  let b0 = b * d.N;
  var G = 0.0;
  for (var j = d.N - 1; j >= 0; j--) {
    let n = b0 + i32(order[b0 + j]);
    let s = usage[n];
    let da = dalloc[n];
    dusage[n] = G - da;
    G = da * (1.0 - s) + s * G;
  }
  var P = 1.0;
  for (var j = 0; j < d.N; j++) {
    let n = b0 + i32(order[b0 + j]);
    dusage[n] = P * dusage[n];
    P *= usage[n];
  }`,
  workgroups: (d) => grid1d(d.B, WG),
}

const LINK = `
fn link_raw(b: i32, i: i32, j: i32) -> f32 {
  let wi = w[b * d.N + i];
  return (1.0 - wi - w[b * d.N + j]) * link_prev[(b * d.N + i) * d.N + j] + wi * p[b * d.N + j];
}
fn is_kept(raw: f32, i: i32, j: i32) -> bool { return i != j && !(d.K > 0 && raw < 1.0 / f32(d.K)); }`

export const dnc_link_forward: WgslKernel = {
  workgroup: [WG, 1, 1],
  helpers: LINK,
  body: `
  let e = flat(gid, nwg);
  if (e >= d.B * d.N * d.N) { return; }
  let j = e % d.N;
  let i = (e / d.N) % d.N;
  let b = e / (d.N * d.N);
  let raw = link_raw(b, i, j);
  link[e] = select(0.0, raw, is_kept(raw, i, j));`,
  workgroups: (d) => grid1d(d.B * d.N * d.N, WG),
}

// invocations [0, B N N) write dlink_prev, then B N for dw (row i and column i), then B N for dp (column j)
export const dnc_link_backward: WgslKernel = {
  workgroup: [WG, 1, 1],
  helpers:
    LINK +
    `
fn g_of(b: i32, i: i32, j: i32) -> f32 { return select(0.0, dlink[(b * d.N + i) * d.N + j], is_kept(link_raw(b, i, j), i, j)); }`,
  body: `
  let e = flat(gid, nwg);
  let nl = d.B * d.N * d.N;
  let nv = d.B * d.N;
  if (e >= nl + 2 * nv) { return; }
  if (e < nl) {
    let j = e % d.N;
    let i = (e / d.N) % d.N;
    let b = e / (d.N * d.N);
    dlink_prev[e] = g_of(b, i, j) * (1.0 - w[b * d.N + i] - w[b * d.N + j]);
  } else if (e < nl + nv) {
    let f = e - nl;
    let b = f / d.N;
    let i = f % d.N;
    var acc = 0.0;
    for (var j = 0; j < d.N; j++) {
      acc += g_of(b, i, j) * (p[b * d.N + j] - link_prev[(b * d.N + i) * d.N + j]);
      acc -= g_of(b, j, i) * link_prev[(b * d.N + j) * d.N + i];
    }
    dw[f] = acc;
  } else {
    let f = e - nl - nv;
    let b = f / d.N;
    let j = f % d.N;
    var acc = 0.0;
    for (var i = 0; i < d.N; i++) { acc += g_of(b, i, j) * w[b * d.N + i]; }
    dp[f] = acc;
  }`,
  workgroups: (d) => grid1d(d.B * d.N * (d.N + 2), WG),
}

// a workgroup per lane (row = the lane); slot n is kept when fewer than K slots beat it (larger, or equal and lower)
const TOPK = `${REDUCE}
fn kept(b0: i32, n: i32) -> bool {
  let xn = x[b0 + n];
  var rank = 0;
  for (var m = 0; m < d.N; m++) {
    let xm = x[b0 + m];
    if (xm > xn || (xm == xn && m < n)) { rank++; }
  }
  return rank < d.K;
}`
const LANE = `
  let b = i32(wid.x + wid.y * nwg.x);
  if (b >= d.B) { return; }
  let b0 = b * d.N;
  var s = 0.0;
  for (var n = i32(li); n < d.N; n += i32(WG_X)) { if (kept(b0, n)) { s += x[b0 + n]; } }
  let sum = wg_sum(s, li);`

export const dnc_sparse_forward: WgslKernel = {
  workgroup: [WG, 1, 1],
  helpers: TOPK,
  body: `${LANE}
  for (var n = i32(li); n < d.N; n += i32(WG_X)) {
    y[b0 + n] = select(0.0, x[b0 + n] / sum, kept(b0, n) && sum > 0.0);
  }`,
  workgroups: (d) => [Math.max(1, d.B), 1, 1],
}

export const dnc_sparse_backward: WgslKernel = {
  workgroup: [WG, 1, 1],
  helpers: TOPK,
  body: `${LANE}
  var t = 0.0;
  for (var n = i32(li); n < d.N; n += i32(WG_X)) { if (kept(b0, n) && sum > 0.0) { t += dy[b0 + n] * x[b0 + n] / sum; } }
  let dot = wg_sum(t, li);
  for (var n = i32(li); n < d.N; n += i32(WG_X)) {
    dx[b0 + n] = select(0.0, (dy[b0 + n] - dot) / sum, kept(b0, n) && sum > 0.0);
  }`,
  workgroups: (d) => [Math.max(1, d.B), 1, 1],
}
