/**
 * Port of DatasetReader for single-label classification with the default options: JSON Lines (.jsonl/.json), CSV and
 * TSV given as text. Same columns (text, optional pair, label), same label names and ids (LabelSet.Infer order), same
 * bad rows ("file:line: reason"), so a file gives the browser the examples `ortadapter train` trains on.
 */

export interface Example {
  text: string;
  /** Set only when a pair column is read. */
  textPair?: string;
  labelId: number;
  /** "train.jsonl:17": the row's first line. */
  origin: string;
}

export interface BadRow {
  file: string;
  /** The 1-based line where the row starts. */
  location: string;
  reason: string;
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

/** A file that cannot be loaded: the message names the file and the first bad row; badRows lists them all. */
export class DatasetError extends Error {
  constructor(message: string, readonly badRows: readonly BadRow[] = []) {
    super(message);
    this.name = 'DatasetError';
  }
}

export const SUPPORTED_EXTENSIONS = ['.jsonl', '.json', '.csv', '.tsv'] as const;

// ---- .NET's char.IsWhiteSpace (JS \s differs: it has U+FEFF and lacks U+0085) ----

function isWhiteSpace(c: number): boolean {
  return (c >= 0x09 && c <= 0x0d) || c === 0x20 || c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a)
    || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}

function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (!isWhiteSpace(s.charCodeAt(i))) return false;
  return true;
}

function trim(s: string): string {
  let start = 0, end = s.length;
  while (start < end && isWhiteSpace(s.charCodeAt(start))) start++;
  while (end > start && isWhiteSpace(s.charCodeAt(end - 1))) end--;
  return s.slice(start, end);
}

// ---- cell values: what a column holds, as RowInterpreter sees it ----

const MISSING = Symbol('missing');
type Cell = typeof MISSING | null | string | number | boolean | unknown[] | object;

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

// ---- sources: rows of cells, or the reason a row could not be read ----

interface RawRow {
  line: number;
  values?: Cell[];
  error?: string;
}

/** Lines as StreamReader.ReadLine splits them (\r\n, \n or \r). */
function splitLines(content: string): string[] {
  const lines = content.split(/\r\n|\n|\r/);
  if (lines.length > 0 && lines[lines.length - 1] === '' && content.length > 0) lines.pop();
  return lines;
}

function jsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return typeof v; // 'string' | 'number'
}

/** JSON Lines: one object per line; blank lines are passed over. */
function readJsonLines(content: string, columns: string[]): RawRow[] {
  const rows: RawRow[] = [];
  splitLines(content).forEach((text, i) => {
    const line = i + 1;
    if (isBlank(text)) return;
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      rows.push({ line, error: `unparsable JSON: ${(e as Error).message}` });
      return;
    }
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
      rows.push({ line, error: `expected a JSON object, got ${jsonKind(doc)}` });
      return;
    }
    const record = doc as Record<string, unknown>;
    rows.push({ line, values: columns.map(c => (Object.prototype.hasOwnProperty.call(record, c) ? record[c] as Cell : MISSING)) });
  });
  return rows;
}

interface CsvRecord {
  line: number;
  fields: string[];
  malformed?: string;
}

/**
 * RFC 4180 records (quoted: fields in quotes may hold separators, line breaks and "" for a quote; a quote inside an
 * unquoted field is text) or TSV ones (no quoting). Empty lines are skipped; a record's line is the one it starts on.
 */
function csvRecords(text: string, separator: string, quoted: boolean): CsvRecord[] {
  const records: CsvRecord[] = [];
  const n = text.length;
  let i = 0, line = 1;
  const atBreak = (j: number) => text[j] === '\n' || text[j] === '\r';
  const skipBreak = () => { i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1; line++; };
  while (i < n) {
    if (atBreak(i)) { skipBreak(); continue; }
    const record: CsvRecord = { line, fields: [] };
    for (;;) {
      let field = '';
      if (quoted && text[i] === '"') {
        i++;
        for (;;) {
          if (i >= n) { record.malformed ??= 'quoted field is never closed'; break; }
          if (text[i] === '"') {
            if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
            i++;
            break;
          }
          if (atBreak(i)) {
            const start = i;
            skipBreak();
            field += text.slice(start, i);
            continue;
          }
          field += text[i++];
        }
        if (i < n && text[i] !== separator && !atBreak(i)) {
          record.malformed ??= 'text after the closing quote of a field';
          while (i < n && text[i] !== separator && !atBreak(i)) field += text[i++];
        }
      } else {
        const start = i;
        while (i < n && text[i] !== separator && !atBreak(i)) i++;
        field = text.slice(start, i);
      }
      record.fields.push(field);
      if (i < n && text[i] === separator) { i++; continue; }
      if (i < n) skipBreak();
      break;
    }
    records.push(record);
  }
  return records;
}

/** CSV/TSV with a header row; rows whose field count differs from the header's are bad rows. */
function readDelimited(fileName: string, content: string, columns: string[], separator: string, quoted: boolean): RawRow[] {
  const [header, ...records] = csvRecords(content, separator, quoted);
  const headers = header?.fields ?? [];
  const indexes = columns.map(c => {
    const index = headers.indexOf(c);
    if (index < 0) throw new DatasetError(`${fileName}: no column '${c}' in the header (columns: ${headers.join(', ')}).`);
    return index;
  });
  return records.map(r => r.fields.length !== headers.length ? { line: r.line, error: 'wrong column count (differs from the header)' }
    : r.malformed ? { line: r.line, error: r.malformed }
    : { line: r.line, values: indexes.map(k => r.fields[k]) });
}

// ---- labels ----

const LONG_MIN = -(2n ** 63n), LONG_MAX = 2n ** 63n - 1n;

/** long.TryParse with NumberStyles.AllowLeadingSign and the invariant culture. */
function parseLong(s: string): bigint | null {
  if (!/^[+-]?[0-9]+$/.test(s)) return null;
  const v = BigInt(s);
  return v >= LONG_MIN && v <= LONG_MAX ? v : null;
}

/**
 * LabelSet.Infer: the distinct names, numerically when every one is an integer (0/1 keep ids 0/1, "10" follows "9";
 * equal values by ordinal order), otherwise in ordinal (UTF-16 code unit) order.
 */
export function inferLabels(names: Iterable<string>): string[] {
  const distinct = [...new Set(names)];
  const ordinal = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const values = distinct.map(parseLong);
  if (values.every(v => v !== null)) {
    const byName = new Map(distinct.map((n, i) => [n, values[i]!]));
    return distinct.sort((a, b) => {
      const [x, y] = [byName.get(a)!, byName.get(b)!];
      return x !== y ? (x < y ? -1 : 1) : ordinal(a, b);
    });
  }
  return distinct.sort(ordinal);
}

/** LabelSet.Describe: the first ten names. */
function describeLabels(labels: readonly string[]): string {
  return labels.slice(0, 10).join(', ') + (labels.length > 10 ? `, ... (${labels.length} in all)` : '');
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
