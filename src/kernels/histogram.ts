/**
 * Histogram of finite samples in `[min, max]` — the TypeScript twin of `histogram` in
 * `crates/mosaic-core/src/stats.rs` (bit-identical bin assignment).
 */
import type { SampleArray } from './reproject-exact.js';

/** Counts per bin; bin of v = floor((v - min) · (nbins / (max - min))), `max` in the last bin. */
export function histogramTs(data: SampleArray, min: number, max: number, nbins: number): Float64Array {
  const bins = new Float64Array(nbins);
  const scale = nbins / (max - min);
  const last = nbins - 1;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v >= min && v <= max) bins[Math.min(Math.floor((v - min) * scale), last)]++;
  }
  return bins;
}
