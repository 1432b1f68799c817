// Builds the page into dist/ (static files: index.html, app.js, onnxruntime-web's wasm) and, with --tests, the
// unit tests into dist-test/ (run by `node --test dist-test/`). No CDN: everything comes from node_modules.
import { build } from 'esbuild';
import { cpSync, mkdirSync, readdirSync, rmSync } from 'node:fs';

const tests = process.argv.includes('--tests');
if (tests) {
  rmSync('dist-test', { recursive: true, force: true });
  const entryPoints = readdirSync('test').filter(f => f.endsWith('.test.ts')).map(f => `test/${f}`);
  await build({ entryPoints, bundle: true, platform: 'node', format: 'esm', target: 'node20', outdir: 'dist-test',
    outExtension: { '.js': '.mjs' }, packages: 'external', sourcemap: 'inline', logLevel: 'warning' });
} else {
  rmSync('dist', { recursive: true, force: true });
  mkdirSync('dist', { recursive: true });
  const page = { entryPoints: ['src/main.ts'], bundle: true, platform: 'browser', format: 'esm', target: 'es2022', sourcemap: true, logLevel: 'warning' };
  // app.js: onnxruntime-web's default bundle (WebAssembly, and WebGPU through JSEP with CPU kernels for what WebGPU
  // lacks); app-webgpu.js: its WebGPU bundle (the native WebGPU provider), chosen with index.html?bundle=webgpu.
  await build({ ...page, outfile: 'dist/app.js', define: { ORT_BUNDLE: '"default"' } });
  await build({ ...page, outfile: 'dist/app-webgpu.js', alias: { 'onnxruntime-web': 'onnxruntime-web/webgpu' }, define: { ORT_BUNDLE: '"webgpu"' } });
  cpSync('src/index.html', 'dist/index.html');
  const ort = 'node_modules/onnxruntime-web/dist';
  for (const f of readdirSync(ort).filter(f => /^ort-wasm-simd-threaded(\.jsep|\.asyncify)?\.(wasm|mjs)$/.test(f))) cpSync(`${ort}/${f}`, `dist/${f}`);
}
