/**
 * Sky geometry on the unit sphere: unit vectors, great-circle distances, image footprints and
 * outlines, pixel solid angles and containment tests. Degrees in, degrees out (steradians for
 * solid angles); pixel coordinates are 1-based FITS pixels, pixel edges at half-integers.
 *
 * Solid angles use the triangle formula of Van Oosterom & Strackee (1983, IEEE Trans. Biomed.
 * Eng. 30, 125): tan(E/2) = a·(b×c) / (1 + a·b + b·c + c·a).
 */
import { MosaicError } from '../errors.js';
import { D2R, R2D, normLon } from './trig.js';
import type { Wcs } from './wcs.js';

/** A unit vector [x, y, z]. */
export type Vec3 = [number, number, number];

/** (lon, lat) degrees → unit vector (x toward lon 0, z toward the pole). */
export function lonLatToVec(lonDeg: number, latDeg: number): Vec3 {
  const lo = lonDeg * D2R;
  const la = latDeg * D2R;
  const c = Math.cos(la);
  return [c * Math.cos(lo), c * Math.sin(lo), Math.sin(la)];
}

/** Unit (or any non-zero) vector → [lon, lat] degrees, lon in [0, 360). */
export function vecToLonLat(v: readonly number[]): [number, number] {
  return [normLon(Math.atan2(v[1], v[0]) * R2D), Math.atan2(v[2], Math.hypot(v[0], v[1])) * R2D];
}

/** Dot product. */
export function dot3(a: readonly number[], b: readonly number[]): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

/** Cross product a × b. */
export function cross3(a: readonly number[], b: readonly number[]): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

/** The vector scaled to unit length. */
export function normalize3(v: readonly number[]): Vec3 {
  const n = Math.hypot(v[0], v[1], v[2]);
  return [v[0] / n, v[1] / n, v[2] / n];
}

/**
 * Great-circle distance between two points, degrees (Vincenty's atan2 form: accurate at all
 * separations, including 0 and 180°).
 */
export function greatCircleDistanceDeg(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const dl = (lon2 - lon1) * D2R;
  const p1 = lat1 * D2R;
  const p2 = lat2 * D2R;
  const s1 = Math.sin(p1);
  const c1 = Math.cos(p1);
  const s2 = Math.sin(p2);
  const c2 = Math.cos(p2);
  const num = Math.hypot(c2 * Math.sin(dl), c1 * s2 - s1 * c2 * Math.cos(dl));
  const den = s1 * s2 + c1 * c2 * Math.cos(dl);
  return Math.atan2(num, den) * R2D;
}

function imageSize(wcs: Wcs): [number, number] {
  const [n1, n2] = wcs.naxis;
  if (!(n1 > 0) || !(n2 > 0)) {
    throw new MosaicError('E_WCS_KEYWORD', 'NAXIS1/NAXIS2 are needed for the image footprint but are missing or zero');
  }
  return [n1, n2];
}

/**
 * The four image corners on the sky at the outer pixel edges, in pixel order (0.5, 0.5),
 * (naxis1+0.5, 0.5), (naxis1+0.5, naxis2+0.5), (0.5, naxis2+0.5). A corner off the projection is [NaN, NaN].
 * @throws MosaicError E_WCS_KEYWORD when NAXIS1/NAXIS2 are unknown.
 */
export function footprintCorners(wcs: Wcs): Array<[number, number]> {
  const [n1, n2] = imageSize(wcs);
  const x = Float64Array.of(0.5, n1 + 0.5, n1 + 0.5, 0.5);
  const y = Float64Array.of(0.5, 0.5, n2 + 0.5, n2 + 0.5);
  const { lon, lat } = wcs.pixToSkyMany(x, y);
  return [0, 1, 2, 3].map((i) => [lon[i], lat[i]]);
}

/**
 * Points along the image boundary (pixel edges), `nPerSide` per side starting at each corner,
 * going round in pixel order: 4·nPerSide points of [lon, lat] degrees.
 * @throws MosaicError E_WCS_KEYWORD when NAXIS1/NAXIS2 are unknown; E_ARGUMENT when nPerSide < 1.
 */
export function outline(wcs: Wcs, nPerSide: number): Array<[number, number]> {
  if (!Number.isInteger(nPerSide) || nPerSide < 1) {
    throw new MosaicError('E_ARGUMENT', `Expected positive integer for nPerSide but received ${nPerSide}`);
  }
  const [n1, n2] = imageSize(wcs);
  const corners: Array<[number, number]> = [
    [0.5, 0.5],
    [n1 + 0.5, 0.5],
    [n1 + 0.5, n2 + 0.5],
    [0.5, n2 + 0.5],
  ];
  const m = 4 * nPerSide;
  const x = new Float64Array(m);
  const y = new Float64Array(m);
  for (let s = 0; s < 4; s++) {
    const [ax, ay] = corners[s];
    const [bx, by] = corners[(s + 1) % 4];
    for (let k = 0; k < nPerSide; k++) {
      const t = k / nPerSide;
      x[s * nPerSide + k] = ax + (bx - ax) * t;
      y[s * nPerSide + k] = ay + (by - ay) * t;
    }
  }
  const { lon, lat } = wcs.pixToSkyMany(x, y);
  return Array.from({ length: m }, (_, i) => [lon[i], lat[i]] as [number, number]);
}

/** Solid angle of the spherical triangle (a, b, c), steradians (unsigned). */
export function triangleSolidAngle(a: readonly number[], b: readonly number[], c: readonly number[]): number {
  // Differences keep the triple product accurate for tiny (pixel-sized) triangles.
  const ba = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
  const ca = [c[0] - a[0], c[1] - a[1], c[2] - a[2]];
  const triple = dot3(a, cross3(ba, ca));
  const den = 1 + dot3(a, b) + dot3(b, c) + dot3(c, a);
  return Math.abs(2 * Math.atan2(triple, den));
}

/**
 * Solid angle of the pixel centred on (x, y) (1-based), steradians: the spherical quadrilateral
 * through its four corners. NaN when a corner is off the projection.
 */
export function pixelSolidAngle(wcs: Wcs, x: number, y: number): number {
  const px = Float64Array.of(x - 0.5, x + 0.5, x + 0.5, x - 0.5);
  const py = Float64Array.of(y - 0.5, y - 0.5, y + 0.5, y + 0.5);
  const { lon, lat } = wcs.pixToSkyMany(px, py);
  const v = [0, 1, 2, 3].map((i) => lonLatToVec(lon[i], lat[i]));
  return triangleSolidAngle(v[0], v[1], v[2]) + triangleSolidAngle(v[0], v[2], v[3]);
}

/**
 * True when the sky position (in the WCS's own frame) falls on the image: its pixel position is
 * within the outer pixel edges [0.5, naxis + 0.5] and maps back to the same point (so positions
 * on the far side of a projection that folds onto the image are rejected).
 * @throws MosaicError E_WCS_KEYWORD when NAXIS1/NAXIS2 are unknown.
 */
export function containsSky(wcs: Wcs, lon: number, lat: number): boolean {
  const [n1, n2] = imageSize(wcs);
  const [x, y] = wcs.skyToPix(lon, lat);
  if (!(x >= 0.5 && x <= n1 + 0.5 && y >= 0.5 && y <= n2 + 0.5)) return false;
  const [l2, b2] = wcs.pixToSky(x, y);
  return greatCircleDistanceDeg(lon, lat, l2, b2) < Math.max(1e-3 * wcs.pixelScaleDeg, 1e-10);
}
