/**
 * Pieces of build's background matching (Montage's mOverlaps → mDiffExec → mFitExec → mBgModel,
 * Caltech-IPAC/Montage `MontageLib/{Overlaps,DiffExec,FitExec,BgModel}`; the passes run in
 * build-stream.ts): the pair rule on the mosaic grid, and the table builders for `--workdir`
 * (fits.tbl and corrections.tbl with Montage's columns).
 */
import type { IpacTable } from '../tables/ipac.js';
import type { Correction, PairFit } from '../stages/bg-model.js';
import type { CachedImage, MosaicGrid } from './tasks.js';

type Box = Pick<CachedImage, 'x0' | 'y0' | 'width' | 'height'>;

/**
 * Index pairs [k, l] (k < l, in list order, as mOverlaps) whose boxes share a pixel of the grid
 * mDiff uses (columns 0 … naxis1 − 2, rows 0 … naxis2 − 2). Pure; O(n²) box tests.
 */
export function overlappingPairs(boxes: readonly Box[], grid: Pick<MosaicGrid, 'naxis1' | 'naxis2'>): Array<[number, number]> {
  const clip = boxes.map((b) => ({
    xa: Math.max(b.x0, 0),
    xb: Math.min(b.x0 + b.width, grid.naxis1 - 1),
    ya: Math.max(b.y0, 0),
    yb: Math.min(b.y0 + b.height, grid.naxis2 - 1),
  }));
  const pairs: Array<[number, number]> = [];
  for (let k = 0; k < clip.length; k++)
    for (let l = k + 1; l < clip.length; l++) {
      const p = clip[k];
      const q = clip[l];
      if (Math.max(p.xa, q.xa) < Math.min(p.xb, q.xb) && Math.max(p.ya, q.ya) < Math.min(p.yb, q.yb)) pairs.push([k, l]);
    }
  return pairs;
}

const exp5 = { exponential: 5 };

/** Montage's fits.tbl (mFitExec) from pair fits; `id` maps an image id to the cntr to print. */
export function fitsTable(fits: readonly PairFit[], id: (imageId: number) => number = (i) => i): IpacTable {
  const dbl = (name: string, format: { fixed?: number; exponential?: number }) => ({ name, type: 'double' as const, format });
  return {
    keywords: [],
    comments: [],
    columns: [
      { name: 'plus', type: 'int' },
      { name: 'minus', type: 'int' },
      dbl('a', exp5),
      dbl('b', exp5),
      dbl('c', exp5),
      dbl('crpix1', { fixed: 2 }),
      dbl('crpix2', { fixed: 2 }),
      { name: 'xmin', type: 'int' },
      { name: 'xmax', type: 'int' },
      { name: 'ymin', type: 'int' },
      { name: 'ymax', type: 'int' },
      dbl('xcenter', { fixed: 2 }),
      dbl('ycenter', { fixed: 2 }),
      { name: 'npixel', type: 'int' },
      dbl('rms', exp5),
      dbl('boxx', { fixed: 1 }),
      dbl('boxy', { fixed: 1 }),
      dbl('boxwidth', { fixed: 1 }),
      dbl('boxheight', { fixed: 1 }),
      dbl('boxang', { fixed: 1 }),
    ],
    rows: fits.map((f) => ({
      plus: id(f.plus),
      minus: id(f.minus),
      a: f.a,
      b: f.b,
      c: f.c,
      crpix1: f.crpix1,
      crpix2: f.crpix2,
      xmin: Math.round(f.xmin),
      xmax: Math.round(f.xmax),
      ymin: Math.round(f.ymin),
      ymax: Math.round(f.ymax),
      xcenter: f.xcenter,
      ycenter: f.ycenter,
      npixel: f.npixel,
      rms: f.rms,
      boxx: f.boxx,
      boxy: f.boxy,
      boxwidth: f.boxwidth,
      boxheight: f.boxheight,
      boxang: f.boxang,
    })),
  };
}

/** Montage's corrections.tbl (mBgModel): id, a, b, c. */
export function correctionsTable(corrections: readonly Correction[], id: (imageId: number) => number = (i) => i): IpacTable {
  return {
    keywords: [],
    comments: [],
    columns: [
      { name: 'id', type: 'int' },
      { name: 'a', type: 'double', format: exp5 },
      { name: 'b', type: 'double', format: exp5 },
      { name: 'c', type: 'double', format: exp5 },
    ],
    rows: corrections.map((c) => ({ id: id(c.id), a: c.a, b: c.b, c: c.c })),
  };
}
