/**
 * Reading back `build`'s cache of projected images: FITS pairs (mProject's files, in a
 * `--workdir`) or scratch planes (the private temporary cache, see fits/scratch.ts).
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
}

/** Mosaic rows [y0, y0 + rows) of a cached image (within its box) as a placed crop. */
export async function readCachedRows(
  img: CachedPlanes,
  y0: number,
  rows: number,
): Promise<{ x0: number; y0: number; width: number; height: number; value: PixelArray; area: PixelArray }> {
  const j0 = y0 - img.y0;
  if (img.scratch) {
    const value = readScratchRows(img.value, img.width, j0, rows);
    const area = readScratchRows(img.area, img.width, j0, rows);
    return { x0: img.x0, y0, width: img.width, height: rows, value, area };
  }
  const band = { y0: j0, rows };
  const [v, a] = await Promise.all([readImageRows(img.value, band), readImageRows(img.area, band)]);
  return { x0: img.x0, y0, width: img.width, height: rows, value: v.data, area: a.data };
}
