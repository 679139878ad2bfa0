// The DNC's memory-addressing ops (docs/dnc.md), each one kernel forward and one backward: cosine similarity of keys
// with memory rows, the allocation weighting (sorted usage; the sort order is held constant in the backward, as
// the paper does), the temporal link update (dense, or thresholded at 1/K for the sparse link matrix) and the top-K
// renormalization of the sparse link matrix's vectors. Shapes put the lane first: every lane has its own memory.
import { type Tensor, record } from '../tensor.ts'
import { runMulti, run, sameBackend } from './run.ts'

/** mem [B, N, W], keys [B, H, W] -> sim [B, H, N]: cos(keys[b,h], mem[b,n]) with norms sqrt(|x|^2 + 1e-6). */
export function cosineSimilarity(mem: Tensor, keys: Tensor): Tensor {
  sameBackend([mem, keys], 'cosineSimilarity')
  const [B, N, W] = mem.shape,
    H = keys.shape[1]
  if (mem.shape.length !== 3 || keys.shape.length !== 3 || keys.shape[0] !== B || keys.shape[2] !== W) {
    throw new Error(`cosineSimilarity: memory [${mem.shape}] and keys [${keys.shape}] do not match (need [B,N,W] and [B,H,W])`)
  }
  const d = { B, N, W, H }
  const [sim, knorm, mnorm] = runMulti(
    'dnc_cosine_forward',
    [
      [B, H, N],
      [B, H],
      [B, N],
    ],
    [mem, keys],
    d,
  )
  return record(sim, [mem, keys], ([g]) => runMulti('dnc_cosine_backward', [mem.shape, keys.shape], [g!, sim, mem, keys, knorm, mnorm], d))
}

function lanes(x: Tensor, op: string): { B: number; N: number } {
  if (x.shape.length !== 2) throw new Error(`${op}: need [B, N], got [${x.shape}]`)
  return { B: x.shape[0], N: x.shape[1] }
}

/** usage [B, N] -> the allocation weighting [B, N] of the free list (ascending usage, ties to the lower index). */
export function allocationWeighting(usage: Tensor): Tensor {
  const d = lanes(usage, 'allocationWeighting')
  const [alloc, order] = runMulti('dnc_allocation_forward', [usage.shape, usage.shape], [usage], d)
  return record(alloc, [usage], ([g]) => [run('dnc_allocation_backward', usage.shape, [g!, usage, order], d)])
}

/**
 * The temporal link matrix after a write: linkPrev [B, N, N], write weighting w [B, N], precedence p [B, N] (the
 * previous step's) -> L[i,j] = (1 - w[i] - w[j]) linkPrev[i,j] + w[i] p[j], zero diagonal; K > 0 also zeroes the
 * entries below 1/K (the sparse link matrix; pass it the top-K vectors of sparseTopK).
 */
export function linkUpdate(linkPrev: Tensor, w: Tensor, p: Tensor, K = 0): Tensor {
  sameBackend([linkPrev, w, p], 'linkUpdate')
  const { B, N } = lanes(w, 'linkUpdate')
  if (linkPrev.shape.join() !== [B, N, N].join() || p.shape.join() !== w.shape.join()) {
    throw new Error(`linkUpdate: link [${linkPrev.shape}], w [${w.shape}], p [${p.shape}] do not match (need [B,N,N], [B,N], [B,N])`)
  }
  const d = { B, N, K }
  const link = run('dnc_link_forward', linkPrev.shape, [linkPrev, w, p], d)
  return record(link, [linkPrev, w, p], ([g]) => runMulti('dnc_link_backward', [linkPrev.shape, w.shape, p.shape], [g!, linkPrev, w, p], d))
}

/** x [B, N] -> its K largest entries per lane (ties to the lower index) divided by their sum; the rest 0. */
export function sparseTopK(x: Tensor, K: number): Tensor {
  const d = { ...lanes(x, 'sparseTopK'), K }
  if (!(K >= 1 && K <= d.N)) throw new Error(`sparseTopK: K ${K} outside 1..${d.N}`)
  const y = run('dnc_sparse_forward', x.shape, [x], d)
  return record(y, [x], ([g]) => [run('dnc_sparse_backward', x.shape, [g!, x], d)])
}
