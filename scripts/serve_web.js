// `npm run web [-- port]`: bundles the page (scripts/bundle.js -> dist/web/) and serves it on localhost, printing
// the URL. Any static file server works as well (the page needs http(s), not file://, for its module worker).
import { createServer } from 'node:http'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, extname, join, normalize, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.map': 'application/json' }

/** Serve the files of dir on 127.0.0.1:port (0: any free port); resolves to {server, url}. */
export function serveDir(dir, port = 0) {
  const server = createServer((req, res) => {
    const name = decodeURIComponent((req.url ?? '/').split('?')[0]).replace(/^\/+/, '') || 'index.html'
    const file = normalize(join(dir, name))
    if (!file.startsWith(normalize(dir)) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end()
      return
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file))
  })
  return new Promise((ok, fail) => {
    server.once('error', fail)
    server.listen(port, '127.0.0.1', () => ok({ server, url: `http://127.0.0.1:${server.address().port}/` }))
  })
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
  const { bundle } = await import('./bundle.js')
  await bundle(join(root, 'dist'))
  const { url } = await serveDir(join(root, 'dist/web'), Number(process.argv[2] ?? 8080))
  console.log(`rl-rnd web: open ${url} (?tiny=1 for a tiny config, ?autostart=1 to start at once); Ctrl-C stops`)
}
