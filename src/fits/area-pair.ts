/**
 * Montage's image + area pairs: every projected, difference, corrected or coadded image
 * `x.fits` travels with `x_area.fits` (the covered solid angle per pixel). Written together:
 * if the area file cannot be written, the image is removed too, so no half pair is left.
 */
import { rmSync } from 'node:fs';
import type { Header } from './header.js';
import type { PixelArray } from './types.js';
import { writeFits, type WriteBitpix } from './write.js';

/** `x.fits` → `x_area.fits` (also `.fit`/`.FITS`); a name without a FITS extension gets `_area.fits`. */
export function areaFileName(path: string): string {
  const m = /\.(fits?|FITS?)$/.exec(path);
  return m ? `${path.slice(0, m.index)}_area${m[0]}` : `${path}_area.fits`;
}

/** Write `path` and its `_area` file (same header and shape), both or neither. */
export async function writeImageAndArea(
  path: string,
  image: { header: Header; shape: number[]; value: PixelArray; area: PixelArray },
  options: { bitpix?: WriteBitpix } = {},
): Promise<void> {
  const bitpix = options.bitpix ?? -64;
  await writeFits(path, { header: image.header, data: image.value, shape: image.shape }, { bitpix });
  try {
    await writeFits(areaFileName(path), { header: image.header, data: image.area, shape: image.shape }, { bitpix });
  } catch (err) {
    rmSync(path, { force: true });
    throw err;
  }
}
