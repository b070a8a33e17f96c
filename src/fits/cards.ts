/**
 * One 80-character header card: tolerant parsing and strict fixed-format writing.
 *
 * Reference: FITS Standard 4.0 (Pence et al. 2010 / IAU FITS WG 2018), §4.1–4.2 (card
 * layout, value types, fixed format); Appendix on the CONTINUE long-string convention
 * and the ESO HIERARCH convention (fitsverify and astropy accept both).
 */
import type { Card, CardValue } from './header.js';
import { MosaicError } from '../errors.js';

/** Bytes per header card. */
export const CARD_LENGTH = 80;

/** Commentary keywords: no value indicator, the text starts in column 9. */
export const COMMENTARY_KEYS = new Set(['COMMENT', 'HISTORY', '']);

const INT_RE = /^[+-]?\d+$/;
const FLOAT_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eEdD][+-]?\d+)?$/;

/** Result of parsing one card; `continued` is set when the value is a string ending in `&` (CONTINUE follows). */
export interface ParsedCard {
  card: Card;
  /** A sentence describing a sloppy card that was accepted anyway. */
  warning?: string;
}

/**
 * Parse the value field of a card (the text after `= `, or after `CONTINUE`).
 * Never throws: an unparsable value is kept as its raw trimmed text with a warning.
 */
export function parseValueField(field: string): { value?: CardValue; comment?: string; warning?: string } {
  let i = 0;
  while (i < field.length && field[i] === ' ') i++;
  if (field[i] === "'") {
    let s = '';
    let j = i + 1;
    let closed = false;
    while (j < field.length) {
      if (field[j] === "'") {
        if (field[j + 1] === "'") {
          s += "'";
          j += 2;
          continue;
        }
        closed = true;
        j++;
        break;
      }
      s += field[j++];
    }
    // Trailing blanks in a string value are not significant (FITS 4.0 §4.2.1.1).
    const value = s.replace(/ +$/, '');
    const rest = field.slice(j);
    const slash = rest.indexOf('/');
    const comment = slash >= 0 ? rest.slice(slash + 1).trim() : undefined;
    const stray = (slash >= 0 ? rest.slice(0, slash) : rest).trim();
    let warning: string | undefined;
    if (!closed) warning = 'string value has no closing quote';
    else if (stray) warning = `unexpected text after string value: ${stray}`;
    return { value, comment: comment || undefined, warning };
  }
  const slash = field.indexOf('/', i);
  const raw = (slash >= 0 ? field.slice(i, slash) : field.slice(i)).trim();
  const comment = slash >= 0 ? field.slice(slash + 1).trim() || undefined : undefined;
  if (raw === '') return { value: null, comment };
  if (raw === 'T') return { value: true, comment };
  if (raw === 'F') return { value: false, comment };
  if (INT_RE.test(raw)) return { value: Number(raw), comment };
  if (FLOAT_RE.test(raw)) return { value: Number(raw.replace(/[dD]/, 'E')), comment };
  return { value: raw, comment, warning: `malformed value kept as text: ${raw}` };
}

/** Parse one 80-character card (shorter input is treated as space-padded). Never throws. */
export function parseCard(text: string): ParsedCard {
  const keyField = text.slice(0, 8).trimEnd();
  const key = keyField.toUpperCase();
  if (key === 'HIERARCH') {
    const body = text.slice(8);
    const eq = body.indexOf('=');
    if (eq < 0) return { card: { key, comment: body.trim() } };
    const hkey = body.slice(0, eq).trim().replace(/\s+/g, ' ').toUpperCase();
    const v = parseValueField(body.slice(eq + 1));
    return { card: makeValueCard(hkey, v.value ?? null, v.comment, body.slice(eq + 1)), warning: v.warning };
  }
  if (COMMENTARY_KEYS.has(key) || text.slice(8, 10) !== '= ') {
    // Commentary (COMMENT, HISTORY, blank) or a keyword without value indicator, e.g. CONTINUE, END.
    const comment = text.slice(8).trimEnd();
    const warning = /^[A-Z0-9_-]*$/.test(key) ? undefined : `invalid keyword "${keyField}"`;
    return { card: { key, comment: comment || undefined }, warning };
  }
  const v = parseValueField(text.slice(10));
  const warning = /^[A-Z0-9_-]*$/.test(key)
    ? v.warning && `${key}: ${v.warning}`
    : `invalid keyword "${keyField}"${v.warning ? `; ${v.warning}` : ''}`;
  if (keyField !== key && !warning) return { card: makeValueCard(key, v.value ?? null, v.comment, text.slice(10)), warning: `lower-case keyword ${keyField}` };
  return { card: makeValueCard(key, v.value ?? null, v.comment, text.slice(10)), warning };
}

function makeValueCard(key: string, value: CardValue, comment: string | undefined, field: string): Card {
  const card: Card = { key, value };
  if (comment !== undefined) card.comment = comment;
  if (typeof value === 'number') {
    const raw = field.split('/')[0].trim();
    card.isInteger = INT_RE.test(raw);
  }
  return card;
}

/** Format a number for a header value: integers exactly, floats with the shortest text that round-trips, uppercase E. */
export function formatNumber(value: number, isInteger: boolean | undefined, key: string): string {
  if (!Number.isFinite(value)) {
    throw new MosaicError('E_FITS_HEADER', `${key}: ${value} cannot be written in a FITS header`, { stage: 'fits' });
  }
  const integer = isInteger ?? Number.isInteger(value);
  if (integer && Number.isInteger(value)) return Number.isSafeInteger(value) ? String(value) : BigInt(value).toString();
  // The shortest decimal that parses back to the same double (at most 17 significant digits).
  const s = Object.is(value, -0) ? '-0' : String(value);
  if (!/e/i.test(s)) return s.includes('.') ? s : `${s}.0`;
  const [mant, exp] = s.split('e');
  const e = Number(exp);
  return `${mant.includes('.') ? mant : `${mant}.0`}E${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

/** Escape a string for a quoted value (`'` → `''`). */
function quote(s: string): string {
  return s.replace(/'/g, "''");
}

/** Replace characters FITS headers cannot hold (non-printable ASCII) with `?`. */
function printable(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '?');
}

/** Append ` / comment` when it fits in the card, truncated at column 80. */
function withComment(head: string, comment: string | undefined): string {
  if (!comment) return head.padEnd(CARD_LENGTH);
  const c = `${head} / ${printable(comment)}`;
  return (head.length + 3 < CARD_LENGTH ? c.slice(0, CARD_LENGTH) : head).padEnd(CARD_LENGTH);
}

/** Split an escaped string into pieces of at most `n` characters without breaking a `''` pair. */
function splitEscaped(escaped: string, n: number): string[] {
  const pieces: string[] = [];
  let i = 0;
  while (i < escaped.length) {
    let end = Math.min(i + n, escaped.length);
    // Count the quotes just before the cut: an odd run means we would split a '' pair.
    let q = 0;
    while (end - 1 - q >= i && escaped[end - 1 - q] === "'") q++;
    if (end < escaped.length && q % 2 === 1) end--;
    pieces.push(escaped.slice(i, end));
    i = end;
  }
  return pieces;
}

/**
 * Format one card as one or more 80-character strings (several for commentary text over
 * 72 characters and for strings needing CONTINUE). Values are fixed format: numbers and
 * logicals right-justified in columns 11–30, strings starting in column 11 with at least
 * 8 characters between the quotes.
 * @throws MosaicError E_FITS_HEADER for a non-finite number.
 */
export function formatCard(card: Card): string[] {
  const key = card.key.toUpperCase();
  if (card.value === undefined) {
    const text = printable(card.comment ?? '');
    const width = CARD_LENGTH - 8;
    const out: string[] = [];
    for (let i = 0; i === 0 || i < text.length; i += width) out.push(`${key.padEnd(8)}${text.slice(i, i + width)}`.padEnd(CARD_LENGTH));
    return out;
  }
  const hierarch = key.length > 8 || !/^[A-Z0-9_-]*$/.test(key);
  const prefix = hierarch ? `HIERARCH ${key} = ` : `${key.padEnd(8)}= `;
  const v = card.value;
  if (typeof v === 'string') {
    const escaped = quote(printable(v));
    const room = CARD_LENGTH - prefix.length - 2;
    if (escaped.length <= room) {
      return [withComment(`${prefix}${`'${escaped.padEnd(8)}'`.padEnd(20)}`, card.comment)];
    }
    // CONTINUE long-string convention: every piece but the last ends with '&'.
    const first = splitEscaped(escaped, room - 1)[0];
    const rest = splitEscaped(escaped.slice(first.length), 67);
    const out = [`${prefix}'${first}&'`.padEnd(CARD_LENGTH)];
    rest.forEach((piece, i) => {
      const last = i === rest.length - 1;
      const head = `CONTINUE  '${piece}${last ? '' : '&'}'`;
      out.push(last ? withComment(head, card.comment) : head.padEnd(CARD_LENGTH));
    });
    return out;
  }
  let text: string;
  if (v === null) text = '';
  else if (typeof v === 'boolean') text = v ? 'T' : 'F';
  else text = formatNumber(v, card.isInteger, key);
  const head = hierarch ? `${prefix}${text}` : `${prefix}${text.padStart(20)}`;
  return [withComment(head, card.comment)];
}
