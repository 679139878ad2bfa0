// The dependency direction (docs/conventions.md), checked from the import lines of every .ts file under the folders
// of ALLOWED, edge by edge: kernels/ and env/ import nothing of ours but themselves (kernels/as/ is AssemblyScript
// with its own std, not scanned); engine/ -> kernels/; rl/ -> engine/, env/; cli/ and web/ -> rl/, engine/, env/;
// bench/ -> kernels/, engine/, rl/, env/, test/cases/ (the shape cases the tests share) and cli/node_backend.ts (the
// Node loader of backends). test/ and scripts/ are not scanned: they may import anything. Package imports are left to
// review. node:* is refused in kernels/, env/, engine/, rl/ and web/ (cli/, bench/, test/, scripts/ may use it); in
// engine/, rl/, env/ and kernels/ only GPU_FILE touches navigator.gpu or the webgpu package, and only
// engine/backend/wasm.ts instantiates wasm.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, dirname, normalize, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const ALLOWED: Record<string, string[]> = {
  kernels: ['kernels'],
  env: ['env'],
  engine: ['engine', 'kernels'],
  rl: ['rl', 'engine', 'env'],
  cli: ['cli', 'rl', 'engine', 'env'],
  web: ['web', 'rl', 'engine', 'env'],
  bench: ['bench', 'kernels', 'engine', 'rl', 'env', 'test/cases', 'cli/node_backend.ts'],
}
const NODE_OK = new Set(['cli', 'bench', 'scripts', 'test'])
const GPU_FILE = 'engine/backend/webgpu_device.ts'

function files(dir: string): string[] {
  let out: string[] = []
  for (const n of readdirSync(join(root, dir))) {
    const p = join(dir, n)
    if (statSync(join(root, p)).isDirectory()) out = out.concat(files(p))
    else if (/\.ts$/.test(n)) out.push(p)
  }
  return out
}

function imports(src: string): string[] {
  const re = /(?:^|\n)\s*(?:import|export)[^'"\n]*?from\s*['"]([^'"]+)['"]|import\(\s*['"`]([^'"`]+)['"`]\s*\)|(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g
  const out: string[] = []
  for (const m of src.matchAll(re)) out.push(m[1] ?? m[2] ?? m[3])
  return out
}

const test = suite('meta: dependency direction')

test('no forbidden import edges', () => {
  const bad: string[] = []
  for (const top of Object.keys(ALLOWED)) {
    let list: string[] = []
    try {
      list = files(top)
    } catch {
      continue
    }
    for (const f of list) {
      if (top === 'kernels' && f.startsWith('kernels/as/')) continue // AssemblyScript: its own std only
      for (const spec of imports(readFileSync(join(root, f), 'utf8'))) {
        if (spec.startsWith('node:')) {
          if (!NODE_OK.has(top)) bad.push(`${f} imports ${spec} (only cli/, bench/, test/, scripts/ may)`)
          continue
        }
        if (!spec.startsWith('.')) continue // packages: checked by review, not here
        const target = relative(root, normalize(join(root, dirname(f), spec)))
        if (!ALLOWED[top].some((a) => target === a || target.startsWith(a + '/'))) bad.push(`${f} -> ${target}`)
      }
    }
  }
  assert.equal(bad, [], `forbidden edges:\n${bad.join('\n')}`)
})

test(`only ${GPU_FILE} touches navigator.gpu or the webgpu package; only wasm.ts instantiates wasm`, () => {
  const bad: string[] = []
  for (const top of ['engine', 'rl', 'env', 'kernels']) {
    for (const f of files(top)) {
      const src = readFileSync(join(root, f), 'utf8')
      const code = src.replace(/\/\/.*$/gm, '')
      if (/navigator\.gpu|from ['"]webgpu['"]|import\(['"]webgpu['"]\)/.test(code) && f !== GPU_FILE) bad.push(`${f}: GPU access`)
      if (/WebAssembly\.(instantiate|Module|compile)/.test(code) && f !== 'engine/backend/wasm.ts') bad.push(`${f}: wasm instantiation`)
    }
  }
  assert.ok(
    /navigator\.gpu/.test(readFileSync(join(root, GPU_FILE), 'utf8').replace(/\/\/.*$/gm, '')),
    `${GPU_FILE} no longer acquires the GPU: rename GPU_FILE`,
  )
  assert.equal(bad, [])
})

test('the import scanner sees all three import forms', () => {
  assert.equal(imports(`import a from './x.ts'\nexport * from "../y.ts"\nconst m = await import('./z.ts')\nimport './side.ts'`), [
    './x.ts',
    '../y.ts',
    './z.ts',
    './side.ts',
  ])
})

test.run()
