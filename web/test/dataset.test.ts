import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DatasetError, inferLabels, readDataset, type BadRow, type Dataset } from '../src/dataset';

const fixture = JSON.parse(readFileSync(new URL('../test/fixtures/parity.json', import.meta.url), 'utf8'));
const read = (name: string) => readFileSync(new URL(`../test/fixtures/data/${name}`, import.meta.url), 'utf8');

interface Expected { text: string; textPair: string | null; labelId: number; origin: string }

const examples = (d: Dataset): Expected[] => d.examples.map(e => ({ text: e.text, textPair: e.textPair ?? null, labelId: e.labelId, origin: e.origin }));

/** JSON parse errors are worded by the parser; the rest must match .NET's reasons word for word. */
function comparable(rows: readonly BadRow[]): BadRow[] {
  return rows.map(r => ({ ...r, reason: r.reason.startsWith('unparsable JSON: ') ? 'unparsable JSON' : r.reason }));
}

/**
 * DatasetReader.ReadSplits as the browser would do it: train's labels come from its good rows, dev is read with them,
 * and bad rows of both fail the load together (or are left out with skipBadRows).
 */
function readSplits(files: string[], skipBadRows: boolean): { labels: string[]; train: Dataset; dev?: Dataset; badRows: BadRow[] } {
  const train = readDataset(files[0], read(files[0]), { skipBadRows: true });
  const badRows = [...train.badRows];
  let dev: Dataset | undefined, devError: DatasetError | undefined;
  if (files.length > 1) {
    try {
      dev = readDataset(files[1], read(files[1]), { labels: train.labels, labelsFrom: files[0], skipBadRows: true });
      badRows.push(...dev.badRows);
    } catch (e) {
      if (!(e instanceof DatasetError)) throw e;
      devError = e;
      badRows.push(...e.badRows);
    }
  }
  if (badRows.length > 0 && !skipBadRows) throw new DatasetError(`${badRows.length} bad rows`, badRows);
  if (devError) throw new DatasetError(devError.message, badRows);
  return { labels: train.labels, train, dev, badRows };
}

test('files read as .NET DatasetReader reads them: labels, ids, texts, bad rows', () => {
  for (const c of fixture.datasets) {
    const name = `${c.files.join(' + ')}${c.skipBadRows ? ' (skip bad rows)' : ''}`;
    if (c.error !== undefined && c.badRows.length === 0) {
      assert.throws(() => readSplits(c.files, c.skipBadRows), (e: Error) => e.message === c.error, name);
      continue;
    }
    if (c.error !== undefined) {
      assert.throws(() => readSplits(c.files, c.skipBadRows), (e: unknown) => {
        assert.ok(e instanceof DatasetError);
        assert.deepEqual(comparable(e.badRows), comparable(c.badRows), name);
        if (c.skipBadRows) assert.equal(e.message, c.error, name);
        return true;
      }, name);
      continue;
    }
    const result = readSplits(c.files, c.skipBadRows);
    assert.deepEqual(result.labels, c.labels, name);
    assert.deepEqual(examples(result.train), c.train, name);
    if (c.dev) assert.deepEqual(examples(result.dev!), c.dev, name);
    assert.deepEqual(comparable(result.badRows), comparable(c.badRows), name);
  }
});

test('a bad file fails with one line naming the file and the first bad row', () => {
  assert.throws(() => readDataset('bad.jsonl', read('bad.jsonl')), (e: unknown) =>
    e instanceof DatasetError && e.message === "bad.jsonl:2: column 'text' is missing (and 18 more bad rows; fix them or skip bad rows)" && e.badRows.length === 19);
  assert.throws(() => readDataset('data.parquet', ''), /data.parquet: unknown data file extension '.parquet'/);
  assert.throws(() => readDataset('empty.csv', ''), /empty.csv: no column 'text' in the header \(columns: \)/);
  assert.throws(() => readDataset('blank.jsonl', '\n\n'), /blank.jsonl: no usable rows \(0 bad\)/);
});

test('label sets: numeric when every label is an integer, else ordinal; fixed sets keep their order', () => {
  assert.deepEqual(inferLabels(['10', '9', '1', '-1', '+1', '0']), ['-1', '0', '+1', '1', '9', '10']);
  assert.deepEqual(inferLabels(['b', 'B', 'a', '10', '9']), ['10', '9', 'B', 'a', 'b']);
  assert.deepEqual(inferLabels(['99999999999999999999', '1']), ['1', '99999999999999999999']);
  const dev = readDataset('dev.jsonl', '{"text": "x", "label": "b"}\n{"text": "y", "label": "a"}\n', ['b', 'a']);
  assert.deepEqual(dev.examples.map(e => e.labelId), [0, 1]);
  const pairs = readDataset('p.csv', 'premise,hypothesis,label\nA,B,yes\n', { textColumn: 'premise', textPairColumn: 'hypothesis' });
  assert.deepEqual(pairs.examples, [{ text: 'A', textPair: 'B', labelId: 0, origin: 'p.csv:2' }]);
});
