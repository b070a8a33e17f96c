/** Sky geometry helpers: distances, footprints, outlines, solid angles, containment. */
import { describe, expect, it } from 'vitest';
import {
  containsSky,
  footprintCorners,
  greatCircleDistanceDeg,
  lonLatToVec,
  outline,
  pixelSolidAngle,
  vecToLonLat,
} from '../../src/wcs/geometry.js';
import { Wcs } from '../../src/wcs/wcs.js';
import { headerFrom } from './helpers.js';

const D2R = Math.PI / 180;
const tan = Wcs.fromHeader(
  headerFrom({ NAXIS: 2, NAXIS1: 300, NAXIS2: 200, CTYPE1: 'RA---TAN', CTYPE2: 'DEC--TAN', CRVAL1: 359.9, CRVAL2: -40, CRPIX1: 150.5, CRPIX2: 100.5, CDELT1: -0.001, CDELT2: 0.001, CROTA2: 20 }),
);

describe('distances and vectors', () => {
  it('great-circle distances are exact at 0, 90 and 180 degrees and accurate when tiny', () => {
    expect(greatCircleDistanceDeg(0, 0, 90, 0)).toBeCloseTo(90, 13);
    expect(greatCircleDistanceDeg(10, 90, 123, -90)).toBeCloseTo(180, 13);
    expect(greatCircleDistanceDeg(10, 0, 10, 1e-10) / 1e-10).toBeCloseTo(1, 12);
    expect(greatCircleDistanceDeg(359.99, 0, 0.01, 0)).toBeCloseTo(0.02, 12);
  });

  it('vectors round-trip', () => {
    const [l, b] = vecToLonLat(lonLatToVec(300.25, -12.5));
    expect(l).toBeCloseTo(300.25, 12);
    expect(b).toBeCloseTo(-12.5, 12);
  });
});

describe('footprints', () => {
  it('corners are the outer pixel edges, and the outline passes through them', () => {
    const c = footprintCorners(tan);
    expect(c).toHaveLength(4);
    expect(c[0]).toEqual(tan.pixToSky(0.5, 0.5));
    expect(c[2]).toEqual(tan.pixToSky(300.5, 200.5));
    const o = outline(tan, 5);
    expect(o).toHaveLength(20);
    expect(o[5]).toEqual(c[1]);
    expect(o[15]).toEqual(c[3]);
  });

  it('containsSky accepts the reference point and rejects far and antipodal points', () => {
    expect(containsSky(tan, 359.9, -40)).toBe(true);
    expect(containsSky(tan, 359.9, -39.8)).toBe(false);
    expect(containsSky(tan, 179.9, 40)).toBe(false);
    const [l, b] = tan.pixToSky(1, 1);
    expect(containsSky(tan, l, b)).toBe(true);
  });

  it('needs NAXIS for footprints', () => {
    const w = Wcs.fromHeader(headerFrom({ CTYPE1: 'RA---TAN', CTYPE2: 'DEC--TAN', CDELT1: -1, CDELT2: 1 }));
    expect(() => footprintCorners(w)).toThrowError(expect.objectContaining({ code: 'E_WCS_KEYWORD' }));
  });
});

describe('pixel solid angles', () => {
  it('match the analytic area of a CAR pixel (bounded by meridians and parallels) to 1e-6', () => {
    const car = Wcs.fromHeader(headerFrom({ NAXIS: 2, NAXIS1: 360, NAXIS2: 180, CTYPE1: 'GLON-CAR', CTYPE2: 'GLAT-CAR', CRPIX1: 180.5, CRPIX2: 90.5, CDELT1: -1, CDELT2: 1 }));
    for (const y of [90.5 + 0.5, 120, 170]) {
      const b1 = (y - 0.5 - 90.5) * D2R;
      const b2 = (y + 0.5 - 90.5) * D2R;
      const exact = 1 * D2R * (Math.sin(b2) - Math.sin(b1));
      // Great-circle edges vs parallels differ by O(pixel²·tan b); 1° pixels → ~1e-4 relative.
      expect(Math.abs(pixelSolidAngle(car, 100, y) / exact - 1)).toBeLessThan(2e-3);
    }
  });

  it('sum to 4π over an all-sky CAR grid (to 1e-4), and equal cdelt² for a small TAN pixel', () => {
    const car = Wcs.fromHeader(headerFrom({ NAXIS: 2, NAXIS1: 360, NAXIS2: 180, CTYPE1: 'GLON-CAR', CTYPE2: 'GLAT-CAR', CRPIX1: 180.5, CRPIX2: 90.5, CDELT1: -1, CDELT2: 1 }));
    let sum = 0;
    for (let y = 1; y <= 180; y++) sum += 360 * pixelSolidAngle(car, 1, y);
    expect(Math.abs(sum / (4 * Math.PI) - 1)).toBeLessThan(1e-4);
    const a = pixelSolidAngle(tan, 150.5, 100.5);
    expect(a / (0.001 * D2R) ** 2).toBeCloseTo(1, 9);
  });
});
