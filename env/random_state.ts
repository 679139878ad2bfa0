// numpy's legacy RandomState (the generator PLE gives every game), bit-exact for the calls the games make.
// MT19937 seeded with init_genrand(seed) for an int seed in [0, 2^32), as numpy's legacy seeding does.
//   randomSample(): 53-bit double from two outputs a, b: ((a >> 5) * 2^26 + (b >> 6)) / 2^53 (genrand_res53)
//   uniform(lo, hi): lo + (hi - lo) * randomSample()
//   randint(lo, hi): hi exclusive; r = hi - lo - 1, mask = smallest 2^k - 1 >= r, draw 32-bit outputs until
//     (v & mask) <= r (numpy's masked rejection, legacy default); r = 0 returns lo without drawing.
// Checked against test/fixtures/numpy_randomstate24_reference.json (test/env/random_state.test.ts).

const N = 624
const M = 397

export interface RandomStateSnapshot {
  key: number[]
  pos: number
}

export class RandomState {
  private mt = new Uint32Array(N)
  private mti = N

  constructor(seed = 0) {
    this.seed(seed)
  }

  /** init_genrand(seed): numpy's legacy seeding for an integer seed. */
  seed(seed: number): void {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new Error(`RandomState seed must be an integer in [0, 2^32 - 1], got ${seed}`)
    }
    const mt = this.mt
    mt[0] = seed >>> 0
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1]
      mt[i] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + i) >>> 0
    }
    this.mti = N
  }

  /** Next raw 32-bit output (genrand_int32), as an unsigned number. */
  nextUint32(): number {
    const mt = this.mt
    if (this.mti >= N) {
      // regenerate the whole block of 624 words
      let kk = 0
      for (; kk < N - M; kk++) {
        const y = (mt[kk] & 0x80000000) | (mt[kk + 1] & 0x7fffffff)
        mt[kk] = mt[kk + M] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0)
      }
      for (; kk < N - 1; kk++) {
        const y = (mt[kk] & 0x80000000) | (mt[kk + 1] & 0x7fffffff)
        mt[kk] = mt[kk + (M - N)] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0)
      }
      const y = (mt[N - 1] & 0x80000000) | (mt[0] & 0x7fffffff)
      mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0)
      this.mti = 0
    }
    let y = mt[this.mti++]
    y ^= y >>> 11
    y ^= (y << 7) & 0x9d2c5680
    y ^= (y << 15) & 0xefc60000
    y ^= y >>> 18
    return y >>> 0
  }

  /** numpy random_sample(): a double in [0, 1) with 53 random bits. */
  randomSample(): number {
    const a = this.nextUint32() >>> 5
    const b = this.nextUint32() >>> 6
    return (a * 67108864 + b) / 9007199254740992
  }

  /** numpy uniform(lo, hi) = lo + (hi - lo) * random_sample(). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.randomSample()
  }

  /** numpy randint(lo, hi), hi exclusive, for ranges up to 2^32 (masked rejection sampling). */
  randint(lo: number, hi: number): number {
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || hi <= lo) throw new Error(`randint: bad range [${lo}, ${hi})`)
    const r = hi - lo - 1
    if (r === 0) return lo
    if (r > 0xffffffff) throw new Error('randint: ranges wider than 2^32 are not supported')
    if (r === 0xffffffff) return lo + this.nextUint32()
    let mask = r
    mask |= mask >>> 1
    mask |= mask >>> 2
    mask |= mask >>> 4
    mask |= mask >>> 8
    mask |= mask >>> 16
    mask >>>= 0
    let v: number
    do v = (this.nextUint32() & mask) >>> 0
    while (v > r)
    return lo + v
  }

  /** A plain-data copy of the generator state (numpy's get_state()[1:3]: key and pos). */
  getState(): RandomStateSnapshot {
    return { key: Array.from(this.mt), pos: this.mti }
  }

  setState(s: RandomStateSnapshot): void {
    if (s.key.length !== N || !(s.pos >= 0 && s.pos <= N)) throw new Error('RandomState.setState: bad state')
    this.mt.set(s.key)
    this.mti = s.pos
  }
}
