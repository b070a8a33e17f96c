import { describe, expect, it } from 'vitest';
import { Header } from '../../src/fits/header.js';
import { readTemplate } from '../../src/tables/template.js';
import { imgtbl } from '../../src/stages/imgtbl.js';
import {
  convexHull,
  gnomonicForward,
  gnomonicInverse,
  headerForFootprints,
  makeHeader,
  minimumAreaBox,
  type MakeHdrResult,
} from '../../src/stages/make-hdr.js';
import { Wcs } from '../../src/wcs/wcs.js';
import { Random } from '../../src/sim/random.js';
import { describeShared, sharedPath } from '../helpers/shared.js';

/** Every (ra, dec) must fall inside the header's pixel grid (with `slack` pixels). */
function expectInside(res: MakeHdrResult, ra: number[], dec: number[], slack = 1e-6): void {
  const wcs = Wcs.fromHeader(res.header);
  const p = wcs.skyToPixMany(Float64Array.from(ra), Float64Array.from(dec));
  for (let i = 0; i < ra.length; i++) {
    expect(p.x[i]).toBeGreaterThanOrEqual(0.5 - slack);
    expect(p.x[i]).toBeLessThanOrEqual(res.naxis1 + 0.5 + slack);
    expect(p.y[i]).toBeGreaterThanOrEqual(0.5 - slack);
    expect(p.y[i]).toBeLessThanOrEqual(res.naxis2 + 0.5 + slack);
  }
}

/** Rotation difference modulo 360, degrees. */
function angleDiff(a: number, b: number): number {
  return Math.abs(((a - b + 540) % 360) - 180);
}

describe('tangent-plane geometry', () => {
  it('gnomonic forward and inverse round-trip to 1e-12 deg', () => {
    const rng = new Random(3);
    for (let k = 0; k < 200; k++) {
      const lon0 = rng.uniform(0, 360), lat0 = rng.uniform(-89, 89);
      const [xi, eta] = [rng.uniform(-5, 5), rng.uniform(-5, 5)];
      const [lon, lat] = gnomonicInverse(lon0, lat0, xi, eta);
      const [x2, y2] = gnomonicForward(lon0, lat0, lon, lat);
      expect(Math.abs(x2 - xi)).toBeLessThan(1e-9);
      expect(Math.abs(y2 - eta)).toBeLessThan(1e-9);
    }
  });
  it('convex hull of a square with interior points is its 4 corners', () => {
    const hull = convexHull([0, 1, 1, 0, 0.5, 0.2], [0, 0, 1, 1, 0.5, 0.7]);
    expect(hull).toHaveLength(4);
  });
  it('minimum-area box of a rotated rectangle recovers its rotation and size', () => {
    const rho = 12; // degrees, as CROTA2
    const c = Math.cos((rho * Math.PI) / 180), s = Math.sin((rho * Math.PI) / 180);
    const r = [-c, -s], u = [-s, c];
    const pts: Array<[number, number]> = [[-2, -1], [2, -1], [2, 1], [-2, 1]].map(([a, b]) => [a * r[0] + b * u[0], a * r[1] + b * u[1]]);
    const box = minimumAreaBox(convexHull(pts.map((p) => p[0]), pts.map((p) => p[1])));
    expect(box.rho).toBeCloseTo(rho, 9);
    expect(box.sMax - box.sMin).toBeCloseTo(4, 9);
    expect(box.tMax - box.tMin).toBeCloseTo(2, 9);
  });
});

describe('headerForFootprints', () => {
  /** Footprint of a synthetic rotated TAN image. */
  function image(ra: number, dec: number, rot: number, n1: number, n2: number, cdelt: number) {
    const h = new Header()
      .set('NAXIS', 2).set('NAXIS1', n1).set('NAXIS2', n2)
      .set('CTYPE1', 'RA---TAN').set('CTYPE2', 'DEC--TAN')
      .set('CRVAL1', ra).set('CRVAL2', dec).set('CRPIX1', (n1 + 1) / 2).set('CRPIX2', (n2 + 1) / 2)
      .set('CDELT1', -cdelt).set('CDELT2', cdelt).set('CROTA2', rot);
    const w = Wcs.fromHeader(h);
    const xs = Float64Array.of(0.5, n1 + 0.5, n1 + 0.5, 0.5), ys = Float64Array.of(0.5, 0.5, n2 + 0.5, n2 + 0.5);
    const s = w.pixToSkyMany(xs, ys);
    return { lon: Array.from(s.lon), lat: Array.from(s.lat), cdeltDeg: cdelt };
  }

  it('covers one rotated image exactly, recovering its rotation, centre and size', () => {
    const fp = image(150, 30, 20, 400, 200, 1e-3);
    const res = headerForFootprints([fp]);
    expect(angleDiff(res.posang, 20)).toBeLessThan(1e-6);
    expect(Math.abs(res.clon - 150)).toBeLessThan(1e-8);
    expect(Math.abs(res.clat - 30)).toBeLessThan(1e-8);
    expect([res.naxis1, res.naxis2]).toEqual([400, 200]);
    expectInside(res, fp.lon, fp.lat);
  });

  it('north-up covers the same image with a larger unrotated box', () => {
    const fp = image(150, 30, 20, 400, 200, 1e-3);
    const res = headerForFootprints([fp], { northUp: true, padPixels: 3 });
    expect(res.posang).toBe(0);
    expect(res.naxis1).toBeGreaterThan(400);
    expectInside(res, fp.lon, fp.lat, -2.9); // 3 px padding on every side
  });

  it('works across RA = 0 and near the pole', () => {
    for (const [ra, dec] of [[359.9, 10], [0.05, -20], [45, 89.5]]) {
      const fps = [image(ra, dec, 0, 300, 300, 1e-3), image(ra + 0.2, dec - 0.1, 5, 300, 300, 1e-3)];
      const res = headerForFootprints(fps);
      for (const f of fps) expectInside(res, f.lon, f.lat);
    }
  });

  it('uses the given pixel scale, and rejects a bad one', () => {
    const fp = image(10, 10, 0, 100, 100, 1e-3);
    expect(headerForFootprints([fp], { cdeltDeg: 2e-3 }).naxis1).toBe(50);
    expect(() => headerForFootprints([fp], { cdeltDeg: -1 })).toThrow(/Expected positive number for cdeltDeg/);
  });

  it('writes galactic and ecliptic CTYPEs', () => {
    const fp = image(10, 10, 0, 100, 100, 1e-3);
    expect(headerForFootprints([fp], { system: 'gal' }).header.string('CTYPE1')).toBe('GLON-TAN');
    expect(headerForFootprints([fp], { system: 'ecl' }).header.string('CTYPE2')).toBe('ELAT-TAN');
  });
});

describeShared('makeHeader on real data', () => {
  for (const set of ['2mass-j-orion-0.25deg', '2mass-j-orion-east-2nights']) {
    it(`${set}: agrees with montage-reference/template.hdr and covers every image`, async () => {
      const ref = await readTemplate(sharedPath(set, 'montage-reference', 'template.hdr'));
      const { table } = await imgtbl(sharedPath(set));
      const res = await makeHeader(table, { imageDir: sharedPath(set) });
      expect(res.fromFiles).toBe(table.rows.length);
      expect(Math.abs(res.naxis1 - ref.int('NAXIS1')!)).toBeLessThanOrEqual(3);
      expect(Math.abs(res.naxis2 - ref.int('NAXIS2')!)).toBeLessThanOrEqual(3);
      expect(Math.abs(res.clon - ref.number('CRVAL1')!)).toBeLessThan(1e-4);
      expect(Math.abs(res.clat - ref.number('CRVAL2')!)).toBeLessThan(1e-4);
      expect(angleDiff(res.posang, ref.number('CROTA2')!)).toBeLessThan(0.01);
      for (const r of table.rows) {
        const ks = ['1', '2', '3', '4'];
        expectInside(res, ks.map((k) => r[`ra${k}`] as number), ks.map((k) => r[`dec${k}`] as number));
      }
    });
  }

  it('DECam TPV stack: a small header on the true 10″×13″ patch (Montage: 15241×327, a degree off)', async () => {
    const dir = sharedPath('decam-tpv-stack');
    const { table } = await imgtbl(dir);
    const res = await makeHeader(table, { imageDir: dir });
    expect(res.fromFiles).toBe(8);
    expect(Math.abs(res.clon - 244.7796)).toBeLessThan(1e-4);
    expect(Math.abs(res.clat - 12.0724)).toBeLessThan(1e-4);
    // 0.262″ pixels: about 51 × 41, nothing like Montage's 15241 × 327.
    expect(res.naxis1).toBeLessThan(60);
    expect(res.naxis2).toBeLessThan(60);
    expect(res.lonsize * 3600).toBeLessThan(16);
    expect(res.latsize * 3600).toBeLessThan(16);
    for (const r of table.rows) {
      const ks = ['1', '2', '3', '4'];
      expectInside(res, ks.map((k) => r[`ra${k}`] as number), ks.map((k) => r[`dec${k}`] as number), 0.01);
    }
  });

  it('falls back to the table corners when the files are missing', async () => {
    const set = sharedPath('2mass-j-orion-0.25deg');
    const { table } = await imgtbl(set);
    const a = await makeHeader(table, { imageDir: set });
    const b = await makeHeader(table, { imageDir: '/nonexistent' });
    expect(b.fromFiles).toBe(0);
    expect(Math.abs(a.clon - b.clon)).toBeLessThan(1e-5);
    expect(Math.abs(a.naxis1 - b.naxis1)).toBeLessThanOrEqual(1);
  });
});
