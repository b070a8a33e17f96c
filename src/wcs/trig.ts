/**
 * Trigonometry in degrees, exact at multiples of 90° (as wcslib's wcstrig.c does), so that
 * headers with round angles (CROTA2 = 90, theta0 = 90) give exact rotations.
 */

/** Degrees → radians. */
export const D2R = Math.PI / 180;
/** Radians → degrees. */
export const R2D = 180 / Math.PI;

/** sin of an angle in degrees; exact 0/±1 at multiples of 90°. */
export function sind(deg: number): number {
  const r = deg % 90;
  if (r === 0) {
    const q = (((deg / 90) % 4) + 4) % 4;
    return q === 0 || q === 2 ? 0 : q === 1 ? 1 : -1;
  }
  return Math.sin(deg * D2R);
}

/** cos of an angle in degrees; exact 0/±1 at multiples of 90°. */
export function cosd(deg: number): number {
  const r = deg % 90;
  if (r === 0) {
    const q = (((deg / 90) % 4) + 4) % 4;
    return q === 1 || q === 3 ? 0 : q === 0 ? 1 : -1;
  }
  return Math.cos(deg * D2R);
}

/** atan2 in degrees. */
export function atan2d(y: number, x: number): number {
  return Math.atan2(y, x) * R2D;
}

/** asin in degrees, with the argument clamped to [-1, 1] against rounding. */
export function asind(v: number): number {
  if (v >= 1) return 90;
  if (v <= -1) return -90;
  return Math.asin(v) * R2D;
}

/** acos in degrees, with the argument clamped to [-1, 1] against rounding. */
export function acosd(v: number): number {
  if (v >= 1) return 0;
  if (v <= -1) return 180;
  return Math.acos(v) * R2D;
}

/** Longitude normalised to [0, 360); NaN stays NaN. */
export function normLon(lon: number): number {
  let l = lon % 360;
  if (l < 0) l += 360;
  return l === 360 ? 0 : l;
}
