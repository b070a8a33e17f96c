/**
 * mBgModel: per-image background corrections from the pairwise plane fits
 * (Caltech-IPAC/Montage `MontageLib/BgModel/montageBgModel.c`), solved globally by
 * background/global-model.ts instead of Montage's iterative relaxation. Inputs and output
 * are plain objects mirroring Montage's fits.tbl and corrections.tbl rows; the table
 * converters below give those files Montage's column names and number formats
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
 * Pixel moments of a fit's region. Exact when the fit carries them (in-memory pipeline);
 * from a fits.tbl row, a uniform grid over xmin…xmax × ymin…ymax scaled to npixel and
 * centred on (xcenter, ycenter).
 */
export function fitMoments(f: PlaneFit): PointMoments {
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

/** Result of {@link bgModel}. */
export interface BgModelResult {
  /** One correction per image id, in the order of `imageIds`. */
  corrections: Correction[];
  /** The solver's details (weights, groups, residuals), indexed like `imageIds` and `fits`. */
  model: BackgroundModel;
}

/**
 * Corrections for the images `imageIds` (cntr values) from pair fits (pure).
 * Fits naming an unknown image are ignored (reported as unused in `model.used`).
 * @example bgModel([0, 1], [{ plus: 0, minus: 1, a: 0, b: 0, c: 4, ...geometry }]).corrections
 *   // → [{ id: 0, a: 0, b: 0, c: 2 }, { id: 1, a: 0, b: 0, c: -2 }]
 */
export function bgModel(imageIds: readonly number[], fits: readonly PairFit[], options: BackgroundModelOptions = {}): BgModelResult {
  const index = new Map(imageIds.map((id, i) => [id, i]));
  const pairs: PairConstraint[] = fits.map((f) => ({
    plus: index.get(f.plus) ?? -1,
    minus: index.get(f.minus) ?? -1,
    a: f.a,
    b: f.b,
    c: f.c,
    rms: f.rms,
    moments: fitMoments(f),
  }));
  const model = solveBackgroundModel(imageIds.length, pairs, options);
  return { corrections: imageIds.map((id, i) => ({ id, ...model.planes[i] })), model };
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
