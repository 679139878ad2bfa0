// The engine in a browser: scripts/bundle.js builds the engine bundle, a local HTTP server serves it with
// test/browser/page.js, headless Chromium (playwright-core, the system /usr/bin/chromium, SwiftShader when there is
// no GPU) opens it, and the page runs a WebGPU parity subset through navigator.gpu against the reference kernels.
// No chromium or no adapter: a loud SKIPPED, or a failure when CI=true.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { copyFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { inChromium, skip } from './chromium.ts'

const here = fileURLToPath(new URL('.', import.meta.url))
const test = suite('webgpu in the browser')
const WHAT = 'webgpu browser test'

test('parity subset through navigator.gpu in headless Chromium', () =>
  inChromium(
    WHAT,
    (out) => {
      writeFileSync(join(out, 'index.html'), '<!doctype html><meta charset="utf-8"><title>rl-rnd webgpu</title>')
      copyFileSync(join(here, 'page.js'), join(out, 'page.js'))
      return out
    },
    async (page, url) => {
      const errors: string[] = []
      page.on('pageerror', (e) => errors.push(e.message))
      await page.goto(url)
      const r = await page.evaluate(() => import('/page.js' as string).then((m) => m.runParity()))
      if (r.error) return skip(WHAT, `no WebGPU in Chromium: ${r.error}`)
      console.log(`  browser adapter: ${r.adapter}`)
      for (const x of r.results) if (!x.ok) console.log(`  FAIL ${x.name} ${x.shape}: max abs diff ${x.maxDiff}`)
      assert.equal(errors, [], 'page errors')
      assert.is(r.results.length, 8)
      assert.ok(
        r.results.every((x: { ok: boolean }) => x.ok),
        'every kernel matches ref in the browser',
      )
    },
  ))

test.run()
