import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeShared, sharedPath } from '../helpers/shared.js';
import { parseIpacTable } from '../../src/tables/ipac.js';
import { bgModel, type PairFit } from '../../src/stages/bg-model.js';
import { subtractBackground } from '../../src/stages/background.js';
import { diffImages } from '../../src/stages/diff.js';
import { fitDiffPlane } from '../../src/stages/fit-plane.js';

const FIT_FIELDS = ['a', 'b', 'c', 'crpix1', 'crpix2', 'xmin', 'xmax', 'ymin', 'ymax', 'xcenter', 'ycenter', 'npixel', 'rms', 'boxx', 'boxy', 'boxwidth', 'boxheight', 'boxang'] as const;

describe('diff → fitPlane → bgModel → background, in memory', () => {
  it('removes injected offsets and slopes from overlapping crops of one sky', () => {
    const crpix = { crpix1: 100.5, crpix2: 80 };
    const sky = (X: number, Y: number) => 10 * Math.sin(X / 7) * Math.cos(Y / 5); // structure that cancels in differences
    const tiles = [
      { x0: 0, y0: 0, p: { a: 0.01, b: 0, c: 5 } },
      { x0: 40, y0: 0, p: { a: 0, b: -0.02, c: -3 } },
      { x0: 0, y0: 30, p: { a: -0.005, b: 0.01, c: 1 } },
      { x0: 40, y0: 30, p: { a: 0, b: 0, c: -3 } },
    ].map(({ x0, y0, p }, cntr) => {
      const width = 60;
      const height = 50;
      const value = new Float64Array(width * height);
      const area = new Float64Array(width * height).fill(1e-9);
      for (let j = 0; j < height; j++)
        for (let i = 0; i < width; i++) value[i + width * j] = sky(x0 + i, y0 + j) + p.a * (x0 + i - crpix.crpix1) + p.b * (y0 + j - crpix.crpix2) + p.c;
      return { cntr, x0, y0, width, height, value, area, p };
    });
    const fits: PairFit[] = [];
    for (let k = 0; k < tiles.length; k++)
      for (let l = k + 1; l < tiles.length; l++) {
        const d = diffImages(tiles[k], tiles[l]);
        fits.push({ plus: k, minus: l, ...fitDiffPlane(d, crpix) });
      }
    const { corrections } = bgModel(tiles.map((t) => t.cntr), fits);
    const corrected = tiles.map((t, i) => subtractBackground(t, corrections[i], crpix));
    // After correction every overlap agrees to rounding.
    for (let k = 0; k < tiles.length; k++)
      for (let l = k + 1; l < tiles.length; l++) {
        const d = diffImages(corrected[k], corrected[l]);
        const worst = d.value.reduce((m, v) => (Number.isNaN(v) ? m : Math.max(m, Math.abs(v))), 0);
        expect(worst).toBeLessThan(1e-8);
      }
  });
});

describeShared('bgModel against Montage mBgModel (reference fits.tbl → corrections.tbl)', () => {
  for (const set of ['2mass-j-orion-0.25deg', '2mass-j-orion-east-2nights']) {
    it(set, () => {
      const read = (f: string) => parseIpacTable(readFileSync(sharedPath(set, 'montage-reference', f), 'utf8'));
      const images = read('pimages.tbl').rows;
      const fits = read('fits.tbl').rows.map((r) => {
        const f: Record<string, number> = { plus: Number(r.plus), minus: Number(r.minus) };
        for (const k of FIT_FIELDS) f[k] = Number(r[k]);
        return f as unknown as PairFit;
      });
      const ref = new Map(read('corrections.tbl').rows.map((r) => [Number(r.id), { a: Number(r.a), b: Number(r.b), c: Number(r.c) }]));
      const ids = images.map((r) => Number(r.cntr));
      const { corrections } = bgModel(ids, fits);
      // Compare the correction at each image's centre (x = centre column − mosaic CRPIX = naxis1/2 − image CRPIX1).
      const at = (p: { a: number; b: number; c: number }, r: (typeof images)[number]) =>
        p.a * (Number(r.naxis1) / 2 - Number(r.crpix1)) + p.b * (Number(r.naxis2) / 2 - Number(r.crpix2)) + p.c;
      const ours = corrections.map((c, i) => at(c, images[i]));
      const theirs = ids.map((id, i) => at(ref.get(id)!, images[i]));
      const offset = ours.reduce((s, v, i) => s + v - theirs[i], 0) / ours.length;
      const dev = ours.map((v, i) => v - theirs[i] - offset);
      const maxDev = Math.max(...dev.map(Math.abs));
      const rmsDev = Math.sqrt(dev.reduce((s, v) => s + v * v, 0) / dev.length);
      const spread = Math.max(...theirs) - Math.min(...theirs);
      console.log(`${set}: Montage centre corrections span ${spread.toFixed(3)}; ours − Montage after removing ${offset.toFixed(4)}: rms ${rmsDev.toFixed(4)}, max ${maxDev.toFixed(4)}`);
      console.log('  ours  ', ours.map((v) => v.toFixed(3)).join(' '));
      console.log('  montage', theirs.map((v) => v.toFixed(3)).join(' '));
      expect(maxDev).toBeLessThan(Math.max(0.05 * spread, 0.05));
    });
  }
});
