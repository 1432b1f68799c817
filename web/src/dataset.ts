/**
 * Port of DatasetReader for single-label classification with the default options: JSON Lines (.jsonl/.json), CSV and
 * TSV given as text. Same columns (text, optional pair, label), same label names and ids (LabelSet.Infer order), same
 * bad rows ("file:line: reason"), so a file gives the browser the examples `ortadapter train` trains on.
 */
import { DatasetError, type BadRow } from './datasetError';
import { MISSING, isBlank, readDelimited, readJsonLines, trim, type Cell } from './dataRows';
import { describeLabels, inferLabels } from './labels';

export { DatasetError, type BadRow } from './datasetError';
export { inferLabels } from './labels';

export interface Example {
  text: string;
  /** Set only when a pair column is read. */
  textPair?: string;
  labelId: number;
  /** "train.jsonl:17": the row's first line. */
  origin: string;
}

export interface Dataset {
  examples: Example[];
  /** Label names by id. */
  labels: string[];
  /** Rows left out (only with skipBadRows). */
  badRows: BadRow[];
}

export interface ReadOptions {
  /** Fixed label set (a dev file takes the training file's); null infers it from this file. */
  labels?: readonly string[];
  /** The training file the fixed labels came from, named in messages about unknown labels. */
  labelsFrom?: string;
  /** Leave bad rows out (reported in badRows) instead of failing. Default false. */
  skipBadRows?: boolean;
  /** Default "text". */
  textColumn?: string;
  /** Default none. */
  textPairColumn?: string;
  /** Default "label". */
  labelColumn?: string;
}

export const SUPPORTED_EXTENSIONS = ['.jsonl', '.json', '.csv', '.tsv'] as const;

// ---- cell values: what a column holds, as RowInterpreter sees it ----

/** CellValue.Describe; JSON numbers are "an integer" when integral (.NET: when written without fraction or exponent). */
function describe(value: Cell): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  if (typeof value === 'boolean') return 'a boolean';
  if (Array.isArray(value)) return 'a list';
  return 'a value of type object';
}

/** double.ToString(InvariantCulture): shortest round-trip digits, exponent form below 1e-5 or from 1e15 ("1E-06"). */
function formatDouble(d: number): string {
  if (!Number.isFinite(d)) return Number.isNaN(d) ? 'NaN' : d > 0 ? 'Infinity' : '-Infinity';
  const [mantissa, exp] = d.toExponential().split('e');
  const e = Number(exp);
  if (e >= -5 && e < 15) return String(d);
  return `${mantissa}E${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

function absent(value: Cell, column: string): string | null {
  if (value === MISSING) return `column '${column}' is missing`;
  if (value === null) return `column '${column}' is null`;
  if (typeof value === 'string' && isBlank(value)) return `column '${column}' is empty`;
  return null;
}

function readText(value: Cell, column: string): { text?: string; error?: string } {
  const error = absent(value, column);
  if (error) return { error };
  return typeof value === 'string' ? { text: value } : { error: `column '${column}' has ${describe(value)}, expected text` };
}

/** RowInterpreter.LabelName: trimmed strings, integers, integral numbers below 1e15, "true"/"false". */
function readLabel(value: Cell, column: string): { label?: string; error?: string } {
  const error = absent(value, column);
  if (error) return { error };
  if (Array.isArray(value)) return { error: `column '${column}' has a list; use TaskKind.MultiLabel for several labels` };
  let name: string | null = null;
  if (typeof value === 'string') name = trim(value);
  else if (typeof value === 'boolean') name = value ? 'true' : 'false';
  else if (typeof value === 'number' && Number.isInteger(value) && (Math.abs(value) < 1e15 || Number.isSafeInteger(value))) name = String(value === 0 ? 0 : value);
  if (name !== null) return name.length === 0 ? { error: `column '${column}' has an empty label` } : { label: name };
  return typeof value === 'number'
    ? { error: `column '${column}' has the non-integer number ${formatDouble(value)}; use TaskKind.Regression for targets` }
    : { error: `column '${column}' has ${describe(value)}, expected a label` };
}

// ---- the reader ----

function extension(fileName: string): string {
  const name = fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot).toLowerCase();
}

/**
 * Reads one data file's text (as File.text() gives it). Throws DatasetError for a missing column, for bad rows (unless
 * skipBadRows) and for a file without usable rows. Pass a dev file the training file's labels: `{ labels, labelsFrom }`.
 */
export function readDataset(fileName: string, content: string, options: ReadOptions | readonly string[] = {}): Dataset {
  const o: ReadOptions = Array.isArray(options) ? { labels: options as readonly string[] } : options as ReadOptions;
  const [textColumn, labelColumn, pairColumn] = [o.textColumn ?? 'text', o.labelColumn ?? 'label', o.textPairColumn];
  const columns = [textColumn, labelColumn, ...(pairColumn === undefined ? [] : [pairColumn])];
  const ext = extension(fileName);
  if (content.charCodeAt(0) === 0xfeff) content = content.slice(1);
  const rows = ext === '.jsonl' || ext === '.json' ? readJsonLines(content, columns)
    : ext === '.csv' ? readDelimited(fileName, content, columns, ',', true)
    : ext === '.tsv' ? readDelimited(fileName, content, columns, '\t', false)
    : (() => { throw new DatasetError(`${fileName}: unknown data file extension '${ext}' (supported: ${SUPPORTED_EXTENSIONS.join(', ')}).`); })();

  const bad: BadRow[] = [];
  const badRow = (line: number, reason: string) => bad.push({ file: fileName, location: String(line), reason });
  const pending: { text: string; textPair?: string; label: string; line: number }[] = [];
  for (const row of rows) {
    if (row.error !== undefined) { badRow(row.line, row.error); continue; }
    const values = row.values!;
    const text = readText(values[0], textColumn);
    if (text.error) { badRow(row.line, text.error); continue; }
    const pair = pairColumn === undefined ? undefined : readText(values[2], pairColumn);
    if (pair?.error) { badRow(row.line, pair.error); continue; }
    const label = readLabel(values[1], labelColumn);
    if (label.error) { badRow(row.line, label.error); continue; }
    pending.push({ text: text.text!, ...(pair ? { textPair: pair.text! } : {}), label: label.label!, line: row.line });
  }

  // The label set is the training file's: ids are given once every row's label is known.
  const labels = o.labels ? [...o.labels] : inferLabels(pending.map(p => p.label));
  const ids = new Map(labels.map((name, id) => [name, id]));
  const examples: Example[] = [];
  for (const p of pending) {
    const id = ids.get(p.label);
    if (id === undefined) {
      badRow(p.line, o.labelsFrom !== undefined
        ? `column '${labelColumn}' has label '${p.label}', which the training data (${o.labelsFrom}) does not have (its labels: ${describeLabels(labels)})`
        : `column '${labelColumn}' has unknown label '${p.label}' (known: ${describeLabels(labels)})`);
      continue;
    }
    examples.push({ text: p.text, ...(p.textPair !== undefined ? { textPair: p.textPair } : {}), labelId: id, origin: `${fileName}:${p.line}` });
  }

  bad.sort((a, b) => Number(a.location) - Number(b.location));
  if (bad.length > 0 && !o.skipBadRows) {
    const more = bad.length > 1 ? ` (and ${bad.length - 1} more bad row${bad.length > 2 ? 's' : ''}; fix them or skip bad rows)` : '';
    throw new DatasetError(`${bad[0].file}:${bad[0].location}: ${bad[0].reason}${more}`, bad);
  }
  if (examples.length === 0) throw new DatasetError(`${fileName}: no usable rows (${bad.length} bad).`, bad);
  return { examples, labels, badRows: bad };
}
