// `node scripts/bundle.js [outdir]`: the engine for browsers, as one ES module (dist/engine.js) built by esbuild.
// It exports the engine (engine/index.ts), the WebGPU backend (navigator.gpu in a browser), the reference kernels
// (so a page can check results), and the wasm backend when present (its kernels copied to dist/kernels.wasm).
// The npm `webgpu` package (Dawn for Node) is external: webgpu_device.ts imports it only when navigator.gpu is missing.
// The page of web/ (when web/main.ts exists) goes to dist/web/: index.html, main.js, trainer_worker.js (a module
// worker) and kernels.release.wasm, servable as static files (`npm run web` serves them).
import { build } from 'esbuild'
import { existsSync, copyFileSync, mkdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/** Build the bundle(s) into outdir; returns the files written. */
export async function bundle(outdir = join(root, 'dist'), { minify = false } = {}) {
  mkdirSync(outdir, { recursive: true })
  const hasWasm = existsSync(join(root, 'engine/backend/wasm.ts'))
  const contents = [
    `export * from './engine/index.ts'`,
    `export { createWebGPUBackend, findAdapter, isSoftwareAdapter, describeAdapter, WebGPUBackend } from './engine/backend/webgpu.ts'`,
    `export { REF } from './kernels/ref/index.ts'`,
    `export { KERNELS, KERNEL_NAMES } from './kernels/index.ts'`,
    hasWasm ? `export { createWasmBackend } from './engine/backend/wasm.ts'` : '',
  ].join('\n')
  const common = { bundle: true, format: 'esm', platform: 'browser', target: 'es2022', external: ['webgpu'], minify, sourcemap: true, logLevel: 'warning' }
  await build({ ...common, stdin: { contents, resolveDir: root, loader: 'ts', sourcefile: 'engine-bundle.ts' }, outfile: join(outdir, 'engine.js') })
  const files = [join(outdir, 'engine.js')]
  const wasm = join(root, 'build/kernels.release.wasm')
  if (hasWasm && existsSync(wasm)) {
    copyFileSync(wasm, join(outdir, 'kernels.wasm'))
    files.push(join(outdir, 'kernels.wasm'))
  }
  if (existsSync(join(root, 'web/main.ts'))) {
    const web = join(outdir, 'web')
    if (!existsSync(wasm)) throw new Error('bundle: build/kernels.release.wasm is missing (npm run build:wasm)')
    await build({ ...common, entryPoints: [join(root, 'web/main.ts'), join(root, 'web/trainer_worker.ts')], outdir: web })
    copyFileSync(join(root, 'web/index.html'), join(web, 'index.html'))
    copyFileSync(wasm, join(web, 'kernels.release.wasm'))
    files.push(...['index.html', 'main.js', 'trainer_worker.js', 'kernels.release.wasm'].map((f) => join(web, f)))
  }
  return files
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = await bundle(process.argv[2] ? resolve(process.argv[2]) : undefined)
  console.log(`bundle: ${files.map((f) => f.replace(root + '/', '')).join(', ')}`)
}
