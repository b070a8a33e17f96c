/**
 * mImgtbl: one table row per image HDU with a celestial WCS (the `images.tbl` every later
 * stage reads).
 *
 * Montage counterpart: `MontageLib/Imgtbl/montageImgtbl.c` (Caltech-IPAC/Montage) with the
 * `-c` corner columns always on. Column semantics follow it:
 * - `ra`, `dec`: J2000 position of pixel (naxis1/2, naxis2/2) (Montage's centre, half a pixel
 *   below and left of the geometric centre for even sizes); `cra`/`cdec` the same, sexagesimal.
 * - `cdelt1/2`, `crota2`: as WCSTools derives them (wcsinit.c, wcs.c): CDELT/CROTA2 taken as
 *   written when there is no CD or PC matrix; otherwise the scales are the CD column norms
 *   (or |CDELTi| with PC) and the rotation and sign come from the pixel directions of north
 *   and east; then Montage's flip (cdelt1, cdelt2 > 0 and |crota2| > 90 → negate both, +180°).
 * - `ra1…dec4`: J2000 positions of the outer pixel corners, in Montage's order (clockwise
 *   when cdelt1 and cdelt2 have the same sign).
 * - `size`: bytes of the (decompressed) FITS file; `hdu`: 0-based HDU index; `fname`:
 *   relative to the folder searched.
 *
 * Unlike Montage, HPX and pure DSS plate solutions are accepted (the WCS module handles
 * them), and tile-compressed images get their real size. Only headers are read.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { MosaicError, asMosaicError, type ErrorCode } from '../errors.js';
import type { Header } from '../fits/header.js';
import { compressedImageHeader, readFits } from '../fits/read.js';
import type { FitsHdu } from '../fits/types.js';
import { formatIpacTable, type IpacColumn, type IpacTable, type IpacValue } from '../tables/ipac.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { frameOf, pixToSystem, wcsFromHeader } from './footprint.js';

/** Options of {@link imgtbl}. */
export interface ImgtblOptions {
  /** Descend into sub-folders of a folder input (Montage's `-r`). Default false. */
  recursive?: boolean;
  /** Include Montage `_area` weight images. Default false (Montage skips them). */
  includeAreaFiles?: boolean;
  /** Files opened at once. Default 16. */
  concurrency?: number;
  /** Also return each row's image header and shape (`headers`), for callers that go on to use them. Default false. */
  headers?: boolean;
  /** Read the headers with blocking calls (fits/read.ts `blocking`), for a caller with nothing else to do meanwhile. Default false. */
  blocking?: boolean;
}

/** One HDU or file that gave no row, and why. */
export interface ImgtblFailure {
  file: string;
  /** 0-based HDU index; undefined when the whole file could not be read. */
  hdu?: number;
  error: string;
}

/** Result of {@link imgtbl}. Counts follow mImgtbl's status line. */
export interface ImgtblResult {
  table: IpacTable;
  rows: IpacTable['rows'];
  /** With the `headers` option: the image header and shape behind each row, in row order. */
  headers?: Array<{ header: Header; shape: number[] }>;
  /** Rows written. */
  count: number;
  /** FITS-named files examined. */
  nfile: number;
  /** HDUs examined in the files that could be read. */
  nhdu: number;
  /** Files that could not be read as FITS. */
  badfits: number;
  /** HDUs without a usable celestial WCS (empty primaries, tables, non-celestial images). */
  badwcs: number;
  failures: ImgtblFailure[];
}

/** The image-table columns, in Montage's order and formats (`mImgtbl -c`). */
export const IMAGE_TABLE_COLUMNS: IpacColumn[] = [
  { name: 'cntr', type: 'int' },
  { name: 'ra', type: 'double', format: { fixed: 7 } },
  { name: 'dec', type: 'double', format: { fixed: 7 } },
  { name: 'cra', type: 'char' },
  { name: 'cdec', type: 'char' },
  { name: 'naxis1', type: 'int' },
  { name: 'naxis2', type: 'int' },
  { name: 'ctype1', type: 'char' },
  { name: 'ctype2', type: 'char' },
  { name: 'crpix1', type: 'double', format: { fixed: 5 } },
  { name: 'crpix2', type: 'double', format: { fixed: 5 } },
  { name: 'crval1', type: 'double', format: { fixed: 7 } },
  { name: 'crval2', type: 'double', format: { fixed: 7 } },
  { name: 'cdelt1', type: 'double', format: { exponential: 10 } },
  { name: 'cdelt2', type: 'double', format: { exponential: 10 } },
  { name: 'crota2', type: 'double', format: { fixed: 7 } },
  { name: 'equinox', type: 'double', format: { fixed: 2 } },
  { name: 'naxis', type: 'int' },
  { name: 'naxis3', type: 'int' },
  { name: 'crval3', type: 'double' },
  { name: 'cdelt3', type: 'double' },
  { name: 'crpix3', type: 'double' },
  { name: 'naxis4', type: 'int' },
  { name: 'crval4', type: 'double' },
  { name: 'cdelt4', type: 'double' },
  { name: 'crpix4', type: 'double' },
  ...['ra1', 'dec1', 'ra2', 'dec2', 'ra3', 'dec3', 'ra4', 'dec4'].map(
    (name): IpacColumn => ({ name, type: 'double', format: { fixed: 7 } }),
  ),
  { name: 'size', type: 'long' },
  { name: 'hdu', type: 'int' },
  { name: 'fname', type: 'char' },
];

/** File names mImgtbl picks up: .fit/.fits, optionally gzip-wrapped; .fz (fpack) too. */
const FITS_NAME = /\.(fits?|fts)(\.gz|\.fz)?$|\.fz$/i;
const AREA_NAME = /_area\.(fits?)(\.gz)?$/i;

// ---------------------------------------------------------------------------------------
// Pure helpers.

/** `05h 36m 16.92s` (seconds of time to 0.01 s), as Montage's `cra` column. */
export function formatRaHms(raDeg: number): string {
  const centis = Math.round((((raDeg % 360) + 360) % 360) / 15 * 360000) % (24 * 360000);
  const h = Math.floor(centis / 360000);
  const m = Math.floor((centis % 360000) / 6000);
  const s = (centis % 6000) / 100;
  return `${pad2(h)}h ${pad2(m)}m ${s.toFixed(2).padStart(5, '0')}s`;
}

/** `-05d 31m 21.5s` (arcseconds to 0.1″, sign always shown), as Montage's `cdec` column. */
export function formatDecDms(decDeg: number): string {
  const sign = decDeg < 0 ? '-' : '+';
  const tenths = Math.round(Math.abs(decDeg) * 36000);
  const d = Math.floor(tenths / 36000);
  const m = Math.floor((tenths % 36000) / 600);
  const s = (tenths % 600) / 10;
  return `${sign}${pad2(d)}d ${pad2(m)}m ${s.toFixed(1).padStart(4, '0')}s`;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** Pixel scales and rotation of a header as Montage's table reports them (degrees). */
export interface ScaleRotation {
  cdelt1: number;
  cdelt2: number;
  crota2: number;
}

/**
 * cdelt1, cdelt2, crota2 from a header's linear transformation, following WCSTools and
 * mImgtbl (see the module comment). Returns undefined when the header has neither CD, PC
 * nor CDELT keywords (e.g. a pure DSS plate solution): the caller measures them instead.
 */
export function scaleRotationFromHeader(h: Header): ScaleRotation | undefined {
  const cd = ['CD1_1', 'CD1_2', 'CD2_1', 'CD2_2'].map((k) => h.number(k));
  const hasCd = cd.some((v) => v !== undefined);
  const pcKeys = h.has('PC1_1') || h.has('PC1_2') || h.has('PC2_1') || h.has('PC2_2') ? ['PC1_1', 'PC1_2', 'PC2_1', 'PC2_2'] : ['PC001001', 'PC001002', 'PC002001', 'PC002002'];
  const pc = pcKeys.map((k) => h.number(k));
  const hasPc = pc.some((v) => v !== undefined);
  const cdelt1 = h.number('CDELT1');
  const cdelt2 = h.number('CDELT2');
  let m: number[];
  let xinc: number, yinc: number;
  if (hasCd) {
    m = cd.map((v, i) => v ?? (i === 0 || i === 3 ? 0 : 0));
    xinc = Math.hypot(m[0], m[2]);
    yinc = Math.hypot(m[1], m[3]);
  } else if (hasPc && cdelt1 !== undefined) {
    const c2 = cdelt2 || cdelt1;
    const p = pc.map((v, i) => v ?? (i === 0 || i === 3 ? 1 : 0));
    m = [p[0] * cdelt1, p[1] * cdelt1, p[2] * c2, p[3] * c2];
    xinc = Math.abs(cdelt1);
    yinc = Math.abs(c2);
  } else if (cdelt1 !== undefined && cdelt1 !== 0) {
    const c2 = cdelt2 || cdelt1;
    let rot = h.number('CROTA2') ?? h.number('CROTA1') ?? 0;
    if (rot < 0) rot += 360;
    if (rot >= 360) rot -= 360;
    return montageFlip({ cdelt1, cdelt2: c2, crota2: rot });
  } else {
    return undefined;
  }
  return montageFlip(rotationFromMatrix(m, xinc, yinc));
}

/**
 * WCSTools' wcsrotset on a linear matrix [m11, m12, m21, m22] (intermediate = m · pixel offset):
 * position angles of north (+y intermediate) and east (+x) in pixel space give the rotation;
 * an unflipped image (east 90° counter-clockwise of north) gets a negative cdelt1.
 */
export function rotationFromMatrix(m: number[], xinc: number, yinc: number): ScaleRotation {
  const det = m[0] * m[3] - m[1] * m[2];
  // Pixel direction of unit intermediate vectors: inverse matrix columns.
  const inv = [m[3] / det, -m[1] / det, -m[2] / det, m[0] / det];
  const R2D = 180 / Math.PI;
  let paNorth = Math.atan2(inv[3], inv[1]) * R2D; // direction of (0, 1)
  let paEast = Math.atan2(inv[2], inv[0]) * R2D; // direction of (1, 0)
  if (paNorth < -90) paNorth += 360;
  if (paEast < -90) paEast += 360;
  let rot = paNorth - 90;
  if (rot < 0) rot += 360;
  if (rot >= 360) rot -= 360;
  const d = paEast - paNorth;
  const flipped = (d < -80 && d > -100) || (d < 280 && d > 260) || (-d > 80 && -d < 100);
  return { cdelt1: flipped ? Math.abs(xinc) : -Math.abs(xinc), cdelt2: Math.abs(yinc), crota2: rot };
}

/** mImgtbl's normalisation: both cdelts positive with |rotation| > 90° → negate both and turn by 180°. */
function montageFlip(s: ScaleRotation): ScaleRotation {
  if (s.cdelt1 > 0 && s.cdelt2 > 0 && (s.crota2 < -90 || s.crota2 > 90)) {
    let r = s.crota2 + 180;
    while (r >= 360) r -= 360;
    while (r <= -360) r += 360;
    return { cdelt1: -s.cdelt1, cdelt2: -s.cdelt2, crota2: r };
  }
  return s;
}

/** Numeric header value or null (for the cube columns, blank when absent). */
function numOrNull(h: Header, key: string): number | null {
  const v = h.number(key);
  return v === undefined ? null : v;
}

/** The image header of an HDU (compressed images get their image keywords back). */
function imageHeader(hdu: FitsHdu): Header {
  return hdu.type === 'compressed-image' ? compressedImageHeader(hdu) : hdu.header;
}

/** `E_CODE: reason because: message of err` (the code taken from err when it has one). */
function codedReason(fallback: ErrorCode, reason: string, err: unknown): string {
  const code = err instanceof MosaicError ? err.code : fallback;
  return `${code}: ${reason}: ${err instanceof Error ? err.message : String(err)}`;
}

/**
 * The table row of one image HDU, or a reason it has none.
 * @returns a row without `cntr`, or a string `E_CODE: reason` saying why the HDU is not usable.
 */
export function imageRow(hdu: FitsHdu, fname: string, size: number): Record<string, IpacValue> | string {
  if (hdu.type !== 'image' && hdu.type !== 'compressed-image') return `E_FITS_NO_IMAGE: ${hdu.type} HDU, not an image`;
  if (hdu.shape.length < 2 || hdu.shape[0] < 1 || hdu.shape[1] < 1) return 'E_FITS_NO_IMAGE: no image data (NAXIS < 2)';
  const h = imageHeader(hdu);
  const isDss = h.has('PLTRAH');
  const ctype1 = (h.string('CTYPE1') ?? '').trim();
  const ctype2 = (h.string('CTYPE2') ?? '').trim();
  if (!isDss && (!ctype1 || !ctype2)) return `E_WCS_MISSING: no celestial WCS (${!ctype1 ? 'CTYPE1' : 'CTYPE2'} missing)`;
  let wcs;
  try {
    wcs = wcsFromHeader(h);
  } catch (err) {
    return codedReason('E_WCS_KEYWORD', 'no usable celestial WCS', err);
  }
  const [ns, nl] = hdu.shape;
  const j2000 = frameOf('equ', 2000);
  const xs = [ns / 2, 0.5, ns + 0.5, ns + 0.5, 0.5];
  const ys = [nl / 2, 0.5, 0.5, nl + 0.5, nl + 0.5];
  let sky: { lon: Float64Array; lat: Float64Array };
  try {
    sky = pixToSystem(wcs, xs, ys, j2000);
  } catch (err) {
    return codedReason('E_WCS_FRAME', 'no usable celestial WCS', err);
  }
  if (!Number.isFinite(sky.lon[0]) || !Number.isFinite(sky.lat[0])) return 'E_WCS_PROJECTION: the image centre is off the projection';

  let sr = scaleRotationFromHeader(h);
  if (!sr) sr = measuredScaleRotation(wcs, h, ns, nl);
  const clockwise = sr.cdelt1 * sr.cdelt2 > 0;
  // Montage numbers the corners counter-clockwise on the sky: swap 2 and 4 for mirrored images.
  const order = clockwise ? [1, 2, 3, 4] : [1, 4, 3, 2];
  const corners: Record<string, number> = {};
  order.forEach((k, i) => {
    corners[`ra${k}`] = sky.lon[1 + i];
    corners[`dec${k}`] = sky.lat[1 + i];
  });
  const naxis = hdu.shape.length;
  const equinox = h.number('EQUINOX') ?? h.number('EPOCH') ?? 2000;
  return {
    ra: sky.lon[0],
    dec: sky.lat[0],
    cra: formatRaHms(sky.lon[0]),
    cdec: formatDecDms(sky.lat[0]),
    naxis1: ns,
    naxis2: nl,
    ctype1: ctype1 || 'RA---DSS',
    ctype2: ctype2 || 'DEC--DSS',
    crpix1: h.number('CRPIX1') ?? wcs.crpix[0],
    crpix2: h.number('CRPIX2') ?? wcs.crpix[1],
    crval1: h.number('CRVAL1') ?? wcs.crval[0],
    crval2: h.number('CRVAL2') ?? wcs.crval[1],
    cdelt1: sr.cdelt1,
    cdelt2: sr.cdelt2,
    crota2: sr.crota2,
    equinox,
    naxis,
    naxis3: naxis >= 3 ? hdu.shape[2] : null,
    crval3: naxis >= 3 ? numOrNull(h, 'CRVAL3') : null,
    cdelt3: naxis >= 3 ? numOrNull(h, 'CDELT3') : null,
    crpix3: naxis >= 3 ? numOrNull(h, 'CRPIX3') : null,
    naxis4: naxis >= 4 ? hdu.shape[3] : null,
    crval4: naxis >= 4 ? numOrNull(h, 'CRVAL4') : null,
    cdelt4: naxis >= 4 ? numOrNull(h, 'CDELT4') : null,
    crpix4: naxis >= 4 ? numOrNull(h, 'CRPIX4') : null,
    ...corners,
    size,
    hdu: hdu.index,
    fname,
  };
}

/** Scale and rotation measured through the WCS around the image centre (for plate solutions). */
function measuredScaleRotation(wcs: ReturnType<typeof wcsFromHeader>, _h: Header, ns: number, nl: number): ScaleRotation {
  const cx = ns / 2, cy = nl / 2;
  const s = wcs.pixToSkyMany(Float64Array.of(cx, cx + 1, cx), Float64Array.of(cy, cy, cy + 1));
  const cosd = Math.cos((s.lat[0] * Math.PI) / 180);
  const dlon = (a: number) => (((s.lon[a] - s.lon[0] + 540) % 360) - 180) * cosd;
  // Intermediate-like offsets (east, north) per unit pixel step along x and y.
  const m = [dlon(1), dlon(2), s.lat[1] - s.lat[0], s.lat[2] - s.lat[0]];
  return montageFlip(rotationFromMatrix(m, Math.hypot(m[0], m[2]), Math.hypot(m[1], m[3])));
}

// ---------------------------------------------------------------------------------------
// Files.

interface Candidate {
  path: string;
  fname: string;
}

function globToRegExp(glob: string): RegExp {
  const esc = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  return new RegExp(`^${esc}$`);
}

async function listFolder(dir: string, root: string, recursive: boolean, includeArea: boolean, out: Candidate[]): Promise<void> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const path = join(dir, e.name);
    let isDir = e.isDirectory();
    if (e.isSymbolicLink()) isDir = (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
    if (isDir) {
      if (recursive) await listFolder(path, root, recursive, includeArea, out);
      continue;
    }
    if (!FITS_NAME.test(e.name)) continue;
    if (!includeArea && AREA_NAME.test(e.name)) continue;
    out.push({ path, fname: relative(root, path).split(sep).join('/') });
  }
}

/** Expand the inputs: one folder (names relative to it), or files and simple `*`/`?` globs (names as given). */
async function candidates(inputs: string[], opts: ImgtblOptions): Promise<Candidate[]> {
  const out: Candidate[] = [];
  for (const input of inputs) {
    if (/[*?]/.test(input)) {
      const dir = dirname(input);
      const re = globToRegExp(basename(input));
      const names = (await readdir(dir).catch((err) => Promise.reject(asMosaicError(err, { stage: 'imgtbl', file: dir })))).sort();
      for (const n of names) if (re.test(n)) out.push({ path: join(dir, n), fname: dir === '.' ? n : join(dir, n) });
      continue;
    }
    let st;
    try {
      st = await stat(input);
    } catch (err) {
      throw asMosaicError(err, { stage: 'imgtbl', file: input });
    }
    if (st.isDirectory()) await listFolder(input, input, opts.recursive ?? false, opts.includeAreaFiles ?? false, out);
    else out.push({ path: input, fname: input });
  }
  return out;
}

/** Run `fn` over items with at most `limit` running at once; results keep the items' order. */
async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Build the image table of a folder of FITS files (or a list of files / globs).
 *
 * Only headers are read (gzip files are decompressed in memory). Unreadable files count as
 * `badfits`, HDUs without a usable celestial WCS as `badwcs`; both are listed in `failures`
 * and neither stops the run. Rows are in file-name order, then HDU order.
 * @example const { table, count } = await imgtbl('raw'); await writeImageTable('images.tbl', table);
 * @throws MosaicError E_EMPTY_DIR when no FITS-named file is found; E_FILE_NOT_FOUND for a missing input.
 */
export async function imgtbl(inputs: string | string[], opts: ImgtblOptions = {}): Promise<ImgtblResult> {
  const list = Array.isArray(inputs) ? inputs : [inputs];
  if (list.length === 0) throw new MosaicError('E_NO_INPUT', 'no input folder or files given', { stage: 'imgtbl' });
  const files = await candidates(list, opts);
  if (files.length === 0)
    throw new MosaicError('E_EMPTY_DIR', 'no FITS files (.fits, .fit, .fits.gz, .fz) found', { stage: 'imgtbl', file: list.join(' ') });

  const perFile = await mapLimited(files, opts.concurrency ?? 16, async (c) => {
    try {
      const f = await readFits(c.path, { blocking: opts.blocking });
      return { c, hdus: f.hdus.map((hdu) => ({ hdu, row: imageRow(hdu, c.fname, f.size) })) };
    } catch (err) {
      return { c, error: asMosaicError(err, { stage: 'imgtbl', file: c.path }) };
    }
  });

  const rows: IpacTable['rows'] = [];
  const headers: Array<{ header: Header; shape: number[] }> = [];
  const failures: ImgtblFailure[] = [];
  let nhdu = 0, badfits = 0, badwcs = 0;
  for (const r of perFile) {
    if ('error' in r && r.error) {
      badfits++;
      failures.push({ file: r.c.fname, error: r.error.toString() });
      continue;
    }
    for (const { hdu, row } of r.hdus!) {
      nhdu++;
      if (typeof row === 'string') {
        badwcs++;
        failures.push({ file: r.c.fname, hdu: hdu.index, error: row });
      } else {
        rows.push({ cntr: rows.length, ...row });
        if (opts.headers) headers.push({ header: imageHeader(hdu), shape: hdu.shape });
      }
    }
  }
  const table: IpacTable = {
    keywords: [{ key: 'datatype', value: 'fitshdr' }],
    comments: [],
    columns: IMAGE_TABLE_COLUMNS.map((c) => ({ ...c })),
    rows,
  };
  return { table, rows, count: rows.length, nfile: files.length, nhdu, badfits, badwcs, failures, ...(opts.headers ? { headers } : {}) };
}

/**
 * Image-table text as Montage writes it: blank (not `null`) cube columns for 2-D images,
 * so Montage's own mMakeHdr reads our tables.
 */
export function formatImageTable(table: IpacTable): string {
  const blankable = new Set(['naxis3', 'crval3', 'cdelt3', 'crpix3', 'naxis4', 'crval4', 'cdelt4', 'crpix4']);
  const rows = table.rows.map((r) => {
    const copy: Record<string, IpacValue> = { ...r };
    for (const k of blankable) if (copy[k] === null || copy[k] === undefined) copy[k] = '';
    return copy;
  });
  return formatIpacTable({ ...table, rows });
}

/** Write an image table (see {@link formatImageTable}). @throws MosaicError E_FILE_WRITE, E_DISK_FULL. */
export async function writeImageTable(path: string, table: IpacTable): Promise<void> {
  await writeFileAtomic(path, formatImageTable(table), 'imgtbl');
}
