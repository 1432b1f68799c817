// Rows of a JSON Lines, CSV or TSV file as .NET's sources read them (JsonLinesSource, CsvSource): each row its
// cells, or the reason it could not be read. What the cells mean is dataset.ts's.
import { DatasetError } from './datasetError';

// ---- .NET's char.IsWhiteSpace (JS \s differs: it has U+FEFF and lacks U+0085) ----

function isWhiteSpace(c: number): boolean {
  return (c >= 0x09 && c <= 0x0d) || c === 0x20 || c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a)
    || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}

export function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (!isWhiteSpace(s.charCodeAt(i))) return false;
  return true;
}

export function trim(s: string): string {
  let start = 0, end = s.length;
  while (start < end && isWhiteSpace(s.charCodeAt(start))) start++;
  while (end > start && isWhiteSpace(s.charCodeAt(end - 1))) end--;
  return s.slice(start, end);
}

// ---- cells ----

export const MISSING = Symbol('missing');
export type Cell = typeof MISSING | null | string | number | boolean | unknown[] | object;

// ---- sources: rows of cells, or the reason a row could not be read ----

export interface RawRow {
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
export function readJsonLines(content: string, columns: string[]): RawRow[] {
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
export function readDelimited(fileName: string, content: string, columns: string[], separator: string, quoted: boolean): RawRow[] {
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
