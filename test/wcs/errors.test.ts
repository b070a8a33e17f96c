/** Bad headers give MosaicErrors with the right code and a message naming the keyword. */
import { describe, expect, it } from 'vitest';
import { Wcs } from '../../src/wcs/wcs.js';
import { headerFrom } from './helpers.js';

const good = {
  NAXIS: 2,
  NAXIS1: 100,
  NAXIS2: 100,
  CTYPE1: 'RA---TAN',
  CTYPE2: 'DEC--TAN',
  CRVAL1: 10,
  CRVAL2: 20,
  CRPIX1: 50,
  CRPIX2: 50,
  CDELT1: -0.001,
  CDELT2: 0.001,
};

function errorOf(values: Record<string, string | number>, opts: { alt?: string; file?: string } = {}) {
  try {
    Wcs.fromHeader(headerFrom(values), opts);
  } catch (e) {
    return e as { code: string; message: string; file?: string; stage?: string };
  }
  throw new Error('expected fromHeader to throw');
}

describe('Wcs.fromHeader errors', () => {
  it('missing CTYPE2 → E_WCS_KEYWORD naming CTYPE2', () => {
    const { CTYPE2: _, ...rest } = good;
    const e = errorOf(rest, { file: 'x.fits' });
    expect(e.code).toBe('E_WCS_KEYWORD');
    expect(e.message).toMatch(/CTYPE2 is missing/);
    expect(e.file).toBe('x.fits');
    expect(e.stage).toBe('wcs');
  });

  it('mismatched pair RA---TAN + GLAT-TAN → E_WCS_KEYWORD naming both', () => {
    const e = errorOf({ ...good, CTYPE2: 'GLAT-TAN' });
    expect(e.code).toBe('E_WCS_KEYWORD');
    expect(e.message).toMatch(/CTYPE2 = 'GLAT-TAN' does not pair with CTYPE1 = 'RA---TAN'/);
  });

  it('different projection codes → E_WCS_KEYWORD', () => {
    const e = errorOf({ ...good, CTYPE2: 'DEC--SIN' });
    expect(e.code).toBe('E_WCS_KEYWORD');
    expect(e.message).toMatch(/different projections/);
  });

  it('unknown code RA---XYZ → E_WCS_PROJECTION naming CTYPE1', () => {
    const e = errorOf({ ...good, CTYPE1: 'RA---XYZ', CTYPE2: 'DEC--XYZ' });
    expect(e.code).toBe('E_WCS_PROJECTION');
    expect(e.message).toMatch(/CTYPE1 = 'RA---XYZ': unknown projection code 'XYZ'/);
  });

  it('singular CD → E_WCS_SINGULAR naming the CD keywords', () => {
    const e = errorOf({ ...good, CD1_1: 0.001, CD1_2: 0.002, CD2_1: 0.0005, CD2_2: 0.001 });
    expect(e.code).toBe('E_WCS_SINGULAR');
    expect(e.message).toMatch(/CD1_1, CD1_2, CD2_1, CD2_2/);
  });

  it('CDELT1 = 0 → E_WCS_SINGULAR naming CDELT1', () => {
    const e = errorOf({ ...good, CDELT1: 0 });
    expect(e.code).toBe('E_WCS_SINGULAR');
    expect(e.message).toMatch(/CDELT1 is 0/);
  });

  it('non-celestial axes only → E_WCS_MISSING listing the CTYPEs', () => {
    const e = errorOf({ ...good, CTYPE1: 'FREQ', CTYPE2: 'STOKES' });
    expect(e.code).toBe('E_WCS_MISSING');
    expect(e.message).toMatch(/CTYPE1 = 'FREQ', CTYPE2 = 'STOKES'/);
  });

  it('no CTYPE at all → E_WCS_MISSING', () => {
    const { CTYPE1: _a, CTYPE2: _b, ...rest } = good;
    expect(errorOf(rest).code).toBe('E_WCS_MISSING');
    expect(Wcs.tryFromHeader(headerFrom(rest))).toBeUndefined();
  });

  it('non-numeric CRVAL1 → E_WCS_KEYWORD naming CRVAL1', () => {
    const e = errorOf({ ...good, CRVAL1: 'ten' });
    expect(e.code).toBe('E_WCS_KEYWORD');
    expect(e.message).toMatch(/CRVAL1 must be a number but is "ten"/);
  });

  it('a conic without PV2_1 → an error naming PV2_1 (from the projection)', () => {
    const e = errorOf({ ...good, CTYPE1: 'RA---COE', CTYPE2: 'DEC--COE' });
    expect(e.message).toMatch(/PV2_1/);
  });

  it('an unknown alternate description → E_WCS_MISSING', () => {
    expect(errorOf(good, { alt: 'B' }).code).toBe('E_WCS_MISSING');
  });
});
