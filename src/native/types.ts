/**
 * The shape of the native addon (`native/mosaic.node`, built from crates/mosaic-node).
 * Positional arguments mirror the Rust binding; outputs are caller-allocated and written
 * in place. Every function throws TypeError/RangeError with sharp-style messages
 * (`Expected Float64Array of length 3*2 for cornerX but received Float64Array of length 12`).
 * Async variants return promises; the arrays passed must not be touched until they settle.
 */

/** Float32Array or Float64Array pixel samples. */
export type Samples = Float32Array | Float64Array;

/** Result of `imageStats`: counts, extremes and the Neumaier-compensated sum of finite values. */
export interface NativeImageStats {
  finite: number;
  nan: number;
  min: number;
  max: number;
  sum: number;
}

export interface NativeBinding {
  reprojectExact(
    src: Samples, srcWidth: number, srcHeight: number, cornerX: Float64Array, cornerY: Float64Array,
    outWidth: number, outHeight: number, value: Float64Array, coverage: Float64Array,
    rowStart?: number, rowEnd?: number, threads?: number,
  ): void;
  reprojectExactAsync(
    src: Samples, srcWidth: number, srcHeight: number, cornerX: Float64Array, cornerY: Float64Array,
    outWidth: number, outHeight: number, value: Float64Array, coverage: Float64Array,
    rowStart?: number, rowEnd?: number, threads?: number,
  ): Promise<void>;
  /** The general clipping path for every pixel (no fast path): the reference for tests and benchmarks. Absent in older builds. */
  reprojectExactReference?(
    src: Samples, srcWidth: number, srcHeight: number, cornerX: Float64Array, cornerY: Float64Array,
    outWidth: number, outHeight: number, value: Float64Array, coverage: Float64Array,
    rowStart?: number, rowEnd?: number,
  ): void;
  resample(src: Samples, srcWidth: number, srcHeight: number, x: Float64Array, y: Float64Array, method: string, out: Float64Array): void;
  resampleAsync(src: Samples, srcWidth: number, srcHeight: number, x: Float64Array, y: Float64Array, method: string, out: Float64Array): Promise<void>;
  /** `plane`: [a, b, c, crpix1, crpix2, originX, originY] subtracted first (newer builds; older ones ignore it). */
  coaddAccumulate(
    sumVW: Float64Array, sumW: Float64Array, count: Uint32Array | Float32Array | null, mosaicWidth: number,
    tileValue: Samples, tileWeight: Samples, tileWidth: number, tileHeight: number, x0: number, y0: number,
    plane?: Float64Array | null,
  ): void;
  coaddAccumulateAsync(
    sumVW: Float64Array, sumW: Float64Array, count: Uint32Array | Float32Array | null, mosaicWidth: number,
    tileValue: Samples, tileWeight: Samples, tileWidth: number, tileHeight: number, x0: number, y0: number,
  ): Promise<void>;
  coaddFinish(sumVW: Float64Array, sumW: Float64Array, out: Float64Array, threshold: number): void;
  /** src/kernels/index.ts `coaddFinishRowsBigEndian`. Absent in older builds. */
  coaddFinishRowsBigEndian?(
    sumVW: Float64Array, sumW: Float64Array, stride: number, x0: number, width: number, rows: number,
    outValue: Uint8Array, outArea: Uint8Array, threshold: number, clear: boolean,
  ): void;
  imageStats(data: Samples): NativeImageStats;
  imageStatsAsync(data: Samples): Promise<NativeImageStats>;
  histogram(data: Samples, min: number, max: number, nbins: number): Float64Array;
  histogramAsync(data: Samples, min: number, max: number, nbins: number): Promise<Float64Array>;
  medianStack(values: Float64Array, nImages: number, nPixels: number, out: Float64Array): void;
  medianStackAsync(values: Float64Array, nImages: number, nPixels: number, out: Float64Array): Promise<void>;
  /** 1-based pixels → (lon, lat) degrees for the WCS descriptor `desc` (see src/wcs/native.ts); NaN off the projection. */
  wcsPixToSky(desc: Float64Array, x: Float64Array, y: Float64Array, lon: Float64Array, lat: Float64Array): void;
  wcsPixToSkyAsync(desc: Float64Array, x: Float64Array, y: Float64Array, lon: Float64Array, lat: Float64Array): Promise<void>;
  /** (lon, lat) degrees → 1-based pixels; NaN where the point is not on the projection. */
  wcsSkyToPix(desc: Float64Array, lon: Float64Array, lat: Float64Array, x: Float64Array, y: Float64Array): void;
  wcsSkyToPixAsync(desc: Float64Array, lon: Float64Array, lat: Float64Array, x: Float64Array, y: Float64Array): Promise<void>;
  /** Pixels of image `descFrom` → pixels of image `descTo`, through an optional row-major 3×3 frame rotation. */
  wcsMapPixels(
    descFrom: Float64Array, descTo: Float64Array, rot: Float64Array | null, x: Float64Array, y: Float64Array,
    outX: Float64Array, outY: Float64Array, threads?: number,
  ): void;
  wcsMapPixelsAsync(
    descFrom: Float64Array, descTo: Float64Array, rot: Float64Array | null, x: Float64Array, y: Float64Array,
    outX: Float64Array, outY: Float64Array, threads?: number,
  ): Promise<void>;
  /** project's checked corner grid, template pixel → input pixel (src/wcs/native.ts `nativeCornerGrid`). Absent in older builds. */
  wcsCornerGrid?(
    descTemplate: Float64Array, descInput: Float64Array, rot: Float64Array | null, x0: number, y0: number, cw: number, ch: number,
    step: number, tol: number, x: Float64Array, y: Float64Array, state: Uint8Array,
  ): number;
  /** Solid angles of template pixels (src/wcs/native.ts `nativePixelSolidAngles`). Absent in older builds. */
  wcsPixelSolidAngles?(desc: Float64Array, x0: number, y0: number, pixels: Int32Array, out: Float64Array): void;
  /** project's corner-grid fill (cells: 6 ints each, see src/kernels/corner-fill.ts). Absent in older builds. */
  fillCornerCells?(cells: Int32Array, cw: number, ch: number, x: Float64Array, y: Float64Array, state: Uint8Array): void;
  /** Bounds [i0, i1, j0, j1] of the covered pixels into `out` (i1 = -1 when none). Absent in older builds. */
  coveredBounds?(value: Float64Array, coverage: Float64Array, width: number, height: number, out: Int32Array): void;
  /**
   * Crop with area = coverage × Ω; `omega` holds grid samples at (linesX, linesY), or Ω per
   * box pixel when the lines are null. Absent in older builds.
   */
  cropWithArea?(
    value: Float64Array, coverage: Float64Array, boxWidth: number, boxHeight: number, i0: number, j0: number,
    width: number, height: number, omega: Float64Array, linesX: Int32Array | null, linesY: Int32Array | null,
    outValue: Float64Array, outArea: Float64Array,
  ): void;
  /**
   * The robust plane fit's passes (see src/kernels/plane-fit.ts); `out` (17 numbers, layout
   * `PLANE_FIT_OUT` there) receives the status, plane, rms, moments and extent. Absent in older builds.
   */
  planeFitPasses?(
    px: Float64Array, py: Float64Array, pz: Float64Array, levelOnly: boolean, iterations: number, clip: number, out: Float64Array,
  ): void;
  /** The plane fit's points from an image (src/kernels/index.ts `gatherPoints`); returns their number. Absent in older builds. */
  gatherPoints?(
    value: Float64Array, width: number, height: number, xOrigin: number, yOrigin: number,
    xs: Float64Array, ys: Float64Array, zs: Float64Array, rowLo: Int32Array, rowHi: Int32Array,
  ): number;
  /**
   * mDiff's pixel work (src/kernels/index.ts `diffPixels`): `geometry` = [plus x0, y0, width,
   * height, minus x0, y0, width, height, box x0, y0, width, height, factor, tolerance, noAreas];
   * `info` ← [found, i0, j0, width, height, npixel]. Absent in older builds.
   */
  diffImages?(
    plusValue: Float64Array, plusArea: Float64Array, minusValue: Float64Array, minusArea: Float64Array,
    geometry: Float64Array, outValue: Float64Array, outArea: Float64Array, info: Float64Array,
  ): void;
  /** Bytes from the start of `bytes` to the first `align`-byte boundary of its memory (for O_DIRECT buffers). Absent in older builds. */
  alignmentOffset?(bytes: Uint8Array, align: number): number;
  /** Reverse the bytes of each `size`-byte element (2, 4 or 8) of `bytes` in place. */
  swapBytes?(bytes: Uint8Array, size: number): void;
  version(): { version: string; backend: 'native'; target: string };
}
