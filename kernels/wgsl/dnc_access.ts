// The DNC's fused memory-access kernels in WGSL (spec: kernels/ref/dnc_access.ts; equations in docs/dnc.md). One
// invocation per output element; a backward whose outputs have different shapes covers them all in one launch, its
// invocation index running through them one after another (each reduction over at most N or W terms done in place).
import { grid1d, type WgslKernel } from './prelude.ts'

const WG = 64

const KEEP = `
fn keep_(b: i32, i: i32, n: i32) -> f32 { return 1.0 - free[b * d.R + i] * read_prev[(b * d.R + i) * d.N + n]; }`

export const dnc_usage_forward: WgslKernel = {
  workgroup: [WG, 1, 1],
  helpers: KEEP,
  body: `
  let e = flat(gid, nwg);
  if (e >= d.B * d.N) { return; }
  let b = e / d.N;
  var psi = 1.0;
  for (var i = 0; i < d.R; i++) { psi *= keep_(b, i, e % d.N); }
  let u = usage_prev[e];
  let w = write_prev[e];
  usage[e] = (u + w - u * w) * psi;`,
  workgroups: (d) => grid1d(d.B * d.N, WG),
}

// invocations: B N (dusage_prev, dwrite_prev), then B R N (dread_prev), then B R (dfree, a sum over n)
export const dnc_usage_backward: WgslKernel = {
  workgroup: [WG, 1, 1],
  helpers: `${KEEP}
fn others_(b: i32, i: i32, n: i32) -> f32 {   // prod over j != i: no division by a factor that may be 0
  var p = 1.0;
  for (var j = 0; j < d.R; j++) { if (j != i) { p *= keep_(b, j, n); } }
  return p;
}
fn base_(b: i32, n: i32) -> f32 { let u = usage_prev[b * d.N + n]; let w = write_prev[b * d.N + n]; return u + w - u * w; }`,
  body: `
  let e = flat(gid, nwg);
  let nu = d.B * d.N;
  let nr = d.B * d.R * d.N;
  if (e >= nu + nr + d.B * d.R) { return; }
  if (e < nu) {
    let b = e / d.N;
    var psi = 1.0;
    for (var i = 0; i < d.R; i++) { psi *= keep_(b, i, e % d.N); }
    dusage_prev[e] = dusage[e] * psi * (1.0 - write_prev[e]);
    dwrite_prev[e] = dusage[e] * psi * (1.0 - usage_prev[e]);
  } else if (e < nu + nr) {
    let r = e - nu;
    let n = r % d.N;
    let bi = r / d.N;             // b * R + i
    let b = bi / d.R;
    dread_prev[r] = -dusage[b * d.N + n] * base_(b, n) * free[bi] * others_(b, bi % d.R, n);
  } else {
    let bi = e - nu - nr;
    let b = bi / d.R;
    var acc = 0.0;
    for (var n = 0; n < d.N; n++) {
      acc -= dusage[b * d.N + n] * base_(b, n) * read_prev[bi * d.N + n] * others_(b, bi % d.R, n);
    }
    dfree[bi] = acc;
  }`,
  workgroups: (d) => grid1d(d.B * (d.N + d.R * d.N + d.R), WG),
}

export const dnc_write_weighting_forward: WgslKernel = {
  workgroup: [WG, 1, 1],
  helpers: `
fn ww_(b: i32, n: i32) -> f32 { let ga = alloc_gate[b]; return write_gate[b] * (ga * alloc[b * d.N + n] + (1.0 - ga) * content[b * d.N + n]); }`,
  body: `
  let e = flat(gid, nwg);
  if (e >= d.B * d.N) { return; }
  let b = e / d.N;
  var s = 0.0;
  for (var n = 0; n < d.N; n++) { s += ww_(b, n); }
  let w = ww_(b, e % d.N);
  write_w[e] = w;
  precedence[e] = (1.0 - s) * precedence_prev[e] + w;`,
  workgroups: (d) => grid1d(d.B * d.N, WG),
}

// invocations: B N (dalloc, dcontent, dprecedence_prev), then B (the two gates, sums over n)
export const dnc_write_weighting_backward: WgslKernel = {
  workgroup: [WG, 1, 1],
  helpers: `
fn lane_sums(b: i32) -> vec2f {   // (sum of the write weighting, sum dp p_prev)
  let ga = alloc_gate[b];
  var s = vec2f(0.0);
  for (var n = 0; n < d.N; n++) {
    let k = b * d.N + n;
    s += vec2f(write_gate[b] * (ga * alloc[k] + (1.0 - ga) * content[k]), dprecedence[k] * precedence_prev[k]);
  }
  return s;
}`,
  body: `
  let e = flat(gid, nwg);
  let nv = d.B * d.N;
  if (e >= nv + d.B) { return; }
  if (e < nv) {
    let b = e / d.N;
    let ga = alloc_gate[b];
    let gw = write_gate[b];
    let s = lane_sums(b);
    let g = dwrite_w[e] + dprecedence[e] - s.y;
    dprecedence_prev[e] = dprecedence[e] * (1.0 - s.x);
    dalloc[e] = g * gw * ga;
    dcontent[e] = g * gw * (1.0 - ga);
  } else {
    let b = e - nv;
    let ga = alloc_gate[b];
    let gw = write_gate[b];
    let s = lane_sums(b);
    var dga = 0.0;
    var dgw = 0.0;
    for (var n = 0; n < d.N; n++) {
      let k = b * d.N + n;
      let g = dwrite_w[k] + dprecedence[k] - s.y;
      dga += g * gw * (alloc[k] - content[k]);
      dgw += g * (ga * alloc[k] + (1.0 - ga) * content[k]);
    }
    dalloc_gate[b] = dga;
    dwrite_gate[b] = dgw;
  }`,
  workgroups: (d) => grid1d(d.B * (d.N + 1), WG),
}

export const dnc_write_forward: WgslKernel = {
  workgroup: [WG, 1, 1],
  body: `
  let e = flat(gid, nwg);
  if (e >= d.B * d.N * d.W) { return; }
  let k = e % d.W;
  let bn = e / d.W;             // b * N + n
  let bk = (bn / d.N) * d.W + k;
  mem[e] = mem_prev[e] * (1.0 - w[bn] * erase[bk]) + w[bn] * write_vec[bk];`,
  workgroups: (d) => grid1d(d.B * d.N * d.W, WG),
}

// invocations: B N W (dmem_prev), then B N (dw, a sum over k), then B W (derase and dwrite_vec, sums over n)
export const dnc_write_backward: WgslKernel = {
  workgroup: [WG, 1, 1],
  body: `
  let e = flat(gid, nwg);
  let nm = d.B * d.N * d.W;
  let nw = d.B * d.N;
  if (e >= nm + nw + d.B * d.W) { return; }
  if (e < nm) {
    let bn = e / d.W;
    dmem_prev[e] = dmem[e] * (1.0 - w[bn] * erase[(bn / d.N) * d.W + e % d.W]);
  } else if (e < nm + nw) {
    let bn = e - nm;
    let b = bn / d.N;
    var acc = 0.0;
    for (var k = 0; k < d.W; k++) { acc += dmem[bn * d.W + k] * (write_vec[b * d.W + k] - mem_prev[bn * d.W + k] * erase[b * d.W + k]); }
    dw[bn] = acc;
  } else {
    let bk = e - nm - nw;
    let b = bk / d.W;
    let k = bk % d.W;
    var de = 0.0;
    var dv = 0.0;
    for (var n = 0; n < d.N; n++) {
      let m = (b * d.N + n) * d.W + k;
      de -= dmem[m] * mem_prev[m] * w[b * d.N + n];
      dv += dmem[m] * w[b * d.N + n];
    }
    derase[bk] = de;
    dwrite_vec[bk] = dv;
  }`,
  workgroups: (d) => grid1d(d.B * (d.N * d.W + d.N + d.W), WG),
}

export const dnc_read_weights_forward: WgslKernel = {
  workgroup: [WG, 1, 1],
  body: `
  let e = flat(gid, nwg);
  if (e >= d.B * d.R * d.N) { return; }
  let h = (e / d.N) * 3;
  read_w[e] = modes[h] * bwd[e] + modes[h + 1] * content[e] + modes[h + 2] * fwd[e];`,
  workgroups: (d) => grid1d(d.B * d.R * d.N, WG),
}

// invocations: B R N (dbwd, dcontent, dfwd), then B R 3 (dmodes, sums over n)
export const dnc_read_weights_backward: WgslKernel = {
  workgroup: [WG, 1, 1],
  body: `
  let e = flat(gid, nwg);
  let nr = d.B * d.R * d.N;
  if (e >= nr + d.B * d.R * 3) { return; }
  if (e < nr) {
    let h = (e / d.N) * 3;
    dbwd[e] = dread_w[e] * modes[h];
    dcontent[e] = dread_w[e] * modes[h + 1];
    dfwd[e] = dread_w[e] * modes[h + 2];
  } else {
    let hm = e - nr;
    let h = hm / 3;
    let m = hm % 3;
    var acc = 0.0;
    for (var n = 0; n < d.N; n++) {
      let k = h * d.N + n;
      acc += dread_w[k] * select(select(fwd[k], content[k], m == 1), bwd[k], m == 0);
    }
    dmodes[hm] = acc;
  }`,
  workgroups: (d) => grid1d(d.B * d.R * (d.N + 3), WG),
}
