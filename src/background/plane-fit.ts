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
import { planeFitPasses } from '../kernels/index.js';

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
 * Fit a plane to the finite points (x[i], y[i], z[i]); NaN z values are ignored.
 * Coordinates are used as given (mFitplane uses pixel offsets from CRPIX; see stages/fit-plane.ts).
 *
 * The passes run in the `planeFitPasses` kernel (native Rust, or its TypeScript twin
 * src/kernels/plane-fit.ts, bit-identical). Each pass makes two sweeps over the points: one
 * sums the normal equations of the points kept by the previous pass, one measures the
 * residuals of the new plane (stored, so the next pass tests them without re-evaluating the
 * plane) and their rms. The passes also stop at a fixed point (the same plane and rms as the
 * pass before), where every later pass would repeat it. Sums run in input order, so the
 * result is the same to the last bit as the plain one-point-at-a-time formulation.
 *
 * @throws MosaicError `E_NO_OVERLAP` when no finite point is given, or when the points do not
 *   determine a plane (fewer than 3, or all on one line) and `levelOnly` is false;
 *   `E_USAGE` for a NaN `iterations` or `clip`.
 */
export function fitPlaneToPoints(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  z: ArrayLike<number>,
  options: PlaneFitOptions = {},
): PointPlaneFit {
  const { px, py, pz } = finitePoints(x, y, z);
  return fitPointsWithoutNaN(px, py, pz, { levelOnly: options.levelOnly ?? false, iterations: options.iterations ?? 20, clip: options.clip ?? 2 });
}

/**
 * {@link fitPlaneToPoints} for points known to have no NaN value (no scan for them), as
 * Float64Arrays: what stages/fit-plane.ts gathers.
 */
export function fitPointsWithoutNaN(px: Float64Array, py: Float64Array, pz: Float64Array, options: Required<PlaneFitOptions>): PointPlaneFit {
  const { levelOnly, iterations, clip } = options;
  if (Number.isNaN(iterations) || Number.isNaN(clip)) {
    throw new MosaicError('E_USAGE', `plane fit needs numeric iterations and clip (got ${iterations}, ${clip})`, { stage: 'fitplane' });
  }
  // `it < iterations` runs ceil(iterations) passes; the kernel takes that whole count.
  const passes = iterations > 0 ? Math.min(Math.ceil(iterations), 2 ** 31 - 1) : 0;
  const f = planeFitPasses({ px, py, pz, levelOnly: Boolean(levelOnly), iterations: passes, clip });
  if (f.kind === 'no-points') throw new MosaicError('E_NO_OVERLAP', 'no finite pixel to fit', { stage: 'fitplane' });
  if (f.kind === 'collinear') throw new MosaicError('E_NO_OVERLAP', `too few pixels to fit a plane (${f.count}, collinear)`, { stage: 'fitplane' });
  const m = f.moments;
  return {
    a: f.a,
    b: f.b,
    c: f.c,
    rms: f.rms,
    npixel: f.npixel,
    xmin: f.xmin,
    xmax: f.xmax,
    ymin: f.ymin,
    ymax: f.ymax,
    xcenter: m.sx / m.n,
    ycenter: m.sy / m.n,
    moments: m,
  };
}
