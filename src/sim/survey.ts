/**
 * A synthetic 2MASS-like survey: the layout of the frames (scan columns with ~10 % overlaps),
 * their headers, the background planes injected into each, and the rendering of each frame
 * and of the truth mosaic from the {@link SkyModel}. Pure computation: no files.
 *
 * Background planes follow Montage's convention (mBackground, mBgModel): a·x + b·y + c with
 * x = i − CRPIX1, y = j − CRPIX2, where (i, j) are 0-based pixel indices of the image
 * reprojected on the mosaic grid and CRPIX its reference pixel; since a reprojected image's
 * CRPIX moves with its crop, x = (0-based mosaic column) − CRPIX1 of the mosaic template,
 * and likewise y. The planes are injected through that mapping, so the corrections
 * mBgModel reports are directly comparable with them (up to one common plane).
 */
import { Header } from '../fits/header.js';
import type { Wcs } from '../wcs/wcs.js';
import { Random } from './random.js';
import { addStars, fromTangentPlane, nebulaMany, type SkyModel } from './sky.js';

/** Survey presets. `small`: 6 frames of 256×512 (quick tests); `standard`: 12 of 512×1024; `m17`: 91 of 512×1024 (a ~6100×6900 mosaic, like Montage's M17 tutorial). */
export type SurveySize = 'small' | 'standard' | 'm17';

export const SURVEY_PRESETS: Record<SurveySize, { images: number; width: number; height: number }> = {
  small: { images: 6, width: 256, height: 512 },
  standard: { images: 12, width: 512, height: 1024 },
  m17: { images: 91, width: 512, height: 1024 },
};

/** Options of {@link designSurvey}. */
export interface SurveyOptions {
  size?: SurveySize;
  /** Number of frames. Default: the preset's. */
  images?: number;
  projection?: 'TAN' | 'SIN';
  /** Field centre, degrees. Default M17 (275.196, −16.171). */
  centerRa?: number;
  centerDec?: number;
  /** Pixel scale, arcsec. Default 1. */
  pixelArcsec?: number;
  /** Fraction of a frame shared with its neighbour. Default 0.1. */
  overlap?: number;
  /** Largest |CROTA2|, degrees. Default 0.03. */
  maxRotationDeg?: number;
}

/** A background plane a·x + b·y + c in Montage's convention (see the module comment); DN. */
export interface Plane {
  a: number;
  b: number;
  c: number;
}

/** One frame of the survey. */
export interface FrameSpec {
  name: string;
  header: Header;
  width: number;
  height: number;
  plane: Plane;
  /** Scan column and position in it (0-based). */
  column: number;
  row: number;
}

/** Frame layout and planes for a seed. */
export function designSurvey(opts: SurveyOptions, rng: Random): { frames: FrameSpec[]; halfWidthDeg: number; halfHeightDeg: number } {
  const preset = SURVEY_PRESETS[opts.size ?? 'standard'];
  const n = opts.images ?? preset.images;
  const { width, height } = preset;
  const scale = (opts.pixelArcsec ?? 1) / 3600;
  const overlap = opts.overlap ?? 0.1;
  const ra0 = opts.centerRa ?? 275.196, dec0 = opts.centerDec ?? -16.171;
  const proj = opts.projection ?? 'TAN';
  const maxRot = opts.maxRotationDeg ?? 0.03;
  const rows = Math.max(1, Math.round(Math.sqrt(n / 2)));
  const cols = Math.ceil(n / rows);
  const colStep = (1 - overlap) * width * scale;
  const rowStep = (1 - overlap) * height * scale;
  const stagger = 0.15 * height * scale;
  const frames: FrameSpec[] = [];
  for (let k = 0; k < n; k++) {
    const column = Math.floor(k / rows), row = k % rows;
    // Columns run east to west like successive scans; odd columns are staggered north.
    const xi = ((cols - 1) / 2 - column) * colStep;
    const eta = (row - (rows - 1) / 2) * rowStep + (column % 2 === 1 ? stagger / 2 : -stagger / 2);
    const [ra, dec] = fromTangentPlane(ra0, dec0, xi, eta);
    const h = new Header();
    h.set('SIMPLE', true);
    h.set('BITPIX', -32);
    h.set('NAXIS', 2);
    h.set('NAXIS1', width);
    h.set('NAXIS2', height);
    h.set('CTYPE1', `RA---${proj}`);
    h.set('CTYPE2', `DEC--${proj}`);
    h.setFloat('CRVAL1', ra);
    h.setFloat('CRVAL2', dec);
    h.setFloat('CRPIX1', width / 2 + 0.5);
    h.setFloat('CRPIX2', height / 2 + 0.5);
    h.setFloat('CDELT1', -scale);
    h.setFloat('CDELT2', scale);
    h.setFloat('CROTA2', Number(rng.uniform(-maxRot, maxRot).toFixed(7)));
    h.setFloat('EQUINOX', 2000);
    h.set('RADESYS', 'FK5');
    h.set('BUNIT', 'DN', 'surface brightness, DN per arcsec^2');
    h.set('ORIGIN', 'mosaic simulate', 'synthetic data');
    const plane = { a: rng.uniform(-0.005, 0.005), b: rng.uniform(-0.005, 0.005), c: rng.uniform(-30, 30) };
    frames.push({ name: `sim_${String(k + 1).padStart(3, '0')}.fits`, header: h, width, height, plane, column, row });
  }
  const halfWidthDeg = (cols * colStep) / 2 + width * scale;
  const halfHeightDeg = (rows * rowStep) / 2 + height * scale;
  return { frames, halfWidthDeg, halfHeightDeg };
}

/** Options of {@link renderFrame}. */
export interface RenderOptions {
  /** Gaussian noise σ, DN. Default 2. */
  noiseSigma?: number;
  /** NaN columns at each side (2MASS has 3). Default 3. */
  nanEdge?: number;
  /** Scattered NaN pixels. Default 25. */
  nanPixels?: number;
}

/** Pixel area in arcsec² and scale in arcsec of a WCS at the reference pixel (from CDELT). */
function pixelArcsec(header: Header): number {
  return Math.abs(header.number('CDELT2') ?? 1 / 3600) * 3600;
}

/** Sky positions of every pixel centre of a width × height image, rows y0 … y0 + rows − 1 (0-based). */
function pixelSky(wcs: Wcs, width: number, y0: number, rows: number): { lon: Float64Array; lat: Float64Array } {
  const n = width * rows;
  const x = new Float64Array(n), y = new Float64Array(n);
  for (let j = 0; j < rows; j++)
    for (let i = 0; i < width; i++) {
      x[j * width + i] = i + 1;
      y[j * width + i] = y0 + j + 1;
    }
  return wcs.pixToSkyMany(x, y);
}

/** Noiseless, background-free sky on an image grid, rows y0 … y0 + rows − 1. */
export function renderSky(model: SkyModel, wcs: Wcs, header: Header, width: number, y0: number, rows: number): Float32Array {
  const out = new Float32Array(width * rows);
  const sky = pixelSky(wcs, width, y0, rows);
  nebulaMany(model, sky.lon, sky.lat, out);
  const pa = pixelArcsec(header);
  const star = wcs.skyToPixMany(model.starRa, model.starDec);
  const ys = Float64Array.from(star.y, (v) => v - y0);
  addStars(out, width, rows, star.x, ys, model.starFlux, model.psfSigmaArcsec / pa, 1 / (pa * pa));
  return out;
}

/**
 * One survey frame: sky + the frame's background plane (evaluated on the mosaic grid, see
 * the module comment) + gaussian noise, with NaN edge columns and scattered NaN pixels.
 */
export function renderFrame(model: SkyModel, frame: FrameSpec, wcs: Wcs, mosaic: { wcs: Wcs; crpix1: number; crpix2: number }, rng: Random, opts: RenderOptions = {}): Float32Array {
  const { width, height, plane } = frame;
  const data = renderSky(model, wcs, frame.header, width, 0, height);
  const sky = pixelSky(wcs, width, 0, height);
  const onMosaic = mosaic.wcs.skyToPixMany(sky.lon, sky.lat);
  const sigma = opts.noiseSigma ?? 2;
  for (let p = 0; p < data.length; p++) {
    const x = onMosaic.x[p] - 1 - mosaic.crpix1;
    const y = onMosaic.y[p] - 1 - mosaic.crpix2;
    data[p] += plane.a * x + plane.b * y + plane.c + rng.normal(0, sigma);
  }
  const edge = opts.nanEdge ?? 3;
  for (let j = 0; j < height; j++)
    for (let e = 0; e < edge; e++) {
      data[j * width + e] = NaN;
      data[j * width + width - 1 - e] = NaN;
    }
  for (let k = 0; k < (opts.nanPixels ?? 25); k++) data[rng.int(0, height - 1) * width + rng.int(edge, width - 1 - edge)] = NaN;
  return data;
}
