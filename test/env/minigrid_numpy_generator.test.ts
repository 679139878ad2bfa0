// env/minigrid/numpy_generator.ts against numpy 1.24.2's own values (test/fixtures/minigrid/numpy_generator_reference.json):
// SeedSequence pool and generate_state, PCG64 state and increment after seeding, raw 64-bit outputs, and an
// integers() sequence (with its zero-width calls and how many 64-bit outputs it consumed), for 7 seeds.
import { readFileSync } from 'node:fs'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { Generator, PCG64, SeedSequence, seedWords } from '../../env/minigrid/numpy_generator.ts'

const REF = JSON.parse(readFileSync(new URL('../fixtures/minigrid/numpy_generator_reference.json', import.meta.url), 'utf8'))
const test = suite('minigrid numpy Generator')
const hex64 = (hi: number, lo: number) => '0x' + ((BigInt(hi) << 32n) | BigInt(lo)).toString(16)

test('the reference covers 7 seeds, one of them above 2^32', () => {
  assert.equal(
    REF.seeds.map((s: { seed: number }) => s.seed),
    [0, 1, 2, 7, 42, 1000, 2 ** 32 + 5],
  )
  assert.equal(seedWords(2 ** 32 + 5), [5, 1])
  assert.equal(seedWords(0), [0])
})

for (const ref of REF.seeds) {
  test(`seed ${ref.seed}: SeedSequence pool and generate_state, PCG64 state and inc after seeding`, () => {
    const ss = new SeedSequence(ref.seed)
    assert.equal(Array.from(ss.pool), ref.pool_u32)
    assert.equal(Array.from(ss.generateState(8)), ref.generate_state_u32_8)
    const st = new PCG64(ss).state
    assert.is('0x' + st.state.toString(16), ref.pcg_state_after_seeding_hex)
    assert.is('0x' + st.inc.toString(16), ref.pcg_inc_hex)
    assert.is(st.hasUint32, false)
  })

  test(`seed ${ref.seed}: first 64-bit outputs; next_uint32 gives the low half, then the high half`, () => {
    const bg = new PCG64(new SeedSequence(ref.seed))
    const got = ref.first_next64_hex.map(() => (bg.next64(), hex64(bg.hi, bg.lo)))
    assert.equal(got, ref.first_next64_hex)
    const b2 = new PCG64(new SeedSequence(ref.seed))
    const first = BigInt(ref.first_next64_hex[0])
    assert.is(b2.nextUint32(), Number(first & 0xffffffffn))
    assert.is(b2.state.hasUint32, true)
    assert.is(b2.nextUint32(), Number(first >> 32n))
    assert.is(b2.next64Count, 1)
  })

  test(`seed ${ref.seed}: integers(low, high) sequence and 64-bit outputs consumed`, () => {
    const g = new Generator(new PCG64(new SeedSequence(ref.seed)))
    const got = ref.integers_sequence.map(([lo, hi]: number[]) => [lo, hi, g.integers(lo, hi)])
    assert.equal(got, ref.integers_sequence)
    assert.is(g.bitGenerator.next64Count, ref.next64_consumed_by_sequence)
  })
}

test('integers: zero-width ranges draw nothing; bad ranges throw one clear error', () => {
  const g = new Generator(new PCG64(new SeedSequence(3)))
  assert.is(g.integers(5, 6), 5)
  assert.is(g.integers(-2, -1), -2)
  assert.is(g.bitGenerator.next64Count, 0)
  assert.throws(() => g.integers(4, 4), /low >= high/)
  assert.throws(() => g.integers(0, 1.5), /must be integers/)
})

test('integers: wide ranges (2^21 < high - low < 2^32) agree with BigInt Lemire on the same draws', () => {
  // independent model: BigInt product of the same next_uint32 stream
  const ranges = [3_000_001, 2 ** 31 + 7, 2 ** 32 - 5]
  const g = new Generator(new PCG64(new SeedSequence(11)))
  const raw = new PCG64(new SeedSequence(11))
  for (let k = 0; k < 300; k++) {
    const excl = BigInt(ranges[k % 3])
    let m = BigInt(raw.nextUint32()) * excl
    if ((m & 0xffffffffn) < excl) {
      const t = (2n ** 32n - excl) % excl
      while ((m & 0xffffffffn) < t) m = BigInt(raw.nextUint32()) * excl
    }
    assert.is(g.integers(10, 10 + ranges[k % 3]), 10 + Number(m >> 32n))
  }
})

test.run()
