/**
 * Pixel statistics for `mosaic info`: counts of finite and non-finite values, min, max
 * and a float64 sum of the finite values (Neumaier-compensated, so long sums of float32
 * data agree with numpy's pairwise sum to far better than 1e-6 relative).
 * Pure: arrays in, numbers out.
 */

/** Statistics of the physical values of an image (or a part of one). */
export interface ImageStatistics {
  /** Number of finite values. */
  finite: number;
  /** Number of non-finite values (NaN, ±Infinity). */
  nan: number;
  /** Smallest finite value; NaN when there is none. */
  min: number;
  /** Largest finite value; NaN when there is none. */
  max: number;
  /** Sum of the finite values, in float64. */
  sum: number;
  /** Running compensation of the sum (Neumaier); add it to `sum` for the best estimate. Internal. */
  compensation: number;
}

/** Statistics of `data` (any numeric array). */
export function imageStatistics(data: ArrayLike<number>): ImageStatistics {
  let finite = 0;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let c = 0;
  const n = data.length;
  for (let i = 0; i < n; i++) {
    const v = data[i];
    if (v - v !== 0) continue; // NaN or ±Infinity
    finite++;
    if (v < min) min = v;
    if (v > max) max = v;
    const t = sum + v;
    c += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    sum = t;
  }
  return { finite, nan: n - finite, min: finite ? min : NaN, max: finite ? max : NaN, sum: sum + c, compensation: 0 };
}

/** Combine the statistics of two disjoint parts (e.g. row bands of one image). */
export function mergeStatistics(a: ImageStatistics, b: ImageStatistics): ImageStatistics {
  const finite = a.finite + b.finite;
  const t = a.sum + b.sum;
  const c = a.compensation + b.compensation + (Math.abs(a.sum) >= Math.abs(b.sum) ? a.sum - t + b.sum : b.sum - t + a.sum);
  return {
    finite,
    nan: a.nan + b.nan,
    min: finite ? Math.min(a.finite ? a.min : Infinity, b.finite ? b.min : Infinity) : NaN,
    max: finite ? Math.max(a.finite ? a.max : -Infinity, b.finite ? b.max : -Infinity) : NaN,
    sum: t,
    compensation: c,
  };
}
