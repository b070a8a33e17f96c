/**
 * mBgModel: per-image background corrections from the pairwise plane fits
 * (Caltech-IPAC/Montage `MontageLib/BgModel/montageBgModel.c`, v6.0), solved globally by
 * background/global-model.ts instead of Montage's iterative relaxation, to the same answer.
 * As Montage: each fit counts over its bounding box (boxx, boxy, boxwidth, boxheight,
 * boxang), every box pixel with the same weight, and fits are left out when their overlap is
 * small (npixel under 0.2 % of the mean image area), narrow (under a quarter of both images'
 * width and height in both directions) or noisy (rms above the mean + 2σ of the others).
 * Inputs and output are plain objects mirroring Montage's fits.tbl and corrections.tbl rows;
 * the table converters below give those files Montage's column names and number formats
 * (fits.tbl as mFitExec writes it, corrections.tbl as mBgModel).
 */
import { solveBackgroundModel, type BackgroundModel, type BackgroundModelOptions, type PairConstraint } from '../background/global-model.js';
import type { PointMoments } from '../background/plane-fit.js';
import { MosaicError } from '../errors.js';
import { findColumn, type IpacColumn, type IpacTable } from '../tables/ipac.js';
import type { PlaneFit } from './fit-plane.js';

/** One fits.tbl row: the fit of image `plus` − image `minus` (by cntr). */
export interface PairFit extends PlaneFit {
  plus: number;
  minus: number;
}

/** One corrections.tbl row: subtract a·x + b·y + c from image `id` (x, y as in fit-plane.ts). */
export interface Correction {
  id: number;
  a: number;
  b: number;
  c: number;
}

/**
 * The region a fit counts over, as pixel moments. Montage's: the integrals over its bounding
 * box (centre boxx, boxy; sides boxwidth × boxheight, the width along the direction boxang
 * degrees from the x axis), one unit of weight per unit area. Without a box (width or height
 * not positive): the fit's own pixel moments when it carries them, else a uniform grid over
 * xmin…xmax × ymin…ymax scaled to npixel and centred on (xcenter, ycenter).
 */
export function fitMoments(f: PlaneFit): PointMoments {
  if (f.boxwidth > 0 && f.boxheight > 0 && [f.boxx, f.boxy, f.boxang].every(Number.isFinite)) {
    const t = (f.boxang * Math.PI) / 180;
    const [cos, sin] = [Math.cos(t), Math.sin(t)];
    const n = f.boxwidth * f.boxheight;
    // Variances along the box's sides, rotated into x, y.
    const vw = (f.boxwidth * f.boxwidth) / 12;
    const vh = (f.boxheight * f.boxheight) / 12;
    return {
      n,
      sx: n * f.boxx,
      sy: n * f.boxy,
      sxx: n * (f.boxx * f.boxx + vw * cos * cos + vh * sin * sin),
      sxy: n * (f.boxx * f.boxy + (vw - vh) * cos * sin),
      syy: n * (f.boxy * f.boxy + vw * sin * sin + vh * cos * cos),
    };
  }
  if (f.moments) return f.moments;
  const n = f.npixel;
  const wx = f.xmax - f.xmin + 1;
  const wy = f.ymax - f.ymin + 1;
  const vx = (wx * wx - 1) / 12;
  const vy = (wy * wy - 1) / 12;
  return {
    n,
    sx: n * f.xcenter,
    sy: n * f.ycenter,
    sxx: n * (vx + f.xcenter * f.xcenter),
    sxy: n * f.xcenter * f.ycenter,
    syy: n * (vy + f.ycenter * f.ycenter),
  };
}

/** Size of a projected image (pixels), for mBgModel's overlap-size tests. */
export interface ImageSize {
  naxis1: number;
  naxis2: number;
}

/** Options of {@link bgModel}: the solver's, plus Montage's fit selection. */
export interface BgModelOptions extends BackgroundModelOptions {
  /**
   * Sizes of the images, in the order of `imageIds`. Needed for the small-area and
   * narrow-overlap tests; without them only the rms test is applied.
   */
  images?: readonly ImageSize[];
  /** Use every fit, as `mBgModel -a` (no area, extent or rms tests). Default false. */
  useAll?: boolean;
}

/** Why a fit was left out by {@link selectFits}. */
export type FitRejection = 'area' | 'extent' | 'rms';

/** Result of {@link bgModel}. */
export interface BgModelResult {
  /** One correction per image id, in the order of `imageIds`. */
  corrections: Correction[];
  /** The solver's details (weights, groups, residuals), indexed like `imageIds` and `fits`. */
  model: BackgroundModel;
  /** Per fit: why Montage's tests left it out, or undefined when they kept it. */
  rejected: Array<FitRejection | undefined>;
}

/** Montage's limits: npixel under 0.2 % of the mean image area; extent under 25 % of the image's; rms over mean + 2σ. */
const AREA_LIMIT = 0.002;
const LINEAR_LIMIT = 0.25;
const SIGMA_LIMIT = 2;

/**
 * mBgModel's fit selection (pure). Area and extent tests need `sizes` (by image id); fits
 * naming an image without a size pass them. The rms statistics are taken over the fits that
 * pass the first two tests and have a finite rms; failed fits (non-finite values) are left to
 * the solver, which skips them.
 */
export function selectFits(fits: readonly PairFit[], sizes?: ReadonlyMap<number, ImageSize>): Array<FitRejection | undefined> {
  const meanArea = sizes && sizes.size > 0 ? [...sizes.values()].reduce((s, im) => s + im.naxis1 * im.naxis2, 0) / sizes.size : 0;
  const narrow = (f: PairFit, im: ImageSize | undefined) =>
    im !== undefined && f.xmax - f.xmin < LINEAR_LIMIT * im.naxis1 && f.ymax - f.ymin < LINEAR_LIMIT * im.naxis2;
  const out: Array<FitRejection | undefined> = fits.map((f) => {
    if (f.npixel < AREA_LIMIT * meanArea) return 'area';
    if (narrow(f, sizes?.get(f.plus)) && narrow(f, sizes?.get(f.minus))) return 'extent';
    return undefined;
  });
  const rms = fits.filter((f, i) => out[i] === undefined && Number.isFinite(f.rms)).map((f) => f.rms);
  if (rms.length > 0) {
    const mean = rms.reduce((s, v) => s + v, 0) / rms.length;
    const sigma = Math.sqrt(Math.max(0, rms.reduce((s, v) => s + v * v, 0) / rms.length - mean * mean));
    fits.forEach((f, i) => {
      if (out[i] === undefined && f.rms > mean + SIGMA_LIMIT * sigma) out[i] = 'rms';
    });
  }
  return out;
}

/**
 * Corrections for the images `imageIds` (cntr values) from pair fits (pure). Fits that
 * Montage's tests leave out (see {@link selectFits}; `rejected` says why) and fits naming an
 * unknown image are not used (reported as unused in `model.used`).
 * @throws MosaicError E_ARGUMENT when `options.images` is given with a length other than imageIds'.
 * @example bgModel([0, 1], [{ plus: 0, minus: 1, a: 0, b: 0, c: 4, ...geometry }]).corrections
 *   // → [{ id: 0, a: 0, b: 0, c: 2 }, { id: 1, a: 0, b: 0, c: -2 }]
 */
export function bgModel(imageIds: readonly number[], fits: readonly PairFit[], options: BgModelOptions = {}): BgModelResult {
  const { images, useAll, ...solverOptions } = options;
  if (images && images.length !== imageIds.length)
    throw new MosaicError('E_ARGUMENT', `Expected ${imageIds.length} image sizes (one per image id) but received ${images.length}`, { stage: 'bgmodel' });
  const index = new Map(imageIds.map((id, i) => [id, i]));
  const rejected = useAll ? fits.map(() => undefined) : selectFits(fits, images && new Map(imageIds.map((id, i) => [id, images[i]])));
  const pairs: PairConstraint[] = fits.map((f, i) => ({
    plus: rejected[i] ? -1 : (index.get(f.plus) ?? -1),
    minus: rejected[i] ? -1 : (index.get(f.minus) ?? -1),
    a: f.a,
    b: f.b,
    c: f.c,
    rms: f.rms,
    moments: fitMoments(f),
  }));
  const model = solveBackgroundModel(imageIds.length, pairs, solverOptions);
  return { corrections: imageIds.map((id, i) => ({ id, ...model.planes[i] })), model, rejected };
}

/** fits.tbl columns in Montage's order: name, IPAC type, printf width and format in mFitExec. */
const FITS_COLUMNS: Array<[keyof PairFit, IpacColumn['type'], number, IpacColumn['format']?]> = [
  ['plus', 'int', 9],
  ['minus', 'int', 9],
  ['a', 'double', 16, { exponential: 5 }],
  ['b', 'double', 16, { exponential: 5 }],
  ['c', 'double', 16, { exponential: 5 }],
  ['crpix1', 'double', 14, { fixed: 2 }],
  ['crpix2', 'double', 14, { fixed: 2 }],
  ['xmin', 'int', 10],
  ['xmax', 'int', 10],
  ['ymin', 'int', 10],
  ['ymax', 'int', 10],
  ['xcenter', 'double', 13, { fixed: 2 }],
  ['ycenter', 'double', 13, { fixed: 2 }],
  ['npixel', 'int', 13],
  ['rms', 'double', 16, { exponential: 5 }],
  ['boxx', 'double', 16, { fixed: 1 }],
  ['boxy', 'double', 16, { fixed: 1 }],
  ['boxwidth', 'double', 16, { fixed: 1 }],
  ['boxheight', 'double', 16, { fixed: 1 }],
  ['boxang', 'double', 16, { fixed: 1 }],
];
const INT_FIELDS = new Set(['xmin', 'xmax', 'ymin', 'ymax']);
/** Columns bgModel needs from a fits.tbl (the box columns are informational). */
const REQUIRED_FITS_COLUMNS = ['plus', 'minus', 'a', 'b', 'c', 'xmin', 'xmax', 'ymin', 'ymax', 'xcenter', 'ycenter', 'npixel', 'rms'];

/**
 * The fits.tbl table of pair fits, with mFitExec's columns and formats. xmin…ymax are
 * truncated toward zero, as Montage stores them in ints.
 */
export function fitsTable(fits: readonly PairFit[]): IpacTable {
  return {
    keywords: [],
    comments: [],
    // width is the printf width minus the separator the writer adds.
    columns: FITS_COLUMNS.map(([name, type, width, format]) => ({ name, type, width: width - 1, ...(format ? { format } : {}) })),
    rows: fits.map((f) => Object.fromEntries(FITS_COLUMNS.map(([name]) => [name, INT_FIELDS.has(name) ? Math.trunc(f[name] as number) : (f[name] as number)]))),
  };
}

/**
 * Pair fits from a fits.tbl table (Montage's or ours). Box columns default to 0 when absent.
 * @throws MosaicError E_TABLE_COLUMN naming the file when a needed column is missing;
 *   E_TABLE when a value is not a number.
 */
export function pairFitsFromTable(table: IpacTable, file?: string): PairFit[] {
  const cols = new Map(REQUIRED_FITS_COLUMNS.map((c) => [c, findColumn(table, c, { required: true, file })!]));
  for (const [name] of FITS_COLUMNS) if (!cols.has(name)) {
    const c = findColumn(table, name);
    if (c) cols.set(name, c);
  }
  return table.rows.map((row, i) => {
    const f: Record<string, number> = {};
    for (const [name] of FITS_COLUMNS) {
      const col = cols.get(name);
      const v = col === undefined ? 0 : Number(row[col]);
      if (col !== undefined && (row[col] === null || !Number.isFinite(v)))
        throw new MosaicError('E_TABLE', `row ${i + 1}: column "${name}" holds "${String(row[col])}", not a number`, { stage: 'bgmodel', file });
      f[name] = v;
    }
    return f as unknown as PairFit;
  });
}

/** The corrections.tbl table (columns id, a, b, c with mBgModel's formats). */
export function correctionsTable(corrections: readonly Correction[]): IpacTable {
  return {
    keywords: [],
    comments: [],
    columns: [
      { name: 'id', type: 'int', width: 7 },
      { name: 'a', type: 'double', width: 13, format: { exponential: 5 } },
      { name: 'b', type: 'double', width: 13, format: { exponential: 5 } },
      { name: 'c', type: 'double', width: 13, format: { exponential: 5 } },
    ],
    rows: corrections.map((c) => ({ id: c.id, a: c.a, b: c.b, c: c.c })),
  };
}

/**
 * Corrections by image id from a corrections.tbl table.
 * @throws MosaicError E_TABLE_COLUMN naming the file when id, a, b or c is missing; E_TABLE for a non-number.
 */
export function correctionsFromTable(table: IpacTable, file?: string): Map<number, Correction> {
  const [id, a, b, c] = ['id', 'a', 'b', 'c'].map((n) => findColumn(table, n, { required: true, file })!);
  const out = new Map<number, Correction>();
  table.rows.forEach((row, i) => {
    const v = [id, a, b, c].map((k) => Number(row[k]));
    if (row[id] === null || !v.every(Number.isFinite))
      throw new MosaicError('E_TABLE', `row ${i + 1} is not a correction (id, a, b, c numbers)`, { stage: 'bgmodel', file });
    out.set(v[0], { id: v[0], a: v[1], b: v[2], c: v[3] });
  });
  return out;
}
