/**
 * Where an image lies on the sky, for mImgtbl and mMakeHdr: its centre and pixel-edge
 * corners in J2000 equatorial coordinates (Montage's table convention), and its sampled
 * boundary in any output system. The only place these stages touch the WCS module, so a
 * change in its API is absorbed here.
 */
import { Wcs } from '../wcs/wcs.js';
import { FrameConversion, type CelestialFrame } from '../wcs/frames.js';

/** Output coordinate systems of the stages. */
export type SkySystem = 'equ' | 'gal' | 'ecl';

/** The WCS frame of a system: equatorial FK5 of `equinox` (J2000 by default), galactic, or ecliptic of `equinox`. */
export function frameOf(system: SkySystem, equinox = 2000): CelestialFrame {
  if (system === 'gal') return { system: 'galactic' };
  if (system === 'ecl') return { system: 'ecliptic', equinox };
  return { system: 'fk5', equinox };
}

/** Map 1-based pixel positions through `wcs` and convert them to `target` (new arrays; NaN off the projection). */
export function pixToSystem(wcs: Wcs, xs: ArrayLike<number>, ys: ArrayLike<number>, target: CelestialFrame): { lon: Float64Array; lat: Float64Array } {
  const sky = wcs.pixToSkyMany(Float64Array.from(xs), Float64Array.from(ys));
  const lon = Float64Array.from(sky.lon);
  const lat = Float64Array.from(sky.lat);
  const conv = new FrameConversion(wcs.frame, target);
  if (!conv.identity) conv.convertMany(lon, lat, lon, lat);
  return { lon, lat };
}

/** Pixel positions of the outer pixel edges of an n1 × n2 image: `perSide` points per side, counter-clockwise from (0.5, 0.5). */
export function boundaryPixels(n1: number, n2: number, perSide: number): { x: Float64Array; y: Float64Array } {
  const x = new Float64Array(4 * perSide), y = new Float64Array(4 * perSide);
  for (let k = 0; k < perSide; k++) {
    const f = k / perSide;
    x[k] = 0.5 + f * n1;
    y[k] = 0.5;
    x[perSide + k] = n1 + 0.5;
    y[perSide + k] = 0.5 + f * n2;
    x[2 * perSide + k] = n1 + 0.5 - f * n1;
    y[2 * perSide + k] = n2 + 0.5;
    x[3 * perSide + k] = 0.5;
    y[3 * perSide + k] = n2 + 0.5 - f * n2;
  }
  return { x, y };
}

/** Build a WCS from a header. @throws MosaicError E_WCS_* as Wcs.fromHeader does. */
export function wcsFromHeader(header: Parameters<typeof Wcs.fromHeader>[0]): Wcs {
  return Wcs.fromHeader(header);
}

/** Convert positions from one frame to another (new arrays). */
export function convertPositions(lon: ArrayLike<number>, lat: ArrayLike<number>, from: CelestialFrame, to: CelestialFrame): { lon: Float64Array; lat: Float64Array } {
  const a = Float64Array.from(lon), b = Float64Array.from(lat);
  const conv = new FrameConversion(from, to);
  if (!conv.identity) conv.convertMany(a, b, a, b);
  return { lon: a, lat: b };
}

export { Wcs };
