// Builds the page into dist/ (static files: index.html, app.js, onnxruntime-web's wasm) and, with --tests, the
// unit tests into dist-test/ (run by `node --test dist-test/`). No CDN: everything comes from node_modules.
import { build } from 'esbuild';
import { cpSync, mkdirSync, readdirSync, rmSync } from 'node:fs';

const tests = process.argv.includes('--tests');
if (process.argv.includes('--tools')) {
  await build({ entryPoints: ['tools/heap-probe.ts', 'tools/step-probe.ts'], bundle: true, platform: 'node', format: 'esm',
    target: 'node20', outdir: 'tools', outExtension: { '.js': '.mjs' }, packages: 'external', logLevel: 'warning' });
} else if (tests) {
  rmSync('dist-test', { recursive: true, force: true });
  const entryPoints = readdirSync('test').filter(f => f.endsWith('.test.ts')).map(f => `test/${f}`);
  await build({ entryPoints, bundle: true, platform: 'node', format: 'esm', target: 'node20', outdir: 'dist-test',
    outExtension: { '.js': '.mjs' }, packages: 'external', sourcemap: 'inline', logLevel: 'warning' });
} else {
  rmSync('dist', { recursive: true, force: true });
  mkdirSync('dist', { recursive: true });
  // Splitting: runtime.ts imports onnxruntime-web's WebAssembly and WebGPU bundles on demand, each its own chunk.
  await build({ entryPoints: { app: 'src/main.ts' }, bundle: true, splitting: true, platform: 'browser', format: 'esm',
    target: 'es2022', outdir: 'dist', chunkNames: 'chunks/[name]-[hash]', sourcemap: true, logLevel: 'warning' });
  cpSync('src/index.html', 'dist/index.html');
  const ort = 'node_modules/onnxruntime-web/dist';
  // The WebAssembly bundle's runtime and the WebGPU bundle's (asyncify) one.
  for (const f of readdirSync(ort).filter(f => /^ort-wasm-simd-threaded(\.asyncify)?\.(wasm|mjs)$/.test(f))) cpSync(`${ort}/${f}`, `dist/${f}`);
}
