/**
 * Inverse error function and standard-normal quantile, as used by Montage's
 * histogram-equalising ("gaussian") stretches.
 *
 * Reference: rational Chebyshev approximations of Blair, Edwards & Johnson (1976),
 * "Rational Chebyshev approximations for the inverse of the error function",
 * Math. Comp. 30, 827–830 (the coefficient sets below), in the form Montage 6.0
 * evaluates them (`mViewer_erfinv`, `mViewer_snpinv`). For the tail (q = 1 − p <
 * 0.0625) Montage picks the set meant for q < 1e-100 whenever ln q > ln 1e-100 and
 * the other one otherwise; we keep that selection on purpose, because the stretch
 * tables must match mViewer's, and both sets are accurate to a few 1e-4 relative in
 * the range that matters for 8-bit output.
 */

// Central region, |p| <= 0.75: erfinv(p) = p·A(v)/B(v), v = p² − 0.5625.
const CENTRAL_A = [0.1400216916161353e3, -0.7204275515686407e3, 0.1296708621660511e4, -0.9697932901514031e3, 0.2762427049269425e3, -0.2012940180552054e2];
const CENTRAL_B = [0.1291046303114685e3, -0.7312308064260973e3, 0.1494970492915789e4, -0.1337793793683419e4, 0.5033747142783567e3, -0.6220205554529216e2];
// 0.75 < p <= 0.9375: v = p² − 0.87890625.
const MIDDLE_A = [-0.1690478046781745, 0.3524374318100228e1, -0.2698143370550352e2, 0.9340783041018743e2, -0.1455364428646732e3, 0.8805852004723659e2, -0.1349018591231947e2];
const MIDDLE_B = [-0.1203221171313429, 0.2684812231556632e1, -0.2242485268704865e2, 0.8723495028643494e2, -0.1604352408444319e3, 0.1259117982101525e3, -0.3184861786248824e2];
// Tails, in v = 1/sqrt(−ln q).
const TAIL_A = [0.3100808562552958e-4, 0.409748760301194e-2, 0.1214902662897276, 0.1109167694639028e1, 0.3228379855663924e1, 0.2881691815651599e1, 0.2047972087262996e1, 0.8545922081972148, 0.3551095884622383e-2];
const TAIL_B = [0.3100809298564522e-4, 0.4097528678663915e-2, 0.1215907800748757, 0.1118627167631696e1, 0.343236398430529e1, 0.4140284677116202e1, 0.4119797271272204e1, 0.2162961962641435e1];
const FAR_TAIL_A = [0.320540542206205e-8, 0.1899479322632128e-5, 0.2814223189858532e-3, 0.1370504879067817e-1, 0.2268143542005976, 0.109842195989234e1, 0.6791143397056208, -0.834334189167721, 0.3421951267240343];
const FAR_TAIL_B = [0.3205405053282398e-8, 0.1899480592260143e-5, 0.281434969109894e-3, 0.1371092249602266e-1, 0.2275172815174473, 0.1125348514036959e1];
const LN_1E_MINUS_100 = -0.2302585092994046e3;

/** Σ c[k]·v^k by Horner's rule (coefficients in ascending order). */
function poly(c: readonly number[], v: number): number {
  let s = 0;
  for (let k = c.length - 1; k >= 0; k--) s = s * v + c[k];
  return s;
}

/** Monic polynomial v^n + Σ c[k]·v^k (n = c.length). */
function monic(c: readonly number[], v: number): number {
  let s = 1;
  for (let k = c.length - 1; k >= 0; k--) s = s * v + c[k];
  return s;
}

/**
 * Inverse error function for p in [0, 1]: erf(erfinv(p)) = p.
 * Returns 1e99 at p = 1 and −1e99 outside [0, 1] (Montage's sentinels).
 */
export function erfinv(p: number): number {
  const q = 1 - p;
  if (p < 0 || q < 0) return -1e99;
  if (q === 0) return 1e99;
  if (p <= 0.75) {
    const v = p * p - 0.5625;
    return (p * poly(CENTRAL_A, v)) / monic(CENTRAL_B, v);
  }
  if (p <= 0.9375) {
    const v = p * p - 0.87890625;
    return (p * poly(MIDDLE_A, v)) / monic(MIDDLE_B, v);
  }
  const lnq = Math.log(q);
  const v = 1 / Math.sqrt(-lnq);
  if (lnq < LN_1E_MINUS_100) return poly(TAIL_A, v) / (v * monic(TAIL_B, v));
  return poly(FAR_TAIL_A, v) / (v * monic(FAR_TAIL_B, v));
}

/** Standard-normal quantile: the z with Φ(z) = p, for p in [0, 1] (±1.414e99 at the ends). */
export function normalQuantile(p: number): number {
  return p > 0.5 ? Math.SQRT2 * erfinv(2 * p - 1) : -Math.SQRT2 * erfinv(1 - 2 * p);
}
