// A small seedable generator for weight init and sampling (xoshiro128**; normals by Box-Muller). Its state is
// four u32 words, saved in snapshots so a resumed run continues the same stream.
export class Rng {
  private s: Uint32Array
  constructor(seed: number) {
    this.s = new Uint32Array(4)
    let x = (seed >>> 0) ^ 0x9e3779b9
    for (let i = 0; i < 4; i++) {
      // splitmix32 to spread the seed
      x = (x + 0x9e3779b9) >>> 0
      let z = x
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
      this.s[i] = (z ^ (z >>> 16)) >>> 0
    }
  }
  private nextU32(): number {
    const s = this.s
    const r = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0
    const t = s[1] << 9
    s[2] ^= s[0]
    s[3] ^= s[1]
    s[1] ^= s[2]
    s[0] ^= s[3]
    s[2] ^= t
    s[3] = rotl(s[3], 11)
    return r
  }
  /** uniform in [0, 1) with 53 bits */
  uniform(): number {
    return ((this.nextU32() >>> 5) * 67108864 + (this.nextU32() >>> 6)) / 9007199254740992
  }
  /** integer in [0, n) */
  int(n: number): number {
    return Math.floor(this.uniform() * n)
  }
  normal(): number {
    const u = 1 - this.uniform(),
      v = this.uniform()
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
  }
  normalArray(n: number, std = 1): Float32Array {
    const out = new Float32Array(n)
    for (let i = 0; i < n; i++) out[i] = std * this.normal()
    return out
  }
  getState(): number[] {
    return [...this.s]
  }
  setState(st: number[]): void {
    if (st.length !== 4) throw new Error('Rng.setState: expected 4 words')
    this.s.set(st)
  }
}
const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0
