/**
 * Agreement with astropy for every image HDU of the real data: data/fixtures/fits-stats.json,
 * made by scripts/fixtures/fits-stats.py (provenance inside). Tolerance: counts and shape exact;
 * min, max, sum and sample values 1e-6 relative (astropy scales BSCALE'd 16-bit data in float32,
 * we in float64; unscaled data agree exactly).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readImage, readImageRows } from '../../src/fits/read.js';
import { describeFits, type ImageHduDescription } from '../../src/fits/describe.js';
import { describeShared, repoDir, sharedPath } from '../helpers/shared.js';

interface Expected {
  index: number;
  bitpix: number;
  shape: number[];
  finite: number;
  nan: number;
  min: number | null;
  max: number | null;
  sum: number;
  samples: Array<[number, number | null]>;
}
const fixture = JSON.parse(readFileSync(resolve(repoDir, 'data/fixtures/fits-stats.json'), 'utf8')) as {
  files: Record<string, Expected[]>;
};

/** Equal within 1e-6 relative (null only equals null). */
function expectClose(got: number | null, want: number | null): void {
  if (want === null || got === null) return expect(got).toBe(want);
  expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-6 * Math.max(1e-30, Math.abs(want)));
}

describe('fits-stats fixture', () => {
  it('covers the singles and both 2MASS sets', () => {
    const names = Object.keys(fixture.files);
    expect(names.filter((n) => n.startsWith('2mass-j-orion-0.25deg/')).length).toBe(10);
    expect(names.filter((n) => n.startsWith('2mass-j-orion-east-2nights/')).length).toBe(12);
    expect(names).toContain('singles/astropy_comp_tilecompressed.fits');
  });
});

describeShared('every image HDU agrees with astropy', () => {
  for (const [file, hdus] of Object.entries(fixture.files)) {
    it(file, async () => {
      const path = sharedPath(file);
      const d = await describeFits(path);
      const images = d.hdus.filter((h): h is ImageHduDescription => 'stats' in h);
      expect(images.map((h) => h.index)).toEqual(hdus.map((h) => h.index));
      for (const want of hdus) {
        const got = images.find((h) => h.index === want.index)!;
        expect(got.shape).toEqual(want.shape);
        expect(got.bitpix).toBe(want.bitpix);
        expect(got.stats.finite).toBe(want.finite);
        expect(got.stats.nan).toBe(want.nan);
        expectClose(got.stats.min, want.min);
        expectClose(got.stats.max, want.max);
        expectClose(got.stats.sum, want.sum);
        const img = await readImage(path, { hdu: want.index });
        for (const [i, v] of want.samples) expectClose(Number.isNaN(img.data[i]) ? null : img.data[i], v);
      }
    });
  }

  it('a band of rows equals the same rows of the whole image (gzip and plain)', async () => {
    for (const f of ['2mass-j-orion-0.25deg/2mass-atlas-001124n-j0850232.fits.gz', 'singles/gc_2mass_k.fits', 'singles/l1448_13co.fits']) {
      const path = sharedPath(f);
      const whole = await readImage(path);
      const band = await readImageRows(path, { y0: 100, rows: 7 });
      const n1 = whole.shape[0];
      expect(Array.from(band.data)).toEqual(Array.from(whole.data.subarray(100 * n1, 107 * n1)));
    }
  });

  it('celestial flags: DSS plate solution yes, WFPC2 hdu 1 (non-celestial) no', async () => {
    const dss = await describeFits(sharedPath('singles/M6707HH.fits'));
    expect((dss.hdus[0] as ImageHduDescription).celestial).toBe(true);
    const wfpc2 = await describeFits(sharedPath('singles/astropy_test0_wfpc2_mef.fits'));
    expect(wfpc2.hdus.map((h) => ('celestial' in h ? h.celestial : null))).toEqual([null, false, true, true, true]);
    const gal = await describeFits(sharedPath('singles/gc_msx_e.fits'));
    expect((gal.hdus[0] as ImageHduDescription).celestial).toBe(true);
  });
});
