/**
 * Background matching inside build: Montage's mOverlaps → mDiffExec → mFitExec → mBgModel
 * (Caltech-IPAC/Montage `MontageLib/{Overlaps,DiffExec,FitExec,BgModel}`), run on projected
 * images cached on disk. Pairs come from the images' placements on the mosaic grid; each
 * pair's difference and plane fit run in a pool thread that reads only the rows the two
 * images share; the main thread keeps only the fits (a few hundred bytes per pair) and
 * solves for the corrections with `bgModel`.
 *
 * Also the table builders for `--workdir`: fits.tbl and corrections.tbl with Montage's columns.
 */
import type { IpacTable } from '../tables/ipac.js';
import { bgModel, type Correction, type PairFit } from '../stages/bg-model.js';
import type { BackgroundModel } from '../background/global-model.js';
import { mapOrdered, type WorkerPool } from './pool.js';
import type { Progress } from './progress.js';
import type { Card } from '../fits/header.js';
import type { CachedImage, DiffFitTaskInput, MosaicGrid } from './tasks.js';

/** A cached projected image with its id (image-table cntr) and the name its files carry. */
export interface MatchImage extends CachedImage {
  id: number;
  /** Projected file name (diffs.tbl's plus/minus). */
  name: string;
}

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

/** Options of {@link matchBackgrounds}. */
export interface MatchOptions {
  /** Fit and solve for levels only (mFitplane -l, mBgModel -l). Default false. */
  levelOnly?: boolean;
  /** Strength of the solve's slope prior (see background/global-model.ts); default 0 (off). */
  slopePrior?: number;
  /** Damping in relaxation sweeps (see background/global-model.ts); default Montage's 7500. */
  sweeps?: number;
  /** Write each difference image (mDiff's `diff.*.fits` + area) into this folder, on `template`. */
  diffDir?: string;
  template?: Card[];
  progress?: Progress;
}

/** One overlapping pair and what its difference gave. */
export interface PairOutcome {
  plus: MatchImage;
  minus: MatchImage;
  /** `ok`: fitted; `nooverlap`: the boxes meet but no pixel has data in both; `failed`: no plane could be fitted. */
  status: 'ok' | 'nooverlap' | 'failed';
  message?: string;
}

/** Result of {@link matchBackgrounds}. */
export interface BackgroundMatch {
  /** Every candidate pair, in mOverlaps order. */
  pairs: PairOutcome[];
  /** The fits that went into the model (plus/minus are image ids). */
  fits: PairFit[];
  /** One correction per image, same order as the input images (subtract it). */
  corrections: Correction[];
  model: BackgroundModel;
  /** Pairs with common pixels (the diffs Montage would make). */
  overlaps: number;
  /** Of those, the ones whose plane fit failed. */
  fitsFailed: number;
}

/**
 * Differences, plane fits and the global background model for cached projected images.
 * Results are in pair order whatever the thread count, so corrections are reproducible.
 * @throws MosaicError only for I/O failures of the cache (a pair that cannot be fitted is counted, not thrown).
 */
export async function matchBackgrounds(pool: WorkerPool, images: readonly MatchImage[], grid: MosaicGrid, opts: MatchOptions = {}): Promise<BackgroundMatch> {
  const candidates = overlappingPairs(images, grid);
  const inputs: DiffFitTaskInput[] = candidates.map(([k, l]) => {
    const plus = images[k];
    const minus = images[l];
    const diffName = `diff.${String(plus.id).padStart(6, '0')}.${String(minus.id).padStart(6, '0')}`;
    return {
      file: `${plus.name} − ${minus.name}`,
      plus,
      minus,
      grid,
      levelOnly: opts.levelOnly,
      write: opts.diffDir && opts.template ? { value: `${opts.diffDir}/${diffName}.fits`, area: `${opts.diffDir}/${diffName}_area.fits`, template: opts.template } : undefined,
    };
  });
  const pairs: PairOutcome[] = [];
  const fits: PairFit[] = [];
  opts.progress?.start('diff+fit', inputs.length);
  try {
    await mapOrdered(pool, 'diffFit', inputs, (i, outcome) => {
      opts.progress?.update(i + 1);
      const [k, l] = candidates[i];
      const base = { plus: images[k], minus: images[l] };
      if (!outcome.ok) {
        pairs.push({ ...base, status: 'failed', message: outcome.error.message });
        return;
      }
      const r = outcome.value;
      if (r.status !== 'ok') {
        pairs.push({ ...base, status: r.status, message: r.message });
        return;
      }
      pairs.push({ ...base, status: 'ok' });
      fits.push({ ...r.fit, plus: images[k].id, minus: images[l].id });
    });
  } finally {
    opts.progress?.finish();
  }
  const { corrections, model } = bgModel(
    images.map((im) => im.id),
    fits,
    { levelOnly: opts.levelOnly, slopePrior: opts.slopePrior, sweeps: opts.sweeps, images: images.map((im) => ({ naxis1: im.width, naxis2: im.height })) },
  );
  const overlaps = pairs.filter((p) => p.status !== 'nooverlap').length;
  return { pairs, fits, corrections, model, overlaps, fitsFailed: pairs.filter((p) => p.status === 'failed').length };
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
