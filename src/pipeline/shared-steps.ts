/**
 * Steps the serial `mosaic build` and the distributed stages (`src/distributed/`) share so
 * that their mosaics are byte-identical. The difference and plane fit of a pair is the pool's
 * `diffFit` task and the pair rule is `overlappingPairs` (both in this folder, used as they
 * are); this module adds what the distributed run needs on top:
 *
 * - {@link skyOverlapPairs}: the pairs a plan lists before anything is projected (mOverlaps on
 *   the raw image table). The bgmodel stage then keeps exactly build's pairs (boxes on the grid).
 * - {@link applyCorrection}: the background plane subtracted with exactly the arithmetic of
 *   `Coadder`'s `correction` hook (which build uses), so coadding corrected files equals
 *   build's hooked coadd bit for bit. (`stages/background.ts`'s `subtractBackground` rounds
 *   differently: it evaluates the plane in the image's own pixel frame.)
 * - {@link outputBox}: mAdd's shrink box, as `finishMosaic` computes it.
 *
 * Pure functions; the callers do the file I/O. Reference: Montage's mOverlaps, mBackground, mAdd.
 */
import type { Header } from '../fits/header.js';
import type { IpacTable } from '../tables/ipac.js';
import { mosaicBox, type BackgroundPlane } from '../stages/add.js';
import { overlaps, type OverlapPair } from '../stages/overlaps.js';
import type { ProjectedImage } from '../stages/types.js';

type Placed = Pick<ProjectedImage, 'x0' | 'y0' | 'width' | 'height' | 'value' | 'area'>;
type Box = { x0: number; y0: number; width: number; height: number };

/** The pairs of a raw image table whose sky footprints overlap (mOverlaps), in Montage's order. */
export function skyOverlapPairs(table: IpacTable): OverlapPair[] {
  return overlaps(table);
}

/**
 * The projected image with `plane` subtracted, with exactly the arithmetic of `Coadder`'s
 * correction hook: v − (a·(X − CRPIX1) + (b·(Y − CRPIX2) + c)) for 0-based mosaic indices X, Y
 * and the template's CRPIX. Pixels the coadd skips (area ≤ 0 or value not finite) keep their
 * value. Returns new value pixels (Float64); the input is not modified.
 * @example applyCorrection(img, { a: 0, b: 0, c: 5 }, { crpix1: 356, crpix2: 525.5 })
 */
export function applyCorrection<T extends Placed>(img: T, plane: BackgroundPlane, crpix: { crpix1: number; crpix2: number }): T & { value: Float64Array } {
  const value = new Float64Array(img.value.length);
  for (let j = 0; j < img.height; j++) {
    const by = plane.b * (img.y0 + j - crpix.crpix2) + plane.c;
    for (let i = 0; i < img.width; i++) {
      const k = i + img.width * j;
      const v = img.value[k];
      value[k] = img.area[k] > 0 && Number.isFinite(v) ? v - (plane.a * (img.x0 + i - crpix.crpix1) + by) : v;
    }
  }
  return { ...img, value };
}

/** The box of the template the mosaic keeps (mAdd's shrink to the images' union; see `mosaicBox`). */
export function outputBox(template: Header, placements: Iterable<Box>, exactSize = false): Box {
  return mosaicBox(template, placements, exactSize);
}
