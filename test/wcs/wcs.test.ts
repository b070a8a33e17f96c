/** Header reading rules: precedence of CD/PC/CROTA2, N-D headers, alternate WCS, frames, LONPOLE. */
import { describe, expect, it } from 'vitest';
import { Wcs } from '../../src/wcs/wcs.js';
import { headerFrom } from './helpers.js';

const base = { NAXIS: 2, NAXIS1: 200, NAXIS2: 100, CTYPE1: 'RA---TAN', CTYPE2: 'DEC--TAN', CRVAL1: 150, CRVAL2: 30, CRPIX1: 100.5, CRPIX2: 50.5 };

describe('linear part', () => {
  it('CD wins over PC/CDELT', () => {
    const w = Wcs.fromHeader(headerFrom({ ...base, CDELT1: -1, CDELT2: 1, PC1_1: 1, PC2_2: 1, CD1_1: -0.001, CD1_2: 0, CD2_1: 0, CD2_2: 0.002 }));
    expect(w.cd).toEqual([[-0.001, 0], [0, 0.002]]);
    expect(w.pixelScaleDeg).toBeCloseTo(Math.sqrt(2e-6), 15);
  });

  it('PC defaults to identity and scales by CDELT', () => {
    const w = Wcs.fromHeader(headerFrom({ ...base, CDELT1: -0.001, CDELT2: 0.001, PC1_2: 0.5 }));
    expect(w.cd).toEqual([[-0.001, -0.0005], [0, 0.001]]);
  });

  it('CROTA2 rotates when neither PC nor CD is present (Paper II eq. 188)', () => {
    const w = Wcs.fromHeader(headerFrom({ ...base, CDELT1: -0.001, CDELT2: 0.001, CROTA2: 30 }));
    const c = Math.cos(Math.PI / 6);
    const s = Math.sin(Math.PI / 6);
    expect(w.cd[0][0]).toBeCloseTo(-0.001 * c, 15);
    expect(w.cd[0][1]).toBeCloseTo(-0.001 * -s * (0.001 / -0.001), 15);
    expect(w.cd[1][0]).toBeCloseTo(0.001 * s * (-0.001 / 0.001), 15);
    expect(w.cd[1][1]).toBeCloseTo(0.001 * c, 15);
    const ignored = Wcs.fromHeader(headerFrom({ ...base, CDELT1: -0.001, CDELT2: 0.001, CROTA2: 30, PC1_1: 1 }));
    expect(ignored.cd.flat().map((v) => v + 0)).toEqual([-0.001, 0, 0, 0.001]);
  });

  it('the reference pixel maps to CRVAL', () => {
    const w = Wcs.fromHeader(headerFrom({ ...base, CDELT1: -0.001, CDELT2: 0.001 }));
    const [l, b] = w.pixToSky(100.5, 50.5);
    expect(l).toBeCloseTo(150, 12);
    expect(b).toBeCloseTo(30, 12);
  });
});

describe('axes, alternates and frames', () => {
  it('finds the celestial pair on axes 2 and 3 of a cube, in either order', () => {
    const h = headerFrom({
      NAXIS: 3, NAXIS1: 10, NAXIS2: 20, NAXIS3: 30,
      CTYPE1: 'FREQ', CTYPE2: 'DEC--SIN', CTYPE3: 'RA---SIN',
      CRVAL2: -30, CRVAL3: 45, CRPIX2: 10, CRPIX3: 15, CDELT2: 0.01, CDELT3: -0.01, CRVAL1: 1e9, CDELT1: 1e6,
    });
    const w = Wcs.fromHeader(h);
    expect([w.lonAxis, w.latAxis]).toEqual([3, 2]);
    // x runs along axis 2 (declination), y along axis 3 (RA).
    const [l, b] = w.pixToSky(10, 15);
    expect(l).toBeCloseTo(45, 12);
    expect(b).toBeCloseTo(-30, 12);
    const [l2, b2] = w.pixToSky(11, 15);
    expect(l2).toBeCloseTo(45, 10);
    expect(b2).toBeCloseTo(-29.99, 6);
    const [x, y] = w.skyToPix(l2, b2);
    expect(x).toBeCloseTo(11, 9);
    expect(y).toBeCloseTo(15, 9);
    expect(w.naxis).toEqual([10, 20, 30]);
  });

  it('reads an alternate description (CTYPE1A …) with opts.alt', () => {
    const h = headerFrom({ ...base, CDELT1: -0.001, CDELT2: 0.001, CTYPE1A: 'GLON-CAR', CTYPE2A: 'GLAT-CAR', CRVAL1A: 5, CRVAL2A: 0, CRPIX1A: 1, CRPIX2A: 1, CDELT1A: -0.01, CDELT2A: 0.01 });
    const w = Wcs.fromHeader(h, { alt: 'A' });
    expect(w.frame).toEqual({ system: 'galactic' });
    expect(w.pixToSky(1, 1)[0]).toBeCloseTo(5, 12);
    expect(Wcs.fromHeader(h).frame).toEqual({ system: 'icrs' });
  });

  it('applies the Paper II frame defaults', () => {
    const f = (extra: Record<string, string | number>) => Wcs.fromHeader(headerFrom({ ...base, CDELT1: -1e-3, CDELT2: 1e-3, ...extra })).frame;
    expect(f({})).toEqual({ system: 'icrs' });
    expect(f({ EQUINOX: 1950 })).toEqual({ system: 'fk4', equinox: 1950 });
    expect(f({ EQUINOX: 2000 })).toEqual({ system: 'fk5', equinox: 2000 });
    expect(f({ EPOCH: 1950 })).toEqual({ system: 'fk4', equinox: 1950 });
    expect(f({ RADESYS: 'FK5' })).toEqual({ system: 'fk5', equinox: 2000 });
    expect(f({ RADESYS: 'FK4' })).toEqual({ system: 'fk4', equinox: 1950 });
    expect(f({ RADESYS: 'ICRS', EQUINOX: 2000 })).toEqual({ system: 'icrs' });
    expect(f({ CTYPE1: 'ELON-TAN', CTYPE2: 'ELAT-TAN' })).toEqual({ system: 'ecliptic', equinox: 2000 });
    expect(f({ CTYPE1: 'SLON-TAN', CTYPE2: 'SLAT-TAN' })).toEqual({ system: 'supergalactic' });
  });

  it('uses LONPOLE: a 180° rotation flips the image about CRVAL', () => {
    const h0 = { ...base, CDELT1: -1e-3, CDELT2: 1e-3 };
    const a = Wcs.fromHeader(headerFrom(h0));
    const b = Wcs.fromHeader(headerFrom({ ...h0, LONPOLE: 0 }));
    const [la, ba] = a.pixToSky(110.5, 60.5);
    const [lb, bb] = b.pixToSky(90.5, 40.5);
    expect(lb).toBeCloseTo(la, 10);
    expect(bb).toBeCloseTo(ba, 10);
  });

  it('normalises longitudes to [0, 360) and gives NaN off the projection', () => {
    const w = Wcs.fromHeader(headerFrom({ ...base, CRVAL1: 0.0001, CDELT1: -1e-3, CDELT2: 1e-3, CTYPE1: 'RA---SIN', CTYPE2: 'DEC--SIN' }));
    const [l] = w.pixToSky(200, 50.5);
    expect(l).toBeGreaterThan(359);
    expect(l).toBeLessThan(360);
    // SIN ends at an intermediate radius of 180/π degrees: 1e5 pixels of 0.001° is beyond it.
    expect(w.pixToSky(100.5 + 1e5, 50.5)).toEqual([NaN, NaN]);
    expect(w.skyToPix(180, -30)).toEqual([NaN, NaN]);
  });

  it('vectorised calls write into the caller’s arrays (in place allowed)', () => {
    const w = Wcs.fromHeader(headerFrom({ ...base, CDELT1: -1e-3, CDELT2: 1e-3 }));
    const x = Float64Array.of(1, 50, 200);
    const y = Float64Array.of(1, 70, 100);
    const single = [0, 1, 2].map((i) => w.pixToSky(x[i], y[i]));
    const out = w.pixToSkyMany(x, y, { lon: x, lat: y });
    expect(out.lon).toBe(x);
    single.forEach(([l, b], i) => {
      expect(x[i]).toBe(l);
      expect(y[i]).toBe(b);
    });
  });
});
