/**
 * Agreement with wcslib 7.12 (through astropy 5.2.1): pixel → sky on a grid that includes
 * off-image and off-projection pixels, and sky → pixel, for every fixture in
 * data/fixtures/wcs (made by scripts/fixtures/wcs-fixtures.py).
 * Tolerances: 1e-9 deg on the sky (longitude scaled by cos(lat)); NaN exactly where wcslib says
 * "invalid"; 1e-7 pixel for sky → pixel (wcslib's own iteration stops at 1e-12 of a pixel, and the
 * 12-decimal rounding of the fixture sky points is amplified by the pixel scale).
 */
import { describe, expect, it } from 'vitest';
import { Wcs } from '../../src/wcs/wcs.js';
import { headerFromCards, loadFixtures, lonDiff } from './helpers.js';

const fixtures = loadFixtures();

/**
 * Sky → pixel tolerance per projection, pixels (default 1e-7). Empty: CSC, which wcslib evaluates
 * in single precision, is reproduced float step by float step and meets the default too.
 */
const SKY_TO_PIX_TOL: Record<string, number> = {};

/** Pixel extent of the image a fixture describes (for the distorted-model sky → pixel rule). */
function extentOf(fx: { pix?: Array<[number, number]> }): number {
  const p = fx.pix!;
  return Math.max(...p.slice(0, 144).map((q) => Math.max(Math.abs(q[0]), Math.abs(q[1]))));
}

describe('WCS agrees with wcslib (astropy fixtures)', () => {
  it('has the fixtures', () => {
    expect(fixtures.length).toBeGreaterThan(50);
  });

  for (const fx of fixtures.filter((f) => !f.celestial)) {
    it(`${fx.name}: no celestial WCS → E_WCS_MISSING`, () => {
      const h = headerFromCards(fx.cards);
      expect(() => Wcs.fromHeader(h)).toThrowError(expect.objectContaining({ code: 'E_WCS_MISSING' }));
      expect(Wcs.tryFromHeader(h)).toBeUndefined();
    });
  }

  for (const fx of fixtures.filter((f) => f.celestial)) {
    it(`${fx.name} (${fx.ctype?.[0]}): pixel → sky`, () => {
      const wcs = Wcs.fromHeader(headerFromCards(fx.cards));
      const pix = fx.pix!;
      const x = Float64Array.from(pix, (p) => p[0]);
      const y = Float64Array.from(pix, (p) => p[1]);
      const { lon, lat } = wcs.pixToSkyMany(x, y);
      let worst = 0;
      const nanMismatch: string[] = [];
      fx.world!.forEach(([wl, wb], i) => {
        const ourNaN = Number.isNaN(lon[i]);
        if ((wl === null) !== ourNaN) {
          nanMismatch.push(`(${pix[i][0]}, ${pix[i][1]}): wcslib ${wl === null ? 'NaN' : `${wl},${wb}`} ours ${lon[i]},${lat[i]}`);
          return;
        }
        if (wl === null || wb === null) return;
        const dl = Math.abs(lonDiff(lon[i], wl)) * Math.cos((wb * Math.PI) / 180);
        const d = Math.max(Math.abs(lat[i] - wb), Math.abs(wb) > 89.9999 ? 0 : dl);
        worst = Math.max(worst, d);
      });
      expect(nanMismatch).toEqual([]);
      expect(worst).toBeLessThan(1e-9);
    });

    it(`${fx.name} (${fx.ctype?.[0]}): sky → pixel`, () => {
      const wcs = Wcs.fromHeader(headerFromCards(fx.cards));
      const sky = fx.sky!;
      const lon = Float64Array.from(sky, (p) => p[0]);
      const lat = Float64Array.from(sky, (p) => p[1]);
      const { x, y } = wcs.skyToPixMany(lon, lat);
      const code = fx.cards.find((c) => c.startsWith('CTYPE1'))?.slice(16, 19) ?? '';
      const tol = SKY_TO_PIX_TOL[code] ?? 1e-7;
      // A distortion polynomial far outside its image has spurious or no solutions, and wcslib's
      // answer there (a number or NaN) depends on its iteration: compare only within 3 image widths.
      const limit = fx.distorted ? 3 * extentOf(fx) : Infinity;
      let worst = 0;
      const mismatch: string[] = [];
      fx.skyPix!.forEach(([px, py], i) => {
        if (fx.distorted && (px === null || Math.abs(px) > limit || Math.abs(py!) > limit)) return;
        const ourNaN = Number.isNaN(x[i]);
        if ((px === null) !== ourNaN) {
          mismatch.push(`(${sky[i][0]}, ${sky[i][1]}): wcslib ${px},${py} ours ${x[i]},${y[i]}`);
          return;
        }
        if (px === null || py === null) return;
        // Far from the reference point the sky → pixel map stretches (TAN: sec²θ), so the 1e-12°
        // rounding of the stored sky points grows; scale the tolerance with the squared distance.
        const scale = Math.max(1, (Math.hypot(px, py) / 1e4) ** 2);
        worst = Math.max(worst, Math.max(Math.abs(x[i] - px), Math.abs(y[i] - py)) / scale);
      });
      expect(mismatch).toEqual([]);
      expect(worst).toBeLessThan(tol);
    });
  }
});
