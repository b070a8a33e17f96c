/**
 * mMakeHdr: the smallest TAN header that covers a set of images.
 *
 * Montage counterpart: `MontageLib/MakeHdr/montageMakeHdr.c` with `lib/src/boundaries`
 * (Caltech-IPAC/Montage). Montage finds the spherical convex hull of the image corners and
 * the minimum-area bounding box over the hull edges; it rebuilds each image's WCS from the
 * table's columns, so distortion terms (SIP, TPV, DSS) are lost — for the DECam TPV stack,
 * whose CRPIX lies thousands of pixels off the image, its header is off by about a degree.
 *
 * Here the footprint of each image is sampled along its pixel-edge boundary through the
 * image's own WCS (read from the FITS file when it can be found), projected on a tangent
 * plane at the region's centre, and the minimum-area rectangle of the planar convex hull is
 * found with rotating calipers (Freeman & Shapira 1975: one side of the optimal rectangle is
 * collinear with a hull edge). The tangent point is moved to the rectangle's centre and the
 * fit repeated until it settles. `northUp` keeps the rectangle aligned with north.
 *
 * The header follows Montage's: CDELT1 = −CDELT2 = the finest input scale, CRPIX at the
 * centre, CROTA2 in [0, 360).
 */
import { dirname, isAbsolute, join } from 'node:path';
import { access } from 'node:fs/promises';
import { MosaicError } from '../errors.js';
import { Header } from '../fits/header.js';
import { findColumn, type IpacTable } from '../tables/ipac.js';
import { readFits, compressedImageHeader } from '../fits/read.js';
import { boundaryPixels, convertPositions, frameOf, pixToSystem, wcsFromHeader, type SkySystem, type Wcs } from './footprint.js';

const D2R = Math.PI / 180;
const R2D = 180 / Math.PI;

/** Output coordinate system of the header. */
export type MakeHdrSystem = SkySystem;

/** The sky outline of one image: points along its boundary, in degrees, in the output system. */
export interface Footprint {
  lon: number[];
  lat: number[];
  /** Finest pixel scale of the image, degrees (used for the default CDELT). */
  cdeltDeg?: number;
  /** Source, for messages. */
  name?: string;
}

/** Options of {@link makeHeader} and {@link headerForFootprints}. */
export interface MakeHdrOptions {
  /** Keep the header north-up (Montage's `-n`). Default false: the best-fit rotation. */
  northUp?: boolean;
  /** Pixel scale, degrees per pixel (Montage's `-p`). Default: the finest input scale. */
  cdeltDeg?: number;
  /** Output system. Default `equ`. */
  system?: MakeHdrSystem;
  /** Equinox of `equ`/`ecl` output, years. Default 2000. */
  equinox?: number;
  /** Extra pixels added on every side (Montage's `-e`). Default 0. */
  padPixels?: number;
  /**
   * Folders where a table's `fname` entries are looked for (tried in order; absolute names
   * are used as they are). When no file is found the table's corner columns are used.
   */
  imageDir?: string | string[];
  /** Ignore the files and use only the table's columns (as Montage does). Default false. */
  tableOnly?: boolean;
}

/** Result of {@link makeHeader}. Field names follow mMakeHdr's status line. */
export interface MakeHdrResult {
  header: Header;
  naxis1: number;
  naxis2: number;
  /** Centre (CRVAL1/2), degrees. */
  clon: number;
  clat: number;
  /** Size of the header's pixel grid, degrees (naxis × cdelt). */
  lonsize: number;
  latsize: number;
  /** CROTA2, degrees in [0, 360). */
  posang: number;
  /** Sky positions of the outer corners of pixels (1,1), (N1,1), (N1,N2), (1,N2), degrees. */
  corners: Array<{ lon: number; lat: number }>;
  /** Number of images used. */
  count: number;
  /** How many footprints came from the FITS files' own WCS (the rest from table columns). */
  fromFiles: number;
}

// ---------------------------------------------------------------------------------------
// Tangent-plane geometry (pure).

/** Gnomonic (TAN) projection about (lon0, lat0): standard coordinates ξ (east), η (north), degrees. */
export function gnomonicForward(lon0: number, lat0: number, lon: number, lat: number): [number, number] {
  const dl = (lon - lon0) * D2R;
  const s0 = Math.sin(lat0 * D2R), c0 = Math.cos(lat0 * D2R);
  const s = Math.sin(lat * D2R), c = Math.cos(lat * D2R);
  const cosc = s0 * s + c0 * c * Math.cos(dl);
  if (cosc <= 1e-12) return [NaN, NaN];
  return [((c * Math.sin(dl)) / cosc) * R2D, ((c0 * s - s0 * c * Math.cos(dl)) / cosc) * R2D];
}

/** Inverse of {@link gnomonicForward}: (ξ, η) in degrees → (lon, lat) in degrees, lon in [0, 360). */
export function gnomonicInverse(lon0: number, lat0: number, xi: number, eta: number): [number, number] {
  const x = xi * D2R, y = eta * D2R;
  const s0 = Math.sin(lat0 * D2R), c0 = Math.cos(lat0 * D2R);
  const denom = c0 - y * s0;
  const lon = lon0 + Math.atan2(x, denom) * R2D;
  const lat = Math.atan2(s0 + y * c0, Math.hypot(x, denom)) * R2D;
  return [((lon % 360) + 360) % 360, lat];
}

/** Convex hull of planar points (Andrew's monotone chain), counter-clockwise, no repeated point. */
export function convexHull(xs: ArrayLike<number>, ys: ArrayLike<number>): Array<[number, number]> {
  const pts: Array<[number, number]> = [];
  for (let i = 0; i < xs.length; i++) if (Number.isFinite(xs[i]) && Number.isFinite(ys[i])) pts.push([xs[i], ys[i]]);
  pts.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (pts.length < 3) return pts;
  const cross = (o: [number, number], a: [number, number], b: [number, number]) =>
    (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: Array<[number, number]> = [];
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: Array<[number, number]> = [];
  for (let i = pts.length - 1; i >= 0; i--) {
    const p = pts[i];
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], p) <= 0) upper.pop();
    upper.push(p);
  }
  return lower.slice(0, -1).concat(upper.slice(0, -1));
}

/** A rectangle on the tangent plane: its "up" unit vector and extents along right/up, degrees. */
interface PlaneBox {
  /** CROTA2 of a header whose pixel axes run along the box, degrees in (−45, 45]. */
  rho: number;
  /** Extents along the pixel-x direction r = (−cos ρ, −sin ρ) and pixel-y direction u = (−sin ρ, cos ρ). */
  sMin: number;
  sMax: number;
  tMin: number;
  tMax: number;
}

/** Axis directions of a header with CDELT1 < 0 < CDELT2 and rotation rho (degrees), in (ξ, η). */
function axesFor(rho: number): { r: [number, number]; u: [number, number] } {
  const c = Math.cos(rho * D2R), s = Math.sin(rho * D2R);
  return { r: [-c, -s], u: [-s, c] };
}

function extents(hull: Array<[number, number]>, rho: number): PlaneBox {
  const { r, u } = axesFor(rho);
  let sMin = Infinity, sMax = -Infinity, tMin = Infinity, tMax = -Infinity;
  for (const [x, y] of hull) {
    const s = x * r[0] + y * r[1];
    const t = x * u[0] + y * u[1];
    if (s < sMin) sMin = s;
    if (s > sMax) sMax = s;
    if (t < tMin) tMin = t;
    if (t > tMax) tMax = t;
  }
  return { rho, sMin, sMax, tMin, tMax };
}

/**
 * Minimum-area rectangle around a convex hull (rotating calipers over the hull edges),
 * oriented with the side nearest north as "up". `northUp` gives the aligned box instead.
 */
export function minimumAreaBox(hull: Array<[number, number]>, northUp = false): PlaneBox {
  if (northUp || hull.length < 3) return extents(hull, 0);
  let best: PlaneBox | undefined;
  let bestArea = Infinity;
  for (let i = 0; i < hull.length; i++) {
    const [x0, y0] = hull[i];
    const [x1, y1] = hull[(i + 1) % hull.length];
    if (x0 === x1 && y0 === y1) continue;
    // The edge direction as an "up" vector u = (−sin ρ, cos ρ), then folded into (−45°, 45°].
    let rho = Math.atan2(-(x1 - x0), y1 - y0) * R2D;
    while (rho > 45) rho -= 90;
    while (rho <= -45) rho += 90;
    const box = extents(hull, rho);
    const area = (box.sMax - box.sMin) * (box.tMax - box.tMin);
    // Prefer the smaller rotation when two edges give the same area (e.g. a north-up square).
    if (area < bestArea * (1 - 1e-12) || (area <= bestArea * (1 + 1e-12) && best && Math.abs(rho) < Math.abs(best.rho))) {
      bestArea = Math.min(area, bestArea);
      best = box;
    }
  }
  return best ?? extents(hull, 0);
}

/** Centre of a set of sky points: the normalised mean of their unit vectors. */
function meanDirection(lon: number[], lat: number[]): [number, number] {
  let x = 0, y = 0, z = 0;
  for (let i = 0; i < lon.length; i++) {
    if (!Number.isFinite(lon[i]) || !Number.isFinite(lat[i])) continue;
    const c = Math.cos(lat[i] * D2R);
    x += c * Math.cos(lon[i] * D2R);
    y += c * Math.sin(lon[i] * D2R);
    z += Math.sin(lat[i] * D2R);
  }
  const r = Math.hypot(x, y, z);
  if (r === 0) return [NaN, NaN];
  return [((Math.atan2(y, x) * R2D) % 360 + 360) % 360, Math.asin(z / r) * R2D];
}

/** The bounding box on the sky of all points: centre, rotation, half-sizes (degrees on the tangent plane). */
export function skyBoundingBox(
  lon: number[],
  lat: number[],
  northUp = false,
): { clon: number; clat: number; rho: number; halfWidth: number; halfHeight: number } {
  let [clon, clat] = meanDirection(lon, lat);
  if (!Number.isFinite(clon)) throw new MosaicError('E_NO_INPUT', 'no finite footprint points', { stage: 'makehdr' });
  const xs = new Float64Array(lon.length), ys = new Float64Array(lon.length);
  const project = () => {
    for (let i = 0; i < lon.length; i++) [xs[i], ys[i]] = gnomonicForward(clon, clat, lon[i], lat[i]);
  };
  let box: PlaneBox = extents([[0, 0]], 0);
  // Re-centre on the box until the centre moves by less than a micro-arcsecond.
  for (let iter = 0; iter < 8; iter++) {
    project();
    for (let i = 0; i < lon.length; i++) {
      if (Number.isFinite(lon[i]) && Number.isFinite(lat[i]) && !Number.isFinite(xs[i]))
        throw new MosaicError('E_ARGUMENT', 'the images span more than a hemisphere; a TAN header cannot cover them', { stage: 'makehdr' });
    }
    const hull = convexHull(xs, ys);
    if (hull.length === 0) throw new MosaicError('E_NO_INPUT', 'no finite footprint points', { stage: 'makehdr' });
    box = minimumAreaBox(hull, northUp);
    const { r, u } = axesFor(box.rho);
    const sMid = (box.sMin + box.sMax) / 2, tMid = (box.tMin + box.tMax) / 2;
    const shift = Math.hypot(sMid, tMid);
    [clon, clat] = gnomonicInverse(clon, clat, sMid * r[0] + tMid * u[0], sMid * r[1] + tMid * u[1]);
    if (shift < 1e-10) break;
  }
  project();
  const fin = extents(convexHull(xs, ys), box.rho);
  return {
    clon,
    clat,
    rho: box.rho,
    halfWidth: Math.max(-fin.sMin, fin.sMax, 0),
    halfHeight: Math.max(-fin.tMin, fin.tMax, 0),
  };
}

function ctypesFor(system: MakeHdrSystem): [string, string] {
  if (system === 'gal') return ['GLON-TAN', 'GLAT-TAN'];
  if (system === 'ecl') return ['ELON-TAN', 'ELAT-TAN'];
  return ['RA---TAN', 'DEC--TAN'];
}

/** Sky position of 1-based pixel (x, y) of a TAN header with CDELT1 = −cdelt, CDELT2 = cdelt, CROTA2 = rho. */
function tanPixToSky(clon: number, clat: number, crpix1: number, crpix2: number, cdelt: number, rho: number, x: number, y: number) {
  const { r, u } = axesFor(rho);
  const d1 = (x - crpix1) * cdelt, d2 = (y - crpix2) * cdelt;
  const [lon, lat] = gnomonicInverse(clon, clat, d1 * r[0] + d2 * u[0], d1 * r[1] + d2 * u[1]);
  return { lon, lat };
}

/**
 * The smallest TAN header covering the footprints (pure; no files).
 * @throws MosaicError E_NO_INPUT (no footprint points), E_ARGUMENT (bad options, or a region over a hemisphere).
 */
export function headerForFootprints(footprints: Footprint[], opts: MakeHdrOptions = {}): MakeHdrResult {
  const system = opts.system ?? 'equ';
  const equinox = opts.equinox ?? 2000;
  const pad = opts.padPixels ?? 0;
  if (opts.cdeltDeg !== undefined && !(opts.cdeltDeg > 0 && Number.isFinite(opts.cdeltDeg)))
    throw new MosaicError('E_ARGUMENT', `Expected positive number for cdeltDeg but received ${opts.cdeltDeg}`, { stage: 'makehdr' });
  if (!(pad >= 0 && Number.isInteger(pad)))
    throw new MosaicError('E_ARGUMENT', `Expected non-negative integer for padPixels but received ${pad}`, { stage: 'makehdr' });
  const lon: number[] = [], lat: number[] = [];
  let finest = Infinity;
  for (const f of footprints) {
    for (let i = 0; i < f.lon.length; i++) {
      lon.push(f.lon[i]);
      lat.push(f.lat[i]);
    }
    if (f.cdeltDeg !== undefined && f.cdeltDeg > 0 && f.cdeltDeg < finest) finest = f.cdeltDeg;
  }
  if (lon.length === 0) throw new MosaicError('E_NO_INPUT', 'no images to cover', { stage: 'makehdr' });
  const cdelt = opts.cdeltDeg ?? (Number.isFinite(finest) ? finest : 1 / 3600);
  const box = skyBoundingBox(lon, lat, opts.northUp ?? false);
  // Pixel edges must reach the footprint on both sides of the centre; 1e-6 px absorbs rounding.
  const naxis1 = Math.max(1, Math.ceil((2 * box.halfWidth) / cdelt - 1e-6)) + 2 * pad;
  const naxis2 = Math.max(1, Math.ceil((2 * box.halfHeight) / cdelt - 1e-6)) + 2 * pad;
  const crpix1 = (naxis1 + 1) / 2, crpix2 = (naxis2 + 1) / 2;
  const posang = ((box.rho % 360) + 360) % 360;
  const [ctype1, ctype2] = ctypesFor(system);

  const header = new Header();
  header.set('SIMPLE', true);
  header.set('BITPIX', -64);
  header.set('NAXIS', 2);
  header.set('NAXIS1', naxis1);
  header.set('NAXIS2', naxis2);
  header.set('CTYPE1', ctype1);
  header.set('CTYPE2', ctype2);
  if (system !== 'gal') header.set('EQUINOX', equinox);
  header.setFloat('CRVAL1', round(box.clon, 10));
  header.setFloat('CRVAL2', round(box.clat, 10));
  header.setFloat('CRPIX1', crpix1);
  header.setFloat('CRPIX2', crpix2);
  header.setFloat('CDELT1', -cdelt);
  header.setFloat('CDELT2', cdelt);
  header.setFloat('CROTA2', round(posang, 10));

  const px = (x: number, y: number) => tanPixToSky(box.clon, box.clat, crpix1, crpix2, cdelt, box.rho, x, y);
  return {
    header,
    naxis1,
    naxis2,
    clon: box.clon,
    clat: box.clat,
    lonsize: naxis1 * cdelt,
    latsize: naxis2 * cdelt,
    posang,
    corners: [px(0.5, 0.5), px(naxis1 + 0.5, 0.5), px(naxis1 + 0.5, naxis2 + 0.5), px(0.5, naxis2 + 0.5)],
    count: footprints.length,
    fromFiles: 0,
  };
}

function round(v: number, digits: number): number {
  return Number(v.toFixed(digits));
}

// ---------------------------------------------------------------------------------------
// Footprints from WCS objects and image tables.

/** Points per image side when sampling a footprint (curved edges from distortion are followed). */
const SAMPLES_PER_SIDE = 16;

/**
 * The footprint of an image: its pixel-edge boundary (outer edges of the outer pixels)
 * mapped through `wcs` and converted to the output system. Points off the projection are dropped.
 */
export function footprintFromWcs(
  wcs: Wcs,
  naxis1: number,
  naxis2: number,
  opts: { system?: MakeHdrSystem; equinox?: number; name?: string } = {},
): Footprint {
  const { x, y } = boundaryPixels(naxis1, naxis2, SAMPLES_PER_SIDE);
  const sky = pixToSystem(wcs, x, y, frameOf(opts.system ?? 'equ', opts.equinox ?? 2000));
  const lon: number[] = [], lat: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(sky.lon[i]) || !Number.isFinite(sky.lat[i])) continue;
    lon.push(sky.lon[i]);
    lat.push(sky.lat[i]);
  }
  return { lon, lat, cdeltDeg: centralScale(wcs, naxis1, naxis2), name: opts.name };
}

/** Finest pixel scale at the image centre, degrees (the side of a pixel along x or y). */
function centralScale(wcs: Wcs, n1: number, n2: number): number | undefined {
  const cx = (n1 + 1) / 2, cy = (n2 + 1) / 2;
  const s = wcs.pixToSkyMany(Float64Array.of(cx, cx + 1, cx), Float64Array.of(cy, cy, cy + 1));
  const sep = (i: number) => {
    const [xi, eta] = gnomonicForward(s.lon[0], s.lat[0], s.lon[i], s.lat[i]);
    return Math.hypot(xi, eta);
  };
  const v = Math.min(sep(1), sep(2));
  return Number.isFinite(v) && v > 0 ? v : undefined;
}

/** Absolute path of a table's fname, or undefined when none of the candidate folders has it. */
async function locate(fname: string, dirs: string[]): Promise<string | undefined> {
  const candidates = isAbsolute(fname) ? [fname] : dirs.map((d) => join(d, fname));
  for (const c of candidates) {
    try {
      await access(c);
      return c;
    } catch {
      /* try the next folder */
    }
  }
  return undefined;
}

/** Number in a table cell, or undefined. */
function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** A footprint rebuilt from one table row: its four corner columns, else a WCS built from its columns. */
function footprintFromRow(table: IpacTable, row: Record<string, unknown>, system: MakeHdrSystem, equinox: number): Footprint | undefined {
  const c1 = num(row.cdelt1), c2 = num(row.cdelt2);
  const cdeltDeg = c1 !== undefined && c2 !== undefined ? Math.min(Math.abs(c1), Math.abs(c2)) : undefined;
  const corners = ['1', '2', '3', '4'].map((k) => [num(row[`ra${k}`]), num(row[`dec${k}`])]);
  if (corners.every(([a, d]) => a !== undefined && d !== undefined)) {
    // Montage's corner columns are J2000 equatorial.
    const c = convertPositions(
      corners.map((p) => p[0]!),
      corners.map((p) => p[1]!),
      frameOf('equ', 2000),
      frameOf(system, equinox),
    );
    return { lon: Array.from(c.lon), lat: Array.from(c.lat), cdeltDeg };
  }
  const h = new Header();
  const keys = ['ctype1', 'ctype2', 'naxis1', 'naxis2', 'crpix1', 'crpix2', 'crval1', 'crval2', 'cdelt1', 'cdelt2', 'crota2', 'equinox'];
  for (const k of keys) {
    const col = findColumn(table, k);
    const v = col ? row[col] : undefined;
    if (typeof v === 'number' || (typeof v === 'string' && v !== '')) h.set(k.toUpperCase(), v);
  }
  const n1 = h.int('NAXIS1'), n2 = h.int('NAXIS2');
  if (!n1 || !n2 || !h.has('CTYPE1')) return undefined;
  try {
    return { ...footprintFromWcs(wcsFromHeader(h), n1, n2, { system, equinox }), cdeltDeg };
  } catch {
    return undefined;
  }
}

/**
 * The smallest TAN header covering the images of a table (mImgtbl's output) or a list of footprints.
 *
 * For a table, each row's image is opened (only its header is read) to build the true WCS,
 * distortions included; rows whose file cannot be found or read fall back to the corner
 * columns (ra1…dec4) or to a WCS rebuilt from the table's columns.
 * @example const { header, naxis1 } = await makeHeader(await readIpacTable('images.tbl'), { imageDir: 'raw' });
 * @throws MosaicError E_NO_INPUT (empty table), E_TABLE_COLUMN (no usable columns), E_ARGUMENT.
 */
export async function makeHeader(images: IpacTable | Footprint[], opts: MakeHdrOptions = {}): Promise<MakeHdrResult> {
  if (Array.isArray(images)) return headerForFootprints(images, opts);
  const system = opts.system ?? 'equ';
  const equinox = opts.equinox ?? 2000;
  const table = images;
  if (table.rows.length === 0) throw new MosaicError('E_NO_INPUT', 'the image table has no rows', { stage: 'makehdr' });
  const dirs = opts.imageDir === undefined ? ['.'] : Array.isArray(opts.imageDir) ? opts.imageDir : [opts.imageDir];
  const fnameCol = findColumn(table, 'fname');
  const hduCol = findColumn(table, 'hdu');
  const footprints: Footprint[] = [];
  let fromFiles = 0;
  for (const row of table.rows) {
    let fp: Footprint | undefined;
    const fname = fnameCol ? row[fnameCol] : undefined;
    if (!opts.tableOnly && typeof fname === 'string' && fname !== '') {
      fp = await footprintFromFile(fname, num(hduCol ? row[hduCol] : undefined) ?? 0, dirs, system, equinox);
      if (fp) fromFiles++;
    }
    fp ??= footprintFromRow(table, row, system, equinox);
    if (!fp) {
      findColumn(table, 'crval1', { required: true });
      continue;
    }
    // Prefer the table's cdelt for the default scale (Montage's rule), else the file's.
    const c1 = num(row.cdelt1), c2 = num(row.cdelt2);
    if (c1 !== undefined && c2 !== undefined && c1 !== 0 && c2 !== 0) fp.cdeltDeg = Math.min(Math.abs(c1), Math.abs(c2));
    footprints.push(fp);
  }
  if (footprints.length === 0)
    throw new MosaicError('E_TABLE_COLUMN', 'no row has usable corners or WCS columns (ra1…dec4, or ctype/crval/crpix/cdelt)', {
      stage: 'makehdr',
    });
  return { ...headerForFootprints(footprints, opts), fromFiles };
}

async function footprintFromFile(fname: string, hdu: number, dirs: string[], system: MakeHdrSystem, equinox: number): Promise<Footprint | undefined> {
  const path = await locate(fname, dirs);
  if (!path) return undefined;
  try {
    const file = await readFits(path);
    const h = file.hdus[hdu];
    if (!h || h.shape.length < 2) return undefined;
    const header = h.type === 'compressed-image' ? compressedImageHeader(h) : h.header;
    return footprintFromWcs(wcsFromHeader(header), h.shape[0], h.shape[1], { system, equinox, name: fname });
  } catch {
    return undefined;
  }
}

/** The folders a CLI should search for a table's images: the given one, the table's own folder, the working folder. */
export function defaultImageDirs(tablePath: string, imageDir?: string): string[] {
  return [...(imageDir ? [imageDir] : []), dirname(tablePath), '.'];
}
