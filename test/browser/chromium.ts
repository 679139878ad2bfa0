// Headless Chromium for the browser tests (test/browser/webgpu.test.ts, test/web/page.test.ts): playwright-core
// driving the system /usr/bin/chromium with the flags the issues specify (SwiftShader when there is no GPU).
// inChromium bundles the engine and page (scripts/bundle.js) into a temp dir, serves the folder `prepare` returns
// (scripts/serve_web.js serveDir), opens a fresh profile, runs the body, and removes everything afterwards.
// No chromium: a loud SKIPPED line, or a failure under CI=true (skip()).
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium'
export const FLAGS = ['--headless=new', '--no-sandbox', '--enable-unsafe-webgpu', '--enable-unsafe-swiftshader', '--disable-background-networking']

/** Say loudly that `what` was skipped and why; under CI=true that is a failure instead. */
export function skip(what: string, why: string): void {
  const msg = `SKIPPED ${what}: ${why}`
  if (process.env.CI === 'true') throw new Error(`${msg} (CI=true requires it)`)
  console.log(`\n!!!!!!!! ${msg}`)
}

/** prepare(out): after the bundle is built in out, the folder to serve; body(page, url): the test in the page. */
export async function inChromium(what: string, prepare: (out: string) => string, body: (page: Page, url: string) => Promise<void>): Promise<void> {
  if (!existsSync(CHROMIUM)) return skip(what, `no chromium at ${CHROMIUM}`)
  const out = mkdtempSync(join(tmpdir(), 'rl-rnd-dist-')),
    profile = mkdtempSync(join(tmpdir(), 'rl-rnd-chrome-'))
  const { bundle } = await import('../../scripts/bundle.js' as string)
  const { serveDir } = await import('../../scripts/serve_web.js' as string)
  await bundle(out)
  const { server, url } = await serveDir(prepare(out))
  const { chromium } = await import('playwright-core')
  // headless: false because FLAGS carries --headless=new itself (the flags the issue specifies, verbatim)
  const ctx = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: false, args: FLAGS })
  try {
    await body(ctx.pages()[0] ?? (await ctx.newPage()), url)
  } finally {
    await ctx.close()
    server.close()
    rmSync(out, { recursive: true, force: true })
    rmSync(profile, { recursive: true, force: true })
  }
}
