import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { readFits, readImage, readImageRows } from '../../src/fits/read.js';
import { ditherSequence } from '../../src/fits/dither.js';
import { riceDecode } from '../../src/fits/rice.js';
import { MosaicError } from '../../src/errors.js';
import { describeShared, repoDir, sharedPath } from '../helpers/shared.js';

// Fixtures made by scripts/fixtures/make-compressed.py with astropy 5.2.1 (see its docstring).
const cases = resolve(repoDir, 'data/fixtures/compressed/cases.fits');
const expected = resolve(repoDir, 'data/fixtures/compressed/expected.fits');

/** Index of the first difference (NaN equals NaN), or -1. */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) if (!(Object.is(a[i], b[i]) || a[i] === b[i])) return i;
  return -1;
}

describe('tile-compressed images agree exactly with astropy', async () => {
  const file = await readFits(cases);
  const names = file.hdus.slice(1).map((h) => [h.index, String(h.header.get('EXTNAME'))] as const);
  it('lists every case as a compressed image with ZNAXIS shape', () => {
    expect(names.length).toBe(19);
    for (const h of file.hdus.slice(1)) {
      expect(h.type).toBe('compressed-image');
      expect(h.shape).toEqual([37, 23]);
    }
  });
  it.each(names)('hdu %i %s', async (index) => {
    const got = await readImage(cases, { hdu: index });
    const want = await readImage(expected, { hdu: index });
    expect(got.shape).toEqual(want.shape);
    expect(firstDifference(got.data, want.data)).toBe(-1);
    expect(got.header.get('XTENSION')).toBe('IMAGE');
    expect(got.header.has('ZCMPTYPE')).toBe(false);
    expect(String(got.header.get('OBJECT')).toUpperCase()).toBe(got.header.get('EXTNAME'));
  });
  it('reads a band of rows of a compressed image', async () => {
    const band = await readImageRows(cases, { hdu: 1, y0: 5, rows: 3 });
    const full = await readImage(expected, { hdu: 1 });
    expect(Array.from(band.data)).toEqual(Array.from(full.data.subarray(5 * 37, 8 * 37)));
  });
});

describe('Rice decoder', () => {
  it('decodes a hand-made stream: low-entropy, split and raw blocks', () => {
    // bytePix 2, blocks of 3. The first value (1000) is the predecessor of pixel 0.
    const bits: number[] = [];
    const put = (v: number, n: number) => {
      for (let k = n - 1; k >= 0; k--) bits.push((v >> k) & 1);
    };
    put(1000, 16);
    put(0, 4); // block 1: code 0 → three zero differences
    put(2, 4); // block 2: fs = 1; differences +1, −1, +2 are zig-zag 2, 1, 4
    put(0b01, 2), put(0, 1); // 2 = high 1 (unary "01"), low bit 0
    put(0b1, 1), put(1, 1); // 1 = high 0 ("1"), low bit 1
    put(0b001, 3), put(0, 1); // 4 = high 2 ("001"), low bit 0
    put(15, 4); // block 3: code fsMax + 1 → raw 16-bit differences
    put(6, 16); // zig-zag 6 = +3
    while (bits.length % 8) bits.push(0);
    const bytes = new Uint8Array(bits.length / 8);
    bits.forEach((b, i) => (bytes[i >> 3] |= b << (7 - (i & 7))));
    const out = new Int32Array(7);
    riceDecode(bytes, 7, 3, 2, out);
    expect(Array.from(out)).toEqual([1000, 1000, 1000, 1001, 1000, 1002, 1005]);
  });
  it('throws E_FITS_COMPRESSION on a stream that ends early', () => {
    expect(() => riceDecode(new Uint8Array([0, 1, 0xff]), 100, 32, 2, new Int32Array(100))).toThrow(MosaicError);
  });
});

describe('dither sequence', () => {
  it('is the Park–Miller sequence from seed 1, as float32', () => {
    const r = ditherSequence();
    expect(r.length).toBe(10000);
    expect(r[0]).toBe(Math.fround(16807 / 2147483647));
    // The 10000th value of the minimal standard generator from seed 1 is 1043618065 (Park & Miller 1988).
    expect(r[9999]).toBe(Math.fround(1043618065 / 2147483647));
  });
});

describeShared('astropy_comp_tilecompressed.fits', () => {
  it('matches astropy statistics and samples exactly', async () => {
    const img = await readImage(sharedPath('singles/astropy_comp_tilecompressed.fits'));
    expect(img.shape).toEqual([440, 300]);
    expect(img.bitpix).toBe(16);
    let sum = 0;
    for (const v of img.data) sum += v;
    expect(sum).toBe(34417871);
    expect(img.data[0]).toBe(7);
    expect(img.data[18857]).toBe(232);
  });
});
