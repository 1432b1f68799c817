// The page: load artifacts, pick data, train with a progress bar and a live loss curve, evaluate on dev, download the
// adapter file, classify sentences. State for automation (the browser tests) is on window.ortadapter.
import { adapterFileBytes, AdapterFileName } from './adapterFile';
import { loadArtifacts, pickedFolderSource, urlSource, type Artifacts } from './artifacts';
import { LossChart } from './chart';
import { readDataset, type Dataset, type Example } from './dataset';
import { checkHeap } from './memory';
import { argmax, batchOf, trainRun, type RunOptions, type RunResult } from './run';
import { splitDataset } from './split';
import { WordPieceTokenizer } from './tokenizer';
import { runtimeFor } from './runtime';
import { AdapterTrainer, type ExecutionProvider } from './trainer';

/** Dev fraction split off the train file when no dev file is picked. */
const DevFraction = 0.1;

interface PageState {
  artifacts?: 'loading' | 'loaded';
  training?: 'running' | 'done';
  error?: string;
  prediction?: { text: string; label: string; probabilities: number[] };
  result?: object;
}
declare global { interface Window { ortadapter: PageState } }
const state: PageState = (window.ortadapter = {});

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const input = (id: string) => $<HTMLInputElement>(id);
const chart = new LossChart($<HTMLCanvasElement>('chart'));
let artifacts: Artifacts | undefined, tokenizer: WordPieceTokenizer | undefined, trainer: AdapterTrainer | undefined;
let labels: string[] = [], run: RunResult | undefined, runOptions: RunOptions | undefined, abort: AbortController | undefined;

function log(text: string): void { $('log').textContent += `${text}\n`; $('log').scrollTop = 1e9; }
function fail(where: string, e: unknown): void {
  const message = e instanceof Error ? e.message : String(e);
  state.error = message;
  $(where).innerHTML = '';
  $(where).append(Object.assign(document.createElement('span'), { className: 'error', textContent: `error: ${message}` }));
  log(`error: ${message}`);
}

async function load(source: Parameters<typeof loadArtifacts>[0]): Promise<void> {
  state.artifacts = 'loading'; state.error = undefined;
  try {
    await trainer?.release();
    [trainer, run, runOptions] = [undefined, undefined, undefined];
    artifacts = await loadArtifacts(source, what => ($('artifacts-status').textContent = `loading ${what}...`));
    tokenizer = WordPieceTokenizer.fromFiles(artifacts.tokenizer);
    const m = artifacts.manifest;
    $('artifacts-status').textContent = `${artifacts.source}: ${m.recipe.adapter ? JSON.stringify(m.recipe.adapter) : ''} `
      + `${m.num_labels} labels, ${m.trainable_parameter_count.toLocaleString()} trainable parameters, loss ${String(m.recipe.loss)}, `
      + `frozen weights ${(artifacts.frozenWeights.length / 1e6).toFixed(1)} MB`;
    state.artifacts = 'loaded';
    log(`loaded ${artifacts.source}`);
  } catch (e) { fail('artifacts-status', e); }
  updateButtons();
}

async function readData(): Promise<{ train: Example[]; dev: Example[] }> {
  const trainFile = input('train-file').files?.[0];
  if (!trainFile) throw new Error('Pick a training file (JSONL or CSV).');
  const train: Dataset = readDataset(trainFile.name, await trainFile.text());
  const devFile = input('dev-file').files?.[0];
  labels = train.labels;
  if (devFile) return { train: train.examples, dev: readDataset(devFile.name, await devFile.text(), { labels: train.labels, labelsFrom: trainFile.name }).examples };
  const split = splitDataset(train.examples, DevFraction, 0, number('seed'));
  return { train: split.train, dev: split.dev };
}

function number(id: string): number {
  const value = Number(input(id).value);
  if (!Number.isFinite(value) || value < Number(input(id).min || '-Infinity')) throw new Error(`${id}: '${input(id).value}' is not a valid value.`);
  return value;
}

async function train(): Promise<void> {
  if (!artifacts || !tokenizer) return;
  state.training = 'running'; state.error = undefined; run = undefined;
  abort = new AbortController();
  updateButtons();
  chart.clear();
  $('epochs-table').querySelector('tbody')!.innerHTML = '';
  try {
    const { train: rows, dev } = await readData();
    const options: RunOptions = runOptions = { epochs: number('epochs'), batchSize: number('batch-size'), learningRate: number('lr'), maxLength: number('max-length'), seed: number('seed') };
    checkHeap(artifacts.manifest, artifacts.frozenWeights.length, options.batchSize, options.maxLength);
    if (labels.length !== artifacts.manifest.num_labels)
      throw new Error(`The training data has ${labels.length} labels (${labels.join(', ')}) but the artifacts' head has ${artifacts.manifest.num_labels} outputs.`);
    $('data-status').textContent = `${rows.length} train rows, ${dev.length} dev rows, labels ${labels.join(', ')}`;
    const provider = $<HTMLSelectElement>('provider').value as ExecutionProvider;
    const ort = await runtimeFor(provider);
    // Every run starts from the artifacts' initial checkpoint, as `ortadapter train` does: fresh sessions and state.
    await trainer?.release();
    trainer = await AdapterTrainer.create(ort, artifacts, provider);
    const started = performance.now();
    run = await trainRun(trainer, tokenizer, rows, dev, options, {
      step(r, total) {
        ($<HTMLProgressElement>('progress')).value = r.step / total;
        $('train-status').textContent = `step ${r.step}/${total}, epoch ${r.epoch}, loss ${r.loss.toFixed(4)}, ${r.milliseconds.toFixed(0)} ms/step`;
        chart.addStep(r.loss);
      },
      epoch(e) {
        if (e.dev) chart.addDev(e.step, e.dev.loss);
        const row = document.createElement('tr');
        for (const cell of [e.epoch, e.trainLoss.toFixed(4), e.dev?.loss.toFixed(4), e.dev?.accuracy.toFixed(4), e.dev?.macro_f1.toFixed(4)])
          row.append(Object.assign(document.createElement('td'), { textContent: cell ?? '-' }));
        $('epochs-table').querySelector('tbody')!.append(row);
        log(`epoch ${e.epoch}: train loss ${e.trainLoss.toFixed(4)}${e.dev ? `, dev accuracy ${e.dev.accuracy.toFixed(4)}` : ''}`);
      },
    }, abort.signal);
    const seconds = (performance.now() - started) / 1000;
    const stepMs = run.steps.map(s => s.milliseconds).sort((a, b) => a - b);
    state.result = { steps: run.steps, epochs: run.epochs, best_epoch: run.bestEpoch, best_dev: run.bestDev, seconds,
      median_step_ms: stepMs[Math.floor(stepMs.length / 2)] ?? 0, labels, options, threads: ort.env.wasm.numThreads, provider };
    $('train-status').textContent += ` — ${run.stopped ? 'stopped' : 'done'} in ${seconds.toFixed(1)} s; kept epoch ${run.bestEpoch}`
      + (run.bestDev ? ` (dev accuracy ${run.bestDev.accuracy.toFixed(4)})` : '');
    state.training = 'done';
  } catch (e) { fail('train-status', e); state.training = undefined; }
  updateButtons();
}

function download(): void {
  if (!artifacts || !run || !runOptions) return;
  // The run's truncation length, so that inference truncates as training did.
  const bytes = adapterFileBytes({ manifest: artifacts.manifest, tokenizer: artifacts.tokenizer, tensors: run.best, labels,
    maxLength: runOptions.maxLength, summary: { steps: run.steps.length, best_epoch: run.bestEpoch, best_step: run.bestStep, best_dev: run.bestDev ?? null, trainer: 'browser' } });
  const link = Object.assign(document.createElement('a'), { href: URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>])), download: AdapterFileName });
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

/** Classifies with the current weights (the last step's; the downloaded file holds the best epoch's). */
async function classify(): Promise<void> {
  if (!trainer || !tokenizer || !artifacts) return;
  const text = input('sentence').value;
  try {
    const rows = [{ text, labelId: 0, origin: 'page' }];
    const out = await trainer.evaluate(batchOf(tokenizer, rows, number('max-length')), new BigInt64Array(1), artifacts.manifest.loss_terms.map(t => t.default_weight));
    const max = Math.max(...out.logits);
    const exp = Array.from(out.logits, v => Math.exp(v - max));
    const probabilities = exp.map(v => v / exp.reduce((a, b) => a + b, 0));
    const label = labels[argmax(out.logits)] ?? String(argmax(out.logits));
    state.prediction = { text, label, probabilities };
    $('prediction').textContent = `${label} (${probabilities.map((p, i) => `${labels[i] ?? i}: ${p.toFixed(3)}`).join(', ')})`;
  } catch (e) { fail('prediction', e); }
}

function updateButtons(): void {
  const running = state.training === 'running';
  $<HTMLButtonElement>('train').disabled = running || state.artifacts !== 'loaded' || !input('train-file').files?.length;
  $<HTMLButtonElement>('stop').disabled = !running;
  $<HTMLButtonElement>('download').disabled = running || !run;
  $<HTMLButtonElement>('classify').disabled = running || !trainer || !run;
}

$('load-url').addEventListener('click', () => load(urlSource(new URL(input('artifacts-url').value, location.href).href)));
input('artifacts-folder').addEventListener('change', () => input('artifacts-folder').files?.length && load(pickedFolderSource(input('artifacts-folder').files!)));
input('train-file').addEventListener('change', updateButtons);
$('train').addEventListener('click', train);
$('stop').addEventListener('click', () => abort?.abort());
$('download').addEventListener('click', download);
$('classify').addEventListener('click', classify);
const preset = new URLSearchParams(location.search).get('artifacts');
if (preset) { input('artifacts-url').value = preset; void load(urlSource(new URL(preset, location.href).href)); }
