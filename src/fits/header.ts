/**
 * FITS headers: an ordered list of cards with typed values.
 *
 * Parsing is tolerant (lower-case exponents, `SKEW = a, b`, missing quotes are kept
 * with a warning); formatting is strict fixed-format (FITS 4.0 §4.2), so everything
 * we write passes fitsverify.
 */
import { MosaicError } from '../errors.js';
import { formatCard, parseCard, parseValueField } from './cards.js';

/** A card value: string, number (int or float), boolean, or `null` for an undefined value. */
export type CardValue = string | number | boolean | null;

export interface Card {
  /** Upper-case keyword, up to 8 characters (longer for HIERARCH cards, without the `HIERARCH ` prefix). */
  key: string;
  /** Absent for commentary cards (COMMENT, HISTORY, blank). */
  value?: CardValue;
  /** Comment after the `/`, or the text of a commentary card. */
  comment?: string;
  /** True when an integer-valued number was written without a decimal point (keeps BITPIX as `16`, not `16.0`). */
  isInteger?: boolean;
}

const COMMENTARY = new Set(['COMMENT', 'HISTORY', '']);

export class Header {
  readonly cards: Card[];

  constructor(cards: Card[] = []) {
    this.cards = cards.map((c) => ({ ...c }));
  }

  clone(): Header {
    return new Header(this.cards);
  }

  private index(key: string): number {
    const k = key.toUpperCase();
    return this.cards.findIndex((c) => c.key === k && !COMMENTARY.has(k));
  }

  has(key: string): boolean {
    return this.index(key) >= 0;
  }

  get(key: string): CardValue | undefined {
    const i = this.index(key);
    return i >= 0 ? this.cards[i].value : undefined;
  }

  /** Numeric value; strings that hold a number (common sloppiness) are accepted. */
  number(key: string): number | undefined {
    const v = this.get(key);
    if (typeof v === 'number') return v;
    if (typeof v === 'string' && v.trim() !== '') {
      const n = Number(v.trim().replace(/[dD]/, 'E'));
      return Number.isFinite(n) ? n : undefined;
    }
    return undefined;
  }

  /** Integer value (as number). */
  int(key: string): number | undefined {
    const n = this.number(key);
    return n === undefined ? undefined : Math.trunc(n);
  }

  string(key: string): string | undefined {
    const v = this.get(key);
    if (v === undefined || v === null) return undefined;
    return typeof v === 'string' ? v : String(v);
  }

  boolean(key: string): boolean | undefined {
    const v = this.get(key);
    return typeof v === 'boolean' ? v : undefined;
  }

  /** Set a value, replacing the existing card in place or appending (before END, which is never stored). */
  set(key: string, value: CardValue, comment?: string): this {
    const k = key.toUpperCase();
    const isInteger = typeof value === 'number' && Number.isInteger(value) && !Object.is(value, -0);
    const i = this.index(k);
    if (i >= 0) {
      const old = this.cards[i];
      this.cards[i] = { key: k, value, comment: comment ?? old.comment, isInteger };
    } else {
      this.cards.push({ key: k, value, comment, isInteger });
    }
    return this;
  }

  /** Set a floating-point value that must be written with a decimal point or exponent. */
  setFloat(key: string, value: number, comment?: string): this {
    this.set(key, value, comment);
    this.cards[this.index(key)].isInteger = false;
    return this;
  }

  delete(key: string): this {
    const k = key.toUpperCase();
    for (let i = this.cards.length - 1; i >= 0; i--) if (this.cards[i].key === k) this.cards.splice(i, 1);
    return this;
  }

  addComment(text: string, key: 'COMMENT' | 'HISTORY' = 'COMMENT'): this {
    this.cards.push({ key, comment: text });
    return this;
  }

  /** Keys in order (commentary cards included). */
  keys(): string[] {
    return this.cards.map((c) => c.key);
  }

  /** Plain object of keyword → value (first occurrence wins), for JSON output and tests. */
  toObject(): Record<string, CardValue> {
    const out: Record<string, CardValue> = {};
    for (const c of this.cards) if (c.value !== undefined && !(c.key in out)) out[c.key] = c.value;
    return out;
  }
}

// ---------------------------------------------------------------------------------------
// Parsing and formatting whole headers (FITS 4.0 §3.3, §4): 2880-byte blocks of 80-byte cards.

/** Bytes per FITS block: headers and data units are padded to a multiple of this. */
export const BLOCK_SIZE = 2880;

/** Result of {@link parseHeader}. */
export interface ParsedHeader {
  header: Header;
  /** Sloppy cards accepted anyway, one sentence each (`card 12: …`). */
  warnings: string[];
  /** Bytes the header occupies, END card and padding included (a multiple of 2880). */
  headerBytes: number;
}

/**
 * Index of the END card in `bytes` (card number, 0-based), or -1 when no END card is present.
 * Only whole cards are examined.
 */
export function findEndCard(bytes: Uint8Array): number {
  const n = Math.floor(bytes.length / 80);
  for (let c = 0; c < n; c++) {
    const o = c * 80;
    // 'E' 'N' 'D' then spaces up to column 8.
    if (bytes[o] === 0x45 && bytes[o + 1] === 0x4e && bytes[o + 2] === 0x44) {
      let blank = true;
      for (let k = 3; k < 8; k++) if (bytes[o + k] !== 0x20) blank = false;
      if (blank) return c;
    }
  }
  return -1;
}

/**
 * Parse a FITS header from the start of `bytes` (which may hold more than the header).
 *
 * Tolerant: lower-case and `D` exponents, unquoted or malformed values (kept as raw text),
 * missing closing quotes and non-ASCII bytes are accepted with a warning. CONTINUE cards
 * are joined into the preceding long string (`&` removed). HIERARCH keys are stored
 * without the `HIERARCH ` prefix. END is not stored.
 *
 * @throws MosaicError E_NOT_FITS when the first card is neither SIMPLE nor XTENSION;
 *   E_FITS_TRUNCATED when `bytes` ends before the END card. The error has no file: callers add it.
 */
export function parseHeader(bytes: Uint8Array): ParsedHeader {
  const first = Buffer.from(bytes.subarray(0, 80)).toString('latin1');
  if (!/^(SIMPLE  =|XTENSION=)/.test(first)) {
    throw new MosaicError('E_NOT_FITS', 'not a FITS file (no SIMPLE or XTENSION card at the start)', { stage: 'fits' });
  }
  const end = findEndCard(bytes);
  if (end < 0) {
    throw new MosaicError('E_FITS_TRUNCATED', `header has no END card within the ${bytes.length} bytes available`, {
      stage: 'fits',
    });
  }
  const warnings: string[] = [];
  const cards: Card[] = [];
  const text = Buffer.from(bytes.subarray(0, end * 80)).toString('latin1');
  let pendingLong: Card | undefined;
  for (let c = 0; c < end; c++) {
    let cardText = text.slice(c * 80, c * 80 + 80);
    if (/[^\x20-\x7e]/.test(cardText)) {
      warnings.push(`card ${c + 1}: non-ASCII characters replaced`);
      cardText = cardText.replace(/[^\x20-\x7e]/g, '?');
    }
    if (pendingLong && cardText.startsWith('CONTINUE') && cardText.slice(8, 10) !== '= ') {
      const v = parseValueField(cardText.slice(8));
      if (typeof v.value === 'string') {
        const joined = (pendingLong.value as string).replace(/&$/, '') + v.value;
        pendingLong.value = joined;
        if (v.comment) pendingLong.comment = pendingLong.comment ? `${pendingLong.comment} ${v.comment}` : v.comment;
        if (!joined.endsWith('&')) pendingLong = undefined;
        continue;
      }
    }
    const parsed = parseCard(cardText);
    if (parsed.warning) warnings.push(`card ${c + 1}: ${parsed.warning}`);
    cards.push(parsed.card);
    pendingLong = typeof parsed.card.value === 'string' && parsed.card.value.endsWith('&') ? parsed.card : undefined;
  }
  // A dangling '&' with no CONTINUE after it is part of the value.
  return {
    header: new Header(cards),
    warnings,
    headerBytes: Math.ceil(((end + 1) * 80) / BLOCK_SIZE) * BLOCK_SIZE,
  };
}

/**
 * Format a header as FITS bytes: one or more cards per entry (long strings use CONTINUE),
 * then END, space-padded to a multiple of 2880 bytes. Cards are written in the order held;
 * callers put the mandatory keywords first.
 * @throws MosaicError E_FITS_HEADER for a value FITS cannot represent (NaN, Infinity).
 */
export function formatHeader(header: Header): Buffer {
  const lines: string[] = [];
  let longstrn = header.has('LONGSTRN');
  for (const card of header.cards) {
    const formatted = formatCard(card);
    // Declare the CONTINUE convention before its first use (fitsverify warns otherwise).
    if (formatted.length > 1 && card.value !== undefined && !longstrn) {
      lines.push(...formatCard({ key: 'LONGSTRN', value: 'OGIP 1.0', comment: 'The OGIP long string convention may be used' }));
      longstrn = true;
    }
    lines.push(...formatted);
  }
  lines.push('END'.padEnd(80));
  const body = lines.join('');
  const size = Math.ceil(body.length / BLOCK_SIZE) * BLOCK_SIZE;
  return Buffer.from(body.padEnd(size, ' '), 'latin1');
}
