/** Binned grids (wcs/binned.ts): the same sky on bigger pixels, and block phases that line grids up. */
import { describe, expect, it } from 'vitest';
import { Wcs } from '../../src/wcs/wcs.js';
import { alignedPhase, binnedBox, binnedHeader, canBin } from '../../src/wcs/binned.js';
import { headerFrom } from './helpers.js';

const base = { NAXIS: 2, NAXIS1: 201, NAXIS2: 100, CTYPE1: 'RA---TAN', CTYPE2: 'DEC--TAN', CRVAL1: 150, CRVAL2: 30, CRPIX1: 100.5, CRPIX2: 50 };
const linearForms = {
  CD: { CD1_1: -2.7e-4, CD1_2: 1e-5, CD2_1: 1.2e-5, CD2_2: 2.8e-4 },
  'CDELT + CROTA2': { CDELT1: -2.7e-4, CDELT2: 2.8e-4, CROTA2: 12 },
  'PC + CDELT': { CDELT1: -2.7e-4, CDELT2: 2.8e-4, PC1_1: 0.99, PC1_2: 0.05, PC2_1: -0.04, PC2_2: 1.01 },
  'SIN with PV': { CTYPE1: 'RA---SIN', CTYPE2: 'DEC--SIN', CD1_1: -2.7e-4, CD1_2: 0, CD2_1: 0, CD2_2: 2.7e-4, PV2_1: 0.01, PV2_2: -0.02 },
};

describe('binnedHeader', () => {
  for (const [name, cards] of Object.entries(linearForms)) {
    for (const [factor, phase] of [[2, [0, 0]], [2, [1, 0]], [3, [2, 1]]] as const) {
      it(`${name}, factor ${factor}, phase ${phase}: binned position P is original position factor·(P − ½) + ½ − phase on the sky`, () => {
        const fine = headerFrom({ ...base, ...cards });
        const coarse = binnedHeader(fine, factor, phase);
        const [wf, wc] = [Wcs.fromHeader(fine), Wcs.fromHeader(coarse)];
        for (const [P, Q] of [[1, 1], [17.25, 3.5], [-4, 40], [68, 34]]) {
          const [lon, lat] = wc.pixToSky(P, Q);
          const [lon2, lat2] = wf.pixToSky(factor * (P - 0.5) + 0.5 - phase[0], factor * (Q - 0.5) + 0.5 - phase[1]);
          expect(Math.abs(lon - lon2) * Math.cos((lat * Math.PI) / 180)).toBeLessThan(1e-11);
          expect(Math.abs(lat - lat2)).toBeLessThan(1e-11);
        }
        expect(coarse.int('NAXIS1')).toBe(Math.ceil((201 + phase[0]) / factor));
        expect(coarse.int('NAXIS2')).toBe(Math.ceil((100 + phase[1]) / factor));
      });
    }
  }

  it('refuses SIP and DSS headers (their polynomials act on pixel offsets)', () => {
    const sip = headerFrom({ ...base, ...linearForms.CD, CTYPE1: 'RA---TAN-SIP', CTYPE2: 'DEC--TAN-SIP', A_ORDER: 2, B_ORDER: 2, A_2_0: 1e-6 });
    expect(canBin(sip)).toBe(false);
    expect(() => binnedHeader(sip, 2)).toThrow(/SIP/);
    expect(canBin(headerFrom({ ...base, ...linearForms.CD, PLTRAH: 1 }))).toBe(false);
    expect(canBin(headerFrom({ ...base, ...linearForms.CD }))).toBe(true);
    // Celestial axes 1 and 2 only (a cube with a spectral first axis is not rebinned).
    expect(canBin(headerFrom({ ...base, ...linearForms.CD, CTYPE1: 'FREQ', CTYPE3: 'RA---TAN' }))).toBe(false);
    expect(canBin(headerFrom({ ...base, ...linearForms.CD, CTYPE1: 'GLON-CAR', CTYPE2: 'GLAT-CAR' }))).toBe(true);
    expect(() => binnedHeader(headerFrom(base), 1.5)).toThrow(RangeError);
  });
});

describe('binnedBox and alignedPhase', () => {
  it('the binned box holds every pixel of the box', () => {
    expect(binnedBox({ x0: 3, y0: 4, width: 5, height: 1 }, 2)).toEqual({ x0: 1, y0: 2, width: 3, height: 1 });
    expect(binnedBox({ x0: 4, y0: 4, width: 4, height: 2 }, 2)).toEqual({ x0: 2, y0: 2, width: 2, height: 1 });
    expect(binnedBox({ x0: 5, y0: 0, width: 0, height: 3 }, 2).width).toBe(0);
  });

  it('tiles cut from a grid at offset (x0, y0) get phase (x0, y0) mod factor: their blocks are the grid\'s', () => {
    const template = Wcs.fromHeader(headerFrom({ ...base, ...linearForms.CD, NAXIS1: 1000, NAXIS2: 1000 }));
    for (const [x0, y0] of [[0, 0], [31, 10], [-7, 44], [120, 121]]) {
      const tile = Wcs.fromHeader(headerFrom({ ...base, ...linearForms.CD, CRPIX1: base.CRPIX1 - x0, CRPIX2: base.CRPIX2 - y0 }));
      for (const factor of [2, 3]) expect(alignedPhase(tile, [201, 100], template, factor)).toEqual([((x0 % factor) + factor) % factor, ((y0 % factor) + factor) % factor]);
    }
  });
});
