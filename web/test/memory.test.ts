// The heap guard against the prebuilt artifacts' manifests: MiniLM at 32 x 128 fits WebAssembly's 4 GiB, 32 x 512
// does not (onnxruntime-web fails there with std::bad_alloc), and the message names batch size and max length.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { repoRoot } from './repo';
import { parseManifest } from '../src/manifest';
import { checkHeap, estimateHeapBytes } from '../src/memory';

const graphs = resolve(repoRoot(), 'graphs');
const manifest = (base: string) => parseManifest(readFileSync(`${graphs}/${base}/default/manifest.json`, 'utf8'), base);
const miniLmWeights = 90_265_600;

test('MiniLM at 32 x 128 fits, at 32 x 512 it is refused with the sizes named', () => {
  const m = manifest('all-minilm-l6-v2');
  checkHeap(m, miniLmWeights, 32, 128);
  assert.throws(() => checkHeap(m, miniLmWeights, 32, 512), /Batch size 32 x max length 512 needs about \d+\.\d GiB of WebAssembly's 4 GiB heap: lower the batch size \(at most \d+ at this length\)/);
});

test('the estimate grows with batch and quadratically with length (attention)', () => {
  const m = manifest('bert-mini-uncased');
  const at = (b: number, s: number) => estimateHeapBytes(m, 21_366_784, b, s);
  assert.ok(at(16, 64) > at(8, 64));
  assert.ok(at(8, 256) - at(8, 128) > 2 * (at(8, 128) - at(8, 64)));
});
