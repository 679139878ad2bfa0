// Tree reductions over a workgroup of 64 invocations in workgroup memory (wg_sum, wg_max), for kernels that give a
// row (softmax.ts) or a lane (dnc.ts, top-K) a workgroup. Call them in uniform control flow: every invocation of the
// workgroup must reach each barrier (a row guard may depend only on the workgroup id).
export const REDUCE = `
var<workgroup> sh: array<f32, 64>;
fn wg_sum(v: f32, li: u32) -> f32 {
  sh[li] = v;
  workgroupBarrier();
  for (var s = WG_X / 2u; s > 0u; s = s >> 1u) {
    if (li < s) { sh[li] = sh[li] + sh[li + s]; }
    workgroupBarrier();
  }
  let r = sh[0];
  workgroupBarrier();
  return r;
}
fn wg_max(v: f32, li: u32) -> f32 {
  sh[li] = v;
  workgroupBarrier();
  for (var s = WG_X / 2u; s > 0u; s = s >> 1u) {
    if (li < s) { sh[li] = max(sh[li], sh[li + s]); }
    workgroupBarrier();
  }
  let r = sh[0];
  workgroupBarrier();
  return r;
}`
