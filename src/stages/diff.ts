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
import { diffPixels } from '../kernels/index.js';

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
  /**
   * Put the result's pixels in (the start of) these arrays when they are large enough, e.g.
   * buffers a thread reuses for pair after pair; the result is then views of them.
   */
  into?: { value: Float64Array; area: Float64Array };
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
  const n = (xb - xa) * (yb - ya);
  const into = options.into && options.into.value.length >= n && options.into.area.length >= n ? options.into : undefined;
  const outValue = into?.value ?? new Float64Array(n);
  const outArea = into?.area ?? new Float64Array(n);
  const crop = diffPixels({
    plus, minus, box: { x0: xa, y0: ya, width: xb - xa, height: yb - ya },
    factor: options.factor, areaTolerance: options.areaTolerance, noAreas: options.noAreas, outValue, outArea,
  });
  if (!crop) throw new MosaicError('E_NO_OVERLAP', 'all pixels are blank', { stage: 'diff' });
  const m = crop.width * crop.height;
  return { x0: xa + crop.i0, y0: ya + crop.j0, width: crop.width, height: crop.height, value: outValue.subarray(0, m), area: outArea.subarray(0, m), npixel: crop.npixel };
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
