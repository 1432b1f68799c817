// Drives the page in headless Chromium (Debian's, through playwright-core: no browser download) as a user would: loads
// an artifacts folder, picks the data files, trains, classifies sentences and downloads the adapter. Writes
// result.json (per-step losses, dev metrics, predictions, timings) and model.adapter.safetensors to --out.
// Usage: node web/test-browser/train-in-browser.mjs --artifacts graphs/bert-mini-uncased/default --train T --dev D
//        --out DIR [--epochs N] [--batch-size N] [--lr X] [--max-length N] [--seed N] [--provider wasm|webgpu]
//        [--pick-folder] [--train-twice] [--sentence TEXT]... [--timeout SECONDS]
// --pick-folder loads the artifacts through the page's folder picker instead of its URL field; --train-twice trains
// a second time and keeps the first run's steps as previous_steps (a run must start from the initial checkpoint).
import { chromium } from 'playwright-core';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { resolve, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { serve } from '../serve.mjs';

const { values: a } = parseArgs({ options: {
  artifacts: { type: 'string' }, train: { type: 'string' }, dev: { type: 'string' }, out: { type: 'string' },
  epochs: { type: 'string', default: '1' }, 'batch-size': { type: 'string', default: '8' }, lr: { type: 'string', default: '0.001' },
  'max-length': { type: 'string', default: '128' }, seed: { type: 'string', default: '0' }, provider: { type: 'string', default: 'wasm' },
  'pick-folder': { type: 'boolean', default: false }, 'train-twice': { type: 'boolean', default: false }, sentence: { type: 'string', multiple: true, default: [] }, timeout: { type: 'string', default: '300' },
  chromium: { type: 'string', default: process.env.CHROMIUM ?? '/usr/bin/chromium' },
} });
for (const required of ['artifacts', 'train', 'out']) if (!a[required]) { console.error(`error: --${required} is required`); process.exit(2); }
if (!existsSync(a.chromium)) { console.error(`error: no Chromium at ${a.chromium} (Debian: apt-get install chromium; or --chromium PATH)`); process.exit(3); }

const root = resolve(import.meta.dirname, '../..');
const out = resolve(a.out);
// Never overwrite what the user had: the results go to a new or empty folder.
if (existsSync(out) && readdirSync(out).length > 0) { console.error(`error: --out ${out} is not empty: choose a new or empty folder.`); process.exit(2); }
mkdirSync(out, { recursive: true });
const server = await serve(0);
const origin = `http://127.0.0.1:${server.address().port}`;
const flags = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
if (a.provider === 'webgpu') flags.push('--enable-unsafe-webgpu', '--enable-unsafe-swiftshader', '--use-webgpu-adapter=swiftshader', '--enable-features=Vulkan');
const browser = await chromium.launch({ executablePath: a.chromium, headless: true, args: flags });
const console_ = [];
try {
  const page = await browser.newPage({ acceptDownloads: true });
  page.on('console', m => console_.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', e => console_.push(`pageerror: ${e.message}`));
  const artifactsUrl = `/${relative(root, resolve(a.artifacts)).split('\\').join('/')}/`;
  await page.goto(`${origin}/web/dist/index.html`);
  if (a['pick-folder']) await page.setInputFiles('#artifacts-folder', resolve(a.artifacts));
  else {
    await page.fill('#artifacts-url', artifactsUrl);
    await page.click('#load-url');
  }
  await page.waitForFunction(() => window.ortadapter?.artifacts === 'loaded' || window.ortadapter?.error, null, { timeout: 120_000 });
  await page.setInputFiles('#train-file', resolve(a.train));
  if (a.dev) await page.setInputFiles('#dev-file', resolve(a.dev));
  for (const [id, value] of [['epochs', a.epochs], ['batch-size', a['batch-size']], ['lr', a.lr], ['max-length', a['max-length']], ['seed', a.seed]])
    await page.fill(`#${id}`, value);
  await page.selectOption('#provider', a.provider);
  await page.waitForFunction(() => !document.querySelector('#train').disabled || window.ortadapter?.error, null, { timeout: 60_000 });
  throwIfFailed(await page.evaluate(() => window.ortadapter?.error));
  let previous;
  for (let run = a['train-twice'] ? 2 : 1; run > 0; run--) {
    previous = await page.evaluate(() => window.ortadapter.result?.steps);
    await page.click('#train');
    await page.waitForFunction(() => window.ortadapter?.training === 'done' || window.ortadapter?.error, null, { timeout: Number(a.timeout) * 1000 });
    throwIfFailed(await page.evaluate(() => window.ortadapter?.error));
  }
  const predictions = [];
  for (const sentence of a.sentence) {
    await page.fill('#sentence', sentence);
    await page.click('#classify');
    await page.waitForFunction(s => window.ortadapter?.prediction?.text === s || window.ortadapter?.error, sentence);
    predictions.push(await page.evaluate(() => window.ortadapter.prediction));
  }
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  await download.saveAs(resolve(out, 'model.adapter.safetensors'));
  await page.screenshot({ path: resolve(out, 'page.png'), fullPage: true });
  const result = await page.evaluate(() => window.ortadapter.result);
  writeFileSync(resolve(out, 'result.json'), JSON.stringify({ ...result, previous_steps: previous, predictions, console: console_ }, null, 1));
  console.log(`trained ${result.steps.length} steps in the browser; wrote ${out}/result.json and model.adapter.safetensors`);
} catch (e) {
  console.error(`error: ${e.message}\n${console_.slice(-20).join('\n')}`);
  process.exitCode = 1;
} finally {
  await browser.close();
  server.close();
}

function throwIfFailed(error) { if (error) throw new Error(`the page reported: ${error}`); }
