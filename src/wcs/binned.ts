/**
 * The same sky on a grid of pixels `factor` times larger on each axis (factor × factor
 * binning). With the blocks starting `phase` pixels before the first one, binned pixel P
 * (1-based) covers original pixels factor·(P − 1) + 1 − phase … factor·P − phase, so the
 * original position of any point is p = factor·(P − ½) + ½ − phase.
 * Only the linear part changes (CRPIX, and CD or CDELT scaled by the factor), which is exact
 * for every projection and for distortions applied to intermediate coordinates (TPV, TNX);
 * headers whose distortion acts on pixel offsets (SIP, DSS plate solutions) cannot be
 * rescaled this way and are refused.
 */
import { MosaicError } from '../errors.js';
import type { Header } from '../fits/header.js';
import { convertSky } from './frames.js';
import { DSS_KEYWORDS, type Wcs } from './wcs.js';

const SIP_KEYWORDS = ['A_ORDER', 'B_ORDER', 'AP_ORDER', 'BP_ORDER'];

/** Celestial CTYPE values (longitude or latitude axis of any frame). */
const CELESTIAL = /^(RA--|DEC-|[A-Z]{2}LN|[A-Z]{2}LT|[A-Z]LON|[A-Z]LAT)/;

/**
 * Whether {@link binnedHeader} can describe `header`'s grid binned: celestial axes 1 and 2, no
 * SIP or DSS distortion.
 */
export function canBin(header: Header): boolean {
  const celestial = [1, 2].every((n) => CELESTIAL.test(header.string(`CTYPE${n}`) ?? ''));
  return celestial && ![...SIP_KEYWORDS, ...DSS_KEYWORDS].some((k) => header.has(k));
}

/**
 * A copy of `header` (axes 1 and 2 celestial) whose grid is the original binned by `factor`
 * with blocks starting `phase` pixels early on each axis (see the module comment):
 * NAXISn → ⌈(NAXISn + phase)/factor⌉, CRPIXn → (CRPIXn + phase − ½)/factor + ½,
 * CD (or CDELT) × factor.
 * @throws MosaicError E_WCS_KEYWORD when the header has SIP or DSS terms; RangeError for a
 *   factor that is not a positive integer.
 * @example binnedHeader(template, 2).int('NAXIS1') // ⌈NAXIS1 / 2⌉
 */
export function binnedHeader(header: Header, factor: number, phase: readonly [number, number] = [0, 0]): Header {
  if (!Number.isInteger(factor) || factor < 1) throw new RangeError(`Expected positive integer for factor but received ${factor}`);
  if (phase.some((p) => !Number.isInteger(p) || p < 0 || p >= factor)) throw new RangeError(`Expected integers 0 … ${factor - 1} for phase but received ${phase.join(', ')}`);
  if (!canBin(header)) throw new MosaicError('E_WCS_KEYWORD', 'only a celestial header on axes 1 and 2 without SIP or DSS terms can be rebinned', { stage: 'wcs' });
  const out = header.clone();
  if (factor === 1) return out;
  const cd = ['CD1_1', 'CD1_2', 'CD2_1', 'CD2_2'].filter((k) => header.has(k));
  for (const n of [1, 2]) {
    const shift = phase[n - 1];
    const naxis = header.int(`NAXIS${n}`);
    if (naxis !== undefined) out.set(`NAXIS${n}`, Math.ceil((naxis + shift) / factor));
    const crpix = header.number(`CRPIX${n}`) ?? 0;
    out.setFloat(`CRPIX${n}`, (crpix + shift - 0.5) / factor + 0.5);
    if (cd.length === 0 || header.has(`CDELT${n}`)) out.setFloat(`CDELT${n}`, (header.number(`CDELT${n}`) ?? 1) * factor);
  }
  for (const k of cd) out.setFloat(k, header.number(k)! * factor);
  return out;
}

/** The binned box (0-based, half-open on the binned grid, phase 0) holding every pixel of `box`. */
export function binnedBox(box: { x0: number; y0: number; width: number; height: number }, factor: number): { x0: number; y0: number; width: number; height: number } {
  const x0 = Math.floor(box.x0 / factor);
  const y0 = Math.floor(box.y0 / factor);
  if (box.width <= 0 || box.height <= 0) return { x0, y0, width: 0, height: 0 };
  return { x0, y0, width: Math.ceil((box.x0 + box.width) / factor) - x0, height: Math.ceil((box.y0 + box.height) / factor) - y0 };
}

/**
 * The phase (0 … factor − 1 per axis, for {@link binnedHeader}) that lines an image's blocks
 * up with those of `template` binned by the same factor (phase 0) where the two grids are
 * aligned (same scale and orientation, as for tiles cut from one grid): the one that puts a
 * block edge of the image nearest a template block edge at the image's centre. Where the
 * grids are not aligned (rotated, mirrored, other scales) the choice only shifts which pixels
 * share a block. [0, 0] when the centre has no template position.
 */
export function alignedPhase(image: Wcs, shape: readonly number[], template: Wcs, factor: number): [number, number] {
  // The lower-left corner of the central pixel (1-based FITS position): a pixel edge.
  const cx = Math.floor(shape[0] / 2) + 0.5;
  const cy = Math.floor((shape[1] ?? 1) / 2) + 0.5;
  const [ox, oy] = template.skyToPix(...convertSky(...image.pixToSky(cx, cy), image.frame, template.frame));
  if (!Number.isFinite(ox) || !Number.isFinite(oy)) return [0, 0];
  // Template block edges lie at 1-based positions factor·K + ½, the image's at
  // factor·K + ½ − phase; the image's edge c lands near o, so c + d lands near o + d, and
  // both are block edges when phase ≡ o − c (mod factor).
  const phase = (c: number, o: number) => (((Math.round(o - c) % factor) + factor) % factor);
  return [phase(cx, ox), phase(cy, oy)];
}
