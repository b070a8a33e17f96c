import { describe, expect, it } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { findColumn, formatIpacTable, parseIpacTable, formatExponential, type IpacTable } from '../../src/tables/ipac.js';

const shared = join(import.meta.dirname, '..', '..', '..', 'shared', 'data');
const hasShared = existsSync(shared);

describe('IPAC tables', () => {
  const table: IpacTable = {
    keywords: [{ key: 'datatype', value: 'fitshdr' }],
    comments: [],
    columns: [
      { name: 'cntr', type: 'int' },
      { name: 'ra', type: 'double', format: { fixed: 7 } },
      { name: 'a', type: 'double', format: { exponential: 5 } },
      { name: 'fname', type: 'char' },
    ],
    rows: [
      { cntr: 0, ra: 84.07050201, a: -1.65739e-3, fname: 'x.fits' },
      { cntr: 1, ra: 83.5, a: 12, fname: 'a longer name.fits.gz' },
      { cntr: 2, ra: null, a: 0, fname: 'y.fits' },
    ],
  };

  it('round-trips values, types and keywords', () => {
    const text = formatIpacTable(table);
    const back = parseIpacTable(text);
    expect(back.keywords).toEqual(table.keywords);
    expect(back.columns.map((c) => [c.name, c.type])).toEqual(table.columns.map((c) => [c.name, c.type]));
    expect(back.rows[0]).toEqual({ cntr: 0, ra: 84.070502, a: -1.65739e-3, fname: 'x.fits' });
    expect(back.rows[1].fname).toBe('a longer name.fits.gz');
    expect(back.rows[2].ra).toBeNull();
  });

  it('writes exponents with two digits like C printf', () => {
    expect(formatExponential(-1.65739e-3, 5)).toBe('-1.65739e-03');
    expect(formatExponential(7.17749, 5)).toBe('7.17749e+00');
  });

  it('finds columns by Montage alias', () => {
    const t = parseIpacTable('| id | file |\n| int | char |\n 3 a.fits \n');
    expect(findColumn(t, 'cntr')).toBe('id');
    expect(findColumn(t, 'fname')).toBe('file');
    expect(() => findColumn(t, 'ra', { required: true, file: 't.tbl' })).toThrow(/no "ra" column/);
  });

  it('rejects text without a header row and bad numbers with the line', () => {
    expect(() => parseIpacTable('hello\n')).toThrow(/no IPAC header/);
    expect(() => parseIpacTable('| n |\n| int |\n abc \n', 'x.tbl')).toThrow(/line 3: column "n" expects a number/);
  });

  it.runIf(hasShared)('reads every Montage reference table', () => {
    for (const set of ['2mass-j-orion-0.25deg', '2mass-j-orion-east-2nights']) {
      const dir = join(shared, set, 'montage-reference');
      const images = parseIpacTable(readFileSync(join(dir, 'images.tbl'), 'utf8'));
      expect(images.rows.length).toBeGreaterThanOrEqual(10);
      expect(typeof images.rows[0].crval1).toBe('number');
      expect(String(images.rows[0].fname)).toMatch(/\.fits\.gz$/);
      const fits = parseIpacTable(readFileSync(join(dir, 'fits.tbl'), 'utf8'));
      expect(fits.columns.map((c) => c.name).slice(0, 5)).toEqual(['plus', 'minus', 'a', 'b', 'c']);
      expect(fits.rows.every((r) => Number.isFinite(r.rms as number))).toBe(true);
      const corr = parseIpacTable(readFileSync(join(dir, 'corrections.tbl'), 'utf8'));
      expect(corr.columns.map((c) => c.name)).toEqual(['id', 'a', 'b', 'c']);
    }
  });
});
