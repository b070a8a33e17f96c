/**
 * The background-matching commands end to end on a small synthetic pair of projected images
 * (no shared data needed): status lines, recovered offsets, and errors that name the file.
 * Comparisons with Montage itself are in test/stages/{diff,fit-plane,bgexec}.test.ts.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Header } from '../../src/fits/header.js';
import { readImage } from '../../src/fits/read.js';
import { writeFits } from '../../src/fits/write.js';
import { readIpacTable, writeIpacTable } from '../../src/tables/ipac.js';
import { writeTemplate } from '../../src/tables/template.js';
import { runCli } from '../helpers/run-cli.js';

const W = 40;
const H = 30;
const CRPIX = { crpix1: 20.5, crpix2: 15.5 };
/** Two crops of one sky, with background planes that the chain must remove. */
const TILES = [
  { fname: 'a.fits', x0: 0, width: 25, plane: { a: 0, b: 0, c: 6 } },
  { fname: 'b.fits', x0: 15, width: 25, plane: { a: 0.02, b: 0, c: -4 } },
];
const sky = (X: number, Y: number) => 100 + 20 * Math.sin(X / 3) * Math.cos(Y / 4);

function templateHeader(): Header {
  const h = new Header();
  h.set('SIMPLE', true).set('BITPIX', -64).set('NAXIS', 2).set('NAXIS1', W).set('NAXIS2', H).set('CTYPE1', 'RA---TAN').set('CTYPE2', 'DEC--TAN');
  h.setFloat('CRVAL1', 10).setFloat('CRVAL2', 10).setFloat('CRPIX1', CRPIX.crpix1).setFloat('CRPIX2', CRPIX.crpix2);
  h.setFloat('CDELT1', -1 / 3600).setFloat('CDELT2', 1 / 3600);
  return h;
}

describe('background-matching commands on a synthetic pair', () => {
  let dir: string;
  const p = (...f: string[]) => join(dir, ...f);
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mosaic-bgcli-'));
    const template = templateHeader();
    await writeTemplate(p('template.hdr'), template);
    const rows = [];
    for (const [cntr, t] of TILES.entries()) {
      const h = template.clone();
      h.set('NAXIS1', t.width).set('NAXIS2', H).setFloat('CRPIX1', CRPIX.crpix1 - t.x0);
      const value = new Float64Array(t.width * H);
      for (let j = 0; j < H; j++)
        for (let i = 0; i < t.width; i++) {
          const X = t.x0 + i;
          value[i + t.width * j] = sky(X, j) + t.plane.a * (X - CRPIX.crpix1) + t.plane.b * (j - CRPIX.crpix2) + t.plane.c;
        }
      await writeFits(p(t.fname), { header: h, data: value, shape: [t.width, H] }, { bitpix: -64 });
      await writeFits(p(t.fname.replace('.fits', '_area.fits')), { header: h, data: new Float64Array(t.width * H).fill(2.35e-11), shape: [t.width, H] }, { bitpix: -64 });
      rows.push({ cntr, ctype1: 'RA---TAN', ctype2: 'DEC--TAN', naxis1: t.width, naxis2: H, crval1: 10, crval2: 10, crpix1: CRPIX.crpix1 - t.x0, crpix2: CRPIX.crpix2, cdelt1: -1 / 3600, cdelt2: 1 / 3600, crota2: 0, fname: t.fname });
    }
    const columns = Object.keys(rows[0]).map((name) => ({ name, type: (['ctype1', 'ctype2', 'fname'].includes(name) ? 'char' : name.startsWith('n') || name === 'cntr' ? 'int' : 'double') as 'char' | 'int' | 'double' }));
    await writeIpacTable(p('pimages.tbl'), { keywords: [], comments: [], columns, rows });
  });

  it('overlaps → diffs.tbl with the one pair', async () => {
    const r = await runCli('overlaps', [p('pimages.tbl'), p('diffs.tbl')]);
    expect(r.stdout).toBe('[struct stat="OK", module="mOverlaps", count=1]\n');
    const t = await readIpacTable(p('diffs.tbl'));
    expect(t.rows).toEqual([{ cntr1: 0, cntr2: 1, plus: 'a.fits', minus: 'b.fits', diff: 'diff.000000.000001.fits' }]);
  });

  it('diffexec → the difference of the two planes', async () => {
    const r = await runCli('diffexec', ['-p', dir, p('diffs.tbl'), p('template.hdr'), p('diff')]);
    expect(r.stdout).toBe('[struct stat="OK", module="mDiffExec", count=1, failed=0]\n');
    const d = await readImage(p('diff', 'diff.000000.000001.fits'));
    expect(d.shape).toEqual([10, 29]); // columns 15…24; rows 0…28: as mDiff, the grid's last row is left out
    expect(d.header.number('CRPIX1')).toBe(CRPIX.crpix1 - 15);
    const x = 15 - CRPIX.crpix1;
    expect(d.data[0]).toBeCloseTo(6 - (0.02 * x - 4), 9);
  });

  it('fitexec and difffitexec → fits.tbl with plus − minus = −0.02·x + 10', async () => {
    const r = await runCli('fitexec', [p('diffs.tbl'), p('fits.tbl'), p('diff')]);
    expect(r.stdout).toBe('[struct stat="OK", module="mFitExec", count=1, failed=0, warning=0, missing=0]\n');
    const f = (await readIpacTable(p('fits.tbl'))).rows[0];
    expect(Number(f.a)).toBeCloseTo(-0.02, 6);
    expect(Number(f.b)).toBeCloseTo(0, 6);
    expect(Number(f.c)).toBeCloseTo(10, 4);
    expect(Number(f.npixel)).toBe(290);
    const r2 = await runCli('difffitexec', ['-p', dir, p('diffs.tbl'), p('template.hdr'), p('diff2'), p('fits2.tbl')]);
    expect(r2.stdout).toBe('[struct stat="OK", module="mDiffFitExec", count=1, diff_failed=0, fit_failed=0, warning=0]\n');
    expect(Number((await readIpacTable(p('fits2.tbl'))).rows[0].c)).toBeCloseTo(10, 4);
  });

  it('fitexec counts an absent difference file as missing', async () => {
    const r = await runCli('fitexec', [p('diffs.tbl'), p('fits-missing.tbl'), p('nodiffs')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('[struct stat="OK", module="mFitExec", count=1, failed=0, warning=0, missing=1]\n');
  });

  it('bgmodel → bgexec make the overlap agree; background applies one plane', async () => {
    const r = await runCli('bgmodel', [p('pimages.tbl'), p('fits.tbl'), p('corrections.tbl')]);
    expect(r.stdout).toBe('[struct stat="OK", module="mBgModel"]\n');
    const corr = new Map((await readIpacTable(p('corrections.tbl'))).rows.map((row) => [Number(row.id), row]));
    // Only the difference is determined: (plus − minus) correction = the fitted difference.
    expect(Number(corr.get(0)!.c) - Number(corr.get(1)!.c)).toBeCloseTo(10, 3);
    const r2 = await runCli('bgexec', ['-p', dir, p('pimages.tbl'), p('corrections.tbl'), p('corr')]);
    expect(r2.stdout).toBe('[struct stat="OK", module="mBgExec", count=2, nocorrection=0, failed=0]\n');
    const [a, b] = await Promise.all([readImage(p('corr', 'a.fits')), readImage(p('corr', 'b.fits'))]);
    await readImage(p('corr', 'a_area.fits'));
    let worst = 0;
    for (let j = 0; j < H; j++) for (let X = 15; X < 25; X++) worst = Math.max(worst, Math.abs(a.data[X + 25 * j] - b.data[X - 15 + 25 * j]));
    expect(worst).toBeLessThan(1e-3);
    const r3 = await runCli('background', [p('a.fits'), p('a-bg'), '0', '0', '6']);
    expect(r3.stdout).toMatch(/^\[struct stat="OK", module="mBackground", time=[\d.]+\]\n$/);
    const bg = await readImage(p('a-bg.fits'));
    await readImage(p('a-bg_area.fits'));
    expect(bg.data[0]).toBeCloseTo(sky(0, 0), 9);
  });

  it('bgmodel --slope-prior: noise-free pairs leave nothing for the prior to pull (same corrections); a negative strength is refused', async () => {
    const r = await runCli('bgmodel', ['--slope-prior', '1', p('pimages.tbl'), p('fits.tbl'), p('corrections-prior.tbl')]);
    expect(r.stdout).toBe('[struct stat="OK", module="mBgModel"]\n');
    const plain = (await readIpacTable(p('corrections.tbl'))).rows;
    const prior = (await readIpacTable(p('corrections-prior.tbl'))).rows;
    expect(prior.map((row) => Number(row.id))).toEqual(plain.map((row) => Number(row.id)));
    for (const [k, row] of prior.entries()) for (const c of ['a', 'b', 'c']) expect(Math.abs(Number(row[c]) - Number(plain[k][c]))).toBeLessThan(1e-9);
    const bad = await runCli('bgmodel', ['--slope-prior', '-1', p('pimages.tbl'), p('fits.tbl'), p('x.tbl')]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr + bad.stdout).toMatch(/slope-prior/);
  });

  it('bgmodel -i NITER damps the planes as NITER Montage iterations would: 2500 (all level sweeps) gives levels only, --exact the full slope difference', async () => {
    const levels = await runCli('bgmodel', ['-i', '2500', p('pimages.tbl'), p('fits.tbl'), p('corr-i2500.tbl')]);
    const exact = await runCli('bgmodel', ['--exact', p('pimages.tbl'), p('fits.tbl'), p('corr-exact.tbl')]);
    expect([levels.code, exact.code]).toEqual([0, 0]);
    const rows = async (f: string) => new Map((await readIpacTable(p(f))).rows.map((row) => [Number(row.id), row]));
    const l = await rows('corr-i2500.tbl');
    for (const row of l.values()) expect(Math.abs(Number(row.a)) + Math.abs(Number(row.b))).toBeLessThan(1e-12);
    const e = await rows('corr-exact.tbl');
    // The injected planes differ by a = 0.02 per pixel (plus − minus), as the exact solve finds.
    expect(Number(e.get(0)!.a) - Number(e.get(1)!.a)).toBeCloseTo(-0.02, 6);
  });

  it('bgexec counts images without a correction and copies them unchanged', async () => {
    await writeIpacTable(p('one-correction.tbl'), { keywords: [], comments: [], columns: ['id', 'a', 'b', 'c'].map((name) => ({ name, type: name === 'id' ? 'int' : 'double' })), rows: [{ id: 0, a: 0, b: 0, c: 1 }] });
    const r = await runCli('bgexec', ['-p', dir, p('pimages.tbl'), p('one-correction.tbl'), p('corr1')]);
    expect(r.stdout).toBe('[struct stat="OK", module="mBgExec", count=2, nocorrection=1, failed=0]\n');
    const [orig, copy] = await Promise.all([readImage(p('b.fits')), readImage(p('corr1', 'b.fits'))]);
    expect(Array.from(copy.data)).toEqual(Array.from(orig.data));
  });

  it('background rejects a malformed plane with a usage error', async () => {
    const r = await runCli('background', [p('a.fits'), p('x.fits'), '1', 'two']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/three numbers A B C/);
  });

  describe('a missing input file fails with its name', () => {
    const cases: Array<[string, (d: string) => string[], string]> = [
      ['overlaps', (d) => [join(d, 'nope.tbl'), join(d, 'x.tbl')], 'nope.tbl'],
      ['diffexec', (d) => [join(d, 'nope.tbl'), join(d, 'template.hdr'), join(d, 'x')], 'nope.tbl'],
      ['diffexec', (d) => [join(d, 'diffs.tbl'), join(d, 'nope.hdr'), join(d, 'x')], 'nope.hdr'],
      ['fitexec', (d) => [join(d, 'nope.tbl'), join(d, 'x.tbl'), join(d, 'diff')], 'nope.tbl'],
      ['difffitexec', (d) => [join(d, 'nope.tbl'), join(d, 'template.hdr'), join(d, 'x'), join(d, 'x.tbl')], 'nope.tbl'],
      ['bgmodel', (d) => [join(d, 'pimages.tbl'), join(d, 'nope.tbl'), join(d, 'x.tbl')], 'nope.tbl'],
      ['bgexec', (d) => [join(d, 'pimages.tbl'), join(d, 'nope.tbl'), join(d, 'x')], 'nope.tbl'],
      ['background', (d) => [join(d, 'nope.fits'), join(d, 'x.fits'), '0', '0', '1'], 'nope.fits'],
      ['background', (d) => ['-t', join(d, 'a.fits'), join(d, 'x.fits'), join(d, 'pimages.tbl'), join(d, 'nope.tbl')], 'nope.tbl'],
    ];
    for (const [name, argv, missing] of cases)
      it(`${name} … ${missing}`, async () => {
        const r = await runCli(name, argv(dir));
        expect(r.code).not.toBe(0);
        expect(r.stdout).toMatch(/^\[struct stat="ERROR", msg=".*nope/);
        expect(r.stderr).toContain(join(dir, missing));
      });

    it('diffexec and bgexec fail (E_RUN) when every pair or image fails, naming each failure', async () => {
      const r = await runCli('diffexec', ['-p', join(dir, 'nowhere'), p('diffs.tbl'), p('template.hdr'), p('diff3')]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(join(dir, 'nowhere', 'a.fits'));
      expect(r.stdout).toMatch(/E_RUN/);
      const r2 = await runCli('bgexec', ['-p', join(dir, 'nowhere'), p('pimages.tbl'), p('corrections.tbl'), p('corr3')]);
      expect(r2.code).toBe(1);
      expect(r2.stderr).toContain(join(dir, 'nowhere', 'a.fits'));
    });
  });
});
