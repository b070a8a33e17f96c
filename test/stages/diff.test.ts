import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readImage } from '../../src/fits/read.js';
import { readIpacTable } from '../../src/tables/ipac.js';
import { diffImages } from '../../src/stages/diff.js';
import { BACKGROUND_SETS, describeMontage, montageChain, type MontageChain } from '../helpers/montage-chain.js';
import { runCli } from '../helpers/run-cli.js';

function tile(x0: number, y0: number, width: number, height: number, value: (X: number, Y: number) => number, area = 1) {
  const v = new Float64Array(width * height);
  for (let j = 0; j < height; j++) for (let i = 0; i < width; i++) v[i + width * j] = value(x0 + i, y0 + j);
  return { x0, y0, width, height, value: v, area: new Float64Array(width * height).fill(area) };
}

describe('diffImages', () => {
  it('is plus − minus on the intersection, cropped to it', () => {
    const a = tile(0, 0, 10, 8, (X, Y) => X + 10 * Y);
    const b = tile(6, 3, 10, 8, (X, Y) => 0.5 * X - Y + 3);
    const d = diffImages(a, b);
    expect([d.x0, d.y0, d.width, d.height, d.npixel]).toEqual([6, 3, 4, 5, 20]);
    for (let j = 0; j < d.height; j++)
      for (let i = 0; i < d.width; i++) {
        const X = 6 + i;
        const Y = 3 + j;
        expect(d.value[i + d.width * j]).toBeCloseTo(X + 10 * Y - (0.5 * X - Y + 3), 12);
        expect(d.area[i + d.width * j]).toBe(2);
      }
  });

  it('weights by area: 2·(v₁a₁ − v₂a₂)/(a₁ + a₂)', () => {
    const a = tile(0, 0, 4, 4, () => 3, 1.2);
    const b = tile(0, 0, 4, 4, () => 1, 1.0);
    const d = diffImages(a, b);
    expect(d.value[0]).toBeCloseTo((2 * (3 * 1.2 - 1 * 1.0)) / 2.2, 12);
    expect(d.area[0]).toBeCloseTo(2.2, 15);
  });

  it("drops pixels whose summed area is off Montage's mean by more than a third", () => {
    const a = tile(0, 0, 6, 6, () => 5);
    const b = tile(0, 0, 6, 6, () => 1);
    b.area[0] = 0.2; // 1.2 vs mean ≈ 2 → dropped
    b.area[1] = 0.9; // 1.9 → kept
    const d = diffImages(a, b);
    expect(d.width * d.height).toBe(36);
    expect(d.value[0]).toBeNaN();
    expect(d.area[0]).toBe(0);
    expect(d.value[1]).toBeCloseTo((2 * (5 - 0.9)) / 1.9, 12);
    expect(d.npixel).toBe(35);
  });

  it("averages plus's area over the pixels where plus alone is valid (Montage's ā₁)", () => {
    // plus has large areas where minus is blank: they raise ā₁ enough to reject every pixel.
    const a = tile(0, 0, 4, 1, () => 1);
    a.area.set([1, 1, 9, 9]);
    const b = tile(0, 0, 4, 1, () => 1);
    b.value[2] = NaN;
    b.value[3] = NaN;
    // ā₁ = 5, ā₂ = 1 → kept only if |2 − 6|/6 ≤ 0.333: no.
    expect(() => diffImages(a, b)).toThrow(/blank/);
  });

  it("drops the mosaic's last column and row when given the grid size, as mDiff", () => {
    const a = tile(0, 0, 5, 5, () => 2);
    const b = tile(0, 0, 5, 5, () => 1);
    const d = diffImages(a, b, { mosaicSize: { naxis1: 5, naxis2: 5 } });
    expect([d.width, d.height]).toEqual([4, 4]);
    expect(diffImages(a, b).width).toBe(5);
  });

  it('throws E_NO_OVERLAP for disjoint crops or no common valid pixel', () => {
    expect(() => diffImages(tile(0, 0, 3, 3, () => 1), tile(3, 0, 3, 3, () => 1))).toThrow(expect.objectContaining({ code: 'E_NO_OVERLAP' }));
    const nan = tile(0, 0, 3, 3, () => NaN);
    expect(() => diffImages(tile(0, 0, 3, 3, () => 1), nan)).toThrow(expect.objectContaining({ code: 'E_NO_OVERLAP' }));
  });
});

describeMontage('diffexec against Montage mDiffExec (on Montage’s projected images)', () => {
  for (const set of BACKGROUND_SETS) {
    describe(set, () => {
      let m: MontageChain;
      let ours: string;
      let status: string;
      beforeAll(async () => {
        m = await montageChain(set);
        ours = mkdtempSync(join(tmpdir(), 'mosaic-diffexec-'));
        const r = await runCli('diffexec', ['-p', m.proj, m.diffs, m.template, ours]);
        expect(r.code, r.stderr).toBe(0);
        status = r.stdout.trim();
      }, 600_000);

      it('prints the status line of mDiffExec', () => {
        const theirs = /\[struct stat="OK", module="mDiffExec".*\]/.exec(m.log)![0];
        expect(status).toBe(theirs);
      });

      it('writes the same difference and area images (placement, blanks, values to 1e-6)', async () => {
        const rows = (await readIpacTable(m.diffs)).rows;
        let worstRel = 0;
        let worstAreaRel = 0;
        let finiteMismatch = 0;
        let compared = 0;
        for (const row of rows) {
          const name = String(row.diff);
          const [a, b] = await Promise.all([readImage(join(ours, name)), readImage(join(m.diff, name))]);
          expect(a.shape, name).toEqual(b.shape);
          expect(a.header.number('CRPIX1'), name).toBeCloseTo(b.header.number('CRPIX1')!, 9);
          expect(a.header.number('CRPIX2'), name).toBeCloseTo(b.header.number('CRPIX2')!, 9);
          const [aa, ba] = await Promise.all([readImage(join(ours, name.replace('.fits', '_area.fits'))), readImage(join(m.diff, name.replace('.fits', '_area.fits')))]);
          for (let k = 0; k < a.data.length; k++) {
            const x = a.data[k];
            const y = b.data[k];
            if (Number.isFinite(x) !== Number.isFinite(y)) {
              finiteMismatch++;
              continue;
            }
            if (!Number.isFinite(x)) continue;
            compared++;
            worstRel = Math.max(worstRel, Math.abs(x - y) / Math.max(Math.abs(y), 1e-3));
            worstAreaRel = Math.max(worstAreaRel, Math.abs(aa.data[k] - ba.data[k]) / ba.data[k]);
          }
        }
        console.info(`${set}: ${rows.length} diffs, ${compared} pixels, worst relative difference ${worstRel.toExponential(2)}, area ${worstAreaRel.toExponential(2)}, finite/NaN mismatches ${finiteMismatch}`);
        expect(finiteMismatch).toBe(0);
        expect(worstRel).toBeLessThan(1e-6);
        expect(worstAreaRel).toBeLessThan(1e-9);
      });
    });
  }
});
