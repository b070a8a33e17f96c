/**
 * IPAC ASCII tables, the files Montage stages talk through (images.tbl, diffs.tbl,
 * fits.tbl, corrections.tbl).
 *
 * Format (IRSA "IPAC Table Format"): `\key = value` and `\ comment` lines, then two to
 * four header rows delimited by `|` (names, types, optional units and nulls), then
 * fixed-width data rows aligned under the header's `|` columns.
 * Reading is tolerant (column lookup by name with Montage's aliases; rows that do not
 * align fall back to whitespace splitting); writing reproduces Montage's layout.
 */
import { readFile } from 'node:fs/promises';
import { MosaicError, asMosaicError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';

export type IpacType = 'int' | 'long' | 'double' | 'real' | 'float' | 'char' | 'date';
export type IpacValue = string | number | null;

export interface IpacColumn {
  name: string;
  type: IpacType;
  unit?: string;
  /** Printf-like hint used when writing numbers: `{ fixed: 7 }` or `{ exponential: 5 }`. */
  format?: { fixed?: number; exponential?: number };
  /** Minimum width used when writing. */
  width?: number;
}

export interface IpacTable {
  /** `\key = value` lines, in order. */
  keywords: Array<{ key: string; value: string }>;
  /** `\ comment` lines. */
  comments: string[];
  columns: IpacColumn[];
  /** One object per row, keyed by column name; numeric columns hold numbers, blanks are null. */
  rows: Array<Record<string, IpacValue>>;
}

const NUMERIC = new Set(['int', 'long', 'double', 'real', 'float', 'i', 'l', 'd', 'r', 'f']);

/** Montage's column aliases: the names its readers accept for the same quantity. */
export const COLUMN_ALIASES: Record<string, string[]> = {
  cntr: ['cntr', 'id'],
  fname: ['fname', 'file', 'filename'],
  ra: ['ra', 'crval1'],
  dec: ['dec', 'crval2'],
  crota2: ['crota2', 'rotation'],
  equinox: ['equinox', 'epoch'],
  hdu: ['hdu', 'hdunum'],
};

function normaliseType(t: string): IpacType {
  const s = t.trim().toLowerCase();
  if (s.startsWith('i')) return 'int';
  if (s.startsWith('l')) return 'long';
  if (s.startsWith('d')) return 'double';
  if (s.startsWith('r')) return 'real';
  if (s.startsWith('f')) return 'float';
  if (s.startsWith('date')) return 'date';
  return 'char';
}

function inferTypes(dataLines: string[], bars: number[], n: number): string[] {
  const numeric = new Array<boolean>(n).fill(true);
  for (const line of dataLines) {
    if (line.trim() === '' || line.startsWith('\\')) continue;
    for (let k = 0; k < n; k++) {
      const f = line.slice(bars[k], k + 1 < n ? bars[k + 1] : undefined).trim();
      if (f !== '' && f.toLowerCase() !== 'null' && !Number.isFinite(Number(f))) numeric[k] = false;
    }
  }
  return numeric.map((isNum) => (isNum ? 'double' : 'char'));
}

/** Parse IPAC table text. `file` is used in error messages only. */
export function parseIpacTable(text: string, file?: string): IpacTable {
  const lines = text.split(/\r?\n/);
  const keywords: IpacTable['keywords'] = [];
  const comments: string[] = [];
  const headerRows: string[] = [];
  let i = 0;
  for (; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith('\\')) {
      const m = /^\\\s*([A-Za-z_][\w.-]*)\s*=\s*(.*)$/.exec(line);
      if (m) keywords.push({ key: m[1], value: m[2].trim().replace(/^'(.*)'$/, '$1').replace(/^"(.*)"$/, '$1') });
      else comments.push(line.slice(1).trim());
      continue;
    }
    if (line.startsWith('|')) {
      headerRows.push(line);
      continue;
    }
    if (headerRows.length > 0 || line.trim() !== '') break;
  }
  if (headerRows.length === 0) throw new MosaicError('E_TABLE', 'no IPAC header row (a line starting with "|")', { file });

  // Column boundaries: positions of '|' in the first header row.
  const first = headerRows[0];
  const bars: number[] = [];
  for (let p = 0; p < first.length; p++) if (first[p] === '|') bars.push(p);
  if (bars.length < 2) throw new MosaicError('E_TABLE', 'header row has no complete column', { file });
  const cut = (row: string) => bars.slice(0, -1).map((b, k) => row.slice(b + 1, bars[k + 1]).trim());
  const names = cut(first);
  // Montage's fits.tbl has no type row: infer numeric columns from the data then.
  const types = headerRows[1] ? cut(headerRows[1]) : inferTypes(lines.slice(i), bars, names.length);
  const units = headerRows[2] ? cut(headerRows[2]) : [];
  const columns: IpacColumn[] = names.map((name, k) => ({
    name,
    type: normaliseType(types[k] ?? 'char'),
    ...(units[k] ? { unit: units[k] } : {}),
  }));
  const nulls = headerRows[3] ? cut(headerRows[3]) : [];

  const rows: IpacTable['rows'] = [];
  for (; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '' || line.startsWith('\\')) continue;
    let fields = bars.slice(0, -1).map((b, k) => line.slice(b, k + 1 < bars.length - 1 ? bars[k + 1] : undefined).trim());
    // Misaligned rows (hand-edited tables): fall back to whitespace splitting when counts match.
    const split = line.trim().split(/\s+/);
    const aligned = fields.every((f, k) => !NUMERIC.has(columns[k].type) || f === '' || Number.isFinite(Number(f)));
    if (!aligned && split.length === columns.length) fields = split;
    const row: Record<string, IpacValue> = {};
    columns.forEach((c, k) => {
      const raw = fields[k] ?? '';
      if (raw === '' || raw === nulls[k] || raw.toLowerCase() === 'null') row[c.name] = null;
      else if (NUMERIC.has(c.type)) {
        const n = Number(raw);
        if (!Number.isFinite(n) && !/^[+-]?(nan|inf)/i.test(raw))
          throw new MosaicError('E_TABLE', `line ${i + 1}: column "${c.name}" expects a number but holds "${raw}"`, { file });
        row[c.name] = n;
      } else row[c.name] = raw;
    });
    rows.push(row);
  }
  return { keywords, comments, columns, rows };
}

export async function readIpacTable(path: string, stage?: string): Promise<IpacTable> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw asMosaicError(err, { stage, file: path });
  }
  try {
    return parseIpacTable(text, path);
  } catch (err) {
    throw asMosaicError(err, { stage, file: path });
  }
}

/**
 * Find a column by name or one of Montage's aliases (case-insensitive).
 * Throws E_TABLE_COLUMN naming the table when `required` and absent.
 */
export function findColumn(table: IpacTable, name: string, opts: { required?: boolean; file?: string } = {}): string | undefined {
  const wanted = COLUMN_ALIASES[name] ?? [name];
  for (const w of wanted) {
    const hit = table.columns.find((c) => c.name.toLowerCase() === w.toLowerCase());
    if (hit) return hit.name;
  }
  if (opts.required !== false && opts.required !== undefined)
    throw new MosaicError('E_TABLE_COLUMN', `table has no "${name}" column (columns: ${table.columns.map((c) => c.name).join(', ')})`, {
      file: opts.file,
    });
  return undefined;
}

function formatValue(v: IpacValue, c: IpacColumn): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
    if (c.type === 'int' || c.type === 'long') return String(Math.round(v));
    if (c.format?.fixed !== undefined) return v.toFixed(c.format.fixed);
    if (c.format?.exponential !== undefined) return formatExponential(v, c.format.exponential);
    return String(v);
  }
  return v;
}

/** C-style `%.Ne`: two-digit exponent with sign, as Montage writes. */
export function formatExponential(v: number, digits: number): string {
  const s = v.toExponential(digits);
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

/** Format a table the way Montage writes it: right-aligned `|` header, fixed-width rows. */
export function formatIpacTable(table: IpacTable): string {
  const cols = table.columns;
  const cells = table.rows.map((r) => cols.map((c) => formatValue(r[c.name] ?? null, c)));
  const widths = cols.map((c, k) =>
    Math.max(c.name.length, c.type.length, c.unit?.length ?? 0, c.width ?? 0, ...cells.map((row) => row[k].length)) + 1,
  );
  const out: string[] = [];
  for (const kw of table.keywords) out.push(`\\${kw.key} = ${kw.value}`);
  for (const cm of table.comments) out.push(`\\ ${cm}`);
  // Montage aligns text columns left and numbers right.
  const pad = (v: string, k: number) => (cols[k].type === 'char' ? v.padEnd(widths[k]) : v.padStart(widths[k]));
  const headerLine = (vals: string[]) => '|' + vals.map(pad).join('|') + '|';
  out.push(headerLine(cols.map((c) => c.name)));
  out.push(headerLine(cols.map((c) => c.type)));
  if (cols.some((c) => c.unit)) out.push(headerLine(cols.map((c) => c.unit ?? '')));
  for (const row of cells) out.push(' ' + row.map(pad).join(' ') + ' ');
  return out.join('\n') + '\n';
}

export async function writeIpacTable(path: string, table: IpacTable, stage?: string): Promise<void> {
  await writeFileAtomic(path, formatIpacTable(table), stage);
}
