import { describe, expect, it } from 'vitest';
import { Header, formatHeader, parseHeader } from '../../src/fits/header.js';
import { formatCard, parseCard } from '../../src/fits/cards.js';
import { MosaicError } from '../../src/errors.js';
import { headerBytes } from '../helpers/fits-builder.js';

const parse = (cards: string[]) => parseHeader(headerBytes(['SIMPLE  =                    T', ...cards]));

describe('parseHeader', () => {
  it('reads strings with doubled quotes and keeps leading blanks, drops trailing ones', () => {
    const { header, warnings } = parse([`OBJECT  = 'O''Brien''s  '  / who`, `NAME    = '  lead'`, `EMPTY   = ''`]);
    expect(header.get('OBJECT')).toBe("O'Brien's");
    expect(header.cards.find((c) => c.key === 'OBJECT')?.comment).toBe('who');
    expect(header.get('NAME')).toBe('  lead');
    expect(header.get('EMPTY')).toBe('');
    expect(warnings).toEqual([]);
  });

  it('joins CONTINUE long strings and their comments', () => {
    const { header } = parse([
      `LONGSTR = 'This is a long string that does not fit in one card, so it continues&'`,
      `CONTINUE  ' on the next card and&' / part one`,
      `CONTINUE  ' ends here.' / part two`,
      `AFTER   = 1`,
    ]);
    expect(header.get('LONGSTR')).toBe('This is a long string that does not fit in one card, so it continues on the next card and ends here.');
    expect(header.cards.find((c) => c.key === 'LONGSTR')?.comment).toBe('part one part two');
    expect(header.get('AFTER')).toBe(1);
    expect(header.keys()).not.toContain('CONTINUE');
  });

  it('reads HIERARCH keys', () => {
    const { header } = parse(['HIERARCH ESO DET CHIP1 GAIN = 1.5 / e-/ADU', 'HIERARCH ESO OBS NAME = \'deep field\'']);
    expect(header.get('ESO DET CHIP1 GAIN')).toBe(1.5);
    expect(header.get('ESO OBS NAME')).toBe('deep field');
  });

  it('keeps COMMENT, HISTORY and blank cards in order', () => {
    const { header } = parse(['COMMENT   first note', 'HISTORY made by a test', '', 'A       = 2']);
    expect(header.cards.map((c) => [c.key, c.comment])).toEqual([
      ['SIMPLE', undefined],
      ['COMMENT', '  first note'],
      ['HISTORY', 'made by a test'],
      ['', undefined],
      ['A', undefined],
    ]);
  });

  it('accepts lower-case and D exponents, and integers vs floats', () => {
    const { header, warnings } = parse(['CD1_1   = 1.5e-04', 'CD1_2   = -2.25D+01', 'NAXIS   = 2', 'X       = 2.', 'B       = F', 'U       =']);
    expect(header.get('CD1_1')).toBe(1.5e-4);
    expect(header.get('CD1_2')).toBe(-22.5);
    expect(header.cards.find((c) => c.key === 'NAXIS')?.isInteger).toBe(true);
    expect(header.cards.find((c) => c.key === 'X')?.isInteger).toBe(false);
    expect(header.get('B')).toBe(false);
    expect(header.get('U')).toBe(null);
    expect(warnings).toEqual([]);
  });

  it('keeps a malformed value as raw text with a warning, never throws', () => {
    const { header, warnings } = parse(['SKEW    = -1.3869888376036E+00, -1.6912592180432E+00 /', "BAD     = 'no closing quote", 'odd key = 3']);
    expect(header.get('SKEW')).toBe('-1.3869888376036E+00, -1.6912592180432E+00');
    expect(header.get('BAD')).toBe('no closing quote');
    expect(warnings.length).toBe(3);
    expect(warnings[0]).toMatch(/card 2: SKEW: malformed value/);
  });

  it('reports the header size in whole blocks', () => {
    expect(parse([]).headerBytes).toBe(2880);
    expect(parse(Array.from({ length: 36 }, (_, i) => `K${i}      = ${i}`)).headerBytes).toBe(5760);
  });

  it('throws E_NOT_FITS and E_FITS_TRUNCATED for structurally broken headers', () => {
    expect(() => parseHeader(Buffer.from('hello world'.padEnd(2880)))).toThrow(expect.objectContaining({ code: 'E_NOT_FITS' }));
    const noEnd = Buffer.from('SIMPLE  =                    T'.padEnd(2880));
    expect(() => parseHeader(noEnd)).toThrow(MosaicError);
    expect(() => parseHeader(noEnd)).toThrow(expect.objectContaining({ code: 'E_FITS_TRUNCATED' }));
  });
});

describe('formatHeader', () => {
  it('writes fixed-format cards in 2880-byte blocks', () => {
    const h = new Header().set('SIMPLE', true).set('BITPIX', -32).set('NAXIS', 0).set('OBJECT', 'M101', 'target');
    const bytes = formatHeader(h);
    expect(bytes.length).toBe(2880);
    const text = bytes.toString('latin1');
    expect(text.slice(0, 80)).toBe('SIMPLE  =                    T'.padEnd(80));
    expect(text.slice(80, 160)).toBe('BITPIX  =                  -32'.padEnd(80));
    expect(text.slice(240, 320)).toBe("OBJECT  = 'M101    '           / target".padEnd(80));
    expect(text.slice(320, 400)).toBe('END'.padEnd(80));
  });

  it('round-trips floats exactly with the shortest text and uppercase E', () => {
    const values = [0.1, 1 / 3, -2.7777778e-4, 1e-300, 6.02214076e23, 5e-324, 123456789.123, -0.0, 1e21, 2 ** 60];
    const h = new Header();
    values.forEach((v, i) => h.setFloat(`F${i}`, v));
    const text = formatHeader(h).toString('latin1');
    expect(text).not.toMatch(/e/);
    const back = parseHeader(formatHeader(new Header([{ key: 'SIMPLE', value: true }, ...h.cards]))).header;
    values.forEach((v, i) => expect(back.get(`F${i}`)).toBe(v));
    values.forEach((v, i) => expect(back.cards.find((c) => c.key === `F${i}`)?.isInteger).toBe(false));
  });

  it('round-trips quotes, long strings (CONTINUE), HIERARCH and commentary', () => {
    const long = "It's ".repeat(40) + 'end';
    const h = new Header([{ key: 'SIMPLE', value: true }]);
    h.set('QUOTED', "a'b''c", 'quotes');
    h.set('LONG', long, 'long one');
    h.set('ESO DET GAIN', 2.5);
    h.addComment('x'.repeat(100));
    h.addComment('history line', 'HISTORY');
    const bytes = formatHeader(h);
    const text = bytes.toString('latin1');
    for (let i = 0; i < text.length; i += 80) expect(text.slice(i, i + 80)).toMatch(/^[\x20-\x7e]{80}$/);
    expect(text).toContain('CONTINUE  ');
    expect(text).toContain('HIERARCH ESO DET GAIN = 2.5');
    const back = parseHeader(bytes).header;
    expect(back.get('QUOTED')).toBe("a'b''c");
    expect(back.get('LONG')).toBe(long);
    expect(back.get('ESO DET GAIN')).toBe(2.5);
    expect(back.cards.filter((c) => c.key === 'COMMENT').map((c) => c.comment).join('')).toBe('x'.repeat(100));
  });

  it('never splits a doubled quote across CONTINUE cards', () => {
    for (let n = 60; n < 75; n++) {
      const s = 'a'.repeat(n) + "''''''" + 'b'.repeat(80);
      const lines = formatCard({ key: 'K', value: s });
      const back = parseHeader(Buffer.concat([Buffer.from('SIMPLE  =                    T'.padEnd(80)), Buffer.from(lines.join('')), Buffer.from('END'.padEnd(80))])).header;
      expect(back.get('K')).toBe(s);
    }
  });

  it('refuses NaN values', () => {
    expect(() => formatHeader(new Header().set('X', NaN))).toThrow(expect.objectContaining({ code: 'E_FITS_HEADER' }));
  });

  it('parses what it formats for every value type', () => {
    const cards = [
      { key: 'I', value: -42 },
      { key: 'B', value: true },
      { key: 'N', value: null, comment: 'undefined value' },
      { key: 'S', value: '' },
    ];
    for (const c of cards) expect(parseCard(formatCard(c)[0]).card.value).toBe(c.value);
  });
});
