// GEMM register tiles that share operands inside a quad (4 invocations) through subgroup quad swaps: the v4 / v7
// matmuls and the v5 conv GEMMs use them on devices whose quads are 4 consecutive local_invocation_index values.
//
// Why: SwiftShader runs a quad as the 4 SIMD lanes of one x86 vector, and every storage load is a per-lane gather
// (4 scalar loads with a branch each), while a quad swap is one shuffle. A lane of the plain vec4 tile (matmul.ts
// tileNN) loads its A rows and B columns alone; here the quad is a 2x2 grid of lanes, lane l = (qr, qc) =
// (l >> 1, l & 1), owning TM rows x TN columns:
//   - the two lanes of a row pair (same qr, quadSwapX partners) own the same rows: each loads half of them (its
//     "own" rows) and receives the other half ("swapped" rows) from its partner;
//   - the two lanes of a column pair (same qc, quadSwapY partners) own the same columns and split them likewise.
// Loads per lane halve (nn, TM 8 x 8 columns: 8 vec4 per 4 k instead of 16) at the same FMA count; measured
// 1.5-2x over tileNN on SwiftShader. Which half is "own" depends on the lane, so accumulators are named by
// (own|swapped row half, own|swapped column half) and the stores map them back to rows and columns.
// Every lane runs the whole k loop (no early return: quad operations need all four lanes); rows and columns past
// the edge are clamped on load and skipped on store. The workgroup is 1D (QX * QY quads, quad-major), so the quad
// of local index li is li >> 2 and its lane li & 3, which the backend's probe checked on this device.
import type { WgslKernel } from './prelude.ts'
import type { Tile4 } from './matmul.ts'

export interface QuadTile extends Omit<Tile4, 'wg' | 'splitK'> {
  /** vec4 columns per lane (even). TM (rows per lane) is even (tn: % 8). */
  TN: number
  /** quads per workgroup along columns and rows (QX * QY * 4 invocations, at most 256) */
  QX: number
  QY: number
  /** split-K (nn only): workgroups along z; slice wid.z walks vec4 steps [kb, ke) (WGSL, workgroup-uniform) */
  splitK?: { z: (d: Record<string, number>) => number; kb: string; ke: string }
  /**
   * nn only: how A rows and B column groups are read; the default is vec4 bindings (A vec4 along K, B along N).
   * `pre(i)` declares per-lane offsets for own row / column group i (clamped to the edge); `at(i, x)` is the vec4 of
   * row i at k = 4x .. 4x + 3 (A: x is the vec4 step kk) or of column group i at row k = x (B). Used to read a
   * transposed operand element by element (stridedA / stridedB below); the operand's lda / ldb are then unused.
   */
  readA?: OperandRead
  readB?: OperandRead
}
export interface OperandRead {
  pre: (i: number) => string
  at: (i: number, x: string) => string
}

const range = (n: number) => [...Array(n).keys()]
const HALVES = ['O', 'S'] as const // own, swapped
const cdiv = (a: number, b: number) => Math.ceil(a / b)

/** Lane coordinates: rowO/rowS (first own / swapped row), colO/colS (first own / swapped column unit). */
function laneHeader(t: QuadTile): string {
  return `
  let l = i32(li & 3u); let qc = l & 1; let qr = l >> 1; let qd = i32(li >> 2u);
  let rowBase = ((i32(wid.y) * ${t.QY} + qd / ${t.QX}) * 2 + qr) * ${t.TM};
  let colBase = ((i32(wid.x) * ${t.QX} + qd % ${t.QX}) * 2 + qc) * ${t.TN};
  let rowO = rowBase + qc * ${t.TM / 2}; let rowS = rowBase + (1 - qc) * ${t.TM / 2};
  let colO = colBase + qr * ${t.TN / 2}; let colS = colBase + (1 - qr) * ${t.TN / 2};`
}

const acc = (x: string, r: number, y: string, c: number) => `acc${x}${r}_${y}${c}`
function accDecls(rows: number, cols: number): string {
  const out: string[] = []
  for (const x of HALVES) for (const r of range(rows)) for (const y of HALVES) for (const c of range(cols)) out.push(`var ${acc(x, r, y, c)} = vec4<f32>();`)
  return out.join(' ')
}

/** Stores of vec4-column accumulators: row rowX + r, columns (colY + c) * 4 + e. */
function storeVec4Cols(t: QuadTile, rows: number): string {
  const HN = t.TN / 2
  return HALVES.flatMap((x) =>
    range(rows).map(
      (r) => `if (row${x} + ${r} < ${t.M}) { let row = row${x} + ${r};
    ${HALVES.flatMap((y) =>
      range(HN).flatMap((c) =>
        range(4).map((e) => `{ let col = (col${y} + ${c}) * 4 + ${e}; if (col < ${t.N}) { ${t.store('row', 'col', `${acc(x, r, y, c)}[${e}]`)} } }`),
      ),
    ).join('\n    ')} }`,
    ),
  ).join('\n  ')
}

/** The kernel around a body: one 1D workgroup of QX * QY quads, the lane header, and the launch grid. */
function quadKernel(t: QuadTile, colsPerLane: number, body: string): WgslKernel {
  return {
    workgroup: [t.QX * t.QY * 4, 1, 1],
    subgroups: true,
    consts: { TM: t.TM, TN: t.TN, QX: t.QX, QY: t.QY },
    body: `${laneHeader(t)}${body}`,
    workgroups: (d) => {
      const [M, N] = t.size(d)
      return [Math.max(1, cdiv(N, t.QX * 2 * colsPerLane)), Math.max(1, cdiv(M, t.QY * 2 * t.TM)), t.splitK?.z(d) ?? 1]
    },
  }
}

/** n own loads `${v}O${i} = at(i)` and the partner's halves `${v}S${i}` through `swap` (quadSwapX / quadSwapY). */
const swapLoads = (n: number, v: string, swap: string, at: (i: number) => string) =>
  range(n)
    .map((i) => `let ${v}O${i} = ${at(i)}; let ${v}S${i} = ${swap}(${v}O${i});`)
    .join(' ')

/** Outer-product FMAs of the vec4-column tiles: a scalar of A (`aElem(half, row)`) times each vec4 of B. */
const outerFmas = (HM: number, HN: number, aElem: (x: string, r: number) => string) =>
  HALVES.flatMap((x) =>
    range(HM).map(
      (r) =>
        `    { let av = vec4<f32>(${aElem(x, r)}); ${HALVES.flatMap((y) =>
          range(HN).map((c) => `${acc(x, r, y, c)} = fma(av, b${y}${c}, ${acc(x, r, y, c)});`),
        ).join(' ')} }`,
    ),
  ).join('\n')

/**
 * A [K, M] read as the rows of an nn tile: four scalar loads per vec4, which on SwiftShader cost what one vec4 load
 * does (a vec4 load is four per-lane gathers), so tn needs no transpose. Any M; K % 4 == 0.
 */
export const stridedA = (a: string, M: string): OperandRead => ({
  pre: (r) => `let am${r} = min(rowO + ${r}, ${M} - 1);`,
  at: (r, kk) =>
    `vec4<f32>(${range(4)
      .map((e) => `${a}[(${kk} * 4 + ${e}) * ${M} + am${r}]`)
      .join(', ')})`,
})
/** B [N, K] read as the column groups of an nn tile (nt without a transpose): four scalar loads per vec4. Any N. */
export const stridedB = (b: string, N: string, K: string): OperandRead => ({
  pre: (c) =>
    range(4)
      .map((e) => `let bn${c}_${e} = min((colO + ${c}) * 4 + ${e}, ${N} - 1) * ${K};`)
      .join(' '),
  at: (c, k) =>
    `vec4<f32>(${range(4)
      .map((e) => `${b}[bn${c}_${e} + ${k}]`)
      .join(', ')})`,
})

/** nn: a [M, K] (vec4 along K), b [K, N] (vec4 along N), or as t.readA / t.readB say; k walks four at a time. */
export function quadNN(t: QuadTile): WgslKernel {
  const HM = t.TM / 2,
    HN = t.TN / 2
  const readA = t.readA ?? { pre: (r) => `let ar${r} = min(rowO + ${r}, ${t.M} - 1) * ${t.lda};`, at: (r, kk) => `${t.a}[ar${r} + ${kk}]` }
  const readB = t.readB ?? { pre: (c) => `let bc${c} = min(colO + ${c}, (${t.N} + 3) / 4 - 1);`, at: (c, k) => `${t.b}[${k} * ${t.ldb} + bc${c}]` }
  return quadKernel(
    t,
    t.TN * 4,
    `
  let k4 = ${t.K} / 4;
  ${range(HM).map(readA.pre).join(' ')}
  ${range(HN).map(readB.pre).join(' ')}
  ${accDecls(HM, HN)}
  for (var kk = ${t.splitK?.kb ?? '0'}; kk < ${t.splitK ? `min(${t.splitK.ke}, k4)` : 'k4'}; kk++) {
    ${swapLoads(HM, 'a', 'quadSwapX', (r) => readA.at(r, 'kk'))}
${range(4)
  .map(
    (q) => `    { let k = kk * 4 + ${q};
      ${swapLoads(HN, 'b', 'quadSwapY', (c) => readB.at(c, 'k'))}
${outerFmas(HM, HN, (x, r) => `a${x}${r}[${q}]`)}
    }`,
  )
  .join('\n')}
  }
  ${storeVec4Cols(t, HM)}`,
  )
}

/** tn: a [K, M] (vec4 along M; M % 4 == 0, TM % 8 == 0), b [K, N] (vec4 along N); one k per step. */
export function quadTN(t: QuadTile): WgslKernel {
  const HM = t.TM / 2,
    HN = t.TN / 2,
    H4 = HM / 4
  return quadKernel(
    t,
    t.TN * 4,
    `
  ${range(H4)
    .map((s) => `let ac${s} = min(rowO / 4 + ${s}, ${t.M} / 4 - 1);`)
    .join(' ')}
  ${range(HN)
    .map((c) => `let bc${c} = min(colO + ${c}, (${t.N} + 3) / 4 - 1);`)
    .join(' ')}
  ${accDecls(HM, HN)}
  for (var k = 0; k < ${t.K}; k++) {
    let oa = k * ${t.lda}; let ob = k * ${t.ldb};
    ${swapLoads(H4, 'a', 'quadSwapX', (s) => `${t.a}[oa + ac${s}]`)}
    ${swapLoads(HN, 'b', 'quadSwapY', (c) => `${t.b}[ob + bc${c}]`)}
${outerFmas(HM, HN, (x, r) => `a${x}${r >> 2}[${r & 3}]`)}
  }
  ${storeVec4Cols(t, HM)}`,
  )
}
