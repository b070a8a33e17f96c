/**
 * Block binning of an image: each output pixel the mean of a factor × factor block of input
 * pixels, NaN when any of them is blank or the block runs past the image's edge (a binned
 * pixel stands for its whole area, so a partly blank block has no honest value). One pass,
 * cheap beside the projection it feeds, so there is no native twin.
 */
import type { PixelArray } from '../fits/types.js';

/**
 * Bin `src` (width × height, row-major) by `factor`, the blocks starting `phase` pixels
 * (0 … factor − 1) before the first column and row (wcs/binned.ts), into ⌈(width + phase)/factor⌉ ×
 * ⌈(height + phase)/factor⌉ pixels, written to `out` when it is long enough.
 * @example binPixels(new Float32Array([1, 2, 3, 4]), 2, 2, 2) // Float64Array [2.5]
 */
export function binPixels(src: PixelArray, width: number, height: number, factor: number, out?: Float64Array, phase: readonly [number, number] = [0, 0]): Float64Array {
  const [px, py] = phase;
  for (const p of phase) if (!Number.isInteger(p) || p < 0 || p >= factor) throw new RangeError(`Expected integers 0 … ${factor - 1} for phase but received ${phase.join(', ')}`);
  const bw = Math.ceil((width + px) / factor);
  const bh = Math.ceil((height + py) / factor);
  const dst = out && out.length >= bw * bh ? out.subarray(0, bw * bh) : new Float64Array(bw * bh);
  // Blocks that run past an edge stay blank.
  dst.fill(NaN);
  // The full blocks: binned columns I0 … I0 + nW − 1 start at column factor·I − px ≥ 0.
  const I0 = px > 0 ? 1 : 0;
  const J0 = py > 0 ? 1 : 0;
  const nW = Math.floor((width + px) / factor) - I0;
  const nH = Math.floor((height + py) / factor) - J0;
  const first = (J0 * factor - py) * width + (I0 * factor - px);
  const o = J0 * bw + I0;
  if (src instanceof Float32Array) binBlocks(src, width, factor, first, nW, nH, dst, o, bw);
  else binBlocks(src, width, factor, first, nW, nH, dst, o, bw);
  return dst;
}

/**
 * nW × nH full blocks, the first at `src[first]`, into `dst[o …]` (row stride bw):
 * monomorphic per array type (called once for each).
 */
function binBlocks(src: Float32Array | Float64Array, width: number, factor: number, first: number, nW: number, nH: number, dst: Float64Array, o: number, bw: number): void {
  const scale = 1 / (factor * factor);
  if (factor === 2) {
    // The common case, unrolled (same sums, same order as the loop below).
    for (let J = 0; J < nH; J++) {
      const out = o + J * bw;
      let k = first + 2 * J * width;
      for (let I = 0; I < nW; I++, k += 2) {
        const s = src[k] + src[k + 1] + src[k + width] + src[k + width + 1];
        dst[out + I] = s - s === 0 ? s * scale : NaN;
      }
    }
    return;
  }
  for (let J = 0; J < nH; J++) {
    const out = o + J * bw;
    for (let I = 0; I < nW; I++) {
      let s = 0;
      for (let dj = 0, k = first + J * factor * width + I * factor; dj < factor; dj++, k += width)
        for (let di = 0; di < factor; di++) s += src[k + di];
      // NaN and ±Inf propagate through the sum: a block holding one is blank.
      dst[out + I] = s - s === 0 ? s * scale : NaN;
    }
  }
}
