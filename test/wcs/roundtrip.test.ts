/**
 * Invariants: pixel → sky → pixel returns the pixel to 1e-9 pixel on a grid over each image, for
 * every projection header in ../shared/data/wcs-headers and every fixture header (SIP, TPV, TNX,
 * DSS, the cube, the MEF, 2MASS); toHeader() → fromHeader() reproduces the transform.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Wcs } from '../../src/wcs/wcs.js';
import { describeShared, sharedPath } from '../helpers/shared.js';
import { headerFromCards, headerFromText, loadFixtures } from './helpers.js';
import type { Header } from '../../src/fits/header.js';

/**
 * Round-trip tolerance, pixels: 1e-9, or what double-precision degrees allow for very fine pixels
 * (a longitude near 360° is only resolved to 5.7e-14°, i.e. 5e-9 pixel at HST's 0.04″).
 * CSC's forward and inverse are independent polynomial fits (Paper II §5.6.2, errors up to ~1′,
 * here 0.17 pixel); AIR's inverse is iterative (regula falsi to 1e-15, tighter than wcslib's 1e-12).
 */
function tolerance(wcs: Wcs): number {
  if (wcs.projectionCode === 'CSC') return 0.5;
  if (wcs.projectionCode === 'AIR') return 1e-9;
  return Math.max(1e-9, (4 * 5.7e-14) / wcs.pixelScaleDeg);
}

/** Worst pixel → sky → pixel error over an n×n grid inside the image (pixels). */
function roundTripError(wcs: Wcs, n = 15): { worst: number; finite: number } {
  const [n1, n2] = [wcs.naxis[0] || 100, wcs.naxis[1] || 100];
  const x = new Float64Array(n * n);
  const y = new Float64Array(n * n);
  for (let j = 0; j < n; j++)
    for (let i = 0; i < n; i++) {
      x[j * n + i] = 0.5 + (n1 * i) / (n - 1);
      y[j * n + i] = 0.5 + (n2 * j) / (n - 1);
    }
  const sky = wcs.pixToSkyMany(x, y);
  const back = wcs.skyToPixMany(sky.lon, sky.lat);
  let worst = 0;
  let finite = 0;
  for (let k = 0; k < x.length; k++) {
    if (Number.isNaN(sky.lon[k])) continue;
    finite++;
    worst = Math.max(worst, Math.abs(back.x[k] - x[k]), Math.abs(back.y[k] - y[k]));
  }
  return { worst, finite };
}

describeShared('round trips over ../shared/data/wcs-headers', () => {
  const dir = sharedPath('wcs-headers');
  // invalid_header.hdr has broken keywords (CRTYPE1, _RVAL1 …) but a valid TAN WCS further down.
  const files = readdirSync(dir).filter((f) => f.endsWith('.hdr'));
  for (const f of files) {
    it(`${f}: pixel → sky → pixel within tolerance`, () => {
      const h = headerFromText(readFileSync(`${dir}/${f}`, 'latin1'));
      const wcs = Wcs.fromHeader(h, { file: f });
      const { worst, finite } = roundTripError(wcs);
      // zpn-hole and outside_sky have most of the grid off the projection by design.
      expect(finite).toBeGreaterThan(f === 'zpn-hole.hdr' || f === 'outside_sky.hdr' ? 0 : 100);
      expect(worst).toBeLessThan(tolerance(wcs));
    });
  }
});

describe('round trips over the fixture headers (distortions included)', () => {
  for (const fx of loadFixtures().filter((f) => f.celestial)) {
    it(`${fx.name}: pixel → sky → pixel within tolerance`, () => {
      const wcs = Wcs.fromHeader(headerFromCards(fx.cards));
      const { worst, finite } = roundTripError(wcs);
      expect(finite).toBeGreaterThan(0);
      expect(worst).toBeLessThan(tolerance(wcs));
    });

    it(`${fx.name}: toHeader() rebuilds the same transform`, () => {
      const wcs = Wcs.fromHeader(headerFromCards(fx.cards));
      if (wcs.projectionCode === 'TNX') return; // WAT strings are not re-emitted (documented limitation)
      const copy = Wcs.fromHeader(wcs.toHeader() as Header);
      const x = Float64Array.of(1, 10.5, 33, (wcs.naxis[0] || 100) / 2);
      const y = Float64Array.of(1, 20.25, 7, (wcs.naxis[1] || 100) / 2);
      const a = wcs.pixToSkyMany(x, y);
      const b = copy.pixToSkyMany(x, y);
      for (let k = 0; k < x.length; k++) {
        expect(Number.isNaN(b.lon[k])).toBe(Number.isNaN(a.lon[k]));
        if (Number.isNaN(a.lon[k])) continue;
        expect(b.lon[k]).toBeCloseTo(a.lon[k], 10);
        expect(b.lat[k]).toBeCloseTo(a.lat[k], 10);
      }
      expect(copy.frame).toEqual(wcs.frame);
    });
  }
});
