// numpy's `Generator(PCG64(SeedSequence(seed)))`, the generator Gymnasium gives every env
// (gymnasium/utils/seeding.py: `np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed)))`), bit-exact for
// the one method MiniGrid calls: `integers(low, high)` (int64, high exclusive).
//
//   SeedSequence(seed): the int seed as little-endian uint32 words, hashed into a pool of 4 uint32 words
//     (numpy/random/bit_generator.pyx: hashmix/mix, INIT_A, MULT_A, MIX_MULT_L/R, XSHIFT 16);
//     generate_state(n) runs each pool word once more through a hash (INIT_B, MULT_B).
//   PCG64: a 128-bit LCG (state * MULT + inc mod 2^128). Seeding: from generate_state(4, uint64) = words w0..w3,
//     initstate = w0 << 64 | w1, inc = (w2 << 64 | w3) << 1 | 1; state = 0, step, state += initstate, step.
//     Each 64-bit output steps first, then XSL-RR: rotr64(hi64(state) ^ lo64(state), state >> 122).
//   next_uint32: a 64-bit output is split, the low half returned first, the high half kept for the next 32-bit
//     request (numpy's pcg64_next32 `has_uint32` buffer). The buffer belongs to the bit generator, so it survives
//     a reset() without a seed.
//   integers(low, high): rng = high - low - 1. rng == 0 returns low WITHOUT drawing (a trap: MiniGrid calls
//     `_rand_int(0, 1)` a lot). Otherwise Lemire's method on 32-bit draws (numpy buffered_bounded_lemire_uint32):
//     m = next_uint32 * (rng + 1); if low32(m) < rng + 1, redraw while low32(m) < (2^32 - rng - 1) mod (rng + 1);
//     the result is low + (m >> 32).
//
// The state is eight 16-bit limbs so one LCG step is exact in doubles (products < 2^32, sums < 2^36): no BigInt on
// the draw path. BigInt appears only in `state` (for checking against numpy's bit_generator.state).
// Checked against numpy 1.24.2 in test/env/minigrid_numpy_generator.test.ts (test/fixtures/minigrid/).

const INIT_A = 0x43b0d7e5
const MULT_A = 0x931e8875
const INIT_B = 0x8b51f9dd
const MULT_B = 0x58f38ded
const MIX_MULT_L = 0xca01f9dd
const MIX_MULT_R = 0x4973f715
const XSHIFT = 16
const POOL_SIZE = 4

// PCG64's default multiplier 0x2360ed051fc65da44385df649fccf645, as 16-bit limbs m0..m7 in step()
const INV16 = 1 / 65536

function hashmix(value: number, hashConst: { v: number }): number {
  value = (value ^ hashConst.v) >>> 0
  hashConst.v = Math.imul(hashConst.v, MULT_A) >>> 0
  value = Math.imul(value, hashConst.v) >>> 0
  return (value ^ (value >>> XSHIFT)) >>> 0
}

function mix(x: number, y: number): number {
  const r = (Math.imul(MIX_MULT_L, x) - Math.imul(MIX_MULT_R, y)) >>> 0
  return (r ^ (r >>> XSHIFT)) >>> 0
}

/** A non-negative integer seed as little-endian uint32 words (numpy _int_to_uint32_array: 0 gives [0]). */
export function seedWords(seed: number | bigint): number[] {
  let n = typeof seed === 'bigint' ? seed : BigInt(seed)
  if (typeof seed === 'number' && (!Number.isSafeInteger(seed) || seed < 0)) {
    throw new Error(`seed must be a non-negative integer, got ${seed}`)
  }
  if (n < 0n) throw new Error(`seed must be a non-negative integer, got ${seed}`)
  if (n === 0n) return [0]
  const words: number[] = []
  while (n > 0n) {
    words.push(Number(n & 0xffffffffn))
    n >>= 32n
  }
  return words
}

/** numpy.random.SeedSequence(entropy) for an int entropy and no spawn key. */
export class SeedSequence {
  readonly pool = new Uint32Array(POOL_SIZE)

  constructor(readonly entropy: number | bigint) {
    const words = seedWords(entropy)
    const pool = this.pool,
      hc = { v: INIT_A }
    for (let i = 0; i < POOL_SIZE; i++) pool[i] = hashmix(i < words.length ? words[i] : 0, hc)
    for (let src = 0; src < POOL_SIZE; src++) {
      for (let dst = 0; dst < POOL_SIZE; dst++) {
        if (src !== dst) pool[dst] = mix(pool[dst], hashmix(pool[src], hc))
      }
    }
    for (let src = POOL_SIZE; src < words.length; src++) {
      for (let dst = 0; dst < POOL_SIZE; dst++) pool[dst] = mix(pool[dst], hashmix(words[src], hc))
    }
  }

  /** generate_state(n, uint32): n words cycling over the pool (uint64 words are pairs of these, low first). */
  generateState(nWords: number): Uint32Array {
    const out = new Uint32Array(nWords)
    let hc = INIT_B
    for (let i = 0; i < nWords; i++) {
      let v = (this.pool[i % POOL_SIZE] ^ hc) >>> 0
      hc = Math.imul(hc, MULT_B) >>> 0
      v = Math.imul(v, hc) >>> 0
      out[i] = (v ^ (v >>> XSHIFT)) >>> 0
    }
    return out
  }
}

const limbsToBigInt = (l: Uint32Array) => l.reduceRight((acc, v) => (acc << 16n) | BigInt(v), 0n)

/** numpy.random.PCG64 seeded from a SeedSequence, with numpy's buffered next_uint32. */
export class PCG64 {
  private s = new Uint32Array(8) // state, 16-bit limbs, least significant first
  private inc = new Uint32Array(8)
  private tmp = new Uint32Array(8)
  private hasUint32 = false
  private uinteger = 0
  /** 64-bit outputs produced so far (for checking against the reference's rng_next64_used). */
  next64Count = 0
  /** The last 64-bit output, as two uint32 halves (set by next64()). */
  hi = 0
  lo = 0

  constructor(seedSeq: SeedSequence) {
    const w = seedSeq.generateState(8) // uint64 words w0..w3 = (w[0] | w[1] << 32), ...
    // initstate = w0 << 64 | w1 and initseq = w2 << 64 | w3, as 32-bit words least significant first
    const initstate = [w[2], w[3], w[0], w[1]],
      initseq = [w[6], w[7], w[4], w[5]]
    // inc = initseq << 1 | 1
    let carry = 1
    for (let i = 0; i < 4; i++) {
      const v = initseq[i]
      const shifted = ((v << 1) | carry) >>> 0
      carry = v >>> 31
      this.inc[2 * i] = shifted & 0xffff
      this.inc[2 * i + 1] = shifted >>> 16
    }
    this.step()
    let c = 0
    for (let i = 0; i < 8; i++) {
      const word = initstate[i >> 1],
        half = i & 1 ? word >>> 16 : word & 0xffff
      const t = this.s[i] + half + c
      this.s[i] = t & 0xffff
      c = t >>> 16
    }
    this.step()
  }

  // state = state * MULT + inc (mod 2^128), schoolbook on 16-bit limbs: column k sums s[i] * MULT[k - i]
  // (< 8 * 2^32) plus the carry, exact in a double
  private step(): void {
    const s = this.s,
      inc = this.inc,
      r = this.tmp
    const s0 = s[0],
      s1 = s[1],
      s2 = s[2],
      s3 = s[3],
      s4 = s[4],
      s5 = s[5],
      s6 = s[6],
      s7 = s[7]
    const m0 = 0xf645,
      m1 = 0x9fcc,
      m2 = 0xdf64,
      m3 = 0x4385,
      m4 = 0x5da4,
      m5 = 0x1fc6,
      m6 = 0xed05,
      m7 = 0x2360
    let acc = inc[0] + s0 * m0
    let c = Math.floor(acc * INV16)
    r[0] = acc - c * 65536
    acc = c + inc[1] + s0 * m1 + s1 * m0
    c = Math.floor(acc * INV16)
    r[1] = acc - c * 65536
    acc = c + inc[2] + s0 * m2 + s1 * m1 + s2 * m0
    c = Math.floor(acc * INV16)
    r[2] = acc - c * 65536
    acc = c + inc[3] + s0 * m3 + s1 * m2 + s2 * m1 + s3 * m0
    c = Math.floor(acc * INV16)
    r[3] = acc - c * 65536
    acc = c + inc[4] + s0 * m4 + s1 * m3 + s2 * m2 + s3 * m1 + s4 * m0
    c = Math.floor(acc * INV16)
    r[4] = acc - c * 65536
    acc = c + inc[5] + s0 * m5 + s1 * m4 + s2 * m3 + s3 * m2 + s4 * m1 + s5 * m0
    c = Math.floor(acc * INV16)
    r[5] = acc - c * 65536
    acc = c + inc[6] + s0 * m6 + s1 * m5 + s2 * m4 + s3 * m3 + s4 * m2 + s5 * m1 + s6 * m0
    c = Math.floor(acc * INV16)
    r[6] = acc - c * 65536
    acc = c + inc[7] + s0 * m7 + s1 * m6 + s2 * m5 + s3 * m4 + s4 * m3 + s5 * m2 + s6 * m1 + s7 * m0
    r[7] = acc - Math.floor(acc * INV16) * 65536
    s.set(r)
  }

  /** Next 64-bit output into this.hi / this.lo (uint32 halves). */
  next64(): void {
    this.step()
    const s = this.s
    const xh = (((s[7] << 16) | s[6]) ^ ((s[3] << 16) | s[2])) >>> 0
    const xl = (((s[5] << 16) | s[4]) ^ ((s[1] << 16) | s[0])) >>> 0
    const rot = s[7] >>> 10 // state >> 122
    let h = xh,
      l = xl,
      r = rot
    if (r >= 32) {
      h = xl
      l = xh
      r -= 32
    }
    if (r === 0) {
      this.hi = h
      this.lo = l
    } else {
      this.hi = ((h >>> r) | (l << (32 - r))) >>> 0
      this.lo = ((l >>> r) | (h << (32 - r))) >>> 0
    }
    this.next64Count++
  }

  /** numpy's pcg64_next32: low half of a fresh 64-bit output, then its high half. */
  nextUint32(): number {
    if (this.hasUint32) {
      this.hasUint32 = false
      return this.uinteger
    }
    this.next64()
    this.hasUint32 = true
    this.uinteger = this.hi
    return this.lo
  }

  /** numpy's PCG64().state: {state, inc} as 128-bit ints, and the 32-bit buffer. */
  get state(): { state: bigint; inc: bigint; hasUint32: boolean; uinteger: number } {
    return { state: limbsToBigInt(this.s), inc: limbsToBigInt(this.inc), hasUint32: this.hasUint32, uinteger: this.uinteger }
  }
}

/** One integers() call as [low, high, value] (recorded when Generator.log is set, for diagnosing divergences). */
export type IntegersCall = [number, number, number]

/** numpy.random.Generator over PCG64: integers(low, high) only. */
export class Generator {
  /** Set to an array to record every integers() call. */
  log: IntegersCall[] | null = null
  /** integers() calls so far (zero-width ones included). */
  calls = 0

  constructor(readonly bitGenerator: PCG64) {}

  /** Generator.integers(low, high): an int in [low, high), dtype int64, high exclusive. */
  integers(low: number, high: number): number {
    if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high)) {
      throw new RangeError(`integers(${low}, ${high}): bounds must be integers`)
    }
    const rng = high - low - 1
    if (rng < 0) throw new RangeError(`integers(${low}, ${high}): low >= high`)
    let v = low
    if (rng > 0) {
      if (rng > 0xffffffff) throw new RangeError(`integers(${low}, ${high}): ranges wider than 2^32 are not ported`)
      v = low + (rng === 0xffffffff ? this.bitGenerator.nextUint32() : this.lemire32(rng))
    }
    this.calls++
    this.log?.push([low, high, v])
    return v
  }

  // numpy buffered_bounded_lemire_uint32. m = u32 * (rng + 1) is exact in a double while rng + 1 <= 2^21 (every
  // range MiniGrid uses: the widest is integers(0, 23)); wider ranges split the product.
  private lemire32(rng: number): number {
    const excl = rng + 1,
      bg = this.bitGenerator
    if (excl > 0x200000) return lemireWide(bg, excl)
    let m = bg.nextUint32() * excl
    let lo = m % 0x100000000
    if (lo < excl) {
      const threshold = (0x100000000 - excl) % excl
      while (lo < threshold) {
        m = bg.nextUint32() * excl
        lo = m % 0x100000000
      }
    }
    return (m - lo) / 0x100000000
  }
}

// the same for 2^21 < excl < 2^32: x * excl = (a * 2^16 + b) * excl with a * excl, b * excl < 2^48
function lemireWide(bg: PCG64, excl: number): number {
  const mul = (x: number): [number, number] => {
    const pa = (x >>> 16) * excl,
      pb = (x & 0xffff) * excl
    const paLo = pa % 65536
    const low = paLo * 65536 + pb
    const lo32 = low % 0x100000000
    return [(pa - paLo) / 65536 + (low - lo32) / 0x100000000, lo32]
  }
  let [hi, lo] = mul(bg.nextUint32())
  if (lo < excl) {
    const threshold = (0x100000000 - excl) % excl
    while (lo < threshold) [hi, lo] = mul(bg.nextUint32())
  }
  return hi
}

/** Gymnasium's seeding.np_random(seed): Generator(PCG64(SeedSequence(seed))). */
export function npRandom(seed: number | bigint): Generator {
  return new Generator(new PCG64(new SeedSequence(seed)))
}
