/**
 * The kernel API the stages call. Each function validates its options once (same
 * messages on both backends), then runs the native Rust kernel when the addon is loaded
 * (`src/native/load.ts`) or its TypeScript twin otherwise. Results are identical between
 * backends (bit for bit except Lanczos weights, which agree to ~1e-15).
 *
 * Async variants run the native kernel off the JS thread (libuv pool) and keep the
 * arrays alive until they settle; do not touch the arrays passed before then. Without the
 * addon they run synchronously and return a settled promise.
 */
import { native } from '../native/load.js';
import { coveredBoundsTs, cropWithAreaTs, type SolidAngleSource } from './area-crop.js';
import { coaddAccumulateTs, coaddFinishRowsBigEndianTs, coaddFinishTs } from './coadd.js';
import { diffPixelsTs, type DiffCrop, type DiffInput } from './diff.js';
import { fillCornerCellsTs } from './corner-fill.js';
import { histogramTs } from './histogram.js';
import { medianStackTs } from './median.js';
import { decodePlaneFit, gatherPointsTs, PLANE_FIT_OUT_LENGTH, planeFitPassesTs, type PlaneFitPassesResult } from './plane-fit.js';
import { reprojectExactRowsTs, type SampleArray } from './reproject-exact.js';
import { RESAMPLE_METHODS, resampleTs, type ResampleMethod } from './resample.js';
import { imageStatistics } from './stats.js';
import {
  expectChoice, expectDisjoint, expectInt, expectLength, expectNumber, expectSize, expectTyped,
} from './validate.js';

export { backend } from '../native/load.js';
export type { SampleArray } from './reproject-exact.js';
export type { ResampleMethod } from './resample.js';
export type { SolidAngleSource } from './area-crop.js';
export type { DiffCrop, DiffInput } from './diff.js';
export type { PlaneFitPassesResult } from './plane-fit.js';

// ---------------------------------------------------------------------------------------
// reprojectExact

/** Options of {@link reprojectExact}. */
export interface ReprojectExactOptions {
  /** Input samples, `srcWidth*srcHeight`, row-major; non-finite samples are blank. */
  src: SampleArray;
  srcWidth: number;
  srcHeight: number;
  /**
   * `(outWidth+1)*(outHeight+1)` output corner positions in INPUT 0-based pixel
   * coordinates (input pixel k covers [k-0.5, k+0.5]); entry `i + (outWidth+1)*j` is the
   * corner at output 0-based position (i-0.5, j-0.5). Non-finite → the pixels using it are blank.
   */
  cornerX: Float64Array;
  cornerY: Float64Array;
  outWidth: number;
  outHeight: number;
  /** First output row to compute (default 0). */
  rowStart?: number;
  /** One past the last output row to compute (default outHeight). */
  rowEnd?: number;
  /** Output values, `outWidth*(rowEnd-rowStart)`; allocated when omitted. */
  value?: Float64Array;
  /** Output coverage fractions, same length as `value`; allocated when omitted. */
  coverage?: Float64Array;
  /** Threads for the native kernel (default 1; the TypeScript twin ignores it). Results do not depend on it. */
  threads?: number;
}

/** Result of {@link reprojectExact}: row `rowStart` of the output is row 0 here. */
export interface ReprojectExactResult {
  /** Σ src·overlap / Σ overlap over finite input pixels; NaN where nothing finite overlaps. */
  value: Float64Array;
  /** Σ overlap / area(output quad), in [0, 1]. */
  coverage: Float64Array;
}

interface ReprojectArgs {
  o: ReprojectExactOptions;
  y0: number;
  y1: number;
  threads: number;
  value: Float64Array;
  coverage: Float64Array;
}

function reprojectArgs(o: ReprojectExactOptions): ReprojectArgs {
  expectTyped(o.src, 'src', ['Float32Array', 'Float64Array']);
  const sw = expectSize(o.srcWidth, 'srcWidth', 1);
  const sh = expectSize(o.srcHeight, 'srcHeight', 1);
  expectLength(o.src, 'src', sw * sh, `${sw}*${sh}`);
  expectTyped(o.cornerX, 'cornerX', ['Float64Array']);
  expectTyped(o.cornerY, 'cornerY', ['Float64Array']);
  const ow = expectSize(o.outWidth, 'outWidth', 1);
  const oh = expectSize(o.outHeight, 'outHeight', 1);
  const corners = `${ow + 1}*${oh + 1}`;
  expectLength(o.cornerX, 'cornerX', (ow + 1) * (oh + 1), corners);
  expectLength(o.cornerY, 'cornerY', (ow + 1) * (oh + 1), corners);
  const y0 = o.rowStart === undefined ? 0 : expectSize(o.rowStart, 'rowStart', 0);
  const y1 = o.rowEnd === undefined ? oh : expectSize(o.rowEnd, 'rowEnd', 0);
  if (y1 > oh || y0 > y1) throw new RangeError(`Expected 0 <= rowStart <= rowEnd <= ${oh} for rows but received ${y0}..${y1}`);
  const threads = o.threads === undefined ? 1 : expectSize(o.threads, 'threads', 1);
  const n = ow * (y1 - y0);
  const value = o.value ?? new Float64Array(n);
  const coverage = o.coverage ?? new Float64Array(n);
  expectTyped(value, 'value', ['Float64Array']);
  expectTyped(coverage, 'coverage', ['Float64Array']);
  expectLength(value, 'value', n, `${ow}*${y1 - y0}`);
  expectLength(coverage, 'coverage', n, `${ow}*${y1 - y0}`);
  expectDisjoint({ value, coverage }, { src: o.src, cornerX: o.cornerX, cornerY: o.cornerY, value, coverage });
  return { o, y0, y1, threads, value, coverage };
}

/**
 * Exact flux-conserving reprojection (mProject's core): every output pixel's quadrilateral
 * is clipped against the input pixel grid. Conserves flux (Σ value·coverage·quadArea =
 * Σ src for a fully covered input) and returns the input exactly for an identity grid.
 *
 * @throws TypeError / RangeError for wrong array types, sizes or lengths.
 * @example
 * const { value, coverage } = reprojectExact({ src, srcWidth: 100, srcHeight: 100, cornerX, cornerY, outWidth: 80, outHeight: 80 });
 */
export function reprojectExact(options: ReprojectExactOptions): ReprojectExactResult {
  const a = reprojectArgs(options);
  const { o } = a;
  if (native) {
    native.reprojectExact(o.src, o.srcWidth, o.srcHeight, o.cornerX, o.cornerY, o.outWidth, o.outHeight, a.value, a.coverage, a.y0, a.y1, a.threads);
  } else {
    reprojectExactRowsTs(o.src, o.srcWidth, o.srcHeight, o.cornerX, o.cornerY, o.outWidth, a.y0, a.y1, a.value, a.coverage);
  }
  return { value: a.value, coverage: a.coverage };
}

/** {@link reprojectExact} off the JS thread (native) — same options, same result. */
export async function reprojectExactAsync(options: ReprojectExactOptions): Promise<ReprojectExactResult> {
  const a = reprojectArgs(options);
  const { o } = a;
  if (!native) return reprojectExact(options);
  await native.reprojectExactAsync(o.src, o.srcWidth, o.srcHeight, o.cornerX, o.cornerY, o.outWidth, o.outHeight, a.value, a.coverage, a.y0, a.y1, a.threads);
  return { value: a.value, coverage: a.coverage };
}

// ---------------------------------------------------------------------------------------
// resample

/** Options of {@link resample}. */
export interface ResampleOptions {
  /** Input samples, `srcWidth*srcHeight`, row-major; non-finite samples are blank. */
  src: SampleArray;
  srcWidth: number;
  srcHeight: number;
  /** Sample positions in input 0-based pixel coordinates. */
  x: Float64Array;
  y: Float64Array;
  /** `nearest`, `bilinear` or `lanczos3`. */
  method: ResampleMethod;
  /** Output, `x.length`; allocated when omitted. */
  out?: Float64Array;
}

function resampleArgs(o: ResampleOptions): Float64Array {
  expectTyped(o.src, 'src', ['Float32Array', 'Float64Array']);
  const sw = expectSize(o.srcWidth, 'srcWidth', 1);
  const sh = expectSize(o.srcHeight, 'srcHeight', 1);
  expectLength(o.src, 'src', sw * sh, `${sw}*${sh}`);
  expectTyped(o.x, 'x', ['Float64Array']);
  expectTyped(o.y, 'y', ['Float64Array']);
  expectLength(o.y, 'y', o.x.length, 'x.length');
  expectChoice(o.method, 'method', RESAMPLE_METHODS);
  const out = o.out ?? new Float64Array(o.x.length);
  expectTyped(out, 'out', ['Float64Array']);
  expectLength(out, 'out', o.x.length, 'x.length');
  expectDisjoint({ out }, { src: o.src, x: o.x, y: o.y, out });
  return out;
}

/**
 * Interpolate `src` at positions `(x, y)` (input 0-based pixels). NaN outside the image
 * footprint [-0.5, w-0.5]×[-0.5, h-0.5]; NaN when a blank sample carries weight
 * (nearest, bilinear); Lanczos-3 renormalises over finite neighbours.
 * @throws TypeError / RangeError for bad arguments.
 */
export function resample(options: ResampleOptions): Float64Array {
  const out = resampleArgs(options);
  const o = options;
  if (native) native.resample(o.src, o.srcWidth, o.srcHeight, o.x, o.y, o.method, out);
  else resampleTs(o.src, o.srcWidth, o.srcHeight, o.x, o.y, o.method, out);
  return out;
}

/** {@link resample} off the JS thread (native). */
export async function resampleAsync(options: ResampleOptions): Promise<Float64Array> {
  const out = resampleArgs(options);
  const o = options;
  if (!native) return resample({ ...options, out });
  await native.resampleAsync(o.src, o.srcWidth, o.srcHeight, o.x, o.y, o.method, out);
  return out;
}

// ---------------------------------------------------------------------------------------
// coadd

/** Options of {@link coaddAccumulate}. */
export interface CoaddAccumulateOptions {
  /** Running Σ value·weight, `mosaicWidth*mosaicHeight` (updated in place). */
  sumVW: Float64Array;
  /** Running Σ weight, same length (updated in place). */
  sumW: Float64Array;
  /** Contributions per pixel, same length (updated in place); null when not wanted (the mean). */
  count: Uint32Array | Float32Array | null;
  mosaicWidth: number;
  /** Tile values, `tileWidth*tileHeight`. */
  tileValue: SampleArray;
  /** Tile weights (e.g. mProject's area), same length; only finite weights > 0 count. */
  tileWeight: SampleArray;
  tileWidth: number;
  tileHeight: number;
  /** Mosaic column of tile column 0 (0-based; may be negative). */
  x0: number;
  /** Mosaic row of tile row 0 (0-based; may be negative). */
  y0: number;
  /**
   * Subtract this background plane from every value first: at tile pixel (i, j),
   * a·(originX + i − crpix1) + (b·(originY + j − crpix2) + c), the origins being the tile's
   * first pixel on the template grid (the sums may hold only a band of it).
   */
  plane?: CoaddPlane;
}

/** A plane {@link coaddAccumulate} subtracts (mBgExec's correction, in template pixel indices). */
export interface CoaddPlane {
  a: number;
  b: number;
  c: number;
  crpix1: number;
  crpix2: number;
  originX: number;
  originY: number;
}

function coaddArgs(o: CoaddAccumulateOptions): void {
  expectTyped(o.sumVW, 'sumVW', ['Float64Array']);
  expectTyped(o.sumW, 'sumW', ['Float64Array']);
  if (o.count !== null) expectTyped(o.count, 'count', ['Uint32Array', 'Float32Array']);
  const mw = expectSize(o.mosaicWidth, 'mosaicWidth', 1);
  if (o.sumVW.length % mw !== 0) {
    throw new RangeError(`Expected Float64Array of length mosaicWidth*mosaicHeight for sumVW but received Float64Array of length ${o.sumVW.length} (mosaicWidth ${mw})`);
  }
  const m = `${mw}*${o.sumVW.length / mw}`;
  expectLength(o.sumW, 'sumW', o.sumVW.length, m);
  if (o.count !== null) expectLength(o.count, 'count', o.sumVW.length, m);
  expectTyped(o.tileValue, 'tileValue', ['Float32Array', 'Float64Array']);
  expectTyped(o.tileWeight, 'tileWeight', ['Float32Array', 'Float64Array']);
  const tw = expectSize(o.tileWidth, 'tileWidth', 1);
  const th = expectSize(o.tileHeight, 'tileHeight', 1);
  expectLength(o.tileValue, 'tileValue', tw * th, `${tw}*${th}`);
  expectLength(o.tileWeight, 'tileWeight', tw * th, `${tw}*${th}`);
  expectInt(o.x0, 'x0');
  expectInt(o.y0, 'y0');
  const counts: Record<string, ArrayBufferView> = o.count ? { count: o.count } : {};
  const all = { sumVW: o.sumVW, sumW: o.sumW, ...counts, tileValue: o.tileValue, tileWeight: o.tileWeight };
  expectDisjoint({ sumVW: o.sumVW, sumW: o.sumW, ...counts }, all);
}

/**
 * Add a tile into the mean-coadd sums (mAdd `mean`): for every tile pixel with a finite
 * value and a finite weight > 0 that lands in the mosaic, sumVW += v·w, sumW += w, count += 1
 * (when counting).
 * @throws TypeError / RangeError for bad arguments.
 */
export function coaddAccumulate(o: CoaddAccumulateOptions): void {
  coaddArgs(o);
  const p = o.plane;
  if (p) {
    for (const k of ['a', 'b', 'c', 'crpix1', 'crpix2'] as const) expectNumber(p[k], `plane.${k}`);
    expectInt(p.originX, 'plane.originX');
    expectInt(p.originY, 'plane.originY');
  }
  if (native) {
    const plane = p ? Float64Array.of(p.a, p.b, p.c, p.crpix1, p.crpix2, p.originX, p.originY) : null;
    native.coaddAccumulate(o.sumVW, o.sumW, o.count, o.mosaicWidth, o.tileValue, o.tileWeight, o.tileWidth, o.tileHeight, o.x0, o.y0, plane);
  } else coaddAccumulateTs(o.sumVW, o.sumW, o.count, o.mosaicWidth, o.tileValue, o.tileWeight, o.tileWidth, o.tileHeight, o.x0, o.y0, p);
}

/** {@link coaddAccumulate} off the JS thread (native). */
export async function coaddAccumulateAsync(o: CoaddAccumulateOptions): Promise<void> {
  coaddArgs(o);
  if (!native || o.plane) return coaddAccumulate(o);
  await native.coaddAccumulateAsync(o.sumVW, o.sumW, o.count, o.mosaicWidth, o.tileValue, o.tileWeight, o.tileWidth, o.tileHeight, o.x0, o.y0);
}

/** Options of {@link coaddFinish}. */
export interface CoaddFinishOptions {
  sumVW: Float64Array;
  sumW: Float64Array;
  /** Output mean, same length; allocated when omitted. */
  out?: Float64Array;
  /** Pixels with Σweight <= threshold are NaN (default 0). */
  threshold?: number;
}

/** The weighted mean `sumVW / sumW` (NaN where `sumW <= threshold`). */
export function coaddFinish(o: CoaddFinishOptions): Float64Array {
  expectTyped(o.sumVW, 'sumVW', ['Float64Array']);
  expectTyped(o.sumW, 'sumW', ['Float64Array']);
  expectLength(o.sumW, 'sumW', o.sumVW.length, 'sumVW.length');
  const out = o.out ?? new Float64Array(o.sumVW.length);
  expectTyped(out, 'out', ['Float64Array']);
  expectLength(out, 'out', o.sumVW.length, 'sumVW.length');
  const threshold = o.threshold === undefined ? 0 : expectNumber(o.threshold, 'threshold');
  expectDisjoint({ out }, { sumVW: o.sumVW, sumW: o.sumW, out });
  if (native) native.coaddFinish(o.sumVW, o.sumW, out, threshold);
  else coaddFinishTs(o.sumVW, o.sumW, out, threshold);
  return out;
}

// ---------------------------------------------------------------------------------------
// diffPixels

/** Options of {@link diffPixels}. */
export interface DiffPixelsOptions {
  plus: DiffInput;
  minus: DiffInput;
  /** The box differenced, on the mosaic grid (0-based); both images must contain it. */
  box: { x0: number; y0: number; width: number; height: number };
  /** Factor applied to the minus image; default 1. */
  factor?: number;
  /** Relative area tolerance; default 0.333 (Montage). */
  areaTolerance?: number;
  /** Every area counts as 1 (mDiff -n). Default false. */
  noAreas?: boolean;
  /** Where the crop goes (its first width·height values); at least box-sized. */
  outValue: Float64Array;
  outArea: Float64Array;
}

/**
 * mDiff's pixel work (see stages/diff.ts): `2·(v₁a₁ − f·v₂a₂)/(a₁ + a₂)` and `a₁ + a₂` where both
 * images are valid and the summed area is within the tolerance of its mean, cropped to the
 * valid pixels and written to the start of the outputs; null when no pixel is valid.
 * @throws TypeError / RangeError for bad arguments.
 */
export function diffPixels(o: DiffPixelsOptions): DiffCrop | null {
  const { plus, minus, box } = o;
  for (const [name, p] of [['plus', plus], ['minus', minus]] as const) {
    expectLength(p.value, `${name}.value`, p.width * p.height, `${p.width}*${p.height}`);
    expectLength(p.area, `${name}.area`, p.width * p.height, `${p.width}*${p.height}`);
    if (!(box.x0 >= p.x0 && box.y0 >= p.y0 && box.x0 + box.width <= p.x0 + p.width && box.y0 + box.height <= p.y0 + p.height))
      throw new RangeError(`Expected the box inside ${name} for box but received ${box.width}*${box.height} at (${box.x0}, ${box.y0})`);
  }
  const n = box.width * box.height;
  if (o.outValue.length < n || o.outArea.length < n) throw new RangeError(`Expected outValue and outArea of at least ${box.width}*${box.height} values`);
  const factor = o.factor ?? 1;
  const tol = o.areaTolerance ?? 0.333;
  const f64 = (a: ArrayLike<number>): a is Float64Array => a instanceof Float64Array;
  if (native?.diffImages && f64(plus.value) && f64(plus.area) && f64(minus.value) && f64(minus.area)) {
    const info = new Float64Array(6);
    const geometry = Float64Array.of(plus.x0, plus.y0, plus.width, plus.height, minus.x0, minus.y0, minus.width, minus.height,
      box.x0, box.y0, box.width, box.height, factor, tol, o.noAreas ? 1 : 0);
    native.diffImages(plus.value, plus.area, minus.value, minus.area, geometry, o.outValue, o.outArea, info);
    return info[0] ? { i0: info[1], j0: info[2], width: info[3], height: info[4], npixel: info[5] } : null;
  }
  return diffPixelsTs(plus, minus, box.x0, box.y0, box.width, box.height, factor, tol, o.noAreas ?? false, o.outValue, o.outArea);
}

/** Options of {@link coaddFinishRowsBigEndian}. */
export interface CoaddFinishRowsOptions {
  sumVW: Float64Array;
  sumW: Float64Array;
  /** Sums per row; the rows finished start at column `x0` and are `width` long. */
  stride: number;
  x0: number;
  width: number;
  rows: number;
  /** 8·width·rows bytes each: BITPIX −64 pixels of the mean and of the summed weight (area). */
  outValue: Uint8Array;
  outArea: Uint8Array;
  /** Pixels with Σweight <= threshold are NaN (default 0). */
  threshold?: number;
  /** Zero the sums read (ready for reuse). Default false. */
  clear?: boolean;
}

/**
 * {@link coaddFinish} for a box of rows, straight to the bytes of a FITS file (big-endian
 * BITPIX −64): the mean and the area, and optionally the sums zeroed on the way.
 * @throws TypeError / RangeError for bad arguments.
 */
export function coaddFinishRowsBigEndian(o: CoaddFinishRowsOptions): void {
  expectTyped(o.sumVW, 'sumVW', ['Float64Array']);
  expectTyped(o.sumW, 'sumW', ['Float64Array']);
  expectLength(o.sumW, 'sumW', o.sumVW.length, 'sumVW.length');
  const stride = expectSize(o.stride, 'stride', 1);
  const x0 = expectSize(o.x0, 'x0', 0);
  const width = expectSize(o.width, 'width', 1);
  const rows = expectSize(o.rows, 'rows', 0);
  if (x0 + width > stride || rows * stride > o.sumVW.length) throw new RangeError(`Expected rows inside the sums but received ${rows} rows of ${width} from column ${x0} (stride ${stride})`);
  expectTyped(o.outValue, 'outValue', ['Uint8Array']);
  expectTyped(o.outArea, 'outArea', ['Uint8Array']);
  expectLength(o.outValue, 'outValue', 8 * width * rows, `8*${width}*${rows}`);
  expectLength(o.outArea, 'outArea', 8 * width * rows, `8*${width}*${rows}`);
  const threshold = o.threshold === undefined ? 0 : expectNumber(o.threshold, 'threshold');
  expectDisjoint({ sumVW: o.sumVW, sumW: o.sumW, outValue: o.outValue, outArea: o.outArea }, { sumVW: o.sumVW, sumW: o.sumW, outValue: o.outValue, outArea: o.outArea });
  if (native?.coaddFinishRowsBigEndian) native.coaddFinishRowsBigEndian(o.sumVW, o.sumW, stride, x0, width, rows, o.outValue, o.outArea, threshold, o.clear ?? false);
  else coaddFinishRowsBigEndianTs(o.sumVW, o.sumW, stride, x0, width, rows, o.outValue, o.outArea, threshold, o.clear ?? false);
}

// ---------------------------------------------------------------------------------------
// statistics

/** Counts, extremes and Neumaier-compensated sum of the finite samples. */
export interface KernelImageStats {
  /** Number of finite samples. */
  finite: number;
  /** Number of blank samples (NaN, ±Infinity). */
  nan: number;
  /** Smallest finite sample; NaN when none. */
  min: number;
  /** Largest finite sample; NaN when none. */
  max: number;
  /** Sum of finite samples (compensated; identical on both backends). */
  sum: number;
}

/** Statistics of `data` (see {@link KernelImageStats}). @throws TypeError for a non-float array. */
export function imageStats(data: SampleArray): KernelImageStats {
  expectTyped(data, 'data', ['Float32Array', 'Float64Array']);
  if (native) return native.imageStats(data);
  const { finite, nan, min, max, sum } = imageStatistics(data);
  return { finite, nan, min, max, sum };
}

/** {@link imageStats} off the JS thread (native). */
export async function imageStatsAsync(data: SampleArray): Promise<KernelImageStats> {
  expectTyped(data, 'data', ['Float32Array', 'Float64Array']);
  return native ? native.imageStatsAsync(data) : imageStats(data);
}

/** Options of {@link histogram}. */
export interface HistogramOptions {
  data: SampleArray;
  /** Lower edge of the first bin (finite). */
  min: number;
  /** Upper edge of the last bin (finite, > min); samples equal to max go to the last bin. */
  max: number;
  /** Number of equal bins (>= 1). */
  nbins: number;
}

function histogramArgs(o: HistogramOptions): void {
  expectTyped(o.data, 'data', ['Float32Array', 'Float64Array']);
  expectNumber(o.min, 'min', 'finite number');
  expectNumber(o.max, 'max', 'finite number');
  if (!Number.isFinite(o.min) || !Number.isFinite(o.max) || !(o.min < o.max)) {
    throw new RangeError(`Expected finite min < max for range but received ${o.min}..${o.max}`);
  }
  expectSize(o.nbins, 'nbins', 1);
}

/** Counts of finite samples per bin over [min, max] (NaN and out-of-range ignored). */
export function histogram(o: HistogramOptions): Float64Array {
  histogramArgs(o);
  return native ? native.histogram(o.data, o.min, o.max, o.nbins) : histogramTs(o.data, o.min, o.max, o.nbins);
}

/** {@link histogram} off the JS thread (native). */
export async function histogramAsync(o: HistogramOptions): Promise<Float64Array> {
  histogramArgs(o);
  return native ? native.histogramAsync(o.data, o.min, o.max, o.nbins) : histogramTs(o.data, o.min, o.max, o.nbins);
}

// ---------------------------------------------------------------------------------------
// median

/** Options of {@link medianStack}. */
export interface MedianStackOptions {
  /** `nImages*nPixels` samples, image-major: `values[img*nPixels + p]`. */
  values: Float64Array;
  nImages: number;
  nPixels: number;
  /** Output, `nPixels`; allocated when omitted. */
  out?: Float64Array;
}

function medianArgs(o: MedianStackOptions): Float64Array {
  expectTyped(o.values, 'values', ['Float64Array']);
  const ni = expectSize(o.nImages, 'nImages', 1);
  const np = expectSize(o.nPixels, 'nPixels', 0);
  expectLength(o.values, 'values', ni * np, `${ni}*${np}`);
  const out = o.out ?? new Float64Array(np);
  expectTyped(out, 'out', ['Float64Array']);
  expectLength(out, 'out', np);
  expectDisjoint({ out }, { values: o.values, out });
  return out;
}

/** Per-pixel median over the stack, ignoring blanks (mAdd `-a median`); NaN where all are blank. */
export function medianStack(o: MedianStackOptions): Float64Array {
  const out = medianArgs(o);
  if (native) native.medianStack(o.values, o.nImages, o.nPixels, out);
  else medianStackTs(o.values, o.nImages, o.nPixels, out);
  return out;
}

/** {@link medianStack} off the JS thread (native). */
export async function medianStackAsync(o: MedianStackOptions): Promise<Float64Array> {
  const out = medianArgs(o);
  if (!native) return medianStack({ ...o, out });
  await native.medianStackAsync(o.values, o.nImages, o.nPixels, out);
  return out;
}

// ---------------------------------------------------------------------------------------
// project's corner grid and crop

/** Options of {@link fillCornerCells}. */
export interface FillCornerCellsOptions {
  /**
   * Accepted cells, 6 integers each: `i0, j0, i1, j1, mi, mj` (inclusive corner indices;
   * `mi`/`mj` the middle node column/row, or −1 when that side has only its end nodes).
   */
  cells: Int32Array;
  /** Corner grid width and height. */
  cw: number;
  ch: number;
  /** Corner positions, `cw*ch`, index `i + cw*j`; the nodes must be set, the rest is filled in place. */
  x: Float64Array;
  y: Float64Array;
  /** 2 where a corner was mapped exactly (kept as is), anything else where it is to be filled. */
  state: Uint8Array;
}

/**
 * Fill the corners of `project`'s accepted grid cells by biquadratic Lagrange interpolation
 * of their exact nodes (see src/kernels/corner-fill.ts for the cell format and write order).
 * @throws TypeError / RangeError for wrong array types, lengths, or a cell outside the grid.
 */
export function fillCornerCells(o: FillCornerCellsOptions): void {
  expectTyped(o.cells, 'cells', ['Int32Array']);
  const cw = expectSize(o.cw, 'cw', 1);
  const ch = expectSize(o.ch, 'ch', 1);
  expectTyped(o.x, 'x', ['Float64Array']);
  expectTyped(o.y, 'y', ['Float64Array']);
  expectTyped(o.state, 'state', ['Uint8Array']);
  const n = `${cw}*${ch}`;
  expectLength(o.x, 'x', cw * ch, n);
  expectLength(o.y, 'y', cw * ch, n);
  expectLength(o.state, 'state', cw * ch, n);
  const c = o.cells;
  if (c.length % 6 !== 0) throw new RangeError(`Expected Int32Array of length 6*cells for cells but received Int32Array of length ${c.length}`);
  const inside = (lo: number, mid: number, hi: number, size: number): boolean => lo >= 0 && lo <= hi && hi < size && (mid < 0 || (lo < mid && mid < hi));
  for (let k = 0; k < c.length; k += 6) {
    if (!inside(c[k], c[k + 4], c[k + 2], cw) || !inside(c[k + 1], c[k + 5], c[k + 3], ch)) {
      throw new RangeError(`Expected cells inside the ${n} corner grid for cells but received cell ${k / 6} = [${Array.from(c.subarray(k, k + 6)).join(', ')}]`);
    }
  }
  expectDisjoint({ x: o.x, y: o.y }, { cells: c, x: o.x, y: o.y, state: o.state });
  if (native?.fillCornerCells) native.fillCornerCells(c, cw, ch, o.x, o.y, o.state);
  else fillCornerCellsTs(c, cw, ch, o.x, o.y, o.state);
}

/** Inclusive bounds of the covered pixels of a box (see {@link coveredBounds}). */
export interface PixelBounds {
  i0: number;
  i1: number;
  j0: number;
  j1: number;
}

/**
 * Bounds of the pixels with coverage > 0 and a finite value in a width × height box
 * (row-major arrays); null when there is none.
 * @throws TypeError / RangeError for wrong array types or lengths.
 */
export function coveredBounds(value: Float64Array, coverage: Float64Array, width: number, height: number): PixelBounds | null {
  expectTyped(value, 'value', ['Float64Array']);
  expectTyped(coverage, 'coverage', ['Float64Array']);
  const w = expectSize(width, 'width', 1);
  const h = expectSize(height, 'height', 1);
  expectLength(value, 'value', w * h, `${w}*${h}`);
  expectLength(coverage, 'coverage', w * h, `${w}*${h}`);
  const out = new Int32Array(4);
  if (native?.coveredBounds) native.coveredBounds(value, coverage, w, h, out);
  else coveredBoundsTs(value, coverage, w, h, out);
  return out[1] < 0 ? null : { i0: out[0], i1: out[1], j0: out[2], j1: out[3] };
}

/** Options of {@link cropWithArea}. */
export interface CropWithAreaOptions {
  /** Box values and coverage fractions, `boxWidth*boxHeight`, row-major. */
  value: Float64Array;
  coverage: Float64Array;
  boxWidth: number;
  boxHeight: number;
  /** The crop, inclusive bounds in box pixels (from {@link coveredBounds}). */
  crop: PixelBounds;
  /**
   * Pixel solid angles (sr): exact `samples` at box pixels (linesX[a], linesY[b]) (lines
   * ascending from 0 to the last box column/row), bilinear in between; or `full`, per pixel.
   */
  solidAngle: SolidAngleSource;
  /** Write into these (each at least the crop's size; the results are views of them); default new arrays. */
  out?: { value: Float64Array; area: Float64Array };
}

/**
 * Crop the box to `crop`: covered pixels (coverage > 0, finite value) keep their value and
 * get area = coverage × Ω (sr); the others are NaN with area 0.
 * @throws TypeError / RangeError for wrong array types, lengths, lines, or a crop outside the box.
 */
export function cropWithArea(o: CropWithAreaOptions): { value: Float64Array; area: Float64Array } {
  expectTyped(o.value, 'value', ['Float64Array']);
  expectTyped(o.coverage, 'coverage', ['Float64Array']);
  const bw = expectSize(o.boxWidth, 'boxWidth', 1);
  const bh = expectSize(o.boxHeight, 'boxHeight', 1);
  expectLength(o.value, 'value', bw * bh, `${bw}*${bh}`);
  expectLength(o.coverage, 'coverage', bw * bh, `${bw}*${bh}`);
  const { i0, i1, j0, j1 } = o.crop;
  for (const [name, v] of [['i0', i0], ['i1', i1], ['j0', j0], ['j1', j1]] as const) expectSize(v, `crop.${name}`, 0);
  if (!(i0 <= i1 && i1 < bw && j0 <= j1 && j1 < bh)) {
    throw new RangeError(`Expected a crop inside the ${bw}*${bh} box for crop but received ${i0}..${i1} x ${j0}..${j1}`);
  }
  const sa = o.solidAngle;
  if ('full' in sa) {
    expectTyped(sa.full, 'solidAngle.full', ['Float64Array']);
    expectLength(sa.full, 'solidAngle.full', bw * bh, `${bw}*${bh}`);
  } else {
    expectTyped(sa.samples, 'solidAngle.samples', ['Float64Array']);
    expectTyped(sa.linesX, 'solidAngle.linesX', ['Int32Array']);
    expectTyped(sa.linesY, 'solidAngle.linesY', ['Int32Array']);
    expectLength(sa.samples, 'solidAngle.samples', sa.linesX.length * sa.linesY.length, `${sa.linesX.length}*${sa.linesY.length}`);
    for (const [name, l, n] of [['linesX', sa.linesX, bw], ['linesY', sa.linesY, bh]] as const) {
      let ok = l.length > 0 && l[0] === 0 && l[l.length - 1] === n - 1;
      for (let k = 1; ok && k < l.length; k++) ok = l[k - 1] < l[k];
      if (!ok) throw new RangeError(`Expected ascending lines from 0 to ${n - 1} for solidAngle.${name} but received [${Array.from(l).join(', ')}]`);
    }
  }
  const width = i1 - i0 + 1;
  const height = j1 - j0 + 1;
  const n = width * height;
  const reuse = o.out && o.out.value.length >= n && o.out.area.length >= n && o.out.value.buffer !== o.out.area.buffer;
  const value = reuse ? o.out!.value.subarray(0, n) : new Float64Array(n);
  const area = reuse ? o.out!.area.subarray(0, n) : new Float64Array(n);
  if (reuse) expectDisjoint({ value, area }, { value, area, boxValue: o.value, coverage: o.coverage });
  if (native?.cropWithArea) {
    const grid = 'samples' in sa ? sa : undefined;
    native.cropWithArea(o.value, o.coverage, bw, bh, i0, j0, width, height, grid ? grid.samples : (sa as { full: Float64Array }).full,
      grid?.linesX ?? null, grid?.linesY ?? null, value, area);
  } else cropWithAreaTs(o.value, o.coverage, bw, i0, j0, width, height, sa, value, area);
  return { value, area };
}

// ---------------------------------------------------------------------------------------
// robust plane fit (fitplane)

/** Options of {@link planeFitPasses}. */
export interface PlaneFitPassesOptions {
  /** Point coordinates and values, same length; no NaN value (drop those first). */
  px: Float64Array;
  py: Float64Array;
  pz: Float64Array;
  /** Fit only the level c (a = b = 0). Default false. */
  levelOnly?: boolean;
  /** Maximum number of fit/clip passes (>= 0). Default 20. */
  iterations?: number;
  /** Points farther than clip·rms from the fit are left out of the next pass (not NaN). Default 2. */
  clip?: number;
}

/**
 * The fit/clip passes of Montage's robust plane fit (mFitplane; see src/kernels/plane-fit.ts):
 * an ordinary least-squares plane, then refits on the points within clip·rms of the previous
 * fit. Both backends give the same result bit for bit.
 * @throws TypeError / RangeError for wrong array types or lengths, a non-boolean `levelOnly`,
 *   a negative or fractional `iterations`, or a NaN `clip`.
 */
export function planeFitPasses(o: PlaneFitPassesOptions): PlaneFitPassesResult {
  expectTyped(o.px, 'px', ['Float64Array']);
  expectTyped(o.py, 'py', ['Float64Array']);
  expectTyped(o.pz, 'pz', ['Float64Array']);
  expectLength(o.px, 'px', o.pz.length, 'pz.length');
  expectLength(o.py, 'py', o.pz.length, 'pz.length');
  const levelOnly = o.levelOnly ?? false;
  if (typeof levelOnly !== 'boolean') throw new TypeError(`Expected boolean for levelOnly but received ${String(levelOnly)} of type ${typeof levelOnly}`);
  const iterations = o.iterations === undefined ? 20 : expectSize(o.iterations, 'iterations', 0);
  const clip = o.clip === undefined ? 2 : expectNumber(o.clip, 'clip');
  if (Number.isNaN(clip)) throw new RangeError('Expected number for clip but received NaN of type number');
  const out = new Float64Array(PLANE_FIT_OUT_LENGTH);
  if (native?.planeFitPasses) native.planeFitPasses(o.px, o.py, o.pz, levelOnly, iterations, clip, out);
  else planeFitPassesTs(o.px, o.py, o.pz, levelOnly, iterations, clip, out);
  return decodePlaneFit(out);
}

/** Options of {@link gatherPoints}. */
export interface GatherPointsOptions {
  /** The image, `width*height`, row-major (any pixel type; the native kernel takes Float64Array). */
  value: ArrayLike<number>;
  width: number;
  height: number;
  /** Subtracted from the column and row indices (mFitplane's CRPIX offsets). */
  xOrigin: number;
  yOrigin: number;
  /** Point coordinates and values, at least `width*height` each (the first `count` are written). */
  xs: Float64Array;
  ys: Float64Array;
  zs: Float64Array;
  /** Per row, the first and last column with a point (lo > hi when none), `height` each. */
  rowLo: Int32Array;
  rowHi: Int32Array;
}

/**
 * The points a plane fit of an image takes (mFitplane reads a difference image row by row):
 * every non-NaN pixel, as (i − xOrigin, j − yOrigin, value) in row-major order, and each row's
 * extreme columns. Both backends give the same result bit for bit.
 * @returns the number of points.
 * @throws TypeError / RangeError for wrong array types or lengths.
 */
export function gatherPoints(o: GatherPointsOptions): number {
  const w = expectSize(o.width, 'width', 0);
  const h = expectSize(o.height, 'height', 0);
  expectLength(o.value, 'value', w * h, `${w}*${h}`);
  const xo = expectNumber(o.xOrigin, 'xOrigin');
  const yo = expectNumber(o.yOrigin, 'yOrigin');
  for (const [name, a] of [['xs', o.xs], ['ys', o.ys], ['zs', o.zs]] as const) {
    expectTyped(a, name, ['Float64Array']);
    if (a.length < w * h) throw new RangeError(`Expected Float64Array of length >= ${w * h} for ${name} but received Float64Array of length ${a.length}`);
  }
  expectTyped(o.rowLo, 'rowLo', ['Int32Array']);
  expectTyped(o.rowHi, 'rowHi', ['Int32Array']);
  expectLength(o.rowLo, 'rowLo', h, 'height');
  expectLength(o.rowHi, 'rowHi', h, 'height');
  const outs = { xs: o.xs, ys: o.ys, zs: o.zs, rowLo: o.rowLo, rowHi: o.rowHi };
  expectDisjoint(outs, ArrayBuffer.isView(o.value) ? { ...outs, value: o.value } : outs);
  if (native?.gatherPoints && o.value instanceof Float64Array) {
    return native.gatherPoints(o.value, w, h, xo, yo, o.xs, o.ys, o.zs, o.rowLo, o.rowHi);
  }
  return gatherPointsTs(o.value, w, h, xo, yo, o.xs, o.ys, o.zs, o.rowLo, o.rowHi);
}
