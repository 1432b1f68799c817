// Times training steps of an artifacts folder in onnxruntime-web (WebAssembly, Node) at batch x sequence: the median
// of N steps after a warm-up, and the share spent making the step's feeds (dropout masks) in JavaScript.
// Usage (from web/): npm run step-probe -- ARTIFACTS BATCHxSEQUENCE [STEPS] [THREADS]
import * as ort from 'onnxruntime-web';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadArtifacts } from '../src/artifacts';
import { stepMasks } from '../src/masks';
import { AdapterTrainer } from '../src/trainer';

const [folder, shape, stepsArg = '10', threads = '0'] = process.argv.slice(2);
if (Number(threads) > 0) ort.env.wasm.numThreads = Number(threads);
const [batch, sequence] = shape.split('x').map(Number);
const artifacts = await loadArtifacts({ description: `${folder}/`, bytes: async path => new Uint8Array(await readFile(join(folder, path))) });
const m = artifacts.manifest;
const trainer = await AdapterTrainer.create(ort, artifacts);
const tokens = () => new BigInt64Array(batch * sequence).fill(1n);
const times: number[] = [], maskTimes: number[] = [];
for (let k = 0; k <= Number(stepsArg); k++) {
  const started = performance.now();
  stepMasks(m.dropout_masks, { [m.eval_inputs[0].dims[0]]: batch, [m.eval_inputs[0].dims[1]]: sequence }, 0n, BigInt(k));
  maskTimes.push(performance.now() - started);
  const r = await trainer.step({ batchSize: batch, sequenceLength: sequence, inputIds: tokens(), attentionMask: tokens(), tokenTypeIds: new BigInt64Array(batch * sequence) },
    BigInt64Array.from({ length: batch }, (_, i) => BigInt(i % m.num_labels)), { learningRate: 1e-3, step: BigInt(k + 1), maskSeed: 0n, maskStep: BigInt(k), lossWeights: m.loss_terms.map(t => t.default_weight) });
  if (k > 0) times.push(r.milliseconds);
}
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
console.log(`${batch}x${sequence}, ${ort.env.wasm.numThreads ?? 'default'} threads: median step ${median(times).toFixed(0)} ms, of which masks ${median(maskTimes.slice(1)).toFixed(1)} ms`);
await trainer.release();
