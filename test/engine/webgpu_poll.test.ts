// The quiet-wait wrapper around setImmediate (engine/backend/webgpu_poll.ts): callbacks still run with their
// arguments and in order, clearImmediate still cancels, util.promisify(setImmediate) still works, and only during a
// quietly() wait (after its spin grace period) are callbacks delayed by a sleep that leaves the thread idle.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { promisify } from 'node:util'
import { installQuietPolling, quietly } from '../../engine/backend/webgpu_poll.ts'

const test = suite('webgpu quiet polling')
installQuietPolling()
installQuietPolling() // idempotent: wrapping twice would nest the sleeps

test('setImmediate keeps its behaviour: arguments, order, clearImmediate, promisify', async () => {
  const seen: string[] = []
  await new Promise<void>((done) => {
    setImmediate((a: string, b: string) => seen.push(a + b), 'x', 'y')
    const cancelled = setImmediate(() => seen.push('cancelled'))
    clearImmediate(cancelled)
    setImmediate(() => {
      seen.push('last')
      done()
    })
  })
  assert.equal(seen, ['xy', 'last'])
  assert.is(await promisify(setImmediate)('value'), 'value')
})

/** CPU ms of this (main) thread, from /proc (Linux) */
import { readFileSync, existsSync } from 'node:fs'
const stat = `/proc/self/task/${process.pid}/stat`
const threadCpuMs = () => {
  const f = readFileSync(stat, 'utf8').split(') ')[1].split(' ')
  return (+f[11] + +f[12]) * 10
}

test('a quietly() wait polls with sleeps: a 300 ms wait of back-to-back setImmediate ticks stays mostly off the CPU', async () => {
  if (!existsSync(stat)) return void console.log('  (no /proc thread stats here)')
  // a stand-in for dawn.node's tick loop: re-queue with setImmediate until the promise settles
  const pollUntil = (t: number) =>
    new Promise<number>((done) => {
      let ticks = 0
      const tick = () => {
        ticks++
        if (performance.now() >= t) done(ticks)
        else setImmediate(tick)
      }
      setImmediate(tick)
    })
  const measure = async (quiet: boolean) => {
    const c0 = threadCpuMs(),
      t0 = performance.now()
    const p = pollUntil(t0 + 300)
    const ticks = await (quiet ? quietly(p) : p)
    return { cpu: (threadCpuMs() - c0) / (performance.now() - t0), ticks }
  }
  const spin = await measure(false),
    calm = await measure(true)
  assert.ok(calm.cpu < 0.3, `quietly() sleeps between ticks (cpu share ${calm.cpu.toFixed(2)}; spinning: ${spin.cpu.toFixed(2)})`)
  assert.ok(calm.ticks > 20 && calm.ticks < spin.ticks / 10, `ticks: ${calm.ticks} quiet vs ${spin.ticks} spinning`)
})

test.run()
