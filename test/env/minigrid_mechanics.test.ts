// MiniGrid rules the random traces rarely reach, checked on hand-made situations with hand-worked values: success by
// pickup (KeyCorridor, ObstructedMaze) and not by picking up anything else, the goal reward, terminated and
// truncated on the same step, drop, locked doors, seeding through make(), and the API's errors.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { listEnvs, make, type MiniGridEnv } from '../../env/index.ts'
import { ACTIONS } from '../../env/minigrid/constants.ts'
import { Key } from '../../env/minigrid/objects.ts'

const test = suite('minigrid mechanics')
const { left, right, forward, pickup, drop, toggle, done } = ACTIONS
const level = (id: string, seed = 0) => {
  const env = make(id).unwrapped as MiniGridEnv
  env.reset({ seed })
  return env
}
const find = (env: MiniGridEnv, type: string) => {
  const out: [number, number][] = []
  for (let y = 0; y < env.height; y++) for (let x = 0; x < env.width; x++) if (env.grid.get(x, y)?.type === type) out.push([x, y])
  return out
}
// stand the agent next to (x, y), facing it: on a free neighbour, else on a cleared non-wall one (in KeyCorridor S3
// a room is one cell, reached through its door)
const faceCell = (env: MiniGridEnv, x: number, y: number) => {
  const dirs: [number, number][] = [
    [1, 0],
    [0, 1],
    [-1, 0],
    [0, -1],
  ]
  for (const free of [true, false])
    for (let d = 0; d < 4; d++) {
      const ax = x - dirs[d][0],
        ay = y - dirs[d][1],
        cell = env.grid.get(ax, ay)
      if (cell === null || (!free && cell.type !== 'wall')) {
        env.grid.set(ax, ay, null)
        env.agentPos[0] = ax
        env.agentPos[1] = ay
        env.agentDir = d
        return
      }
    }
  throw new Error(`no free cell next to (${x}, ${y})`)
}

for (const [id, maxSteps] of [
  ['MiniGrid-KeyCorridorS3R3-v0', 270],
  ['MiniGrid-ObstructedMaze-1Dl-v0', 288],
] as const) {
  test(`${id}: picking up the key gives nothing; picking up the target ball ends with 1 - 0.9 * t / ${maxSteps}`, () => {
    const env = level(id, 3)
    const [[kx, ky]] = find(env, 'key')
    faceCell(env, kx, ky)
    assert.equal([env.step(pickup).reward, env.terminated, env.carrying?.type], [0, false, 'key'])
    env.step(drop)
    assert.is(env.carrying, null)
    const [[bx, by]] = find(env, 'ball')
    assert.match(env.mission, new RegExp(`pick up the ${env.grid.get(bx, by)!.color} ball`))
    faceCell(env, bx, by)
    const r = env.step(pickup)
    assert.equal([r.reward, r.terminated, r.truncated, env.stepCount], [1 - 0.9 * (3 / maxSteps), true, false, 3])
    assert.is(env.grid.get(bx, by), null)
    assert.is(env.image[(3 * 7 + 6) * 3], 6, 'the carried ball shows on the agent cell')
  })
}

test('Empty: the goal on the last step is terminated and truncated at once, reward 1 - 0.9 * 256/256', () => {
  const env = level('MiniGrid-Empty-8x8-v0')
  assert.equal([env.agentPos, env.agentDir], [[1, 1], 0])
  const path = [forward, forward, forward, forward, forward, right, forward, forward, forward, forward]
  for (let t = 0; t < 256 - path.length - 1; t++) assert.is(env.step(done).reward, 0)
  for (const a of path) assert.is(env.step(a).reward, 0)
  assert.equal([env.agentPos, env.agentDir, env.stepCount], [[6, 5], 1, 255])
  const r = env.step(forward)
  assert.equal([env.agentPos, r.terminated, r.truncated], [[6, 6], true, true])
  assert.ok(Object.is(r.reward, 1 - 0.9 * 1) && r.reward === 0.09999999999999998)
})

test('DoorKey: the locked door ignores toggles without its key, opens with it, then closes and opens again', () => {
  const env = level('MiniGrid-DoorKey-8x8-v0', 4)
  const [[dx, dy]] = find(env, 'door')
  const door = () => Array.from(env.encodeGrid().subarray((dx * 8 + dy) * 3, (dx * 8 + dy) * 3 + 3))
  assert.equal(door(), [4, 4, 2]) // yellow, locked
  faceCell(env, dx, dy)
  env.step(toggle)
  assert.equal(door(), [4, 4, 2])
  env.carrying = new Key('blue')
  env.step(toggle)
  assert.equal(door(), [4, 4, 2], 'a key of another colour')
  env.carrying = new Key('yellow')
  env.step(toggle)
  assert.equal(door(), [4, 4, 0], 'open')
  env.step(toggle)
  assert.equal(door(), [4, 4, 1], 'closed, no longer locked')
  env.carrying = null
  env.step(toggle)
  assert.equal(door(), [4, 4, 0])
  env.step(forward)
  assert.equal(env.agentPos, [dx, dy], 'the agent walks onto an open door')
  env.step(left)
  env.step(left)
  const [fx, fy] = env.frontPos()
  env.step(drop)
  assert.is(env.grid.get(fx, fy), null, 'nothing to drop')
  const key = (env.carrying = new Key('red'))
  env.step(drop)
  assert.equal([env.grid.get(fx, fy), env.carrying], [key, null], 'dropped in front')
  env.carrying = new Key('green')
  env.step(drop)
  assert.equal([env.grid.get(fx, fy), env.carrying?.color], [key, 'green'], 'no drop onto an object')
})

test('make(id, {seed}) seeds the first reset only; reset() continues; listEnvs and errors', () => {
  const a = make('MiniGrid-MultiRoom-N6-v0', { seed: 9 }).unwrapped as MiniGridEnv
  const b = make('MiniGrid-MultiRoom-N6-v0').unwrapped as MiniGridEnv
  a.reset()
  b.reset({ seed: 9 })
  assert.equal(a.encodeGrid(), b.encodeGrid())
  a.reset()
  b.reset()
  assert.equal([a.encodeGrid(), a.agentPos, a.agentDir], [b.encodeGrid(), b.agentPos, b.agentDir])
  b.reset({ seed: 9 })
  assert.not.equal(a.encodeGrid(), b.encodeGrid())
  const specs = listEnvs().filter((e) => e.kind === 'minigrid')
  assert.is(specs.length, 9)
  assert.equal(specs.find((e) => e.id === 'MiniGrid-MultiRoom-N4-S5-v0')!.maxEpisodeSteps, 120)
  assert.equal(specs[0].actionMeanings, ['left', 'right', 'forward', 'pickup', 'drop', 'toggle', 'done'])
  assert.equal(specs[0].observationShape, [7, 7, 3])
  assert.throws(
    () => make('MiniGrid-Nope-v0'),
    /unknown environment 'MiniGrid-Nope-v0'; registered: PixelCopter-v0, .*Catcher-v0.*MiniGrid-Empty-8x8-v0,.*MiniGrid-ObstructedMaze-1Dl-v0$/,
  )
  const env = make('MiniGrid-Empty-8x8-v0')
  assert.throws(() => env.step(0), /reset\(\) before step/)
  env.reset({ seed: 0 })
  assert.throws(() => env.step(7), /invalid action 7; expected an integer in 0..6 \(0 = left, .*6 = done\)/)
  assert.throws(() => env.reset({ seed: -1 }), /seed must be a non-negative integer/)
  assert.is(env.elapsedSteps, 0)
  env.step(right)
  assert.equal([env.elapsedSteps, env.maxEpisodeSteps, (env.unwrapped as MiniGridEnv).direction], [1, 256, 1])
})

test.run()
