/**
 * Per-pixel median of an image stack (mAdd `-a median`), ignoring blank samples — the
 * TypeScript twin of `crates/mosaic-core/src/median.rs`. Even counts: `0.5 * (a + b)`.
 */

/** `out[p]` = median of finite `values[img * nPixels + p]`; NaN when none is finite. */
export function medianStackTs(values: Float64Array, nImages: number, nPixels: number, out: Float64Array): void {
  const buf = new Float64Array(nImages);
  for (let p = 0; p < nPixels; p++) {
    let n = 0;
    for (let img = 0; img < nImages; img++) {
      const v = values[img * nPixels + p];
      if (v - v === 0) buf[n++] = v;
    }
    if (n === 0) {
      out[p] = NaN;
      continue;
    }
    const sorted = buf.subarray(0, n).sort();
    out[p] = n % 2 === 1 ? sorted[n >> 1] : 0.5 * (sorted[(n >> 1) - 1] + sorted[n >> 1]);
  }
}
