import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Header } from '../../src/fits/header.js';
import { readIpacTable } from '../../src/tables/ipac.js';
import { parseIpacTable } from '../../src/tables/ipac.js';
import {
  IMAGE_TABLE_COLUMNS,
  formatDecDms,
  formatImageTable,
  formatRaHms,
  imgtbl,
  rotationFromMatrix,
  scaleRotationFromHeader,
} from '../../src/stages/imgtbl.js';
import { describeShared, sharedPath } from '../helpers/shared.js';

describe('sexagesimal columns', () => {
  it.each([
    [84.070502, '05h 36m 16.92s'],
    [0, '00h 00m 00.00s'],
    [359.9999999, '00h 00m 00.00s'],
    [244.779561, '16h 19m 07.09s'],
  ])('cra of %f is %s', (ra, s) => expect(formatRaHms(ra)).toBe(s));
  it.each([
    [-5.5226297, '-05d 31m 21.5s'],
    [30.6309725, '+30d 37m 51.5s'],
    [-0.01, '-00d 00m 36.0s'],
  ])('cdec of %f is %s', (dec, s) => expect(formatDecDms(dec)).toBe(s));
});

describe('cdelt and crota2 as WCSTools derives them', () => {
  it('takes CDELT/CROTA2 as written', () => {
    const h = new Header().set('CDELT1', -2.7777778e-4).set('CDELT2', 2.7777778e-4).set('CROTA2', 0.0245);
    expect(scaleRotationFromHeader(h)).toEqual({ cdelt1: -2.7777778e-4, cdelt2: 2.7777778e-4, crota2: 0.0245 });
  });
  it('reads a north-up CD matrix as cdelt1 < 0, rotation 0', () => {
    const r = rotationFromMatrix([-1e-4, 0, 0, 1e-4], 1e-4, 1e-4);
    expect(r.cdelt1).toBeCloseTo(-1e-4, 12);
    expect(r.cdelt2).toBeCloseTo(1e-4, 12);
    expect(r.crota2).toBeCloseTo(0, 9);
  });
  it('returns undefined without any scale keyword (plate solutions are measured instead)', () => {
    expect(scaleRotationFromHeader(new Header().set('PLTRAH', 8))).toBeUndefined();
  });
});

describe('imgtbl inputs', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });
  it('fails with E_EMPTY_DIR on a folder without FITS files', async () => {
    const d = await mkdtemp(join(tmpdir(), 'imgtbl-'));
    dirs.push(d);
    await mkdir(join(d, 'sub'));
    await expect(imgtbl(d)).rejects.toMatchObject({ code: 'E_EMPTY_DIR' });
  });
  it('fails with E_FILE_NOT_FOUND on a missing folder', async () => {
    await expect(imgtbl('/nonexistent/folder')).rejects.toMatchObject({ code: 'E_FILE_NOT_FOUND' });
  });
});

/** Rows of a table keyed by fname. */
function byName(rows: Array<Record<string, unknown>>): Map<string, Record<string, unknown>> {
  return new Map(rows.map((r) => [String(r.fname), r]));
}

const NUMERIC = ['ra', 'dec', 'naxis1', 'naxis2', 'crpix1', 'crpix2', 'crval1', 'crval2', 'cdelt1', 'cdelt2', 'crota2', 'equinox', 'naxis', 'size', 'hdu'];

describeShared('imgtbl on the 2MASS sets agrees with Montage', () => {
  for (const set of ['2mass-j-orion-0.25deg', '2mass-j-orion-east-2nights']) {
    it(`${set}: every numeric column matches montage-reference/images.tbl`, async () => {
      const ref = await readIpacTable(sharedPath(set, 'montage-reference', 'images.tbl'));
      const res = await imgtbl(sharedPath(set));
      expect(res).toMatchObject({ count: ref.rows.length, nfile: ref.rows.length, nhdu: ref.rows.length, badfits: 0, badwcs: 0 });
      const ours = byName(res.rows);
      for (const r of ref.rows) {
        const o = ours.get(String(r.fname))!;
        expect(o, String(r.fname)).toBeDefined();
        for (const k of NUMERIC) {
          const tol = k === 'ra' || k === 'dec' || k.startsWith('crval') ? 1e-6 : k.startsWith('cdelt') ? 1e-15 : 1e-5;
          expect(Math.abs((o[k] as number) - (r[k] as number)), `${r.fname} ${k}`).toBeLessThanOrEqual(tol);
        }
        expect(o.cra).toBe(r.cra);
        expect(o.cdec).toBe(r.cdec);
        expect(o.ctype1).toBe(r.ctype1);
      }
    });
  }

  it('corners are the outer pixel edges (astropy all_pix2world, origin 1) to 1e-6 deg', async () => {
    const res = await imgtbl(sharedPath('2mass-j-orion-0.25deg'));
    const o = byName(res.rows).get('2mass-atlas-001124n-j0890244.fits.gz')!;
    // astropy 5.2.1: pixels (0.5, 0.5) and (512.5, 1024.5). `mImgtbl -c` (Debian Montage 6.0) gives the
    // same ra3/dec3 (83.9988755, -5.3802946) but puts the low-edge corners one pixel further out
    // (ra1/dec1 84.1421629, -5.6649561 = astropy's pixel (-0.5, -0.5)), a WCSTools off-by-one we do not copy.
    expect(Math.abs((o.ra1 as number) - 84.14188365)).toBeLessThan(1e-6);
    expect(Math.abs((o.dec1 as number) - -5.6646785)).toBeLessThan(1e-6);
    expect(Math.abs((o.ra3 as number) - 83.99887553)).toBeLessThan(1e-6);
    expect(Math.abs((o.dec3 as number) - -5.38029461)).toBeLessThan(1e-6);
  });

  it('reproduces mImgtbl cdelt/crota2 from a DECam CD matrix', async () => {
    const res = await imgtbl([sharedPath('decam-tpv-stack', 'c4d_180908_000426_ooi_g_ls9.N10.fits')]);
    expect(res).toMatchObject({ count: 1, nhdu: 2, badwcs: 1 });
    const r = res.rows[0];
    // mImgtbl: -7.2863714306e-05 -7.2856813609e-05 270.1560431, centre 244.7795610 12.0724265.
    expect(r.cdelt1 as number).toBeCloseTo(-7.2863714306e-5, 14);
    expect(r.cdelt2 as number).toBeCloseTo(-7.2856813609e-5, 14);
    expect(Math.abs((r.crota2 as number) - 270.1560431)).toBeLessThan(1e-6);
    expect(Math.abs((r.ra as number) - 244.779561)).toBeLessThan(2e-5);
    expect(Math.abs((r.dec as number) - 12.0724265)).toBeLessThan(2e-5);
  });

  it('writes Montage column names in Montage order, and the text reads back', async () => {
    const res = await imgtbl(sharedPath('2mass-j-orion-0.25deg'));
    const text = formatImageTable(res.table);
    const back = parseIpacTable(text);
    expect(back.columns.map((c) => c.name)).toEqual(IMAGE_TABLE_COLUMNS.map((c) => c.name));
    expect(back.rows).toHaveLength(10);
    expect(back.rows[0].naxis3).toBeNull();
    expect(text).not.toContain('null');
    // Montage's plain-table columns appear in the same relative order.
    const ref = await readIpacTable(sharedPath('2mass-j-orion-0.25deg', 'montage-reference', 'images.tbl'));
    const ourOrder = back.columns.map((c) => c.name).filter((n) => ref.columns.some((c) => c.name === n));
    expect(ourOrder).toEqual(ref.columns.map((c) => c.name));
  });
});

describeShared('imgtbl on the singles', () => {
  it('accepts HPX and the DSS plate, counts empty primaries and non-celestial HDUs as badwcs', async () => {
    const res = await imgtbl(sharedPath('singles'));
    // Montage: count=23, nhdu=32, badwcs=9 (it also rejects 1904-66_HPX and M6707HH).
    expect(res).toMatchObject({ count: 25, nfile: 23, nhdu: 32, badfits: 0, badwcs: 7 });
    const rows = byName(res.rows);
    expect(rows.get('1904-66_HPX.fits')?.ctype1).toBe('RA---HPX');
    const dss = rows.get('M6707HH.fits')!;
    // M67 is at RA 132.83, Dec +11.81.
    expect(Math.abs((dss.ra as number) - 132.83)).toBeLessThan(0.05);
    expect(Math.abs((dss.dec as number) - 11.81)).toBeLessThan(0.05);
    const wfpc2 = res.failures.filter((f) => f.file === 'astropy_test0_wfpc2_mef.fits').map((f) => f.hdu);
    expect(wfpc2).toEqual([0, 1]);
    const comp = rows.get('astropy_comp_tilecompressed.fits')!;
    expect([comp.naxis1, comp.naxis2, comp.hdu]).toEqual([440, 300, 1]);
  });

  it('converts galactic images to J2000 equatorial ra/dec', async () => {
    const res = await imgtbl([sharedPath('singles', 'gc_msx_e.fits')]);
    const r = res.rows[0];
    // Montage: 266.4129390 -28.9293788 (its older galactic pole differs by ~0.3″).
    expect(Math.abs((r.ra as number) - 266.412939)).toBeLessThan(3e-4);
    expect(Math.abs((r.dec as number) - -28.9293788)).toBeLessThan(3e-4);
    expect(r.fname).toBe(sharedPath('singles', 'gc_msx_e.fits'));
  });
});
