/**
 * Montage header templates (`.hdr`): one FITS card per text line, ending with END.
 * Also accepts a raw FITS header (80-character cards without newlines), as wcslib's
 * test headers are stored, and a FITS file's header is not read here (see fits/).
 */
import { readFile } from 'node:fs/promises';
import { MosaicError, asMosaicError } from '../errors.js';
import { Header, type CardValue } from '../fits/header.js';
import { parseHeader } from '../fits/header.js';
import { writeFileAtomic } from '../util/atomic-write.js';

/** Parse template text into a Header. */
export function parseTemplate(text: string, file?: string): Header {
  let cards: string[];
  const hasNewlines = /\r?\n/.test(text.trimEnd());
  if (!hasNewlines && text.length >= 160) {
    cards = [];
    for (let i = 0; i < text.length; i += 80) cards.push(text.slice(i, i + 80));
  } else {
    cards = text.split(/\r?\n/).map((l) => l.replace(/\t/g, ' '));
  }
  const blocks: string[] = [];
  for (const line of cards) {
    if (line.trim() === '') continue;
    if (/^END\s*$/.test(line.trim())) break;
    blocks.push(line.slice(0, 80).padEnd(80));
  }
  if (blocks.length === 0) throw new MosaicError('E_TEMPLATE', 'header template is empty', { file });
  blocks.push('END'.padEnd(80));
  while (blocks.length % 36 !== 0) blocks.push(' '.repeat(80));
  try {
    return parseHeader(Buffer.from(blocks.join(''), 'latin1')).header;
  } catch (err) {
    // A template is not a FITS file: report its problems as template problems, naming it.
    const why = err instanceof Error ? err.message : String(err);
    throw new MosaicError('E_TEMPLATE', `not a valid header template: ${why}`, { file, cause: err });
  }
}

export async function readTemplate(path: string, stage?: string): Promise<Header> {
  let text: string;
  try {
    text = await readFile(path, 'latin1');
  } catch (err) {
    throw asMosaicError(err, { stage, file: path });
  }
  return parseTemplate(text, path);
}

function formatTemplateValue(v: CardValue, isInteger?: boolean): string {
  if (v === null) return '';
  if (typeof v === 'boolean') return v ? 'T' : 'F';
  if (typeof v === 'string') return `'${v.replace(/'/g, "''").padEnd(8)}'`;
  if (isInteger && Number.isInteger(v)) return String(v);
  // Enough digits to round-trip, as a FITS real.
  const s = String(v);
  return /[.eE]/.test(s) ? s.toUpperCase() : `${s}.0`;
}

/** Template text, Montage style: `KEYWORD = value` one per line, then END. */
export function formatTemplate(header: Header): string {
  const lines: string[] = [];
  for (const c of header.cards) {
    if (c.value === undefined) {
      lines.push(`${c.key.padEnd(8)}${c.comment ? ` ${c.comment}` : ''}`.trimEnd());
      continue;
    }
    const v = formatTemplateValue(c.value, c.isInteger);
    lines.push(`${c.key.padEnd(8)}= ${v.padStart(20)}${c.comment ? ` / ${c.comment}` : ''}`);
  }
  lines.push('END');
  return lines.join('\n') + '\n';
}

export async function writeTemplate(path: string, header: Header, stage?: string): Promise<void> {
  await writeFileAtomic(path, formatTemplate(header), stage);
}
