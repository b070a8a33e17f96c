/**
 * project (Montage mProject): reproject one image onto the mosaic grid, flux-conserving.
 *
 * Reference: Montage 6 `MontageLib/Project/montageProject.c` (Berriman et al. 2004). Montage
 * maps every *input* pixel onto the sky and intersects it with every output pixel on the
 * sphere; here the four corners of every *output* pixel are mapped into input pixel space
 * (output pixel → sky → [frame conversion] → input pixel, distortions included) and the
 * `reprojectExact` kernel clips the resulting quadrilateral against the input pixel grid.
 * Both give, per output pixel,
 *   value = Σ input·overlap / Σ overlap  (surface brightness, input units)
 *   area  = Σ overlap                    (steradians; Montage's `_area.fits`)
 * over finite input pixels, so NaN inputs contribute nothing. Here `area` is the covered
 * fraction times the output pixel's solid angle, computed from the same corners.
 *
 * Conventions kept from mProject: the output covers the input's bounding box on the
 * template grid (found by walking the input outline), clipped to the template unless
 * `expand` (mProject -X, which may place pixels outside the template), then shrink-wrapped
 * to the pixels with area > 0; blank pixels are NaN with area 0; output BITPIX is -64.
 */
import { isMainThread } from 'node:worker_threads';
import { MosaicError } from '../errors.js';
import type { Header } from '../fits/header.js';
import type { FitsImage, PixelArray } from '../fits/types.js';
import { coveredBounds, cropWithArea, reprojectExact, resample, type SolidAngleSource } from '../kernels/index.js';
import { Wcs } from '../wcs/wcs.js';
import { FrameConversion, type CelestialFrame } from '../wcs/frames.js';
import { mapPixels, nativeCornerGrid, nativeCornerMap, nativePixelSolidAngles, type NativeCornerMap } from '../wcs/native.js';
import type { ProjectedImage } from './types.js';
import { DEFAULT_GRID_STEP, DEFAULT_GRID_TOL_PX, gridLines, interpolateCorners, type CornerGridOptions, type ExactCornerMap } from './project-grid.js';

/** Resampling method: `exact` is mProject's flux-conserving overlap; the others are interpolations (mProjectQL). */
export type ProjectMethod = 'exact' | 'bilinear' | 'lanczos3' | 'nearest';

export const PROJECT_METHODS: readonly ProjectMethod[] = ['exact', 'bilinear', 'lanczos3', 'nearest'];

export interface ProjectOptions {
  /** Default `exact`. */
  method?: ProjectMethod;
  /** mProject -X: keep the whole input even where it falls outside the template (x0/y0 may be negative). */
  expand?: boolean;
  /** Source file and image-table row, copied to the result for messages and tables. */
  source?: string;
  cntr?: number;
  /**
   * The result's `value` and `area` may live in buffers this thread reuses on its next call
   * (for callers that write or copy the result before projecting again). Default false.
   */
  reuseOutput?: boolean;
  /**
   * Write the result's `value` and `area` into these arrays (their first width·height
   * elements) when they are large enough, instead of new ones: e.g. shared memory another
   * thread reads. Takes precedence over `reuseOutput`.
   */
  into?: { value: Float64Array; area: Float64Array };
  /** Project onto this box of the template only (0-based pixels), e.g. the part two images share. */
  region?: PixelBox;
  /**
   * The box to work in when the caller already knows it (`imageFootprint`'s `work` box, from
   * the same headers): spares mapping the input's outline again. Default: computed.
   */
  workBox?: PixelBox;
  /** Prebuilt WCSs of the image's and the template's headers, for callers that project many times with them. */
  wcs?: { input: Wcs; template: Wcs };
}

/** The part of a WCS this stage needs (vectorised, 1-based pixels, degrees). */
export interface SkyMapper {
  /** Writes into `out` when given (it may alias the inputs). */
  pixToSkyMany(x: Float64Array, y: Float64Array, out?: { lon: Float64Array; lat: Float64Array }): { lon: Float64Array; lat: Float64Array };
  /** Writes into `out` when given (it may alias the inputs). */
  skyToPixMany(lon: Float64Array, lat: Float64Array, out?: { x: Float64Array; y: Float64Array }): { x: Float64Array; y: Float64Array };
}

/** Converts sky positions (degrees) from the template's frame to the input's, in place. */
export type FrameConverter = (lon: Float64Array, lat: Float64Array) => void;

/** Everything {@link projectArrays} needs: plain arrays and mappers, no headers or files. */
export interface ProjectInput {
  src: PixelArray;
  srcWidth: number;
  srcHeight: number;
  /** WCS of the input image. */
  inWcs: SkyMapper;
  /** WCS of the mosaic template. */
  outWcs: SkyMapper;
  outWidth: number;
  outHeight: number;
  /** Template frame → input frame; omitted when both frames are the same. */
  outToIn?: FrameConverter;
  /** Input frame → template frame (for the outline); omitted when both frames are the same. */
  inToOut?: FrameConverter;
  /**
   * Input frame → template frame as one rotation (null: the same frame), where it is one: the
   * outline then maps through `mapPixels` (native when loaded). Undefined: through `inToOut`.
   */
  inToOutRotation?: Float64Array | null;
  /** The same template → input mapping in the native core, where it runs there (corner grids then map natively). */
  nativeMap?: NativeCornerMap;
  method?: ProjectMethod;
  expand?: boolean;
  /** How output pixel corners are mapped (default: checked grid interpolation). */
  corners?: CornerMapOptions;
  /**
   * Both mappings are gnomonic projections of linear pixel maps (TAN, no distortion), so that
   * template → input pixels is a homography (project-homography.ts; tried first, checked).
   */
  homography?: boolean;
  /** See `ProjectOptions.reuseOutput`. */
  reuseOutput?: boolean;
  /** See `ProjectOptions.into`. */
  into?: { value: Float64Array; area: Float64Array };
  /** See `ProjectOptions.region`. */
  region?: PixelBox;
  /** See `ProjectOptions.workBox`. */
  workBox?: PixelBox;
  /**
   * Input pixels between outline samples (default 1). Where the input's pixel → sky map is a
   * projection alone, every 4th will do: the outline is then smooth on that scale (its
   * bounding box moves by < 1e-6 pixel), while distortion polynomials can bend it faster.
   */
  outlineStep?: number;
}

/** Pixels of margin around the mapped input outline (the outline is sampled every input pixel). */
const BOX_MARGIN = 2;

/** A box on the output grid in 0-based pixel indices: columns x0..x0+width-1, rows y0..y0+height-1. */
export interface PixelBox {
  x0: number;
  y0: number;
  width: number;
  height: number;
}

/** What the outline of an input on the output grid depends on. */
export type OutlineInput = Pick<ProjectInput, 'srcWidth' | 'srcHeight' | 'inWcs' | 'outWcs' | 'outWidth' | 'outHeight' | 'inToOut' | 'inToOutRotation' | 'expand' | 'outlineStep'>;

/** Extent of the input outline on the output grid (1-based positions) and how many outline points did not map. */
interface OutlineExtent {
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
  /** Outline points without an output position (off a projection). */
  bad: number;
  /** Outline points in all. */
  points: number;
}

/** The input outline (pixel edges, sampled every pixel) mapped through both WCSs. */
function outlineExtent(input: OutlineInput): OutlineExtent {
  const { srcWidth: w, srcHeight: h } = input;
  const step = Math.max(1, Math.floor(input.outlineStep ?? 1));
  // Pixel edges 0 … w (and 0 … h) every `step`, the far edge always included.
  const edges = (m: number) => {
    const at: number[] = [];
    for (let i = 0; i < m; i += step) at.push(i);
    at.push(m);
    return at;
  };
  const xs = edges(w);
  const ys = edges(h);
  const n = 2 * (xs.length + ys.length);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  let k = 0;
  for (const i of xs) {
    x[k] = i + 0.5;
    y[k++] = 0.5;
    x[k] = i + 0.5;
    y[k++] = h + 0.5;
  }
  for (const j of ys) {
    x[k] = 0.5;
    y[k++] = j + 0.5;
    x[k] = w + 0.5;
    y[k++] = j + 0.5;
  }
  const out = outlinePixels(input, x, y);
  const e: OutlineExtent = { minX: Infinity, maxX: -Infinity, minY: Infinity, maxY: -Infinity, bad: 0, points: n };
  for (let i = 0; i < n; i++) {
    const ox = out.x[i];
    const oy = out.y[i];
    if (!Number.isFinite(ox) || !Number.isFinite(oy)) {
      e.bad++;
      continue;
    }
    if (ox < e.minX) e.minX = ox;
    if (ox > e.maxX) e.maxX = ox;
    if (oy < e.minY) e.minY = oy;
    if (oy > e.maxY) e.maxY = oy;
  }
  return e;
}

/** Input pixels (1-based) → template pixels: natively where both WCSs and the frame change allow it (mapPixels). */
function outlinePixels(input: OutlineInput, x: Float64Array, y: Float64Array): { x: Float64Array; y: Float64Array } {
  const { inWcs, outWcs, inToOutRotation: rotation } = input;
  if (rotation !== undefined && inWcs instanceof Wcs && outWcs instanceof Wcs) return mapPixels(inWcs, outWcs, x, y, { rotation: rotation ?? undefined });
  const sky = inWcs.pixToSkyMany(x, y);
  input.inToOut?.(sky.lon, sky.lat);
  return outWcs.skyToPixMany(sky.lon, sky.lat);
}

/** `box` clipped to the W × H template, or null when nothing is left. */
function clipToTemplate(x0: number, x1: number, y0: number, y1: number, W: number, H: number): PixelBox | null {
  x0 = Math.max(x0, 0);
  y0 = Math.max(y0, 0);
  x1 = Math.min(x1, W - 1);
  y1 = Math.min(y1, H - 1);
  if (x1 < x0 || y1 < y0) return null;
  return { x0, y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/**
 * The input's bounding box on the output grid: the input outline (pixel edges, sampled
 * every pixel) mapped through both WCSs, plus a margin, clipped to the template unless
 * `expand`. Returns null when no part of the outline lands near the template. When part of
 * the outline has no output position (off the projection) the whole template is returned.
 */
export function outputBoundingBox(input: OutlineInput): PixelBox | null {
  return workBox(outlineExtent(input), input);
}

/** {@link outputBoundingBox} from the outline's extent. */
function workBox(e: OutlineExtent, input: OutlineInput): PixelBox | null {
  const W = input.outWidth;
  const H = input.outHeight;
  if (e.bad > 0 && !input.expand) return { x0: 0, y0: 0, width: W, height: H };
  if (e.bad === e.points) return null;
  // 0-based pixel i spans 1-based positions [i + 0.5, i + 1.5), so p lies in floor(p - 0.5).
  const x0 = Math.floor(e.minX - 0.5) - BOX_MARGIN;
  const x1 = Math.floor(e.maxX - 0.5) + BOX_MARGIN;
  const y0 = Math.floor(e.minY - 0.5) - BOX_MARGIN;
  const y1 = Math.floor(e.maxY - 0.5) + BOX_MARGIN;
  if (input.expand) return x1 < x0 || y1 < y0 ? null : { x0, y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
  return clipToTemplate(x0, x1, y0, y1, W, H);
}

/** The pixels two boxes share, or null. */
function intersectBoxes(a: PixelBox, b: PixelBox): PixelBox | null {
  const x0 = Math.max(a.x0, b.x0);
  const y0 = Math.max(a.y0, b.y0);
  const x1 = Math.min(a.x0 + a.width, b.x0 + b.width);
  const y1 = Math.min(a.y0 + a.height, b.y0 + b.height);
  return x1 > x0 && y1 > y0 ? { x0, y0, width: x1 - x0, height: y1 - y0 } : null;
}

/** Slack (output pixels) by which {@link footprintBox} widens the mapped outline: far above its sampling error (~1e-9 px). */
const FOOTPRINT_SLACK = 1e-6;

/**
 * The output pixels the input can cover, clipped to the template: those whose square meets the
 * bounding box of the input's outline on the output grid (its pixel edges mapped through both
 * WCSs, widened by 1e-6 pixel). Every pixel `project` gives a positive area lies inside; it is
 * mAdd's box of the projected image when the input has no blank border. Known from the headers
 * alone, before any pixel is projected. Null when the input misses the template; the whole
 * template when part of the outline is off a projection.
 */
export function footprintBox(input: OutlineInput): PixelBox | null {
  return coverBox(outlineExtent(input), input);
}

/** {@link footprintBox} from the outline's extent. */
function coverBox(e: OutlineExtent, input: OutlineInput): PixelBox | null {
  const W = input.outWidth;
  const H = input.outHeight;
  if (e.bad === e.points) return null;
  if (e.bad > 0) return { x0: 0, y0: 0, width: W, height: H };
  // 0-based pixel i spans 1-based positions (i + 0.5, i + 1.5): it meets (minX, maxX) when
  // i + 1.5 > minX and i + 0.5 < maxX.
  const x0 = Math.floor(e.minX - FOOTPRINT_SLACK - 1.5) + 1;
  const x1 = Math.ceil(e.maxX + FOOTPRINT_SLACK - 0.5) - 1;
  const y0 = Math.floor(e.minY - FOOTPRINT_SLACK - 1.5) + 1;
  const y1 = Math.ceil(e.maxY + FOOTPRINT_SLACK - 0.5) - 1;
  return clipToTemplate(x0, x1, y0, y1, W, H);
}

/** Unit vector components of sky positions (degrees), written into `out` as x,y,z triples. */
function unitVectors(lon: Float64Array, lat: Float64Array, out: Float64Array): void {
  const d2r = Math.PI / 180;
  for (let i = 0; i < lon.length; i++) {
    const cl = Math.cos(lat[i] * d2r);
    out[3 * i] = cl * Math.cos(lon[i] * d2r);
    out[3 * i + 1] = cl * Math.sin(lon[i] * d2r);
    out[3 * i + 2] = Math.sin(lat[i] * d2r);
  }
}

/**
 * Solid angles (sr) of one row of output pixels from the unit vectors of their lower and
 * upper corner rows: half the norm of the cross product of the quad's diagonals, exact to
 * second order in the pixel size (relative error ~1e-11 for arcsecond pixels).
 */
function rowSolidAngles(lower: Float64Array, upper: Float64Array, width: number, out: Float64Array, offset: number): void {
  for (let i = 0; i < width; i++) {
    const a = 3 * i; // corner (i, j)
    const b = 3 * (i + 1); // corner (i+1, j)
    // Diagonals: (i,j)→(i+1,j+1) and (i+1,j)→(i,j+1).
    const d1x = upper[b] - lower[a];
    const d1y = upper[b + 1] - lower[a + 1];
    const d1z = upper[b + 2] - lower[a + 2];
    const d2x = upper[a] - lower[b];
    const d2y = upper[a + 1] - lower[b + 1];
    const d2z = upper[a + 2] - lower[b + 2];
    const cx = d1y * d2z - d1z * d2y;
    const cy = d1z * d2x - d1x * d2z;
    const cz = d1x * d2y - d1y * d2x;
    out[offset + i] = 0.5 * Math.sqrt(cx * cx + cy * cy + cz * cz);
  }
}

/** How {@link mapCorners} maps the corners. */
export interface CornerMapOptions {
  /**
   * `grid` (default): exact on a checked coarse grid, bilinear in between (see
   * project-grid.ts), within `tolPx` of the exact mapping; `exact`: every corner exactly.
   */
  mode?: 'grid' | 'exact';
  /** Grid step in output pixels (default 16). */
  step?: number;
  /** Accepted interpolation error, input pixels (default 1e-4). */
  tolPx?: number;
}

/**
 * Map the corner grid of `box` into input pixel space (0-based, as `reprojectExact`
 * wants) and return the solid angle of every output pixel in the box.
 * Corner (i, j) of the box is output 0-based position (box.x0 + i − 0.5, box.y0 + j − 0.5).
 * `exactCount` says how many corners went through the exact WCS chain.
 */
export function mapCorners(
  input: ProjectInput,
  box: PixelBox,
  opts: CornerMapOptions = {},
): { cornerX: Float64Array; cornerY: Float64Array; solidAngle: Float64Array; exactCount: number } {
  const m = mapCornerGrid(input, box, opts);
  return { ...m, solidAngle: solidAngleArray(m.solidAngle, box) };
}

/** {@link mapCorners} with the solid angles left as samples (or per pixel), for {@link cropWithArea}. */
function mapCornerGrid(
  input: ProjectInput,
  box: PixelBox,
  opts: CornerMapOptions,
  buffers?: CornerGridOptions['buffers'],
): { cornerX: Float64Array; cornerY: Float64Array; solidAngle: SolidAngleSource; exactCount: number } {
  const cw = box.width + 1;
  const ch = box.height + 1;
  if (opts.mode === 'exact') return mapCornersExact(input, box);
  const step = opts.step ?? DEFAULT_GRID_STEP;
  const solidAngle = sampledSolidAngles(input.outWcs, box, step);
  if (input.nativeMap) {
    const n = cw * ch;
    const out = buffers ?? { cornerX: new Float64Array(n), cornerY: new Float64Array(n), state: new Uint8Array(n) };
    const exactCount = nativeCornerGrid(input.nativeMap, box.x0, box.y0, cw, ch, step, opts.tolPx ?? DEFAULT_GRID_TOL_PX, out);
    return { cornerX: out.cornerX, cornerY: out.cornerY, solidAngle, exactCount };
  }
  const exact: ExactCornerMap = (ci, cj, n, inX, inY) => {
    const xs = new Float64Array(n);
    const ys = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      xs[k] = box.x0 + ci[k] + 0.5; // 1-based FITS position of the corner
      ys[k] = box.y0 + cj[k] + 0.5;
    }
    const sky = input.outWcs.pixToSkyMany(xs, ys, { lon: xs, lat: ys });
    input.outToIn?.(sky.lon, sky.lat);
    const pix = input.inWcs.skyToPixMany(sky.lon, sky.lat, { x: xs, y: ys });
    for (let k = 0; k < n; k++) {
      inX[k] = pix.x[k] - 1;
      inY[k] = pix.y[k] - 1;
    }
  };
  const g = interpolateCorners(cw, ch, exact, { step, tolPx: opts.tolPx, buffers, homography: input.homography });
  return { cornerX: g.cornerX, cornerY: g.cornerY, solidAngle, exactCount: g.exactCount };
}

/**
 * Largest accepted relative error of an interpolated solid angle (checked at cell centres).
 * Not tighter: the exact value itself carries ~1e-9 relative rounding noise for arcsecond
 * pixels (corner longitudes near 300° are good to ~1e-15 rad, pixels are 5e-6 rad wide).
 */
const SOLID_ANGLE_TOL = 1e-7;

/** Every pixel's solid angle (sr) from {@link sampledSolidAngles}' source: the bilinear interpolant of the samples. */
function solidAngleArray(source: SolidAngleSource, box: PixelBox): Float64Array {
  if ('full' in source) return source.full;
  const { samples, linesX, linesY } = source;
  const ax = axisWeights(Array.from(linesX), box.width);
  const ay = axisWeights(Array.from(linesY), box.height);
  const nx = linesX.length;
  const out = new Float64Array(box.width * box.height);
  for (let j = 0; j < box.height; j++) {
    const b0 = ay.lo[j] * nx;
    const b1 = ay.hi[j] * nx;
    for (let i = 0; i < box.width; i++) {
      const a0 = ax.lo[i];
      const a1 = ax.hi[i];
      const u = ax.t[i];
      const lower = samples[b0 + a0] + u * (samples[b0 + a1] - samples[b0 + a0]);
      const upper = samples[b1 + a0] + u * (samples[b1 + a1] - samples[b1 + a0]);
      out[i + box.width * j] = lower + ay.t[j] * (upper - lower);
    }
  }
  return out;
}

/**
 * Solid angles (sr) of the output pixels of `box`, computed exactly (from their four corners)
 * for every `step`-th pixel and interpolated bilinearly in between (returned as the samples;
 * {@link cropWithArea} interpolates them only where it needs them), at 4 pixel → sky
 * evaluations per sample instead of one per corner. Over 16 arcsecond pixels the solid angle
 * varies by ~1e-6 relative, so the interpolation is good to ~1e-12; it is checked at the
 * centre pixel of every cell, and where it misses by more than 1e-7 relative (very large
 * pixels, e.g. an all-sky template) every pixel is computed exactly instead, row by row.
 */
function sampledSolidAngles(outWcs: SkyMapper, box: PixelBox, step: number): SolidAngleSource {
  const si = gridLines(box.width, step);
  const sj = gridLines(box.height, step);
  const pixels: number[] = []; // (i, j) pairs: the samples, then the cell-centre checks
  for (const j of sj) for (const i of si) pixels.push(i, j);
  const ns = pixels.length / 2;
  for (let b = 0; b + 1 < sj.length; b++)
    for (let a = 0; a + 1 < si.length; a++) pixels.push((si[a] + si[a + 1]) >> 1, (sj[b] + sj[b + 1]) >> 1);
  const omega = pixelSolidAngles(outWcs, box, pixels);
  const ax = axisWeights(si, box.width);
  const ay = axisWeights(sj, box.height);
  const nx = si.length;
  const at = (i: number, j: number): number => {
    const b0 = ay.lo[j] * nx;
    const b1 = ay.hi[j] * nx;
    const a0 = ax.lo[i];
    const a1 = ax.hi[i];
    const u = ax.t[i];
    const lower = omega[b0 + a0] + u * (omega[b0 + a1] - omega[b0 + a0]);
    const upper = omega[b1 + a0] + u * (omega[b1 + a1] - omega[b1 + a0]);
    return lower + ay.t[j] * (upper - lower);
  };
  for (let c = ns; c < omega.length; c++) {
    const exact = omega[c];
    // NaN (off the template's projection) also fails the test.
    if (!(Math.abs(at(pixels[2 * c], pixels[2 * c + 1]) - exact) <= SOLID_ANGLE_TOL * Math.abs(exact))) {
      const all = new Float64Array(box.width * box.height);
      const row: number[] = [];
      for (let j = 0; j < box.height; j++) {
        row.length = 0;
        for (let i = 0; i < box.width; i++) row.push(i, j);
        all.set(pixelSolidAngles(outWcs, box, row), box.width * j);
      }
      return { full: all };
    }
  }
  return { samples: omega.subarray(0, ns), linesX: Int32Array.from(si), linesY: Int32Array.from(sj) };
}

/**
 * Exact solid angles (sr) of the box pixels (i, j) listed as pairs in `pixels` (0-based in the
 * box): in the native core where the template's WCS runs there (same values to ~1e-12).
 */
function pixelSolidAngles(outWcs: SkyMapper, box: PixelBox, pixels: number[]): Float64Array {
  const fast = outWcs instanceof Wcs ? nativePixelSolidAngles(outWcs, box.x0, box.y0, Int32Array.from(pixels)) : undefined;
  if (fast) return fast;
  const n = pixels.length / 2;
  const xs = new Float64Array(4 * n);
  const ys = new Float64Array(4 * n);
  for (let s = 0; s < n; s++) {
    const x = box.x0 + pixels[2 * s] + 0.5; // 1-based FITS position of the lower-left corner
    const y = box.y0 + pixels[2 * s + 1] + 0.5;
    xs.set([x, x + 1, x, x + 1], 4 * s);
    ys.set([y, y, y + 1, y + 1], 4 * s);
  }
  const sky = outWcs.pixToSkyMany(xs, ys, { lon: xs, lat: ys });
  const unit = new Float64Array(12 * n);
  unitVectors(sky.lon, sky.lat, unit);
  // Corners (i,j), (i+1,j) are the sample's lower row, (i,j+1), (i+1,j+1) its upper row.
  const out = new Float64Array(n);
  for (let s = 0; s < n; s++) rowSolidAngles(unit.subarray(12 * s, 12 * s + 6), unit.subarray(12 * s + 6, 12 * s + 12), 1, out, s);
  return out;
}

/** For each index 0 … n−1: the sample lines below and above it and the fraction between them. */
function axisWeights(lines: number[], n: number): { lo: Int32Array; hi: Int32Array; t: Float64Array } {
  const lo = new Int32Array(n);
  const hi = new Int32Array(n);
  const t = new Float64Array(n);
  let a = 0;
  for (let i = 0; i < n; i++) {
    while (a + 1 < lines.length - 1 && lines[a + 1] <= i) a++;
    const b = Math.min(a + 1, lines.length - 1);
    lo[i] = a;
    hi[i] = b;
    t[i] = b === a ? 0 : (i - lines[a]) / (lines[b] - lines[a]);
  }
  return { lo, hi, t };
}

/** Every corner through the exact chain: one vectorised WCS call per corner row. */
function mapCornersExact(input: ProjectInput, box: PixelBox): { cornerX: Float64Array; cornerY: Float64Array; solidAngle: SolidAngleSource; exactCount: number } {
  const cw = box.width + 1;
  const ch = box.height + 1;
  const cornerX = new Float64Array(cw * ch);
  const cornerY = new Float64Array(cw * ch);
  const solidAngle = new Float64Array(box.width * box.height);
  const xs = new Float64Array(cw);
  const ys = new Float64Array(cw);
  for (let i = 0; i < cw; i++) xs[i] = box.x0 + i + 0.5; // 1-based FITS position of the corner
  let lower = new Float64Array(3 * cw);
  let upper = new Float64Array(3 * cw);
  // One pair of work arrays reused for every row: sky, then (in place) input pixels.
  const sky = { lon: new Float64Array(cw), lat: new Float64Array(cw) };
  const pix = { x: sky.lon, y: sky.lat };
  for (let j = 0; j < ch; j++) {
    ys.fill(box.y0 + j + 0.5);
    input.outWcs.pixToSkyMany(xs, ys, sky);
    unitVectors(sky.lon, sky.lat, upper);
    if (j > 0) rowSolidAngles(lower, upper, box.width, solidAngle, (j - 1) * box.width);
    input.outToIn?.(sky.lon, sky.lat);
    input.inWcs.skyToPixMany(sky.lon, sky.lat, pix);
    const row = j * cw;
    for (let i = 0; i < cw; i++) {
      cornerX[row + i] = pix.x[i] - 1;
      cornerY[row + i] = pix.y[i] - 1;
    }
    const t = lower;
    lower = upper;
    upper = t;
  }
  return { cornerX, cornerY, solidAngle: { full: solidAngle }, exactCount: cw * ch };
}

/** Input 0-based positions of the output pixel centres of `box` (for the interpolating methods). */
function mapCentres(input: ProjectInput, box: PixelBox): { x: Float64Array; y: Float64Array } {
  const n = box.width * box.height;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const xs = new Float64Array(box.width);
  const ys = new Float64Array(box.width);
  for (let i = 0; i < box.width; i++) xs[i] = box.x0 + i + 1;
  const sky = { lon: new Float64Array(box.width), lat: new Float64Array(box.width) };
  const pix = { x: sky.lon, y: sky.lat };
  for (let j = 0; j < box.height; j++) {
    ys.fill(box.y0 + j + 1);
    input.outWcs.pixToSkyMany(xs, ys, sky);
    input.outToIn?.(sky.lon, sky.lat);
    input.inWcs.skyToPixMany(sky.lon, sky.lat, pix);
    const row = j * box.width;
    for (let i = 0; i < box.width; i++) {
      x[row + i] = pix.x[i] - 1;
      y[row + i] = pix.y[i] - 1;
    }
  }
  return { x, y };
}

/** Largest scratch array kept for reuse (elements); bigger ones are allocated per call. */
const SCRATCH_MAX = 1 << 21;
const scratchRefs: (WeakRef<ArrayBuffer> | undefined)[] = [];
/**
 * In pool threads, which project image after image, the scratch is also held strongly: a
 * collected buffer comes back as fresh pages, whose faults cost more than the memory kept.
 */
const scratchHeld: (ArrayBuffer | undefined)[] = [];
const HOLD_SCRATCH = !isMainThread;

/**
 * Scratch array `slot` of this thread, length n: reused between calls (allocating and
 * zeroing megabytes per image cost more than the work done in them) and, on the main thread,
 * weakly held, so the GC may reclaim it between images. Contents are arbitrary; callers write
 * before reading. Slots 0–4 never leave {@link projectArrays}; 5–6 hold its result with `reuseOutput`.
 */
interface ScratchConstructor<T> {
  new (n: number): T;
  new (buffer: ArrayBuffer, offset: number, length: number): T;
  readonly BYTES_PER_ELEMENT: number;
}

function scratch<T extends Float64Array | Uint8Array>(slot: number, ctor: ScratchConstructor<T>, n: number): T {
  if (n > SCRATCH_MAX) return new ctor(n);
  // The ref holds the buffer (which the views handed out keep alive), not a view object.
  const old = scratchRefs[slot]?.deref();
  if (old && old.byteLength >= n * ctor.BYTES_PER_ELEMENT) return new ctor(old, 0, n);
  // A quarter more than asked: work boxes vary by a few per cent from image to image, and each
  // regrowth is fresh memory, whose first touch costs more here than the work done in it.
  const fresh = new ctor(Math.min(SCRATCH_MAX, Math.max(Math.ceil(1.25 * n), old ? old.byteLength / ctor.BYTES_PER_ELEMENT : 0)));
  scratchRefs[slot] = new WeakRef(fresh.buffer as ArrayBuffer);
  if (HOLD_SCRATCH) scratchHeld[slot] = fresh.buffer as ArrayBuffer;
  return fresh.subarray(0, n) as T;
}

/**
 * Reproject plain arrays (the pure core of {@link project}).
 * @throws MosaicError E_NO_OVERLAP when the input does not reach the template or every
 *   overlapping pixel is blank (mProject's "No overlap" / "All pixels are blank").
 */
export function projectArrays(input: ProjectInput): Omit<ProjectedImage, 'cntr' | 'source'> {
  const method = input.method ?? 'exact';
  const whole = input.workBox ?? outputBoundingBox(input);
  const box = whole && input.region ? intersectBoxes(whole, input.region) : whole;
  if (!box) throw new MosaicError('E_NO_OVERLAP', input.region ? 'image does not reach the region' : 'image does not overlap the template', { stage: 'project' });

  let value: Float64Array;
  let coverage: Float64Array;
  let solidAngle: SolidAngleSource;
  if (method === 'exact') {
    const nc = (box.width + 1) * (box.height + 1);
    const np = box.width * box.height;
    const buffers = { cornerX: scratch(0, Float64Array, nc), cornerY: scratch(1, Float64Array, nc), state: scratch(2, Uint8Array, nc) };
    const corners = mapCornerGrid(input, box, input.corners ?? {}, buffers);
    solidAngle = corners.solidAngle;
    const r = reprojectExact({
      value: scratch(3, Float64Array, np),
      coverage: scratch(4, Float64Array, np),
      src: input.src,
      srcWidth: input.srcWidth,
      srcHeight: input.srcHeight,
      cornerX: corners.cornerX,
      cornerY: corners.cornerY,
      outWidth: box.width,
      outHeight: box.height,
    });
    value = r.value;
    coverage = r.coverage;
  } else {
    // Interpolation: a pixel is wholly covered where the interpolant is finite (mProjectQL).
    solidAngle = mapCornerGrid(input, box, input.corners ?? {}).solidAngle;
    const centres = mapCentres(input, box);
    value = resample({
      src: input.src,
      srcWidth: input.srcWidth,
      srcHeight: input.srcHeight,
      x: centres.x,
      y: centres.y,
      method,
    });
    coverage = new Float64Array(value.length);
    for (let i = 0; i < value.length; i++) coverage[i] = Number.isFinite(value[i]) ? 1 : 0;
  }
  return shrinkWrap(box, value, coverage, solidAngle, input.reuseOutput ?? false, input.into);
}

/** Crop to the pixels with coverage > 0 and turn coverage into area (sr); blanks are NaN / 0. */
function shrinkWrap(
  box: PixelBox, value: Float64Array, coverage: Float64Array, solidAngle: SolidAngleSource, reuse: boolean,
  into?: { value: Float64Array; area: Float64Array },
): Omit<ProjectedImage, 'cntr' | 'source'> {
  const crop = coveredBounds(value, coverage, box.width, box.height);
  if (!crop) throw new MosaicError('E_NO_OVERLAP', 'all pixels are blank: the image does not overlap the template', { stage: 'project' });
  const width = crop.i1 - crop.i0 + 1;
  const height = crop.j1 - crop.j0 + 1;
  const n = width * height;
  // Reused output buffers live in their own slots (5, 6): they outlast this call.
  const buffers = into && into.value.length >= n && into.area.length >= n
    ? { value: into.value.subarray(0, n), area: into.area.subarray(0, n) }
    : reuse ? { value: scratch(5, Float64Array, n), area: scratch(6, Float64Array, n) } : undefined;
  const out = cropWithArea({ value, coverage, boxWidth: box.width, boxHeight: box.height, crop, solidAngle, out: buffers });
  return { x0: box.x0 + crop.i0, y0: box.y0 + crop.j0, width, height, value: out.value, area: out.area };
}

/**
 * Reproject `image` onto the grid of `template` (mProject).
 *
 * @param image an image in physical units (from `readImage`); NaN pixels are blank.
 * @param template the mosaic header (NAXIS1/2 and a celestial WCS).
 * @returns the projected image cropped to its non-blank pixels, with `area` in steradians.
 * @throws MosaicError E_WCS_* for an unusable WCS, E_NO_OVERLAP when nothing lands on the template.
 * @example const p = project(await readImage('a.fits'), await readTemplate('t.hdr'), { method: 'exact' });
 */
export function project(image: FitsImage, template: Header, opts: ProjectOptions = {}): ProjectedImage {
  const [srcWidth, srcHeight] = image.shape;
  if (!srcWidth || !srcHeight || image.shape.slice(2).some((n) => n > 1))
    throw new MosaicError('E_FITS_NO_IMAGE', `expected a 2-D image but the shape is [${image.shape.join(', ')}]`, {
      stage: 'project',
      file: opts.source,
    });
  const outWidth = template.int('NAXIS1') ?? 0;
  const outHeight = template.int('NAXIS2') ?? 0;
  if (outWidth < 1 || outHeight < 1)
    throw new MosaicError('E_TEMPLATE', 'template needs positive NAXIS1 and NAXIS2', { stage: 'project' });
  try {
    const inWcs = opts.wcs?.input ?? Wcs.fromHeader(image.header);
    const outWcs = opts.wcs?.template ?? Wcs.fromHeader(template);
    const { rotation, ...frames } = frameConverters(inWcs, outWcs);
    const r = projectArrays({
      src: image.data,
      srcWidth,
      srcHeight,
      inWcs,
      outWcs,
      outWidth,
      outHeight,
      ...frames,
      nativeMap: nativeCornerMap(outWcs, inWcs, rotation),
      method: opts.method,
      expand: opts.expand,
      corners: { step: cornerGridStep(inWcs) },
      homography: gnomonic(inWcs) && gnomonic(outWcs),
      outlineStep: outlineStep(inWcs),
      reuseOutput: opts.reuseOutput,
      into: opts.into,
      region: opts.region,
      workBox: opts.workBox,
    });
    return { ...r, cntr: opts.cntr, source: opts.source };
  } catch (err) {
    throw err instanceof MosaicError ? err.withContext({ stage: 'project', file: opts.source }) : err;
  }
}

/**
 * Where an image of `shape` with WCS `header` lands on `template` before any pixel is
 * projected: its {@link footprintBox} (the pixels it can cover) and the box `project` works in
 * ({@link outputBoundingBox}, a little larger), both null when it misses the template.
 * @throws MosaicError E_WCS_* for an unusable WCS, E_TEMPLATE without NAXIS1/2.
 * @example const { footprint } = imageFootprint(image.header, image.shape, template);
 */
export function imageFootprint(header: Header, shape: readonly number[], template: Header): { footprint: PixelBox | null; work: PixelBox | null } {
  const outWidth = template.int('NAXIS1') ?? 0;
  const outHeight = template.int('NAXIS2') ?? 0;
  if (outWidth < 1 || outHeight < 1) throw new MosaicError('E_TEMPLATE', 'template needs positive NAXIS1 and NAXIS2', { stage: 'project' });
  const inWcs = Wcs.fromHeader(header);
  const outWcs = Wcs.fromHeader(template);
  const { inToOut, inToOutRotation } = frameConverters(inWcs, outWcs);
  const input: OutlineInput = { srcWidth: shape[0], srcHeight: shape[1] ?? 1, inWcs, outWcs, outWidth, outHeight, inToOut, inToOutRotation, outlineStep: outlineStep(inWcs) };
  const e = outlineExtent(input);
  return { footprint: coverBox(e, input), work: workBox(e, input) };
}

/** Whether pixel → sky is a gnomonic projection (TAN) of a linear map (no distortion). */
function gnomonic(wcs: Wcs): boolean {
  return wcs.projectionCode === 'TAN' && wcs.distortion === 'none';
}

/** Outline sampling for an input (see `OutlineInput.outlineStep`): 4 pixels without distortion, else every pixel. */
function outlineStep(inWcs: Wcs): number {
  return inWcs.distortion === 'none' ? 4 : 1;
}

/**
 * Corner-grid step for an input: 32 where its pixel → sky map is a projection alone (the
 * mapping to the template is then smooth on the scale of a cell, and the step halves the
 * exact corner evaluations, ~20 ms per 512×1024 frame), the default 16 where a distortion
 * polynomial (SIP, TPV, TNX, DSS) bends it on smaller scales. Every cell is checked either way.
 */
function cornerGridStep(inWcs: Wcs): number {
  return inWcs.distortion === 'none' ? 2 * DEFAULT_GRID_STEP : DEFAULT_GRID_STEP;
}

/**
 * Frame conversions between the input's and the template's celestial systems (none when
 * equal), and template → input as one rotation (null: none; undefined: not a pure rotation).
 */
function frameConverters(inWcs: Wcs, outWcs: Wcs): {
  outToIn?: FrameConverter; inToOut?: FrameConverter; rotation: Float64Array | null | undefined; inToOutRotation: Float64Array | null | undefined;
} {
  const a: CelestialFrame = inWcs.frame;
  const b: CelestialFrame = outWcs.frame;
  const back = new FrameConversion(b, a);
  if (back.identity) return { rotation: null, inToOutRotation: null };
  const forward = new FrameConversion(a, b);
  return {
    outToIn: (lon, lat) => back.convertMany(lon, lat, lon, lat),
    inToOut: (lon, lat) => forward.convertMany(lon, lat, lon, lat),
    rotation: back.rotation,
    inToOutRotation: forward.rotation,
  };
}
