/**
 * Reads posts or labelled rows from CSV (quoted multi-line fields, bare CRs inside texts,
 * the pandas-written variant with an unnamed index column) or JSON Lines.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

export type Row = Record<string, unknown>;

/** A command's input file, or an error that names it and why it cannot be read (ENOENT, EACCES…). */
export function readInputFile(file: string): Buffer {
  try { return readFileSync(file); } catch (e) { throw new Error(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e }); }
}

export function readRows(file: string): Row[] {
  const buf = readInputFile(file);
  if (/\.jsonl?$|\.ndjson$/i.test(file)) return parseJsonLines(buf.toString('utf8'), file);
  return parseCsv(buf, file);
}

export function parseCsv(buf: Buffer | string, origin = 'input'): Row[] {
  const text = typeof buf === 'string' ? buf : buf.toString('utf8');
  // Records end at LF or CRLF; a bare CR is text (tweets carry them). Only a file with no LF at all uses CR.
  const delimiter = text.includes('\n') ? ['\r\n', '\n'] : ['\r'];
  try {
    return parse(text, {
      columns: (header: string[]) => header.map((h, i) => (h.trim() === '' ? `_col${i}` : h.trim())),
      bom: true,
      record_delimiter: delimiter,
      relax_column_count: true,
      relax_quotes: true, // a stray " inside an unquoted field is text, not an error
      skip_empty_lines: true,
    }) as Row[];
  } catch (e) {
    throw new Error(`${origin}: not valid CSV (${(e as Error).message})`, { cause: e });
  }
}

export function parseJsonLines(text: string, origin = 'input'): Row[] {
  const rows: Row[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    let v: unknown;
    try { v = JSON.parse(line); } catch (e) { throw new Error(`${origin}:${i + 1}: not valid JSON (${(e as Error).message})`, { cause: e }); }
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${origin}:${i + 1}: each line must be a JSON object`);
    rows.push(v as Row);
  });
  return rows;
}

/** A column's value as text; dotted names reach into JSON objects ("author.followers"). */
export function column(row: Row, name: string): unknown {
  if (name in row) return row[name];
  let v: unknown = row;
  for (const part of name.split('.')) {
    if (!v || typeof v !== 'object') return undefined;
    v = (v as Row)[part];
  }
  return v;
}

export function requireColumn(rows: Row[], name: string, origin: string): void {
  if (rows.length && !rows.some((r) => column(r, name) !== undefined)) {
    const cols = Object.keys(rows[0]).join(', ');
    throw new Error(`${origin}: no column "${name}" (columns: ${cols})`);
  }
}
