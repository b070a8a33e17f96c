/**
 * add (Montage mAdd): coadd projected images onto the mosaic grid.
 *
 * Reference: Montage 6 `MontageLib/Add/montageAdd.c` (`mAdd_avg_mean`, `mAdd_avg_median`,
 * `mAdd_avg_count`, the "shrink" logic). Per mosaic pixel, over the images that cover it:
 * - mean:   value = Σ v·a / Σ a over contributions with a > 0; area = Σ a.
 * - median: contributions with a > 0.5 × the nominal pixel area (|CDELT1·CDELT2| in sr) are
 *   sorted; odd n → the middle one, n = 2 → the lower one, even n > 2 → mean of the two
 *   middle ones; area = Σ a of those used.
 * - count:  value = number of contributions with a > 0 and a finite value; area = Σ a.
 *   (Montage also requires value > 0, which miscounts background-subtracted data; we do not.)
 * Pixels nothing covers are NaN with area 0.
 *
 * Size: like mAdd, the output shrinks to the union of the inputs' boxes (on each axis
 * where that is smaller than the template; CRPIX moves accordingly) unless `exactSize`
 * (mAdd -e), which keeps the template's size.
 *
 * Memory: mean and count stream (two Float64 sums and a count per template pixel, inputs
 * dropped after accumulation); median keeps references to its inputs. For large mosaics a
 * `Coadder` per band of rows (`rows`) bounds both: `pipeline/coadd-bands.ts` does that from
 * files, byte-identical to one whole-template `Coadder` fed the same images in the same order.
 *
 * Background corrections (mBgExec) can be applied while coadding: plane
 * `a·(X − CRPIX1) + b·(Y − CRPIX2) + c` with X, Y 0-based mosaic pixel indices, which is
 * Montage's `A·(i − crpix1) + B·(j − crpix2) + C` evaluated in each projected image.
 */
import { MosaicError } from '../errors.js';
import { coaddAccumulate, coaddFinish, coaddFinishRowsBigEndian } from '../kernels/index.js';
import type { Header } from '../fits/header.js';
import { projectedHeader, type ProjectedImage } from './types.js';
import type { BackgroundPlane } from './background.js';

export type CombineMethod = 'mean' | 'median' | 'count';
export const COMBINE_METHODS: readonly CombineMethod[] = ['mean', 'median', 'count'];

export type { BackgroundPlane };

export interface AddOptions {
  /** Default `mean`. */
  combine?: CombineMethod;
  /** mAdd -e: keep the template's size instead of shrinking to the inputs. */
  exactSize?: boolean;
  /** The plane to subtract from an image before coadding (undefined → none). */
  correction?: (img: ProjectedImage) => BackgroundPlane | undefined;
}

/** The coadded mosaic: a box of the template grid with its header. */
export interface Mosaic extends ProjectedImage {
  value: Float64Array;
  area: Float64Array;
  /** Template with NAXISn/CRPIXn of this box (write with BITPIX -64). */
  header: Header;
  /** Number of images that contributed at least one pixel. */
  images: number;
}

type Box = { x0: number; y0: number; width: number; height: number };

/**
 * The output box of mAdd: the union of the placements on each axis where it is smaller
 * than the template, else the template's extent (which is also the result with `exactSize`).
 */
export function mosaicBox(template: Header, placements: Iterable<Box>, exactSize = false): Box {
  const W = template.int('NAXIS1') ?? 0;
  const H = template.int('NAXIS2') ?? 0;
  const full = { x0: 0, y0: 0, width: W, height: H };
  if (exactSize) return full;
  let xmin = Infinity;
  let xmax = -Infinity;
  let ymin = Infinity;
  let ymax = -Infinity;
  for (const p of placements) {
    if (p.width <= 0 || p.height <= 0) continue;
    xmin = Math.min(xmin, p.x0);
    xmax = Math.max(xmax, p.x0 + p.width - 1);
    ymin = Math.min(ymin, p.y0);
    ymax = Math.max(ymax, p.y0 + p.height - 1);
  }
  if (xmin > xmax) return full;
  const box = { ...full };
  if (xmax - xmin + 1 < W) {
    box.x0 = xmin;
    box.width = xmax - xmin + 1;
  }
  if (ymax - ymin + 1 < H) {
    box.y0 = ymin;
    box.height = ymax - ymin + 1;
  }
  return box;
}

/** Nominal output pixel solid angle (sr) from the template's CDELT or CD matrix. */
export function nominalPixelArea(template: Header): number {
  const d2r = Math.PI / 180;
  const c1 = template.number('CDELT1');
  const c2 = template.number('CDELT2');
  if (c1 !== undefined && c2 !== undefined && !template.has('CD1_1')) return Math.abs(c1 * c2) * d2r * d2r;
  const det =
    (template.number('CD1_1') ?? 0) * (template.number('CD2_2') ?? 0) - (template.number('CD1_2') ?? 0) * (template.number('CD2_1') ?? 0);
  return Math.abs(det) * d2r * d2r;
}

/** Median of a stack per mAdd (values sorted in place): n = 2 → the lower value. */
export function montageMedian(values: Float64Array, n: number): number {
  const v = values.subarray(0, n).sort();
  if (n % 2 === 1) return v[(n - 1) / 2];
  if (n === 2) return v[0];
  return (v[n / 2] + v[n / 2 - 1]) / 2;
}

export interface CoadderOptions {
  combine?: CombineMethod;
  /** Accumulate only mosaic rows [first, end) of the template (0-based): for row-band processing. */
  rows?: [number, number];
  correction?: AddOptions['correction'];
  /**
   * Reuse these arrays for the sums (each at least band-sized; zeroed here) instead of
   * allocating: a thread coadding band after band then allocates nothing per band.
   */
  scratch?: CoadderScratch;
}

/** Arrays a {@link Coadder} may reuse (see `CoadderOptions.scratch`); grown by `ensureScratch`. */
export interface CoadderScratch {
  sumVA: Float64Array;
  sumA: Float64Array;
  count: Uint32Array;
  /** The sums are all zero (left so by {@link Coadder.finishRowsBigEndian}): no zeroing needed. */
  clean?: boolean;
}

/** `scratch` when it holds `n` pixels per array, else a new, larger set. */
// Fresh arrays are not marked clean on purpose: zeroing them in one pass faults their pages in
// sequentially, measured cheaper here (0.2 s of system time at M17 size) than the scattered
// first touches of the accumulation.
export function ensureScratch(scratch: CoadderScratch | undefined, n: number): CoadderScratch {
  if (scratch && scratch.sumA.length >= n) return scratch;
  return { sumVA: new Float64Array(n), sumA: new Float64Array(n), count: new Uint32Array(n) };
}

/**
 * Incremental coadd on the template grid (or a band of its rows). Feed images in a fixed
 * order for reproducible sums; `finish` returns the band's value and area.
 */
export class Coadder {
  readonly width: number;
  readonly rowStart: number;
  readonly rowEnd: number;
  readonly combine: CombineMethod;
  private readonly sumVA: Float64Array;
  private readonly sumA: Float64Array;
  private readonly count: Uint32Array | null;
  /** The reused arrays, when given (marked clean again by finishRowsBigEndian). */
  private scratch?: CoadderScratch;
  /** finishRowsBigEndian has cleared rows rowStart … clearedTo − 1 (−1: not in order). */
  private clearedTo: number;
  private readonly kept: Array<{ img: ProjectedImage; plane?: BackgroundPlane }> = [];
  private readonly crpix1: number;
  private readonly crpix2: number;
  private readonly correction?: AddOptions['correction'];
  private readonly nominalArea: number;
  /** Placements of the images that contributed (for mAdd's shrink). */
  readonly placements: Box[] = [];

  constructor(template: Header, opts: CoadderOptions = {}) {
    this.width = template.int('NAXIS1') ?? 0;
    const H = template.int('NAXIS2') ?? 0;
    if (this.width < 1 || H < 1) throw new MosaicError('E_TEMPLATE', 'template needs positive NAXIS1 and NAXIS2', { stage: 'add' });
    [this.rowStart, this.rowEnd] = opts.rows ?? [0, H];
    this.clearedTo = this.rowStart;
    this.combine = opts.combine ?? 'mean';
    this.crpix1 = template.number('CRPIX1') ?? 0;
    this.crpix2 = template.number('CRPIX2') ?? 0;
    this.correction = opts.correction;
    this.nominalArea = nominalPixelArea(template);
    const n = this.width * (this.rowEnd - this.rowStart);
    const streaming = this.combine !== 'median';
    const scratch = opts.scratch && streaming && opts.scratch.sumA.length >= n ? opts.scratch : undefined;
    if (scratch) {
      this.sumVA = scratch.clean ? scratch.sumVA.subarray(0, n) : scratch.sumVA.subarray(0, n).fill(0);
      this.sumA = scratch.clean ? scratch.sumA.subarray(0, n) : scratch.sumA.subarray(0, n).fill(0);
      scratch.clean = false;
      this.scratch = scratch;
      // The mean needs no counts (the kernel then keeps none).
      this.count = this.combine === 'count' ? scratch.count.subarray(0, n).fill(0) : null;
    } else {
      this.sumVA = new Float64Array(streaming ? n : 0);
      this.sumA = new Float64Array(streaming ? n : 0);
      this.count = this.combine === 'count' ? new Uint32Array(n) : null;
    }
  }

  /** Add one projected image (pixels outside the template or the band are ignored). */
  accumulate(img: ProjectedImage): void {
    const plane = this.correction?.(img);
    this.placements.push({ x0: img.x0, y0: img.y0, width: img.width, height: img.height });
    if (this.combine === 'median') {
      this.kept.push({ img, plane });
      return;
    }
    const { sumVA, sumA, width: W } = this;
    if (img.width === 0 || img.height === 0) return; // an empty crop (outside this band) adds nothing
    // The plane is subtracted in the kernel (same expression as mBackground, in template pixels).
    coaddAccumulate({
      sumVW: sumVA,
      sumW: sumA,
      count: this.count,
      mosaicWidth: W,
      tileValue: img.value,
      tileWeight: img.area,
      tileWidth: img.width,
      tileHeight: img.height,
      x0: img.x0,
      y0: img.y0 - this.rowStart,
      plane: plane ? { ...plane, crpix1: this.crpix1, crpix2: this.crpix2, originX: img.x0, originY: img.y0 } : undefined,
    });
  }

  /**
   * The mean's value and area over `box` (columns inside the template, rows inside this band)
   * as big-endian BITPIX −64 bytes — what finishBox gives, encoded, in one pass — zeroing the
   * sums read. With `onlyInBox` (the caller's promise that nothing was accumulated outside the
   * box) and boxes that cover every row of the band, front to back, in one call or several,
   * reused arrays are left marked clean, and the next Coadder on them skips its zeroing. Mean only.
   * @throws MosaicError E_INTERNAL for another combine or a box outside the band.
   */
  finishRowsBigEndian(box: Box, outValue: Uint8Array, outArea: Uint8Array, opts: { onlyInBox?: boolean } = {}): void {
    if (this.combine !== 'mean' || box.x0 < 0 || box.x0 + box.width > this.width || box.y0 < this.rowStart || box.y0 + box.height > this.rowEnd)
      throw new MosaicError('E_INTERNAL', 'finishRowsBigEndian needs the mean and a box inside the band', { stage: 'add' });
    const at = (box.y0 - this.rowStart) * this.width;
    coaddFinishRowsBigEndian({
      sumVW: this.sumVA.subarray(at),
      sumW: this.sumA.subarray(at),
      stride: this.width,
      x0: box.x0,
      width: box.width,
      rows: box.height,
      outValue,
      outArea,
      clear: true,
    });
    // The band is clean once every row has been finished, front to back (in one call or several).
    const inBox = opts.onlyInBox || (box.x0 === 0 && box.width === this.width);
    this.clearedTo = inBox && box.y0 === this.clearedTo ? box.y0 + box.height : -1;
    if (this.scratch && this.clearedTo === this.rowEnd) this.scratch.clean = true;
  }

  /** Value and area of every pixel of the band (NaN / 0 where nothing contributed). */
  finish(): { value: Float64Array; area: Float64Array } {
    if (this.combine === 'median') return this.finishMedian();
    const n = this.sumA.length;
    const value = new Float64Array(n);
    const area = this.sumA;
    for (let i = 0; i < n; i++) {
      if (area[i] > 0) value[i] = this.count ? this.count[i] : this.sumVA[i] / area[i];
      else value[i] = NaN;
    }
    return { value, area };
  }

  /**
   * Value and area of `box` (template 0-based; cells outside this band or the template are
   * NaN / 0): `finish` cropped, computed straight into the box for `mean` so the band's full
   * value array is never made.
   */
  finishBox(
    box: Box,
    which: { value?: boolean; area?: boolean } = {},
    out?: { value: Float64Array; area: Float64Array },
  ): { value: Float64Array; area: Float64Array } {
    if (this.combine !== 'mean') {
      const f = this.finish();
      const area = cropBand(f.area, this.width, this.rowStart, box);
      for (let i = 0; i < area.length; i++) if (Number.isNaN(area[i])) area[i] = 0;
      return { value: cropBand(f.value, this.width, this.rowStart, box), area };
    }
    const { sumVA, sumA, width: W } = this;
    // An output not asked for is not computed (an empty array in its place). Rows and columns
    // inside the template are finished by the native kernel row by row; the rest is NaN / 0.
    // `out`, where long enough, takes the results instead of new arrays (every element is written).
    const n = box.width * box.height;
    const into = (a: Float64Array | undefined) => (a && a.length >= n ? a.subarray(0, n) : new Float64Array(n));
    const value = which.value === false ? new Float64Array(0) : into(out?.value);
    const area = which.area === false ? new Float64Array(0) : into(out?.area);
    if (area.length > 0) area.fill(0);
    const xa = Math.max(box.x0, 0);
    const xb = Math.max(xa, Math.min(box.x0 + box.width, W));
    for (let j = 0; j < box.height; j++) {
      const y = box.y0 + j - this.rowStart;
      const dst = j * box.width;
      const inside = y >= 0 && y < this.rowEnd - this.rowStart;
      if (value.length > 0) {
        if (!inside) {
          value.fill(NaN, dst, dst + box.width);
          continue;
        }
        value.fill(NaN, dst, dst + xa - box.x0);
        value.fill(NaN, dst + xb - box.x0, dst + box.width);
        if (xb > xa) coaddFinish({ sumVW: sumVA.subarray(y * W + xa, y * W + xb), sumW: sumA.subarray(y * W + xa, y * W + xb), out: value.subarray(dst + xa - box.x0, dst + xb - box.x0) });
      }
      if (inside && area.length > 0 && xb > xa) area.set(sumA.subarray(y * W + xa, y * W + xb), dst + xa - box.x0);
    }
    return { value, area };
  }

  private finishMedian(): { value: Float64Array; area: Float64Array } {
    const W = this.width;
    const rows = this.rowEnd - this.rowStart;
    const value = new Float64Array(W * rows).fill(NaN);
    const area = new Float64Array(W * rows);
    const minArea = 0.5 * this.nominalArea;
    const stack = new Float64Array(Math.max(1, this.kept.length));
    for (let y = this.rowStart; y < this.rowEnd; y++) {
      const here = this.kept.filter(({ img }) => y >= img.y0 && y < img.y0 + img.height);
      if (here.length === 0) continue;
      const dstRow = (y - this.rowStart) * W;
      for (let x = 0; x < W; x++) {
        let n = 0;
        let sumA = 0;
        for (const { img, plane } of here) {
          if (x < img.x0 || x >= img.x0 + img.width) continue;
          const k = (y - img.y0) * img.width + (x - img.x0);
          const a = img.area[k];
          let v = img.value[k];
          if (!(a > minArea) || !Number.isFinite(v)) continue;
          if (plane) v -= plane.a * (x - this.crpix1) + plane.b * (y - this.crpix2) + plane.c;
          stack[n++] = v;
          sumA += a;
        }
        if (n === 0) continue;
        value[dstRow + x] = montageMedian(stack, n);
        area[dstRow + x] = sumA;
      }
    }
    return { value, area };
  }
}

/** Copy the rows/columns of `box` out of a full-template-width band starting at row `rowStart` (NaN outside the band). */
export function cropBand(src: Float64Array, width: number, rowStart: number, box: Box): Float64Array {
  const out = new Float64Array(box.width * box.height);
  const rows = width > 0 ? src.length / width : 0;
  for (let j = 0; j < box.height; j++) {
    const y = box.y0 + j - rowStart;
    const inside = y >= 0 && y < rows;
    for (let i = 0; i < box.width; i++) {
      const x = box.x0 + i;
      out[j * box.width + i] = inside && x >= 0 && x < width ? src[y * width + x] : NaN;
    }
  }
  return out;
}

/**
 * Coadd projected images onto the template grid (mAdd).
 *
 * @param images projected images, consumed in order (each is dropped after use for mean/count).
 * @param template the mosaic header.
 * @returns the mosaic (shrunk to the inputs' union unless `exactSize`), area in sr.
 * @throws MosaicError E_NO_INPUT when no image is given.
 * @example const m = await add(projected, template, { combine: 'mean' });
 */
export async function add(
  images: Iterable<ProjectedImage> | AsyncIterable<ProjectedImage>,
  template: Header,
  opts: AddOptions = {},
): Promise<Mosaic> {
  const coadder = new Coadder(template, { combine: opts.combine, correction: opts.correction });
  for await (const img of images) coadder.accumulate(img);
  return finishMosaic(coadder, template, opts.exactSize ?? false);
}

/** Finish a whole-template Coadder and crop it per mAdd's shrink rule. */
export function finishMosaic(coadder: Coadder, template: Header, exactSize: boolean): Mosaic {
  if (coadder.placements.length === 0) throw new MosaicError('E_NO_INPUT', 'no images to coadd', { stage: 'add' });
  const { value, area } = coadder.finish();
  const box = mosaicBox(template, coadder.placements, exactSize);
  const full = box.x0 === 0 && box.y0 === 0 && box.width === coadder.width && box.height === coadder.rowEnd - coadder.rowStart;
  return {
    ...box,
    value: full ? value : cropBand(value, coadder.width, coadder.rowStart, box),
    area: full ? area : cropBand(area, coadder.width, coadder.rowStart, box).map((a) => (Number.isNaN(a) ? 0 : a)),
    header: projectedHeader(template, box),
    images: coadder.placements.length,
  };
}
