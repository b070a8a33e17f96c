/**
 * The fit/clip passes of the robust plane fit z ≈ a·x + b·y + c — the TypeScript twin of
 * `crates/mosaic-core/src/plane_fit.rs` (bit-identical: same operations, same order; each sum
 * runs over four lanes, point i in lane i % 4, combined as (l0 + l1) + (l2 + l3)).
 * Montage's mFitplane (Caltech-IPAC/Montage `MontageLib/Fitplane/montageFitplane.c`): an
 * ordinary least-squares fit, then refits on the points within clip·rms of the previous fit,
 * where rms is measured over the points within clip·(previous rms) of the fit. The driver
 * (src/background/plane-fit.ts) drops NaN values first and documents the algorithm.
 *
 * Results travel in a Float64Array of {@link PLANE_FIT_OUT_LENGTH} numbers (so the native
 * kernel returns without building objects); {@link decodePlaneFit} reads it.
 */

/** Slots of the result array (see the native binding's `planeFitPasses`). */
export const PLANE_FIT_OUT = {
  status: 0,
  count: 1,
  a: 2,
  b: 3,
  c: 4,
  rms: 5,
  npixel: 6,
  n: 7,
  sx: 8,
  sy: 9,
  sxx: 10,
  sxy: 11,
  syy: 12,
  xmin: 13,
  xmax: 14,
  ymin: 15,
  ymax: 16,
} as const;

/** Length of the result array. */
export const PLANE_FIT_OUT_LENGTH = 17;

const STATUS_FITTED = 0;
const STATUS_NO_POINTS = 1;
const STATUS_COLLINEAR = 2;

/** What the passes produced: the last plane with its statistics, or why there is none. */
export type PlaneFitPassesResult =
  | {
      kind: 'fitted';
      a: number;
      b: number;
      c: number;
      /** rms of the residuals within clip·(previous rms) of the final plane. */
      rms: number;
      /** Points counted in `rms`. */
      npixel: number;
      /** Moments of the points of the last fit (all 0 when no pass ran). */
      moments: { n: number; sx: number; sy: number; sxx: number; sxy: number; syy: number };
      /** Extent of the points of the last fit (infinite when none qualifies). */
      xmin: number;
      xmax: number;
      ymin: number;
      ymax: number;
    }
  /** No point at all. */
  | { kind: 'no-points' }
  /** The `count` points of a pass do not determine a plane (fewer than 3, or collinear). */
  | { kind: 'collinear'; count: number };

/** Reads a result array written by {@link planeFitPassesTs} or the native kernel. */
export function decodePlaneFit(out: Float64Array): PlaneFitPassesResult {
  const o = PLANE_FIT_OUT;
  if (out[o.status] === STATUS_NO_POINTS) return { kind: 'no-points' };
  if (out[o.status] === STATUS_COLLINEAR) return { kind: 'collinear', count: out[o.count] };
  return {
    kind: 'fitted',
    a: out[o.a],
    b: out[o.b],
    c: out[o.c],
    rms: out[o.rms],
    npixel: out[o.npixel],
    moments: { n: out[o.n], sx: out[o.sx], sy: out[o.sy], sxx: out[o.sxx], sxy: out[o.sxy], syy: out[o.syy] },
    xmin: out[o.xmin],
    xmax: out[o.xmax],
    ymin: out[o.ymin],
    ymax: out[o.ymax],
  };
}

/**
 * Extent of all points (`all`), or of those with |resid[i]| ≤ limit — the fit loop's test
 * negated, so a NaN residual counts as kept, as it does there. Written into `box` (xmin, xmax,
 * ymin, ymax); infinite when no point qualifies.
 */
function keptExtent(px: Float64Array, py: Float64Array, resid: Float64Array, all: boolean, limit: number, box: Float64Array): void {
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
  box[0] = xmin;
  box[1] = xmax;
  box[2] = ymin;
  box[3] = ymax;
}

/** Sum `s` of the lane sums (four per sum, from index 4·s): (l0 + l1) + (l2 + l3). */
function combined(lanes: Float64Array, s: number): number {
  return lanes[4 * s] + lanes[4 * s + 1] + (lanes[4 * s + 2] + lanes[4 * s + 3]);
}

/**
 * Solve [[m00, m01], [m01, m11]]·p = [r0, r1] by Gaussian elimination with partial pivoting:
 * the n = 2 case of `solveSmall` (src/background/plane-fit.ts), operation for operation.
 * Writes p into `p`; false when singular to working precision (or a coefficient is NaN).
 */
function solve2(m00: number, m01: number, m11: number, r0: number, r1: number, p: Float64Array): boolean {
  const scale = Math.max(Math.abs(m00), Math.abs(m01), Math.abs(m01), Math.abs(m11));
  if (!(scale > 0)) return false;
  const tiny = 1e-14 * scale;
  let u0 = m00;
  let u1 = m01;
  let u2 = r0;
  let v0 = m01;
  let v1 = m11;
  let v2 = r1;
  if (Math.abs(v0) > Math.abs(u0)) {
    [u0, u1, u2, v0, v1, v2] = [v0, v1, v2, u0, u1, u2];
  }
  if (Math.abs(u0) <= tiny) return false;
  const f = v0 / u0;
  v1 -= f * u1;
  v2 -= f * u2;
  if (Math.abs(v1) <= tiny) return false;
  const p1 = v2 / v1;
  p[0] = (u2 - u1 * p1) / u0;
  p[1] = p1;
  return true;
}

/**
 * Run up to `iterations` fit/clip passes over the points (px[i], py[i], pz[i]) (no NaN z:
 * the caller drops them) and write the result into `out` ({@link PLANE_FIT_OUT} layout).
 * Stops early at an exact fit (rms ≤ 1e-12 of the plane's range over the fitted points) and
 * at a fixed point (same plane and rms as the pass before: every later pass would repeat it).
 * Arguments trusted; see `planeFitPasses` in ./index.ts.
 */
export function planeFitPassesTs(
  px: Float64Array, py: Float64Array, pz: Float64Array, levelOnly: boolean, iterations: number, clip: number, out: Float64Array,
): void {
  const n = pz.length;
  out.fill(0);
  const all = new Float64Array(4);
  keptExtent(px, py, px, true, 0, all);
  // Residuals of the current plane, and of the plane the last fit's points were chosen by:
  // two buffers swapped each pass, so the final fit's selection can be replayed for its extent.
  let resid = new Float64Array(n);
  let keptBy = new Float64Array(n);
  const p = new Float64Array(2);
  const box = new Float64Array(4);
  let a = 0;
  let b = 0;
  let c = 0;
  let rms = 0;
  let npixel = 0;
  let mn = 0;
  let msx = 0;
  let msy = 0;
  let msxx = 0;
  let msxy = 0;
  let msyy = 0;
  // How the last fit chose its points: all of them, or |keptBy[i]| ≤ keptLimit.
  let keptAll = true;
  let keptLimit = 0;
  let pa = NaN;
  let pb = NaN;
  let pc = NaN;
  let prms = NaN;
  const lanes = new Float64Array(36);
  for (let it = 0; it < iterations; it++) {
    const clipping = rms > 0;
    const limit = clip * rms;
    // Sums over four lanes, point i in lane i % 4, combined as (l0 + l1) + (l2 + l3) (plane_fit.rs `LANES`).
    lanes.fill(0);
    for (let i = 0; i < n; i++) {
      if (clipping && Math.abs(resid[i]) > limit) continue;
      const xi = px[i];
      const yi = py[i];
      const zi = pz[i];
      const k = i & 3;
      lanes[k] += xi;
      lanes[4 + k] += yi;
      lanes[8 + k] += xi * xi;
      lanes[12 + k] += xi * yi;
      lanes[16 + k] += yi * yi;
      lanes[20 + k] += zi;
      lanes[24 + k] += xi * zi;
      lanes[28 + k] += yi * zi;
      lanes[32 + k] += 1;
    }
    const sx = combined(lanes, 0);
    const sy = combined(lanes, 1);
    const sxx = combined(lanes, 2);
    const sxy = combined(lanes, 3);
    const syy = combined(lanes, 4);
    const sz = combined(lanes, 5);
    const sxz = combined(lanes, 6);
    const syz = combined(lanes, 7);
    const cnt = combined(lanes, 8);
    if (cnt === 0) {
      if (it === 0) {
        out[PLANE_FIT_OUT.status] = STATUS_NO_POINTS;
        return;
      }
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
      if (!solve2(cxx, cxy, cyy, cxz, cyz, p)) {
        out[PLANE_FIT_OUT.status] = STATUS_COLLINEAR;
        out[PLANE_FIT_OUT.count] = cnt;
        return;
      }
      a = p[0];
      b = p[1];
      c = sz / cnt - a * mx - b * my;
    }
    mn = cnt;
    msx = sx;
    msy = sy;
    msxx = sxx;
    msxy = sxy;
    msyy = syy;
    keptAll = !clipping;
    keptLimit = limit;
    [resid, keptBy] = [keptBy, resid];
    // rms over the points within clip·(previous rms) of the new plane (all points on the first pass).
    const rmsLimit = clip * rms;
    lanes.fill(0, 0, 8);
    for (let i = 0; i < n; i++) {
      const r = pz[i] - (a * px[i] + b * py[i] + c);
      resid[i] = r;
      const dz = Math.abs(r);
      if (it > 0 && dz > rmsLimit) continue;
      lanes[i & 3] += dz * dz;
      lanes[4 + (i & 3)] += 1;
    }
    const szz = combined(lanes, 0);
    const rcnt = combined(lanes, 1);
    if (rcnt === 0) break;
    rms = Math.sqrt(szz / rcnt);
    npixel = rcnt;
    // An exact fit (noise-free data, or identical pixels): clipping at 2·rms would only keep
    // rounding noise, so stop here. The test scales with the extent of the fitted points; the
    // extent of all points bounds it from above, so the fitted points' extent is only measured
    // when that bound lets the test pass.
    const level = Math.abs(sz / cnt);
    if (rms <= 1e-12 * (level + Math.abs(a) * (all[1] - all[0]) + Math.abs(b) * (all[3] - all[2]) + 1e-300)) {
      keptExtent(px, py, keptBy, keptAll, keptLimit, box);
      if (rms <= 1e-12 * (level + Math.abs(a) * Math.abs(box[1] - box[0]) + Math.abs(b) * Math.abs(box[3] - box[2]) + 1e-300)) break;
    }
    // A fixed point: the same plane and rms as the pass before mean the same residuals and
    // limit, so every later pass would repeat this one bit for bit; stopping changes nothing.
    if (it > 0 && a === pa && b === pb && c === pc && rms === prms) break;
    pa = a;
    pb = b;
    pc = c;
    prms = rms;
  }
  keptExtent(px, py, keptBy, keptAll, keptLimit, box);
  const o = PLANE_FIT_OUT;
  out[o.status] = STATUS_FITTED;
  out[o.a] = a;
  out[o.b] = b;
  out[o.c] = c;
  out[o.rms] = rms;
  out[o.npixel] = npixel;
  out[o.n] = mn;
  out[o.sx] = msx;
  out[o.sy] = msy;
  out[o.sxx] = msxx;
  out[o.sxy] = msxy;
  out[o.syy] = msyy;
  out[o.xmin] = box[0];
  out[o.xmax] = box[1];
  out[o.ymin] = box[2];
  out[o.ymax] = box[3];
}

/**
 * The points a plane fit of an image takes — the TypeScript twin of `gather_points` in
 * `crates/mosaic-core/src/plane_fit.rs`: each non-NaN pixel of the `width × height` image as
 * (i − xOrigin, j − yOrigin, value) in row-major order into the first entries of xs, ys, zs,
 * and each row's first and last such column into rowLo, rowHi (lo > hi: none). Returns the count.
 */
export function gatherPointsTs(
  value: ArrayLike<number>, width: number, height: number, xOrigin: number, yOrigin: number,
  xs: Float64Array, ys: Float64Array, zs: Float64Array, rowLo: Int32Array, rowHi: Int32Array,
): number {
  let k = 0;
  for (let j = 0; j < height; j++) {
    const y = j - yOrigin;
    const row = j * width;
    let lo = width;
    let hi = -1;
    for (let i = 0; i < width; i++) {
      const v = value[row + i];
      if (Number.isNaN(v)) continue;
      xs[k] = i - xOrigin;
      ys[k] = y;
      zs[k] = v;
      k++;
      if (lo === width) lo = i;
      hi = i;
    }
    rowLo[j] = lo;
    rowHi[j] = hi;
  }
  return k;
}
