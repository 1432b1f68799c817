import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WordPieceTokenizer } from '../src/tokenizer';
import { repoRoot } from './repo';

const graphs = join(repoRoot(), 'graphs');
const read = (...path: string[]) => readFileSync(join(graphs, ...path), 'utf8');

function load(modelDir: string): WordPieceTokenizer {
  return WordPieceTokenizer.fromFiles({ vocab: read(modelDir, 'vocab.txt'), tokenizerConfig: read(modelDir, 'tokenizer_config.json') });
}

function assertFixtures(tokenizer: WordPieceTokenizer, fixturePath: string, expectedCount: number): void {
  const fixtures = JSON.parse(read(fixturePath)) as { text: string; ids: number[] }[];
  assert.equal(fixtures.length, expectedCount, 'fixture file changed size');
  const failures = fixtures
    .map(f => ({ ...f, actual: tokenizer.encode(f.text).ids }))
    .filter(f => JSON.stringify(f.actual) !== JSON.stringify(f.ids))
    .map(f => `${JSON.stringify(f.text)}: expected [${f.ids}], got [${f.actual}]`);
  assert.deepEqual(failures, []);
}

test('bert-mini-uncased fixtures encode to their exact ids', () => {
  assertFixtures(load('bert-mini-uncased'), 'bert-mini-uncased/tokenizer_fixtures.json', 11);
});

test('all-MiniLM-L6-v2 fixtures (CRLF vocabulary) encode to their exact ids', () => {
  assertFixtures(load('all-minilm-l6-v2/default'), 'all-minilm-l6-v2/tokenizer_fixtures.json', 51);
});

test('options and special ids come from tokenizer_config.json', () => {
  const bertMini = load('bert-mini-uncased');
  assert.deepEqual([bertMini.lowerCase, bertMini.modelMaxLength, bertMini.padId, bertMini.clsId, bertMini.sepId, bertMini.unkId], [true, 512, 0, 2, 3, 1]);
  const miniLm = load('all-minilm-l6-v2/default');
  assert.deepEqual([miniLm.modelMaxLength, miniLm.padId, miniLm.clsId, miniLm.sepId, miniLm.unkId, miniLm.maskId], [256, 0, 101, 102, 100, 103]);
});

// A toy vocabulary makes the rules visible; ids are line numbers, the empty line keeps id 5 unused.
const toyVocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', '', 'a', 'b', 'c', '##b', '!', 'σ', 'i', 'İ', 'é', '##σ'].join('\r\n');
const toy = (config?: object) => WordPieceTokenizer.fromFiles({ vocab: toyVocab, tokenizerConfig: config && JSON.stringify(config) });

test('a pair drops tokens from its longer text first, ties from the second, and marks the second with type 1', () => {
  const t = toy();
  assert.deepEqual(t.encode('a a a a', 'b b', 7), { ids: [2, 6, 6, 3, 7, 7, 3], typeIds: [0, 0, 0, 0, 1, 1, 1] });
  assert.deepEqual(t.encode('a a', 'b b', 6), { ids: [2, 6, 6, 3, 7, 3], typeIds: [0, 0, 0, 0, 1, 1] });
  assert.deepEqual(t.encode('abbb c', undefined, 4).ids, [2, 6, 9, 3]);
  assert.throws(() => t.encode('a', 'b', 2), RangeError);
});

test('.NET casing: simple mapping, no final sigma, İ kept unless accents are stripped', () => {
  assert.deepEqual(toy().encode('AΣ Σ İ').ids, [2, 6, 15, 11, 12, 3]);
  assert.deepEqual(toy({ strip_accents: false }).encode('Σ İ É').ids, [2, 11, 13, 14, 3]);
  assert.deepEqual(toy({ do_lower_case: false }).encode('A a').ids, [2, 1, 6, 3]);
});

test('control characters vanish, a word over 100 code points is one [UNK], unmatched words are one [UNK]', () => {
  const t = toy();
  assert.deepEqual(t.encode('a\u0000\u200bb\ud800 \u2028c!').ids, [2, 6, 9, 8, 10, 3]);
  assert.deepEqual(t.encode('b'.repeat(100) + ' ' + 'b'.repeat(101) + ' bx').ids, [2, 7, ...new Array<number>(99).fill(9), 1, 1, 3]);
});

test('malformed configs and vocabularies fail loudly', () => {
  assert.throws(() => toy({ do_lower_case: 'yes' }), /do_lower_case/);
  assert.throws(() => toy({ model_max_length: 0 }), /model_max_length/);
  assert.equal(toy({ model_max_length: 1e30 }).modelMaxLength, 512);
  assert.equal(toy({ cls_token: { content: 'a' } }).clsId, 6);
  assert.throws(() => toy({ pad_token: '[NOPE]' }), /\[NOPE\]/);
  assert.throws(() => WordPieceTokenizer.fromFiles({ vocab: toyVocab + '\na' }), /twice/);
});
