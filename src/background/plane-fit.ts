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
 * The points with a non-NaN value, as Float64Arrays in their original order (so every sum
 * below adds the same terms in the same order as a loop over the input that skips NaN).
 * Inputs that are already NaN-free Float64Arrays are used as they are (never written to).
 */
function finitePoints(x: ArrayLike<number>, y: ArrayLike<number>, z: ArrayLike<number>): { px: Float64Array; py: Float64Array; pz: Float64Array } {
  let n = 0;
  for (let i = 0; i < z.length; i++) if (!Number.isNaN(z[i])) n++;
  if (n === z.length && x instanceof Float64Array && y instanceof Float64Array && z instanceof Float64Array) return { px: x, py: y, pz: z };
  const px = new Float64Array(n);
  const py = new Float64Array(n);
  const pz = new Float64Array(n);
  for (let i = 0, k = 0; i < z.length; i++) {
    const zi = z[i];
    if (Number.isNaN(zi)) continue;
    px[k] = x[i];
    py[k] = y[i];
    pz[k] = zi;
    k++;
  }
  return { px, py, pz };
}

/**
 * Extent of the points a fit used: all of them (`all`), or those with |resid[i]| ≤ limit,
 * the test of the fit loop negated (so a NaN residual counts as kept, as it does there).
 * Infinite extents when no point qualifies.
 */
function keptExtent(px: Float64Array, py: Float64Array, resid: Float64Array, all: boolean, limit: number): { xmin: number; xmax: number; ymin: number; ymax: number } {
  let xmin = Infinity;
  let xmax = -Infinity;
  let ymin = Infinity;
  let ymax = -Infinity;
  for (let i = 0; i < px.length; i++) {
    if (!all && Math.abs(resid[i]) > limit) continue;
    const xi = px[i];
    const yi = py[i];
    if (xi < xmin) xmin = xi;
    if (xi > xmax) xmax = xi;
    if (yi < ymin) ymin = yi;
    if (yi > ymax) ymax = yi;
  }
  return { xmin, xmax, ymin, ymax };
}

/**
 * Fit a plane to the finite points (x[i], y[i], z[i]); NaN z values are ignored.
 * Coordinates are used as given (mFitplane uses pixel offsets from CRPIX; see stages/fit-plane.ts).
 *
 * Each pass makes two sweeps over the points: one sums the normal equations of the points
 * kept by the previous pass, one measures the residuals of the new plane (stored, so the next
 * pass tests them without re-evaluating the plane) and their rms. The extent of the kept
 * points is measured once, after the last pass. Sums run in input order, so the result is
 * the same to the last bit as the plain one-point-at-a-time formulation.
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
  const { px, py, pz } = finitePoints(x, y, z);
  const n = pz.length;
  // Residuals of the current plane, and of the plane the last fit's points were chosen by:
  // two buffers swapped each pass, so the final fit's selection can be replayed for its extent.
  const all = keptExtent(px, py, px, true, 0);
  let resid = new Float64Array(n);
  let keptBy = new Float64Array(n);
  let a = 0;
  let b = 0;
  let c = 0;
  let rms = 0;
  let npixel = 0;
  let m: PointMoments = { n: 0, sx: 0, sy: 0, sxx: 0, sxy: 0, syy: 0 };
  // How the last fit chose its points: all of them, or |keptBy[i]| ≤ keptLimit.
  let keptAll = true;
  let keptLimit = 0;
  let prev = { a: NaN, b: NaN, c: NaN, rms: NaN };
  for (let it = 0; it < iterations; it++) {
    const clipping = rms > 0;
    const limit = clip * rms;
    let cnt = 0;
    let sx = 0;
    let sy = 0;
    let sxx = 0;
    let sxy = 0;
    let syy = 0;
    let sz = 0;
    let sxz = 0;
    let syz = 0;
    for (let i = 0; i < n; i++) {
      if (clipping && Math.abs(resid[i]) > limit) continue;
      const xi = px[i];
      const yi = py[i];
      const zi = pz[i];
      cnt++;
      sx += xi;
      sy += yi;
      sxx += xi * xi;
      sxy += xi * yi;
      syy += yi * yi;
      sz += zi;
      sxz += xi * zi;
      syz += yi * zi;
    }
    if (cnt === 0) {
      if (it === 0) throw new MosaicError('E_NO_OVERLAP', 'no finite pixel to fit', { stage: 'fitplane' });
      break; // every point clipped (cannot happen with rms > 0, kept for safety): keep the last fit
    }
    if (levelOnly) {
      a = 0;
      b = 0;
      c = sz / cnt;
    } else {
      // Solve in coordinates centred on the mean point: better conditioned, same plane.
      const mx = sx / cnt;
      const my = sy / cnt;
      const cxx = sxx - sx * mx;
      const cxy = sxy - sx * my;
      const cyy = syy - sy * my;
      const cxz = sxz - sx * (sz / cnt);
      const cyz = syz - sy * (sz / cnt);
      const p = solveSmall(
        [
          [cxx, cxy],
          [cxy, cyy],
        ],
        [cxz, cyz],
      );
      if (!p) throw new MosaicError('E_NO_OVERLAP', `too few pixels to fit a plane (${cnt}, collinear)`, { stage: 'fitplane' });
      [a, b] = p;
      c = sz / cnt - a * mx - b * my;
    }
    m = { n: cnt, sx, sy, sxx, sxy, syy };
    keptAll = !clipping;
    keptLimit = limit;
    [resid, keptBy] = [keptBy, resid];
    // rms over the points within clip·(previous rms) of the new plane (all points on the first pass).
    const rmsLimit = clip * rms;
    let szz = 0;
    let rcnt = 0;
    for (let i = 0; i < n; i++) {
      const r = pz[i] - (a * px[i] + b * py[i] + c);
      resid[i] = r;
      const dz = Math.abs(r);
      if (it > 0 && dz > rmsLimit) continue;
      szz += dz * dz;
      rcnt++;
    }
    if (rcnt === 0) break;
    rms = Math.sqrt(szz / rcnt);
    npixel = rcnt;
    // An exact fit (noise-free data, or identical pixels): clipping at 2·rms would only keep
    // rounding noise, so stop here. The test scales with the extent of the fitted points; the
    // extent of all points bounds it from above, so the fitted points' extent is only measured
    // when that bound lets the test pass.
    const level = Math.abs(sz / cnt);
    if (rms <= 1e-12 * (level + Math.abs(a) * (all.xmax - all.xmin) + Math.abs(b) * (all.ymax - all.ymin) + 1e-300)) {
      const box = keptExtent(px, py, keptBy, keptAll, keptLimit);
      if (rms <= 1e-12 * (level + Math.abs(a) * Math.abs(box.xmax - box.xmin) + Math.abs(b) * Math.abs(box.ymax - box.ymin) + 1e-300)) break;
    }
    // A fixed point: the same plane and rms as the pass before mean the same residuals and
    // limit, so every later pass would repeat this one bit for bit (usually after a handful of
    // Montage's 20 passes); stopping changes nothing in the result.
    if (it > 0 && a === prev.a && b === prev.b && c === prev.c && rms === prev.rms) break;
    prev = { a, b, c, rms };
  }
  const box = keptExtent(px, py, keptBy, keptAll, keptLimit);
  return { a, b, c, rms, npixel, ...box, xcenter: m.sx / m.n, ycenter: m.sy / m.n, moments: m };
}
