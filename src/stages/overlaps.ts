/**
 * mOverlaps: which images of a table overlap on the sky (Caltech-IPAC/Montage
 * `MontageLib/Overlaps/montageOverlaps.c`, default "quick" mode). Each image is the
 * spherical quadrilateral through its four pixel-edge corners; a pair overlaps when a corner
 * of one is inside the other or two sides cross (see background/sphere-overlap.ts). Pairs
 * are listed as Montage does: for every image k, every later image l of the table, in table
 * order, with image k as `plus` and l as `minus`, and difference file
 * `diff.%06d.%06d.fits` named from their `cntr`s.
 */
import { MosaicError } from '../errors.js';
import { Header } from '../fits/header.js';
import { findColumn, type IpacTable } from '../tables/ipac.js';
import { footprintsOverlap, prepareFootprint, type SkyFootprint } from '../background/sphere-overlap.js';
import { frameOf, pixToSystem, wcsFromHeader } from './footprint.js';

/** One image as mOverlaps sees it. */
export interface OverlapImage extends SkyFootprint {
  /** Row id (`cntr`). */
  cntr: number;
  /** File name as the table gives it. */
  fname: string;
}

/** An overlapping pair, in Montage's diffs.tbl terms. */
export interface OverlapPair {
  /** cntr of the image added in the difference. */
  cntr1: number;
  /** cntr of the image subtracted. */
  cntr2: number;
  plus: string;
  minus: string;
  /** Difference file name, `diff.000000.000004.fits`. */
  diff: string;
}

/** Montage's difference file name for a pair of cntrs. */
export function diffFileName(cntr1: number, cntr2: number): string {
  return `diff.${String(cntr1).padStart(6, '0')}.${String(cntr2).padStart(6, '0')}.fits`;
}

/**
 * All overlapping pairs among `images` (pure). O(n²) bounding-circle checks, exact tests only
 * for pairs whose circles meet.
 * @example overlaps([imgA, imgB]) // → [{ cntr1: 0, cntr2: 1, plus: 'a.fits', minus: 'b.fits', diff: 'diff.000000.000001.fits' }]
 */
export function findOverlaps(images: readonly OverlapImage[]): OverlapPair[] {
  const prepared = images.map((im) => prepareFootprint(im));
  const pairs: OverlapPair[] = [];
  for (let k = 0; k < images.length; k++)
    for (let l = k + 1; l < images.length; l++)
      if (footprintsOverlap(prepared[k], prepared[l]))
        pairs.push({ cntr1: images[k].cntr, cntr2: images[l].cntr, plus: images[k].fname, minus: images[l].fname, diff: diffFileName(images[k].cntr, images[l].cntr) });
  return pairs;
}

const CORNER_COLUMNS = ['ra1', 'dec1', 'ra2', 'dec2', 'ra3', 'dec3', 'ra4', 'dec4'];

/**
 * Footprints of the rows of an image table (images.tbl or pimages.tbl): the corner columns
 * ra1…dec4 with ra/dec when present (as Montage), otherwise the corners of the WCS the
 * table's ctype/crval/crpix/cdelt/crota2 (or CD matrix) columns describe, at pixel edges
 * (0.5, 0.5) … (naxis1 + 0.5, naxis2 + 0.5), in J2000 equatorial coordinates.
 * @throws MosaicError E_TABLE_COLUMN when neither set of columns is complete; E_WCS_* for a bad row.
 */
export function tableFootprints(table: IpacTable, file?: string): OverlapImage[] {
  const col = (n: string) => findColumn(table, n);
  const cntrCol = findColumn(table, 'cntr', { required: true, file })!;
  const fnameCol = findColumn(table, 'fname', { required: true, file })!;
  const haveCorners = CORNER_COLUMNS.every((c) => col(c)) && col('ra') && col('dec');
  return table.rows.map((row, i) => {
    const cntr = Number(row[cntrCol]);
    const fname = String(row[fnameCol] ?? '');
    const num = (c: string) => Number(row[col(c)!]);
    if (haveCorners) {
      return {
        cntr,
        fname,
        centerDeg: { lonDeg: num('ra'), latDeg: num('dec') },
        cornersDeg: [1, 2, 3, 4].map((q) => ({ lonDeg: num(`ra${q}`), latDeg: num(`dec${q}`) })),
      };
    }
    const need = ['ctype1', 'ctype2', 'crval1', 'crval2', 'crpix1', 'crpix2'];
    const n1c = col('naxis1') ?? col('ns');
    const n2c = col('naxis2') ?? col('nl');
    const missing = need.filter((c) => !col(c));
    if (missing.length || !n1c || !n2c)
      throw new MosaicError('E_TABLE_COLUMN', `image table needs corner columns (ra1…dec4) or WCS columns; missing ${[...missing, ...(n1c ? [] : ['naxis1']), ...(n2c ? [] : ['naxis2'])].join(', ')}`, { stage: 'overlaps', file });
    const h = new Header();
    const n1 = Number(row[n1c]);
    const n2 = Number(row[n2c]);
    h.set('NAXIS', 2).set('NAXIS1', n1).set('NAXIS2', n2);
    h.set('CTYPE1', String(row[col('ctype1')!])).set('CTYPE2', String(row[col('ctype2')!]));
    for (const k of ['crval1', 'crval2', 'crpix1', 'crpix2']) h.setFloat(k.toUpperCase(), num(k));
    if (col('cd1_1') && col('cd1_2') && col('cd2_1') && col('cd2_2')) {
      for (const k of ['cd1_1', 'cd1_2', 'cd2_1', 'cd2_2']) h.setFloat(k.toUpperCase(), num(k));
    } else {
      h.setFloat('CDELT1', num('cdelt1')).setFloat('CDELT2', num('cdelt2'));
      if (col('crota2')) h.setFloat('CROTA2', num('crota2'));
    }
    if (col('equinox') && Number.isFinite(num('equinox'))) h.setFloat('EQUINOX', num('equinox'));
    try {
      const wcs = wcsFromHeader(h);
      const xs = [0.5, n1 + 0.5, n1 + 0.5, 0.5, (n1 + 1) / 2];
      const ys = [0.5, 0.5, n2 + 0.5, n2 + 0.5, (n2 + 1) / 2];
      const { lon, lat } = pixToSystem(wcs, xs, ys, frameOf('equ'));
      return {
        cntr,
        fname,
        centerDeg: { lonDeg: lon[4], latDeg: lat[4] },
        cornersDeg: [0, 1, 2, 3].map((q) => ({ lonDeg: lon[q], latDeg: lat[q] })),
      };
    } catch (err) {
      throw err instanceof MosaicError ? err.withContext({ stage: 'overlaps', file: `${file ?? 'table'} row ${i + 1}` }) : err;
    }
  });
}

/** mOverlaps on a table: the overlapping pairs of its images. */
export function overlaps(table: IpacTable, file?: string): OverlapPair[] {
  return findOverlaps(tableFootprints(table, file));
}

/** The diffs.tbl table of a pair list (Montage's columns: cntr1, cntr2, plus, minus, diff). */
export function diffsTable(pairs: readonly OverlapPair[]): IpacTable {
  return {
    keywords: [],
    comments: [],
    columns: [
      { name: 'cntr1', type: 'int', width: 7 },
      { name: 'cntr2', type: 'int', width: 7 },
      { name: 'plus', type: 'char' },
      { name: 'minus', type: 'char' },
      { name: 'diff', type: 'char', width: 25 },
    ],
    rows: pairs.map((p) => ({ cntr1: p.cntr1, cntr2: p.cntr2, plus: p.plus, minus: p.minus, diff: p.diff })),
  };
}
