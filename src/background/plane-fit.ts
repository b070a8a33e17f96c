/**
 * Robust least-squares plane z ≈ a·x + b·y + c through scattered values, Montage's mFitplane
 * algorithm (Caltech-IPAC/Montage `MontageLib/Fitplane/montageFitplane.c`): an ordinary
 * least-squares fit, then 19 refits that use only the points within 2·rms of the previous
 * fit, where rms is itself measured over the points within 2·(previous rms) of the fit.
 * Outliers (stars that did not subtract, cosmic rays, edge effects) therefore drop out.
 * Unlike Montage, the passes stop once the fit is exact to rounding (noise-free input), where
 * clipping at 2·rms would discard valid points.
 */
import { MosaicError } from '../errors.js';

/** Options of {@link fitPlaneToPoints}. */
export interface PlaneFitOptions {
  /** Fit only the level c (a = b = 0), as `mFitplane -l`. Default false. */
  levelOnly?: boolean;
  /** Number of fit/clip passes. Default 20 (Montage's fixed count). */
  iterations?: number;
  /** Points farther than `clip`·rms from the fit are left out of the next pass. Default 2. */
  clip?: number;
}

/** Sums over the points a plane fit used: the data of the normal equations. */
export interface PointMoments {
  n: number;
  sx: number;
  sy: number;
  sxx: number;
  sxy: number;
  syy: number;
}

/** The fitted plane and the statistics of the points that define it. */
export interface PointPlaneFit {
  a: number;
  b: number;
  c: number;
  /** rms of the residuals of the points within clip·rms (of the previous pass) of the final plane. */
  rms: number;
  /** Number of points counted in `rms` (Montage's `npixel`). */
  npixel: number;
  /** Extent of the points used in the last fit. */
  xmin: number;
  xmax: number;
  ymin: number;
  ymax: number;
  /** Mean position of the points used in the last fit. */
  xcenter: number;
  ycenter: number;
  /** Moments of the points used in the last fit (what a global background solver needs). */
  moments: PointMoments;
}

/**
 * Solve the symmetric 3×3 (or smaller) system M·p = r by Gaussian elimination with partial
 * pivoting. Returns undefined when M is singular to working precision.
 */
export function solveSmall(m: number[][], r: number[]): number[] | undefined {
  const n = r.length;
  const a = m.map((row, i) => [...row.slice(0, n), r[i]]);
  const scale = Math.max(...a.map((row) => Math.max(...row.slice(0, n).map(Math.abs))));
  if (!(scale > 0)) return undefined;
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let i = col + 1; i < n; i++) if (Math.abs(a[i][col]) > Math.abs(a[piv][col])) piv = i;
    if (Math.abs(a[piv][col]) <= 1e-14 * scale) return undefined;
    [a[col], a[piv]] = [a[piv], a[col]];
    for (let i = col + 1; i < n; i++) {
      const f = a[i][col] / a[col][col];
      for (let k = col; k <= n; k++) a[i][k] -= f * a[col][k];
    }
  }
  const p = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = a[i][n];
    for (let k = i + 1; k < n; k++) s -= a[i][k] * p[k];
    p[i] = s / a[i][i];
  }
  return p;
}

/**
 * Fit a plane to the finite points (x[i], y[i], z[i]); NaN z values are ignored.
 * Coordinates are used as given (mFitplane uses pixel offsets from CRPIX; see stages/fit-plane.ts).
 *
 * @throws MosaicError `E_NO_OVERLAP` when no finite point is given, or when the points do not
 *   determine a plane (fewer than 3, or all on one line) and `levelOnly` is false.
 */
export function fitPlaneToPoints(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  z: ArrayLike<number>,
  options: PlaneFitOptions = {},
): PointPlaneFit {
  const levelOnly = options.levelOnly ?? false;
  const iterations = options.iterations ?? 20;
  const clip = options.clip ?? 2;
  let a = 0;
  let b = 0;
  let c = 0;
  let rms = 0;
  let npixel = 0;
  let m: PointMoments = { n: 0, sx: 0, sy: 0, sxx: 0, sxy: 0, syy: 0 };
  let box = { xmin: 0, xmax: 0, ymin: 0, ymax: 0 };
  for (let it = 0; it < iterations; it++) {
    const s = { n: 0, sx: 0, sy: 0, sxx: 0, sxy: 0, syy: 0 };
    let sz = 0;
    let sxz = 0;
    let syz = 0;
    let xmin = Infinity;
    let xmax = -Infinity;
    let ymin = Infinity;
    let ymax = -Infinity;
    for (let i = 0; i < z.length; i++) {
      const zi = z[i];
      if (Number.isNaN(zi)) continue;
      const xi = x[i];
      const yi = y[i];
      if (rms > 0 && Math.abs(zi - (a * xi + b * yi + c)) > clip * rms) continue;
      s.n++;
      s.sx += xi;
      s.sy += yi;
      s.sxx += xi * xi;
      s.sxy += xi * yi;
      s.syy += yi * yi;
      sz += zi;
      sxz += xi * zi;
      syz += yi * zi;
      if (xi < xmin) xmin = xi;
      if (xi > xmax) xmax = xi;
      if (yi < ymin) ymin = yi;
      if (yi > ymax) ymax = yi;
    }
    if (s.n === 0) {
      if (it === 0) throw new MosaicError('E_NO_OVERLAP', 'no finite pixel to fit', { stage: 'fitplane' });
      break; // every point clipped (cannot happen with rms > 0, kept for safety): keep the last fit
    }
    if (levelOnly) {
      a = 0;
      b = 0;
      c = sz / s.n;
    } else {
      // Solve in coordinates centred on the mean point: better conditioned, same plane.
      const mx = s.sx / s.n;
      const my = s.sy / s.n;
      const cxx = s.sxx - s.sx * mx;
      const cxy = s.sxy - s.sx * my;
      const cyy = s.syy - s.sy * my;
      const cxz = sxz - s.sx * (sz / s.n);
      const cyz = syz - s.sy * (sz / s.n);
      const p = solveSmall(
        [
          [cxx, cxy],
          [cxy, cyy],
        ],
        [cxz, cyz],
      );
      if (!p) throw new MosaicError('E_NO_OVERLAP', `too few pixels to fit a plane (${s.n}, collinear)`, { stage: 'fitplane' });
      [a, b] = p;
      c = sz / s.n - a * mx - b * my;
    }
    m = s;
    box = { xmin, xmax, ymin, ymax };
    // rms over the points within clip·(previous rms) of the new plane (all points on the first pass).
    let szz = 0;
    let cnt = 0;
    for (let i = 0; i < z.length; i++) {
      const zi = z[i];
      if (Number.isNaN(zi)) continue;
      const dz = Math.abs(zi - (a * x[i] + b * y[i] + c));
      if (it > 0 && dz > clip * rms) continue;
      szz += dz * dz;
      cnt++;
    }
    if (cnt === 0) break;
    rms = Math.sqrt(szz / cnt);
    npixel = cnt;
    // An exact fit (noise-free data, or identical pixels): clipping at 2·rms would only keep
    // rounding noise, so stop here.
    if (rms <= 1e-12 * (Math.abs(sz / s.n) + Math.abs(a) * Math.abs(box.xmax - box.xmin) + Math.abs(b) * Math.abs(box.ymax - box.ymin) + 1e-300)) break;
  }
  return { a, b, c, rms, npixel, ...box, xcenter: m.sx / m.n, ycenter: m.sy / m.n, moments: m };
}
