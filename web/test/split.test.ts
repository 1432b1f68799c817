import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readDataset } from '../src/dataset';
import { splitDataset, splitIndices, type SplitExample } from '../src/split';

const fixture = JSON.parse(readFileSync(new URL('../test/fixtures/parity.json', import.meta.url), 'utf8'));
const dev = readDataset('dev.jsonl', readFileSync(new URL('../../data/sentiment-uci/dev.jsonl', import.meta.url), 'utf8')).examples;

test('splits equal .NET DatasetSplitter (hash order, ties, rounding, overflow)', () => {
  for (const c of fixture.splits) {
    const examples: SplitExample[] = c.source === 'tiny' ? c.examples : dev;
    const name = `${c.source} seed ${c.seed} dev ${c.devFraction} test ${c.testFraction}`;
    assert.deepEqual(splitIndices(examples, c.devFraction, c.testFraction, c.seed), { train: c.train, dev: c.dev, test: c.test }, name);
  }
});

test('splitDataset returns the examples in source order', () => {
  const { train, dev: d, test: t } = splitDataset(dev, 0.1, 0.1, 0);
  assert.equal(train.length + d.length + t.length, dev.length);
  assert.equal(d.length, 30);
  assert.throws(() => splitIndices(dev, 0.5, 0.5), /Fractions/);
});
