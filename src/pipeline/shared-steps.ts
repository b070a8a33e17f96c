/**
 * The arithmetic steps that the serial `mosaic build` and the distributed stages
 * (`src/distributed/`) must share so that their mosaics are byte-identical: which pairs are
 * differenced, how one pair is fitted, how the corrections are solved, how a correction is
 * applied to a projected image, and which box of the template the output keeps.
 *
 * Pure functions over in-memory images; the callers do the file I/O. Reference: Montage's
 * mOverlaps → mDiff → mFitplane → mBgModel → mBackground → mAdd chain.
 *
 * For identity the build must:
 * - take the pairs from {@link overlapPairs} on its raw image table (as the plan does);
 * - fit every pair with {@link fitPair} on the projected images, in pair order;
 * - solve with {@link solveCorrections} over the cntrs of the images that projected, in table order;
 * - coadd with `Coadder`'s `correction` hook returning those planes (equal, bit for bit, to
 *   coadding the output of {@link applyCorrection}, which the distributed `background` stage writes);
 * - crop with `finishMosaic` (its box is {@link outputBox}).
 */
import { MosaicError } from '../errors.js';
import type { Header } from '../fits/header.js';
import type { IpacTable } from '../tables/ipac.js';
import { mosaicBox, type BackgroundPlane } from '../stages/add.js';
import { bgModel, type PairFit } from '../stages/bg-model.js';
import { diffImages } from '../stages/diff.js';
import { fitDiffPlane } from '../stages/fit-plane.js';
import { overlaps, type OverlapPair } from '../stages/overlaps.js';
import type { ProjectedImage } from '../stages/types.js';

type Placed = Pick<ProjectedImage, 'x0' | 'y0' | 'width' | 'height' | 'value' | 'area'>;
type Box = { x0: number; y0: number; width: number; height: number };

/** The overlapping pairs of a raw image table (mOverlaps on images.tbl), in Montage's order. */
export function overlapPairs(table: IpacTable): OverlapPair[] {
  return overlaps(table);
}

/**
 * Difference `plus − minus` on the template grid (Montage's grid-edge rule) and fit a plane to it.
 * @returns the fit, or undefined when the two projected images share no valid pixel or too few
 *   to fit (mFitExec's "failed" pairs, which mBgModel ignores).
 * @throws MosaicError for anything other than no overlap.
 */
export function fitPair(plus: Placed, minus: Placed, template: Header, ids: { plus: number; minus: number }): PairFit | undefined {
  const mosaicSize = { naxis1: template.int('NAXIS1') ?? Infinity, naxis2: template.int('NAXIS2') ?? Infinity };
  const crpix = templateCrpix(template);
  try {
    const diff = diffImages(plus, minus, { mosaicSize });
    return { ...fitDiffPlane(diff, crpix), plus: ids.plus, minus: ids.minus };
  } catch (err) {
    if (err instanceof MosaicError && err.code === 'E_NO_OVERLAP') return undefined;
    throw err;
  }
}

/** Per-image corrections (cntr → plane) from the pair fits; images without a fit get a zero plane. */
export function solveCorrections(imageIds: readonly number[], fits: readonly PairFit[]): Map<number, BackgroundPlane> {
  const { corrections } = bgModel(imageIds, fits);
  return new Map(corrections.map((c) => [c.id, { a: c.a, b: c.b, c: c.c }]));
}

/** CRPIX1/2 of the mosaic template (0 when absent, as Coadder). */
export function templateCrpix(template: Header): { crpix1: number; crpix2: number } {
  return { crpix1: template.number('CRPIX1') ?? 0, crpix2: template.number('CRPIX2') ?? 0 };
}

/**
 * The projected image with `plane` subtracted, with exactly the arithmetic of `Coadder`'s
 * correction hook: v − (a·(X − CRPIX1) + (b·(Y − CRPIX2) + c)) for mosaic indices X, Y.
 * Pixels the coadd skips (area ≤ 0 or value not finite) are left as they are. New arrays.
 */
export function applyCorrection<T extends Placed>(img: T, plane: BackgroundPlane, crpix: { crpix1: number; crpix2: number }): T & { value: Float64Array } {
  const value = new Float64Array(img.value.length);
  for (let j = 0; j < img.height; j++) {
    const y = img.y0 + j;
    const by = plane.b * (y - crpix.crpix2) + plane.c;
    for (let i = 0; i < img.width; i++) {
      const k = i + img.width * j;
      const v = img.value[k];
      value[k] = img.area[k] > 0 && Number.isFinite(v) ? v - (plane.a * (img.x0 + i - crpix.crpix1) + by) : v;
    }
  }
  return { ...img, value };
}

/** The box of the template the mosaic keeps (mAdd's shrink to the images' union). */
export function outputBox(template: Header, placements: Iterable<Box>, exactSize = false): Box {
  return mosaicBox(template, placements, exactSize);
}
