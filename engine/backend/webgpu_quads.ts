// The subgroup-quad probe: the quad kernels (kernels/wgsl/quad_tiles.ts) assume that a quad is 4 consecutive
// local_invocation_index values of a 1D workgroup, lane = index & 3. WebGPU leaves the mapping of invocations to
// subgroups to the device, so the backend checks it once at start with the operations the kernels use
// (quadSwapX, quadSwapY, quadBroadcast) and binds the quad kernels only where it holds.
const PROBE_WG = 64 // the quad kernels' workgroup size
const PROBE = `enable subgroups;
@group(0) @binding(0) var<storage, read_write> ok: array<u32>;
@compute @workgroup_size(${PROBE_WG})
fn main(@builtin(local_invocation_index) li: u32) {
  let base = li & ~3u;
  let x = quadSwapX(li); let y = quadSwapY(li); let b0 = quadBroadcast(li, 0u); let b3 = quadBroadcast(li, 3u);
  ok[li] = select(0u, 1u, (x == (li ^ 1u)) & (y == (li ^ 2u)) & (b0 == base) & (b3 == base + 3u));
}`

/** True when quads are 4 consecutive local indices on this device (which must have the 'subgroups' feature). */
export async function probeQuads(device: GPUDevice): Promise<boolean> {
  const bytes = PROBE_WG * 4
  device.pushErrorScope('validation')
  const out = device.createBuffer({ size: bytes, usage: 128 /* STORAGE */ | 4 /* COPY_SRC */ })
  const read = device.createBuffer({ size: bytes, usage: 1 /* MAP_READ */ | 8 /* COPY_DST */ })
  const module = device.createShaderModule({ label: 'rl-rnd quad probe', code: PROBE })
  const pipeline = device.createComputePipeline({ label: 'rl-rnd quad probe', layout: 'auto', compute: { module, entryPoint: 'main' } })
  const enc = device.createCommandEncoder()
  const pass = enc.beginComputePass()
  pass.setPipeline(pipeline)
  pass.setBindGroup(0, device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: out } }] }))
  pass.dispatchWorkgroups(1)
  pass.end()
  enc.copyBufferToBuffer(out, 0, read, 0, bytes)
  device.queue.submit([enc.finish()])
  const err = await device.popErrorScope()
  try {
    if (err) return false
    await read.mapAsync(1 /* GPUMapMode.READ */)
    return new Uint32Array(read.getMappedRange()).every((v) => v === 1)
  } catch {
    return false
  } finally {
    read.destroy()
    out.destroy()
  }
}
