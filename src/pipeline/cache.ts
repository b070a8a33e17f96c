/**
 * Reading back `build`'s cache of projected images: in shared memory (when the whole set is
 * small, see build.ts), FITS pairs (mProject's files, in a `--workdir`) or scratch planes (the
 * private temporary cache, see fits/scratch.ts).
 */
import { readImageRows } from '../fits/read.js';
import { readScratchRows } from '../fits/scratch.js';
import type { PixelArray } from '../fits/types.js';

/** A cached projected image: its value and area files and its box on the mosaic grid. */
export interface CachedPlanes {
  value: string;
  area: string;
  /** 0-based mosaic column / row of the first pixel, and size. */
  x0: number;
  y0: number;
  width: number;
  height: number;
  /** The files are scratch planes (raw Float64), not FITS. */
  scratch?: boolean;
  /** The image is held here instead (the files are not written). */
  shared?: SharedPlanes;
}

/** A projected image's value and area in SharedArrayBuffers, readable from any thread. */
export interface SharedPlanes {
  value: Float64Array;
  area: Float64Array;
}

/**
 * Buffers a thread reuses for the crops it reads and consumes before its next read (scratch
 * planes are read into them instead of new arrays); grown as needed.
 */
export class RowBuffers {
  value = new Float64Array(0);
  area = new Float64Array(0);
  /** Make room for `n` pixels per plane. */
  reserve(n: number): this {
    if (this.value.length < n) {
      this.value = new Float64Array(n);
      this.area = new Float64Array(n);
    }
    return this;
  }
}

/**
 * Mosaic rows [y0, y0 + rows) of a cached image (within its box) as a placed crop. With
 * `into`, a scratch-plane crop is a view of those buffers, valid until their next use.
 */
export async function readCachedRows(
  img: CachedPlanes,
  y0: number,
  rows: number,
  into?: RowBuffers,
): Promise<{ x0: number; y0: number; width: number; height: number; value: PixelArray; area: PixelArray }> {
  const j0 = y0 - img.y0;
  if (img.shared) {
    // Views, not copies: readers never write to a crop.
    const [a, b] = [j0 * img.width, (j0 + rows) * img.width];
    return { x0: img.x0, y0, width: img.width, height: rows, value: img.shared.value.subarray(a, b), area: img.shared.area.subarray(a, b) };
  }
  if (img.scratch) {
    into?.reserve(img.width * rows);
    const value = readScratchRows(img.value, img.width, j0, rows, into?.value);
    const area = readScratchRows(img.area, img.width, j0, rows, into?.area);
    return { x0: img.x0, y0, width: img.width, height: rows, value, area };
  }
  const band = { y0: j0, rows };
  const [v, a] = await Promise.all([readImageRows(img.value, band), readImageRows(img.area, band)]);
  return { x0: img.x0, y0, width: img.width, height: rows, value: v.data, area: a.data };
}
