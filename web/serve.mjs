// A static file server for the page on localhost (no other server is needed): serves the repository root, so the page
// (web/dist/) and the artifacts folders (graphs/...) share one origin. It sends the cross-origin-isolation headers
// that let onnxruntime-web use WebAssembly threads. Usage: node web/serve.mjs [port] (default 8080; 0 picks a free one).
import { createServer } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.map': 'application/json',
  '.json': 'application/json', '.wasm': 'application/wasm', '.txt': 'text/plain; charset=utf-8', '.jsonl': 'text/plain; charset=utf-8', '.csv': 'text/csv' };

export function serve(port = 8080) {
  const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url, 'http://localhost').pathname));
    const file = join(root, path.endsWith('/') ? join(path, 'index.html') : path);
    if (!file.startsWith(root + sep)) { response.writeHead(403).end(); return; }
    let size;
    try { const s = statSync(file); if (!s.isFile()) throw new Error(); size = s.size; } catch { response.writeHead(404).end('not found'); return; }
    response.writeHead(200, {
      'Content-Type': types[extname(file)] ?? 'application/octet-stream', 'Content-Length': size,
      'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cache-Control': 'no-store',
    });
    createReadStream(file).pipe(response);
  });
  return new Promise(done => server.listen(port, '127.0.0.1', () => done(server)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const server = await serve(Number(process.argv[2] ?? 8080));
  console.log(`serving ${root} at http://127.0.0.1:${server.address().port}/web/dist/`);
}
