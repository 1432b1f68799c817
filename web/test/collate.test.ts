import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WordPieceTokenizer } from '../src/tokenizer';
import { repoRoot } from './repo';
import { collate } from '../src/collate';

/** Batches collated by .NET's BatchCollator (tests/OrtAdapter.Training.Tests/WebCollateFixtureTests.cs). */
interface FixtureBatch {
  name: string;
  maxLength: number;
  texts: string[];
  pairs: (string | null)[] | null;
  batchSize: number;
  sequenceLength: number;
  inputIds: number[];
  attentionMask: number[];
  tokenTypeIds: number[];
}

const root = repoRoot();
const fixture = JSON.parse(readFileSync(join(root, 'web/test/fixtures/collate.json'), 'utf8')) as { tokenizer: string; batches: FixtureBatch[] };
const tokenizerDir = join(root, fixture.tokenizer);
const tokenizer = WordPieceTokenizer.fromFiles({
  vocab: readFileSync(join(tokenizerDir, 'vocab.txt'), 'utf8'),
  tokenizerConfig: readFileSync(join(tokenizerDir, 'tokenizer_config.json'), 'utf8'),
});

test('the fixture covers pairs, truncation and padding', () => {
  assert.ok(fixture.batches.length >= 8);
  assert.ok(fixture.batches.some(b => b.pairs !== null) && fixture.batches.some(b => b.sequenceLength === b.maxLength));
});

for (const batch of fixture.batches) {
  test(`collates exactly as .NET: ${batch.name}`, () => {
    const pairs = batch.pairs?.map(p => p ?? undefined);
    const actual = collate(tokenizer, batch.texts, pairs, batch.maxLength);
    assert.equal(actual.batchSize, batch.batchSize);
    assert.equal(actual.sequenceLength, batch.sequenceLength);
    assert.deepEqual(actual.inputIds, BigInt64Array.from(batch.inputIds, BigInt));
    assert.deepEqual(actual.attentionMask, BigInt64Array.from(batch.attentionMask, BigInt));
    assert.deepEqual(actual.tokenTypeIds, BigInt64Array.from(batch.tokenTypeIds, BigInt));
  });
}

test('an empty batch or a pair list of another length is refused', () => {
  assert.throws(() => collate(tokenizer, [], undefined, 16), RangeError);
  assert.throws(() => collate(tokenizer, ['a', 'b'], ['c'], 16), RangeError);
});
