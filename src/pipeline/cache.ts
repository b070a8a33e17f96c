/**
 * Reading back projected images from their FITS pairs (mProject's value and `_area` files), a
 * band of mosaic rows at a time: for `mosaic add` (coadd-bands.ts) and the work folder's
 * corrected images (mBgExec, in build).
 */
import { readImageRows } from '../fits/read.js';
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
}

/** Buffers a thread reuses for work it consumes before its next use; grown as needed. */
export class RowBuffers {
  value = new Float64Array(0);
  area = new Float64Array(0);
  /** Make room for `n` pixels per plane (growing by half at least: each regrowth is fresh memory). */
  reserve(n: number): this {
    if (this.value.length < n) {
      const m = Math.max(n, Math.ceil(1.5 * this.value.length));
      this.value = new Float64Array(m);
      this.area = new Float64Array(m);
    }
    return this;
  }
}

/** Mosaic rows [y0, y0 + rows) of a projected image (within its box) as a placed crop. */
export async function readCachedRows(
  img: CachedPlanes,
  y0: number,
  rows: number,
): Promise<{ x0: number; y0: number; width: number; height: number; value: PixelArray; area: PixelArray }> {
  const j0 = y0 - img.y0;
  const band = { y0: j0, rows };
  const [v, a] = await Promise.all([readImageRows(img.value, band), readImageRows(img.area, band)]);
  return { x0: img.x0, y0, width: img.width, height: rows, value: v.data, area: a.data };
}
