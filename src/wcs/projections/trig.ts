/**
 * Trigonometry in degrees with WCSLIB's exact values at multiples of 90° (wcstrig.c), so
 * that boundary tests such as `sin(theta) == 0` behave exactly as in WCSLIB, plus the
 * native-coordinate range check WCSLIB applies after every deprojection (prjbchk).
 */

export const D2R = Math.PI / 180;
export const R2D = 180 / Math.PI;
/** WCSLIB's tolerance for arguments of asin/acos marginally beyond ±1. */
const TRIG_TOL = 1e-10;

// sin and cos in degrees without Math.sin/Math.cos: the angle is reduced exactly in degrees
// (deg − 90·q is exact by Sterbenz's lemma for every q ≠ 0), so multiples of 90° come out
// exactly 0/±1 as in WCSLIB's wcstrig.c, and the remainder (|r| ≤ 45°) goes through Taylor
// polynomials that are accurate to about 1 ulp there (the first dropped term, x^17/17! at π/4,
// is 5e-17). Being plain arithmetic, V8 inlines them into the projection loops, which is the
// point: a builtin call plus the `deg % 90` test cost ~30 ns per call before.

/** sin(x) for |x| ≤ ~π/4 (radians), Taylor series to x^15. */
function sinPoly(x: number): number {
  const z = x * x;
  return (
    x +
    x *
      z *
      (-1 / 6 +
        z *
          (1 / 120 +
            z * (-1 / 5040 + z * (1 / 362880 + z * (-1 / 39916800 + z * (1 / 6227020800 + z * (-1 / 1307674368000)))))))
  );
}

/** cos(x) for |x| ≤ ~π/4 (radians), Taylor series to x^16. */
function cosPoly(x: number): number {
  const z = x * x;
  return (
    1 -
    0.5 * z +
    z *
      z *
      (1 / 24 +
        z *
          (-1 / 720 +
            z * (1 / 40320 + z * (-1 / 3628800 + z * (1 / 479001600 + z * (-1 / 87178291200 + z * (1 / 20922789888000)))))))
  );
}

/**
 * sin of an angle in degrees; exactly 0 or ±1 at multiples of 90° (WCSLIB's convention),
 * within ~1 ulp of the true value elsewhere. NaN and ±Infinity give NaN.
 */
export function sind(deg: number): number {
  const q = Math.round(deg / 90);
  const x = (deg - 90 * q) * D2R;
  switch (q & 3) {
    case 0: return sinPoly(x);
    case 1: return cosPoly(x);
    case 2: return 0 - sinPoly(x); // 0 − … keeps +0 (WCSLIB's value) where the sine vanishes
    default: return -cosPoly(x);
  }
}

/** cos of an angle in degrees; exactly 0 or ±1 at multiples of 90°, as {@link sind}. */
export function cosd(deg: number): number {
  const q = Math.round(deg / 90);
  const x = (deg - 90 * q) * D2R;
  switch (q & 3) {
    case 0: return cosPoly(x);
    case 1: return 0 - sinPoly(x);
    case 2: return -cosPoly(x);
    default: return sinPoly(x);
  }
}

/** tan of an angle in degrees; exact at multiples of 45°. */
export function tand(deg: number): number {
  if (deg !== Math.trunc(deg)) return Math.tan(deg * D2R);
  const r = deg % 360;
  if (r === 0 || Math.abs(r) === 180) return 0;
  if (r === 45 || r === 225) return 1;
  if (r === -135 || r === -315) return -1;
  return Math.tan(deg * D2R);
}

/** asin in degrees; arguments within 1e-10 beyond ±1 give ±90, further beyond give NaN. */
export function asind(v: number): number {
  if (v <= -1) {
    if (v + 1 > -TRIG_TOL) return -90;
  } else if (v === 0) {
    return 0;
  } else if (v >= 1) {
    if (v - 1 < TRIG_TOL) return 90;
  }
  return Math.asin(v) * R2D;
}

/** acos in degrees; arguments within 1e-10 beyond ±1 give 0 or 180. */
export function acosd(v: number): number {
  if (v >= 1) {
    if (v - 1 < TRIG_TOL) return 0;
  } else if (v === 0) {
    return 90;
  } else if (v <= -1) {
    if (v + 1 > -TRIG_TOL) return 180;
  }
  return Math.acos(v) * R2D;
}

/** atan in degrees; exact at 0 and ±1. */
export function atand(v: number): number {
  if (v === -1) return -45;
  if (v === 0) return 0;
  if (v === 1) return 45;
  return Math.atan(v) * R2D;
}

/** atan2 in degrees; exact on the axes (atan2d(0, x<0) = 180). */
export function atan2d(y: number, x: number): number {
  if (y === 0) return x >= 0 ? 0 : 180;
  if (x === 0) return y > 0 ? 90 : -90;
  return Math.atan2(y, x) * R2D;
}

/**
 * Stores a deprojected (phi, theta) at index i after WCSLIB's range check: values beyond
 * [-180, 180] × [-90, 90] by no more than `tol` are clamped, further beyond give NaN.
 */
export function storeNative(
  phiOut: Float64Array,
  thetaOut: Float64Array,
  i: number,
  phi: number,
  theta: number,
  tol: number,
): void {
  if (phi < -180) {
    if (phi < -180 - tol) return storeNaN(phiOut, thetaOut, i);
    phi = -180;
  } else if (phi > 180) {
    if (phi > 180 + tol) return storeNaN(phiOut, thetaOut, i);
    phi = 180;
  }
  if (theta < -90) {
    if (theta < -90 - tol) return storeNaN(phiOut, thetaOut, i);
    theta = -90;
  } else if (theta > 90) {
    if (theta > 90 + tol) return storeNaN(phiOut, thetaOut, i);
    theta = 90;
  }
  phiOut[i] = phi;
  thetaOut[i] = theta;
}

/** Marks point i as off the projection (NaN in both outputs). */
export function storeNaN(a: Float64Array, b: Float64Array, i: number): void {
  a[i] = NaN;
  b[i] = NaN;
}
