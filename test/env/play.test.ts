// cli/play.ts and cli/envs.ts: playEpisodes with GIF/PNG output, and the commands' output and exit codes.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { PNG } from 'pngjs'
import { playEpisodes, upscaleRgba } from '../../cli/play.ts'
import { make } from '../../env/index.ts'

const test = suite('play')
const BIN = fileURLToPath(new URL('../../cli/bin.js', import.meta.url))
const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' })
const dir = mkdtempSync(join(tmpdir(), 'rl-rnd-play-'))

test('playEpisodes: per-episode stats (noop, then up), GIF and PNG frames written', async () => {
  const env = make('PixelCopter-v0')
  const eps: number[] = []
  const stats = await playEpisodes(env, (_obs, ctx) => (ctx.episode === 1 ? 1 : 0), {
    episodes: 2,
    gif: join(dir, 'a.gif'),
    png: join(dir, 'png'),
    scale: 2,
    onEpisode: (s) => eps.push(s.episode),
  })
  assert.equal(eps, [1, 2])
  assert.ok(stats[0].length >= 18 && stats[0].length <= 24, `noop length ${stats[0].length}`)
  assert.ok(stats[1].length >= 4 && stats[1].length <= 5)
  const gif = readFileSync(join(dir, 'a.gif'))
  assert.is(gif.subarray(0, 6).toString(), 'GIF89a')
  assert.is(gif.readUInt16LE(6), 96) // 48 * 2
  const pngs = readdirSync(join(dir, 'png')).sort()
  assert.is(pngs.length, stats[0].length + stats[1].length)
  const img = PNG.sync.read(readFileSync(join(dir, 'png', pngs[0])))
  assert.equal([img.width, img.height], [96, 96])
})

test('upscaleRgba: nearest-neighbour', () => {
  const out = upscaleRgba(Uint8Array.of(1, 2, 3, 4, 5, 6), 2, 1, 2)
  assert.equal(Array.from(out.subarray(0, 16)), [1, 2, 3, 255, 1, 2, 3, 255, 4, 5, 6, 255, 4, 5, 6, 255])
  assert.equal(Array.from(out.subarray(16)), Array.from(out.subarray(0, 16)))
})

test('rl-rnd envs / play: output and exit codes', () => {
  const envs = cli('envs')
  assert.is(envs.status, 0, envs.stderr)
  assert.match(envs.stdout, /PixelCopter-v0 {2}obs 48x48x3 uint8 {2}actions \[0=up 1=noop\]/)
  const ok = cli('play', '--game', 'PixelCopter-v0', '--policy', 'noop', '--episodes', '2', '--gif', join(dir, 'b.gif'))
  assert.is(ok.status, 0, ok.stderr)
  assert.match(ok.stdout, /episode 1: length \d+, return -?\d+\nepisode 2: length \d+, return -?\d+\n/)
  assert.ok(readFileSync(join(dir, 'b.gif')).length > 100)
  for (const [args, msg] of [
    [['--game', 'Nope-v0'], /unknown environment 'Nope-v0'; registered: PixelCopter-v0/],
    [['--episodes', '0'], /--episodes must be a positive integer/],
    [['--policy', 'smart'], /unknown policy 'smart'/],
    [['--gif', join(dir, 'missing', 'x.gif')], /cannot write GIF .*ENOENT/],
  ] as [string[], RegExp][]) {
    const r = cli('play', ...args)
    assert.is(r.status, 2, args.join(' '))
    assert.match(r.stderr, msg)
    assert.is(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`)
  }
})

test.after(() => rmSync(dir, { recursive: true, force: true }))
test.run()
