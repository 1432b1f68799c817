// Calibrates the heap guard (src/memory.ts): one training step of an artifacts folder at batch x sequence in
// onnxruntime-web's WebAssembly backend under Node (the same wasm32 heap as a browser's), without the guard, and
// the guard's estimate beside it. Usage (from web/): npm run heap-probe -- ARTIFACTS BATCHxSEQUENCE... (one shape per
// process measures cleanly: a wasm heap never shrinks).
import * as ort from 'onnxruntime-web';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadArtifacts } from '../src/artifacts';
import { estimateHeapBytes, WasmHeapBytes } from '../src/memory';
import { AdapterTrainer } from '../src/trainer';

const [folder, ...shapes] = process.argv.slice(2);
const artifacts = await loadArtifacts({ description: `${folder}/`, bytes: async path => new Uint8Array(await readFile(join(folder, path))) });
const m = artifacts.manifest;
for (const shape of shapes) {
  const [batch, sequence] = shape.split('x').map(Number);
  const estimate = estimateHeapBytes(m, artifacts.frozenWeights.length, batch, sequence);
  const trainer = await AdapterTrainer.create(ort, artifacts);
  const tokens = () => new BigInt64Array(batch * sequence).fill(1n);
  const started = performance.now();
  let outcome: string;
  try {
    const r = await trainer.step({ batchSize: batch, sequenceLength: sequence, inputIds: tokens(), attentionMask: tokens(), tokenTypeIds: new BigInt64Array(batch * sequence) },
      BigInt64Array.from({ length: batch }, (_, i) => BigInt(i % m.num_labels)), { learningRate: 1e-3, step: 1n, maskSeed: 0n, maskStep: 0n, lossWeights: m.loss_terms.map(t => t.default_weight) });
    outcome = `ok, loss ${r.loss.toFixed(4)}, ${(performance.now() - started).toFixed(0)} ms`;
  } catch (e) { outcome = `failed: ${(e as Error).message.split('\n')[0].slice(0, 120)}`; }
  await trainer.release().catch(() => {});
  console.log(`${batch}x${sequence}: estimate ${(estimate / 1024 ** 3).toFixed(2)} GiB (${(100 * estimate / WasmHeapBytes).toFixed(0)} % of the heap): ${outcome}`);
}
