/**
 * mDiff: the difference of two images reprojected onto the same mosaic grid
 * (Caltech-IPAC/Montage `MontageLib/Diff/montageDiff.c`). Over the intersection of the two
 * crops, where both values are finite and both areas positive:
 *
 *   diff = 2·(v₁·a₁ − v₂·a₂) / (a₁ + a₂),   area = a₁ + a₂
 *
 * (= v₁ − v₂ where the areas are equal), and, as Montage, pixels whose summed area differs
 * by more than a third from ā₁ + ā₂ are dropped (partly covered edge pixels). Montage's means:
 * ā₁ over the pixels of the intersection where `plus` alone is valid, ā₂ over those where both
 * are. The result is cropped to the bounding box of its valid pixels.
 *
 * The file-level part (mDiffExec's per-pair work) reads `x.fits` + `x_area.fits` as mProject
 * writes them and writes `diff.*.fits` + `diff.*_area.fits` (BITPIX −64, the template with
 * NAXISn/CRPIXn moved to the crop), as Montage's mDiff.
 */
import { MosaicError } from '../errors.js';
import type { Header } from '../fits/header.js';
import type { PixelArray } from '../fits/types.js';
import { readImage } from '../fits/read.js';
import { areaFileName, writeImageAndArea } from '../fits/area-pair.js';
import { placementFromHeader, projectedHeader, type ProjectedImage } from './types.js';

/** A difference image on the mosaic grid (same placement conventions as ProjectedImage). */
export interface DiffImage {
  /** 0-based mosaic column / row of the first pixel. */
  x0: number;
  y0: number;
  width: number;
  height: number;
  /** plus − minus; NaN where not both covered. */
  value: Float64Array;
  /** a_plus + a_minus (sr); 0 where NaN. */
  area: Float64Array;
  /** Number of finite pixels. */
  npixel: number;
}

/** Options of {@link diffImages}. */
export interface DiffOptions {
  /** Ignore the area arrays (treat every area as 1), as `mDiff -n`. Default false. */
  noAreas?: boolean;
  /** Factor applied to the minus image before subtracting (mDiff's `factor`). Default 1. */
  factor?: number;
  /** Relative area tolerance. Default 0.333 (Montage). */
  areaTolerance?: number;
  /**
   * Size of the mosaic grid. When given, the difference is limited to columns 0…naxis1 − 2 and
   * rows 0…naxis2 − 2, as Montage's mDiff does (it drops the last column and row of the grid).
   */
  mosaicSize?: { naxis1: number; naxis2: number };
}

type Placed = Pick<ProjectedImage, 'x0' | 'y0' | 'width' | 'height' | 'value' | 'area'>;

/**
 * Difference plus − minus of two projected images (pure; inputs untouched).
 * @throws MosaicError E_NO_OVERLAP when the crops do not intersect or no pixel is covered by both.
 */
export function diffImages(plus: Placed, minus: Placed, options: DiffOptions = {}): DiffImage {
  const factor = options.factor ?? 1;
  const tol = options.areaTolerance ?? 0.333;
  let xa = Math.max(plus.x0, minus.x0);
  let xb = Math.min(plus.x0 + plus.width, minus.x0 + minus.width);
  let ya = Math.max(plus.y0, minus.y0);
  let yb = Math.min(plus.y0 + plus.height, minus.y0 + minus.height);
  if (options.mosaicSize) {
    xa = Math.max(xa, 0);
    ya = Math.max(ya, 0);
    xb = Math.min(xb, options.mosaicSize.naxis1 - 1);
    yb = Math.min(yb, options.mosaicSize.naxis2 - 1);
  }
  if (xb <= xa || yb <= ya) throw new MosaicError('E_NO_OVERLAP', "images don't overlap", { stage: 'diff' });
  const w = xb - xa;
  const h = yb - ya;
  const v = new Float64Array(w * h).fill(NaN);
  const ar = new Float64Array(w * h);
  let s1 = 0;
  let n1 = 0;
  let s2 = 0;
  let n2 = 0;
  for (let y = ya; y < yb; y++)
    for (let x = xa; x < xb; x++) {
      const i1 = x - plus.x0 + plus.width * (y - plus.y0);
      const i2 = x - minus.x0 + minus.width * (y - minus.y0);
      const a1 = options.noAreas ? 1 : plus.area[i1];
      const v1 = plus.value[i1];
      if (!(a1 > 0) || Number.isNaN(v1)) continue;
      s1 += a1;
      n1++;
      const a2 = options.noAreas ? 1 : minus.area[i2];
      const v2 = minus.value[i2];
      if (!(a2 > 0) || Number.isNaN(v2)) continue;
      const o = x - xa + w * (y - ya);
      v[o] = v1 * a1 - factor * v2 * a2;
      ar[o] = a1 + a2;
      s2 += a2;
      n2++;
    }
  if (n2 === 0) throw new MosaicError('E_NO_OVERLAP', 'all pixels are blank', { stage: 'diff' });
  const areaMean = s1 / n1 + s2 / n2;
  let bx0 = w;
  let bx1 = -1;
  let by0 = h;
  let by1 = -1;
  for (let j = 0; j < h; j++)
    for (let i = 0; i < w; i++) {
      const o = i + w * j;
      if (!(ar[o] > 0) || Math.abs(ar[o] - areaMean) / areaMean > tol) {
        v[o] = NaN;
        ar[o] = 0;
        continue;
      }
      v[o] = (2 * v[o]) / ar[o];
      if (i < bx0) bx0 = i;
      if (i > bx1) bx1 = i;
      if (j < by0) by0 = j;
      if (j > by1) by1 = j;
    }
  if (bx1 < 0) throw new MosaicError('E_NO_OVERLAP', 'all pixels are blank', { stage: 'diff' });
  const cw = bx1 - bx0 + 1;
  const ch = by1 - by0 + 1;
  const value = new Float64Array(cw * ch);
  const area = new Float64Array(cw * ch);
  let npixel = 0;
  for (let j = 0; j < ch; j++)
    for (let i = 0; i < cw; i++) {
      const src = bx0 + i + w * (by0 + j);
      value[i + cw * j] = v[src];
      area[i + cw * j] = ar[src];
      if (ar[src] > 0) npixel++;
    }
  return { x0: xa + bx0, y0: ya + by0, width: cw, height: ch, value, area, npixel };
}

/** A projected image read from disk, with its header. */
export interface ProjectedFile extends ProjectedImage {
  header: Header;
}

/**
 * Read a projected image `path` and its area image (`x_area.fits` beside `x.fits`), placed on
 * the grid of the mosaic header `mosaic` by the difference of their CRPIX values.
 * With `noAreas` no area file is read and every area is 1 (mDiff -n).
 * @throws MosaicError E_FILE_NOT_FOUND (naming the missing file) and the other errors of readImage.
 */
export async function readProjectedFile(path: string, mosaic: Header, options: { noAreas?: boolean } = {}): Promise<ProjectedFile> {
  const img = await readImage(path);
  const place = placementFromHeader(mosaic, img.header);
  const area = options.noAreas ? new Float64Array(img.data.length).fill(1) : await readAreaFile(path, img.shape);
  return { ...place, width: img.shape[0], height: img.shape[1] ?? 1, value: img.data, area, source: path, header: img.header };
}

/**
 * The `_area` image of `path` (`x.fits` → `x_area.fits`), checked to have `shape`.
 * @throws MosaicError E_FILE_NOT_FOUND naming the area file; E_ARGUMENT when the shapes differ.
 */
export async function readAreaFile(path: string, shape: number[]): Promise<PixelArray> {
  const areaPath = areaFileName(path);
  const a = await readImage(areaPath);
  if (a.shape[0] !== shape[0] || a.shape[1] !== shape[1])
    throw new MosaicError('E_ARGUMENT', `area image is ${a.shape.join('×')} but ${path} is ${shape.join('×')}`, { file: areaPath });
  return a.data;
}

/**
 * mDiff on files: difference of the projected images `plusPath` − `minusPath` (each with its
 * `_area` file) on the grid of `template`, written to `outPath` and its `_area` file
 * (BITPIX −64, header = template with NAXISn and CRPIXn of the crop), as Montage's mDiff.
 * The grid edge rule of Montage applies (see DiffOptions.mosaicSize).
 * @throws MosaicError E_NO_OVERLAP when nothing is covered by both; file errors naming the file.
 */
export async function diffFiles(plusPath: string, minusPath: string, outPath: string, template: Header, options: Omit<DiffOptions, 'mosaicSize'> = {}): Promise<DiffImage> {
  const diff = await diffProjectedFiles(plusPath, minusPath, template, options);
  const header = projectedHeader(template, diff);
  const shape = [diff.width, diff.height];
  await writeImageAndArea(outPath, { header, shape, value: diff.value, area: diff.area });
  return diff;
}

/** The difference of two projected image files, in memory (diffFiles without the writing). */
export async function diffProjectedFiles(plusPath: string, minusPath: string, template: Header, options: Omit<DiffOptions, 'mosaicSize'> = {}): Promise<DiffImage> {
  const plus = await readProjectedFile(plusPath, template, options);
  const minus = await readProjectedFile(minusPath, template, options);
  const mosaicSize = { naxis1: template.int('NAXIS1') ?? Infinity, naxis2: template.int('NAXIS2') ?? Infinity };
  try {
    return diffImages(plus, minus, { ...options, mosaicSize });
  } catch (err) {
    throw err instanceof MosaicError ? err.withContext({ file: `${plusPath} − ${minusPath}` }) : err;
  }
}
