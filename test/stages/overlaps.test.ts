import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeShared, sharedPath } from '../helpers/shared.js';
import { parseIpacTable, type IpacTable } from '../../src/tables/ipac.js';
import { diffFileName, diffsTable, findOverlaps, overlaps, type OverlapImage } from '../../src/stages/overlaps.js';
import { formatIpacTable } from '../../src/tables/ipac.js';

const SETS = [
  ['2mass-j-orion-0.25deg', 17],
  ['2mass-j-orion-east-2nights', 26],
] as const;

/** Gnomonic (TAN) pixel → sky with CDELT/CROTA2, enough for Montage's pimages.tbl rows (independent of src/wcs). */
function tanFootprints(table: IpacTable): OverlapImage[] {
  const D = Math.PI / 180;
  return table.rows.map((r) => {
    const n = (k: string) => Number(r[k]);
    const a0 = n('crval1') * D;
    const d0 = n('crval2') * D;
    const rho = n('crota2') * D;
    const sky = (p1: number, p2: number) => {
      const xp = n('cdelt1') * (p1 - n('crpix1'));
      const yp = n('cdelt2') * (p2 - n('crpix2'));
      const xi = (xp * Math.cos(rho) - yp * Math.sin(rho)) * D;
      const eta = (xp * Math.sin(rho) + yp * Math.cos(rho)) * D;
      const den = Math.cos(d0) - eta * Math.sin(d0);
      return { lonDeg: (a0 + Math.atan2(xi, den)) / D, latDeg: Math.atan2(eta * Math.cos(d0) + Math.sin(d0), Math.hypot(xi, den)) / D };
    };
    const n1 = n('naxis1');
    const n2 = n('naxis2');
    return {
      cntr: n('cntr'),
      fname: String(r.fname),
      centerDeg: sky((n1 + 1) / 2, (n2 + 1) / 2),
      cornersDeg: [sky(0.5, 0.5), sky(n1 + 0.5, 0.5), sky(n1 + 0.5, n2 + 0.5), sky(0.5, n2 + 0.5)],
    };
  });
}

const pairKey = (p: { cntr1: number; cntr2: number }) => `${p.cntr1}-${p.cntr2}`;

describe('findOverlaps', () => {
  const square = (cntr: number, lon: number, lat: number, half: number): OverlapImage => ({
    cntr,
    fname: `i${cntr}.fits`,
    centerDeg: { lonDeg: lon, latDeg: lat },
    cornersDeg: [
      { lonDeg: lon - half, latDeg: lat - half },
      { lonDeg: lon + half, latDeg: lat - half },
      { lonDeg: lon + half, latDeg: lat + half },
      { lonDeg: lon - half, latDeg: lat + half },
    ],
  });
  it('finds corner-inside, crossing-sides (no corner inside) and containment cases, and no false pairs', () => {
    const cross1: OverlapImage = { ...square(3, 10, 0, 0.1), cornersDeg: [{ lonDeg: 9.5, latDeg: -0.02 }, { lonDeg: 10.5, latDeg: -0.02 }, { lonDeg: 10.5, latDeg: 0.02 }, { lonDeg: 9.5, latDeg: 0.02 }] };
    const images = [square(0, 10, 0, 0.1), square(1, 10.15, 0.05, 0.1), square(2, 11, 0, 0.1), cross1, square(4, 10, 0, 0.01)];
    const got = findOverlaps(images).map(pairKey);
    expect(got).toEqual(['0-1', '0-3', '0-4', '1-3', '3-4']);
    // corner order (clockwise or counter-clockwise) does not matter
    const reversed = images.map((im) => ({ ...im, cornersDeg: [...im.cornersDeg].reverse() }));
    expect(findOverlaps(reversed).map(pairKey)).toEqual(got);
  });
  it('names difference files as Montage', () => {
    expect(diffFileName(0, 4)).toBe('diff.000000.000004.fits');
    const text = formatIpacTable(diffsTable(findOverlaps([square(0, 1, 1, 0.1), square(7, 1.1, 1, 0.1)])));
    expect(text).toMatch(/\|\s*cntr1\s*\|\s*cntr2\s*\|\s*plus\s*\|\s*minus\s*\|\s*diff\s*\|/);
    expect(text).toContain('diff.000000.000007.fits');
  });
});

describeShared('overlaps against Montage mOverlaps', () => {
  for (const [set, count] of SETS) {
    const ref = () => parseIpacTable(readFileSync(sharedPath(set, 'montage-reference', 'diffs.tbl'), 'utf8'));
    const pimages = () => parseIpacTable(readFileSync(sharedPath(set, 'montage-reference', 'pimages.tbl'), 'utf8'));
    it(`${set}: the same ${count} pairs (footprints from an independent TAN)`, () => {
      const want = ref().rows.map((r) => ({ cntr1: Number(r.cntr1), cntr2: Number(r.cntr2), diff: String(r.diff) }));
      expect(want).toHaveLength(count);
      const got = findOverlaps(tanFootprints(pimages()));
      expect(got.map(pairKey)).toEqual(want.map(pairKey));
      expect(got.map((p) => p.diff)).toEqual(want.map((p) => p.diff));
    });
    it(`${set}: the same ${count} pairs through the table's WCS (src/wcs)`, () => {
      const got = overlaps(pimages());
      expect(got.map(pairKey)).toEqual(ref().rows.map((r) => `${r.cntr1}-${r.cntr2}`));
    });
  }
});
