// safetensors as the .NET side writes it: the prebuilt checkpoint reads back (parameters and AdamW moments), a
// written file reads back equal, and damaged files are one clear error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { repoRoot } from './repo';
import { readSafeTensors, writeSafeTensors, type SafeTensor } from '../src/safetensors';

const checkpoint = resolve(repoRoot(), 'graphs/bert-mini-uncased/default/checkpoint/weights.safetensors');

test('reads the .NET-written initial checkpoint: every trainable tensor with its two moments', () => {
  const { tensors } = readSafeTensors(readFileSync(checkpoint), 'weights.safetensors');
  const manifest = JSON.parse(readFileSync(resolve(checkpoint, '../../manifest.json'), 'utf8'));
  for (const t of manifest.trainable) {
    assert.deepEqual(tensors.get(t.name)?.shape, t.dims.map(Number), t.name);
    for (const moment of ['exp_avg', 'exp_avg_sq']) assert.ok((tensors.get(`${t.name}.${moment}`)!.data as Float32Array).every(v => v === 0), `${t.name}.${moment}`);
  }
});

test('round trip keeps tensors and metadata; the .NET file is rewritten byte for byte', () => {
  const bytes = new Uint8Array(readFileSync(checkpoint));
  const read = readSafeTensors(bytes, 'weights.safetensors');
  const again = readSafeTensors(writeSafeTensors(read.tensors, { format: 'x', 'a+b': 'é' }), 'again');
  assert.deepEqual(again.metadata, { format: 'x', 'a+b': 'é' });
  for (const [name, t] of read.tensors) assert.deepEqual(again.tensors.get(name), t, name);
  assert.deepEqual(writeSafeTensors(read.tensors, read.metadata), bytes);
});

test('damaged files name the fault', () => {
  const one: Map<string, SafeTensor> = new Map([['w', { dtype: 'F32', shape: [2], data: new Float32Array([1, 2]) }]]);
  const good = writeSafeTensors(one);
  assert.throws(() => readSafeTensors(good.subarray(0, 5), 'f'), /f: 5 bytes, shorter than the 8-byte header length/);
  assert.throws(() => readSafeTensors(good.subarray(0, good.length - 1), 'f'), /tensor 'w' has offsets \[0, 8\] that do not fit/);
  const badJson = good.slice(); badJson[8] = 0x7b + 1;
  assert.throws(() => readSafeTensors(badJson, 'f'), /f: header is not JSON/);
});
