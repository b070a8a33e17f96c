/**
 * Weighted-mean coaddition (mAdd `mean`) — the TypeScript twin of
 * `crates/mosaic-core/src/coadd.rs` (bit-identical: same operations, same order).
 * Reference: Montage mAdd (Berriman et al. 2004), area-weighted mean.
 */
import type { SampleArray } from './reproject-exact.js';
import type { CoaddPlane } from './index.js';

/** Add one tile into the sums (arguments trusted; see `coaddAccumulate` in ./index.ts). */
export function coaddAccumulateTs(
  sumVW: Float64Array, sumW: Float64Array, count: Uint32Array | Float32Array | null, mosaicWidth: number,
  tileValue: SampleArray, tileWeight: SampleArray, tileWidth: number, tileHeight: number, x0: number, y0: number,
  plane?: CoaddPlane,
): void {
  const mosaicHeight = sumVW.length / mosaicWidth;
  const iLo = Math.max(-x0, 0);
  const iHi = Math.min(mosaicWidth - x0, tileWidth);
  const jLo = Math.max(-y0, 0);
  const jHi = Math.min(mosaicHeight - y0, tileHeight);
  const saturate = count instanceof Uint32Array;
  for (let j = jLo; j < jHi; j++) {
    const trow = j * tileWidth;
    const mrow = (y0 + j) * mosaicWidth + x0;
    const by = plane ? plane.b * (plane.originY + j - plane.crpix2) + plane.c : 0;
    for (let i = iLo; i < iHi; i++) {
      const v = plane ? tileValue[trow + i] - (plane.a * (plane.originX + i - plane.crpix1) + by) : tileValue[trow + i];
      const wt = tileWeight[trow + i];
      if (v - v === 0 && wt - wt === 0 && wt > 0) {
        const m = mrow + i;
        sumVW[m] += v * wt;
        sumW[m] += wt;
        if (count && (!saturate || count[m] < 0xffffffff)) count[m] += 1;
      }
    }
  }
}

/** `out = sumVW / sumW`, NaN where `sumW <= threshold`. */
export function coaddFinishTs(sumVW: Float64Array, sumW: Float64Array, out: Float64Array, threshold: number): void {
  for (let p = 0; p < out.length; p++) out[p] = sumW[p] > threshold ? sumVW[p] / sumW[p] : NaN;
}

/**
 * coadd.rs `coadd_finish_rows_be` (arguments trusted): the mean and the summed weight of
 * `rows` rows of `width` sums from column `x0` (sums `stride` wide) as big-endian doubles;
 * with `clear` the sums read are zeroed.
 */
export function coaddFinishRowsBigEndianTs(
  sumVW: Float64Array, sumW: Float64Array, stride: number, x0: number, width: number, rows: number,
  outValue: Uint8Array, outArea: Uint8Array, threshold: number, clear: boolean,
): void {
  const dv = new DataView(outValue.buffer, outValue.byteOffset, outValue.byteLength);
  const da = new DataView(outArea.buffer, outArea.byteOffset, outArea.byteLength);
  for (let j = 0; j < rows; j++) {
    const at = j * stride + x0;
    for (let i = 0; i < width; i++) {
      const w = sumW[at + i];
      const o = 8 * (j * width + i);
      dv.setFloat64(o, w > threshold ? sumVW[at + i] / w : NaN, false);
      da.setFloat64(o, w, false);
    }
    if (clear) {
      sumVW.fill(0, at, at + width);
      sumW.fill(0, at, at + width);
    }
  }
}
