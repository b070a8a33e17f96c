/**
 * Trigonometry in degrees with WCSLIB's exact values at multiples of 90° (wcstrig.c), so
 * that boundary tests such as `sin(theta) == 0` behave exactly as in WCSLIB, plus the
 * native-coordinate range check WCSLIB applies after every deprojection (prjbchk).
 */

export const D2R = Math.PI / 180;
export const R2D = 180 / Math.PI;
/** WCSLIB's tolerance for arguments of asin/acos marginally beyond ±1. */
const TRIG_TOL = 1e-10;

// sincosd works without Math.sin/Math.cos: the angle is reduced exactly in degrees
// (deg − 90·q is exact by Sterbenz's lemma for every q ≠ 0), so multiples of 90° come out
// exactly 0/±1 as in WCSLIB's wcstrig.c, and the remainder (|r| ≤ 45°) goes through Taylor
// polynomials that are accurate to about 1 ulp there (the first dropped term, x^17/17! at π/4,
// is 5e-17). Being plain arithmetic, V8 inlines it into the projection loops, where each
// Math.sin/Math.cos is an out-of-line call of ~10–25 ns.

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
 * sin of an angle in degrees (Math.sin); exact at multiples of 90°. Only an integer can be a
 * multiple of 90, so non-integers skip the `%` test. Kept on the libm path (not the
 * polynomials of {@link sincosd}) because the quad-cube face choice depends on libm's exact
 * ordering of sin and cos at 45°.
 */
export function sind(deg: number): number {
  if (deg === Math.trunc(deg) && deg % 90 === 0) {
    switch (Math.abs(Math.floor(deg / 90 - 0.5)) % 4) {
      case 0: return 1;
      case 1: return 0;
      case 2: return -1;
      default: return 0;
    }
  }
  return Math.sin(deg * D2R);
}

/** cos of an angle in degrees (Math.cos); exact at multiples of 90° (as {@link sind}). */
export function cosd(deg: number): number {
  if (deg === Math.trunc(deg) && deg % 90 === 0) {
    switch (Math.abs(Math.floor(deg / 90 + 0.5)) % 4) {
      case 0: return 1;
      case 1: return 0;
      case 2: return -1;
      default: return 0;
    }
  }
  return Math.cos(deg * D2R);
}

/**
 * sin and cos of one angle in degrees, written to out[0] and out[1]: exactly 0/±1 at
 * multiples of 90°, within ~1 ulp elsewhere (it may differ from Math.sin by an ulp, e.g. at
 * 45°). One exact range reduction for both; the hot projection loops (TAN, SIN, ZEA, ARC,
 * STG, AIT) call it with a scratch array they own, and V8 inlines it there: ~4× cheaper than
 * two Math.sin/Math.cos calls.
 * @example const sc = new Float64Array(2); sincosd(30, sc); // sc ≈ [0.5, 0.866]
 */
export function sincosd(deg: number, out: Float64Array): void {
  const q = Math.round(deg / 90);
  const x = (deg - 90 * q) * D2R;
  const s = sinPoly(x);
  const c = cosPoly(x);
  switch (q & 3) {
    case 0:
      out[0] = s;
      out[1] = c;
      break;
    case 1:
      out[0] = c;
      out[1] = 0 - s;
      break;
    case 2:
      out[0] = 0 - s;
      out[1] = -c;
      break;
    default:
      out[0] = -c;
      out[1] = s;
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

/** atan(k/16) in degrees, k = 0 … 16: the table {@link atan2d} reduces against. */
const ATAN_SIXTEENTHS = (() => {
  const t = new Float64Array(17);
  for (let k = 0; k < 17; k++) t[k] = Math.atan(k / 16) * R2D;
  t[16] = 45;
  return t;
})();

/**
 * atan2 in degrees; exact on the axes (atan2d(0, x<0) = 180, atan2d(±y, 0) = ±90).
 * Inlinable arithmetic instead of Math.atan2: after folding into the first octant,
 * atan(t) = atan(c) + atan((t − c)/(1 + t·c)) with c the nearest sixteenth, so the remainder
 * is below 1/32 and six odd Taylor terms give it to ~1e-19 rad. Agrees with Math.atan2 to a
 * few ulp (4e-14° seen on 1e6 random points).
 */
export function atan2d(y: number, x: number): number {
  if (y === 0) return x >= 0 ? 0 : 180;
  if (x === 0) return y > 0 ? 90 : -90;
  const ax = Math.abs(x);
  const ay = Math.abs(y);
  const swap = ay > ax;
  const t = swap ? ax / ay : ay / ax;
  if (!(t <= 1)) return Math.atan2(y, x) * R2D; // NaN or ∞/∞
  const k = Math.round(t * 16);
  const c = k * 0.0625;
  const u = (t - c) / (1 + t * c); // t − c is exact (Sterbenz)
  const z = u * u;
  let a = ATAN_SIXTEENTHS[k] + R2D * (u + u * z * (-1 / 3 + z * (1 / 5 + z * (-1 / 7 + z * (1 / 9 + z * (-1 / 11))))));
  if (swap) a = 90 - a;
  if (x < 0) a = 180 - a;
  return y < 0 ? -a : a;
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
