/**
 * The image statistics every display stretch needs: data range, a fine histogram,
 * its cumulative form, percentiles, median and a robust sigma.
 *
 * Reference: Montage 6.0 `montageViewer.c` (`mViewer_getRange`,
 * `mViewer_percentileLevel`, `mViewer_valuePercentile`) and `mHistogram`. Montage uses
 * 199 999 equal bins between the data min and max, so percentiles are accurate to
 * (max−min)/199 999 and are linearly interpolated inside a bin.
 */
import { MosaicError } from '../errors.js';
import { histogram as histogramKernel } from '../kernels/index.js';

/** Number of histogram bins (Montage's `NBIN − 1`). */
export const HISTOGRAM_BINS = 199_999;

/** Histogram and derived statistics of the finite pixels of one image. */
export interface ImageHistogram {
  /** Smallest and largest finite pixel value (data units). */
  min: number;
  max: number;
  /** Bin width (max − min)/HISTOGRAM_BINS; 0 for a constant image. */
  binWidth: number;
  /** Number of finite pixels (NaN and ±Infinity are blank). */
  count: number;
  /** Pixel count per bin; length HISTOGRAM_BINS. Bin k holds floor(N·(v−min)/(max−min)) = k, the max in the last bin. */
  bins: Float64Array;
  /** cumulative[i] = pixels in bins 0..i−1; length HISTOGRAM_BINS + 1, cumulative[HISTOGRAM_BINS] = count. */
  cumulative: Float64Array;
  /** 50th percentile (data units). */
  median: number;
  /** Robust sigma: half the 16th–84th percentile spread (data units). */
  sigma: number;
}

/**
 * Build the histogram of the finite pixels of `data`.
 *
 * @throws MosaicError E_ARGUMENT when the image has no finite pixel.
 */
export function computeHistogram(data: ArrayLike<number>): ImageHistogram {
  let min = Infinity;
  let max = -Infinity;
  let count = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v - v !== 0) continue; // NaN or ±Infinity
    if (v < min) min = v;
    if (v > max) max = v;
    count++;
  }
  if (count === 0) throw new MosaicError('E_ARGUMENT', 'image contains no non-blank pixels', { stage: 'view' });

  const n = HISTOGRAM_BINS;
  const range = max - min;
  let bins: Float64Array = new Float64Array(n);
  if (range === 0) {
    bins[0] = count;
  } else if (data instanceof Float32Array || data instanceof Float64Array) {
    // Native kernel (or its TS twin): floor((v − min)·(N/range)), which agrees with
    // Montage's floor(N·(v − min)/range) except for pixels within rounding of a bin edge.
    bins = histogramKernel({ data, min, max, nbins: n });
  } else {
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (v - v !== 0) continue;
      // Same expression order as Montage so pixels on bin edges land in the same bin.
      let k = Math.floor((n * (v - min)) / range);
      if (k > n - 1) k = n - 1;
      if (k < 0) k = 0;
      bins[k]++;
    }
  }
  return fromBins(min, max, count, bins);
}

/** Complete an `ImageHistogram` from its bins (used by `computeHistogram` and native kernels). */
export function fromBins(min: number, max: number, count: number, bins: Float64Array): ImageHistogram {
  const n = HISTOGRAM_BINS;
  const cumulative = new Float64Array(n + 1);
  for (let i = 1; i <= n; i++) cumulative[i] = cumulative[i - 1] + bins[i - 1];
  const h: ImageHistogram = { min, max, binWidth: (max - min) / n, count, bins, cumulative, median: 0, sigma: 0 };
  const p16 = percentileLevel(h, 16);
  h.median = percentileLevel(h, 50);
  const p84 = percentileLevel(h, 84);
  h.sigma = (p84 - p16) / 2;
  return h;
}

/**
 * Data value below which `percentile` % of the finite pixels lie, interpolated
 * linearly inside the histogram bin (Montage's rule: the target count is truncated
 * to an integer to find the bin, the exact fraction is used inside it).
 *
 * @param percentile 0–100; ≤ 0 gives the data min, ≥ 100 the data max.
 */
export function percentileLevel(h: ImageHistogram, percentile: number): number {
  if (percentile <= 0) return h.min;
  if (percentile >= 100) return h.max;
  const fraction = 0.01 * percentile;
  const target = Math.trunc(h.count * fraction);
  const c = h.cumulative;
  // First bin edge whose cumulative count reaches the target (c is non-decreasing).
  let lo = 1;
  let hi = HISTOGRAM_BINS;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (c[mid] < target) lo = mid + 1;
    else hi = mid;
  }
  const below = c[lo - 1] / h.count;
  const above = c[lo] / h.count;
  const inside = above === below ? 0 : (fraction - below) / (above - below);
  return h.min + (lo - 1 + inside) * h.binWidth;
}

/** Percentile (0–100) of a data value: the inverse of `percentileLevel`, interpolated within a bin. */
export function valuePercentile(h: ImageHistogram, value: number): number {
  if (value <= h.min) return 0;
  if (value >= h.max) return 100;
  const position = (value - h.min) / h.binWidth;
  const i = Math.min(Math.trunc(position), HISTOGRAM_BINS - 1);
  const fraction = position - i;
  const below = h.cumulative[i] / h.count;
  const above = h.cumulative[i + 1] / h.count;
  return 100 * (below * (1 - fraction) + above * fraction);
}
