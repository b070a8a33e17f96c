/**
 * Text helpers behind `mosaic pix2sky` and `mosaic sky2pix`: read `x y` (or `lon lat`) pairs,
 * one per line, and print the transformed pairs with 15 significant digits (`nan nan` off the
 * projection). Blank lines and lines starting with `#` or `\` are skipped.
 */
import { MosaicError } from '../errors.js';
import { FrameConversion, type CelestialFrame } from './frames.js';
import type { Wcs } from './wcs.js';

/** Parse "a b" lines into two arrays. @throws MosaicError E_ARGUMENT naming the bad line. */
export function parsePairs(text: string, what: string): { a: Float64Array; b: Float64Array } {
  const a: number[] = [];
  const b: number[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const t = line.trim();
    if (t === '' || t.startsWith('#') || t.startsWith('\\')) return;
    const parts = t.split(/[\s,]+/);
    const u = Number(parts[0]);
    const v = Number(parts[1]);
    if (parts.length < 2 || !Number.isFinite(u) || !Number.isFinite(v)) {
      throw new MosaicError('E_ARGUMENT', `line ${i + 1}: expected two numbers "${what}" but received "${t}"`);
    }
    a.push(u);
    b.push(v);
  });
  return { a: Float64Array.from(a), b: Float64Array.from(b) };
}

/** A number with 15 significant digits, shortest form; `nan` for NaN. */
export function formatCoord(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(15))) : 'nan';
}

/**
 * Pixel (1-based) lines → `lon lat` lines in `frame` (default: the WCS's own frame).
 * @throws MosaicError E_ARGUMENT for a malformed line.
 */
export function pixToSkyLines(text: string, wcs: Wcs, frame?: CelestialFrame): string {
  const { a, b } = parsePairs(text, 'x y');
  const sky = wcs.pixToSkyMany(a, b);
  if (frame) new FrameConversion(wcs.frame, frame).convertMany(sky.lon, sky.lat, sky.lon, sky.lat);
  let out = '';
  for (let i = 0; i < a.length; i++) out += `${formatCoord(sky.lon[i])} ${formatCoord(sky.lat[i])}\n`;
  return out;
}

/**
 * `lon lat` lines (degrees, in `frame`, default the WCS's frame) → 1-based pixel `x y` lines.
 * @throws MosaicError E_ARGUMENT for a malformed line.
 */
export function skyToPixLines(text: string, wcs: Wcs, frame?: CelestialFrame): string {
  const { a, b } = parsePairs(text, 'lon lat');
  if (frame) new FrameConversion(frame, wcs.frame).convertMany(a, b, a, b);
  const pix = wcs.skyToPixMany(a, b);
  let out = '';
  for (let i = 0; i < a.length; i++) out += `${formatCoord(pix.x[i])} ${formatCoord(pix.y[i])}\n`;
  return out;
}
