/**
 * Text helpers behind `mosaic pix2sky` and `mosaic sky2pix`: read `x y` (or `lon lat`) pairs,
 * one per line, and print the transformed pairs with 15 significant digits (`nan nan` off the
 * projection). Blank lines and lines starting with `#` or `\` are skipped. Columns after the
 * first two (a name, a magnitude: a catalogue piped through) are carried through unchanged,
 * appended after the converted pair.
 */
import { MosaicError } from '../errors.js';
import { FrameConversion, type CelestialFrame } from './frames.js';
import type { Wcs } from './wcs.js';

/** Two leading fields (separated by blanks or commas) and the rest of the line as written. */
const PAIR_LINE = /^([^\s,]+)[\s,]+([^\s,]+)(?:[\s,]+([\s\S]*))?$/;

/**
 * Parse "a b [more columns]" lines into two arrays, and the text after the pair (`''` when none)
 * for each kept line, unchanged.
 * @throws MosaicError E_ARGUMENT naming the bad line.
 */
export function parsePairs(text: string, what: string): { a: Float64Array; b: Float64Array; rest: string[] } {
  const a: number[] = [];
  const b: number[] = [];
  const rest: string[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const t = line.trim();
    if (t === '' || t.startsWith('#') || t.startsWith('\\')) return;
    const m = PAIR_LINE.exec(t);
    const u = m ? Number(m[1]) : NaN;
    const v = m ? Number(m[2]) : NaN;
    if (!Number.isFinite(u) || !Number.isFinite(v)) {
      throw new MosaicError('E_ARGUMENT', `line ${i + 1}: expected two numbers "${what}" but received "${t}"`);
    }
    a.push(u);
    b.push(v);
    rest.push(m![3] ?? '');
  });
  return { a: Float64Array.from(a), b: Float64Array.from(b), rest };
}

/** Converted pairs (`u`, `v`: lon/lat in degrees or 1-based x/y; NaN off the projection) and each line's extra columns. */
export interface ConvertedPairs {
  u: Float64Array;
  v: Float64Array;
  /** The text after the pair on each input line, unchanged; `''` when the line had two columns. */
  rest: string[];
}

/** Pixel (1-based) lines → sky pairs in `frame` (default: the WCS's own). @throws MosaicError E_ARGUMENT for a malformed line. */
export function pixToSkyPairs(text: string, wcs: Wcs, frame?: CelestialFrame): ConvertedPairs {
  const { a, b, rest } = parsePairs(text, 'x y');
  const sky = wcs.pixToSkyMany(a, b);
  if (frame) new FrameConversion(wcs.frame, frame).convertMany(sky.lon, sky.lat, sky.lon, sky.lat);
  return { u: sky.lon, v: sky.lat, rest };
}

/** `lon lat` lines (degrees, in `frame`, default the WCS's) → 1-based pixel pairs. @throws MosaicError E_ARGUMENT for a malformed line. */
export function skyToPixPairs(text: string, wcs: Wcs, frame?: CelestialFrame): ConvertedPairs {
  const { a, b, rest } = parsePairs(text, 'lon lat');
  if (frame) new FrameConversion(frame, wcs.frame).convertMany(a, b, a, b);
  const pix = wcs.skyToPixMany(a, b);
  return { u: pix.x, v: pix.y, rest };
}

/** One `u v[ rest]` line per pair, 15 significant digits. */
export function formatPairs({ u, v, rest }: ConvertedPairs): string {
  let out = '';
  for (let i = 0; i < u.length; i++) out += `${formatCoord(u[i])} ${formatCoord(v[i])}${rest[i] ? ` ${rest[i]}` : ''}\n`;
  return out;
}

/** A number with 15 significant digits, shortest form; `nan` for NaN. */
export function formatCoord(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(15))) : 'nan';
}

/**
 * Pixel (1-based) lines → `lon lat[ extra columns]` lines in `frame` (default: the WCS's own frame).
 * @throws MosaicError E_ARGUMENT for a malformed line.
 */
export function pixToSkyLines(text: string, wcs: Wcs, frame?: CelestialFrame): string {
  return formatPairs(pixToSkyPairs(text, wcs, frame));
}

/**
 * `lon lat` lines (degrees, in `frame`, default the WCS's frame) → 1-based pixel `x y[ extra columns]` lines.
 * @throws MosaicError E_ARGUMENT for a malformed line.
 */
export function skyToPixLines(text: string, wcs: Wcs, frame?: CelestialFrame): string {
  return formatPairs(skyToPixPairs(text, wcs, frame));
}
