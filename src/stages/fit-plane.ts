/**
 * mFitplane on a difference image (Caltech-IPAC/Montage `MontageLib/Fitplane/montageFitplane.c`):
 * the robust plane of background/plane-fit.ts in Montage's coordinates, plus the minimum-area
 * box of the valid pixels that mBgModel reads from fits.tbl.
 *
 * Coordinates (Montage's convention, shared by mBgModel and mBackground): for the pixel of
 * 0-based column i and row j of an image whose header has CRPIX1/2,
 * x = i − CRPIX1, y = j − CRPIX2. For any crop of the mosaic grid this equals
 * x = (0-based mosaic column) − CRPIX1(mosaic header), so all planes share one frame.
 * On a file (mFitExec's per-pair work, {@link fitDiffFile}) CRPIX comes from the difference
 * image's own header, as in Montage.
 */
import { fitPointsWithoutNaN, type PlaneFitOptions, type PointMoments } from '../background/plane-fit.js';
import { minAreaBox } from '../background/min-area-box.js';
import { MosaicError } from '../errors.js';
import { readImage } from '../fits/read.js';
import { gatherPoints } from '../kernels/index.js';
import type { DiffImage } from './diff.js';

/**
 * Fit/clip passes that reproduce Montage's mFitplane. Its 20 passes are 19 distinct ones: the
 * rms it computes after the first pass is NaN (Montage 6.0, seen with `mFitplane -d 1`), so
 * the second pass repeats the unclipped fit. The sequence has not converged after 20 passes
 * (rms still falls by about 0.5 % a pass on 2MASS differences), so the count matters.
 */
export const MONTAGE_FIT_PASSES = 19;

/** One row of Montage's fits.tbl (without plus/minus). */
export interface PlaneFit {
  a: number;
  b: number;
  c: number;
  /** CRPIX of the difference image (1-based FITS convention, as in its header). */
  crpix1: number;
  crpix2: number;
  xmin: number;
  xmax: number;
  ymin: number;
  ymax: number;
  xcenter: number;
  ycenter: number;
  npixel: number;
  rms: number;
  boxx: number;
  boxy: number;
  boxwidth: number;
  boxheight: number;
  boxang: number;
  /** Moments of the pixels of the final fit (not in fits.tbl; used by the global model when present). */
  moments?: PointMoments;
}

/** Point arrays {@link fitDiffPlane} may reuse from one fit to the next (grown as needed). */
export class FitScratch {
  private x = new Float64Array(0);
  private y = new Float64Array(0);
  private z = new Float64Array(0);
  private lo = new Int32Array(0);
  private hi = new Int32Array(0);
  /** Point arrays of at least `n` entries and row arrays of exactly `rows` (contents arbitrary). */
  points(n: number, rows = 0): { xs: Float64Array; ys: Float64Array; zs: Float64Array; rowLo: Int32Array; rowHi: Int32Array } {
    if (this.x.length < n) {
      const m = Math.ceil(n * 1.25);
      [this.x, this.y, this.z] = [new Float64Array(m), new Float64Array(m), new Float64Array(m)];
    }
    if (this.lo.length < rows) [this.lo, this.hi] = [new Int32Array(rows), new Int32Array(rows)];
    return { xs: this.x, ys: this.y, zs: this.z, rowLo: this.lo.subarray(0, rows), rowHi: this.hi.subarray(0, rows) };
  }
}

/**
 * Fit a plane to a difference image on the mosaic grid. With `bin` > 1 the image lies on
 * the mosaic grid binned by `bin` (wcs/binned.ts; `x0`, `y0` and `mosaicCrpix` on that
 * grid), and the fit is reported on the mosaic grid: the plane, coordinates and box in its
 * pixels, the counts and moments in its pixels (bin² per binned pixel), the rms that of the
 * binned differences.
 * @param mosaicCrpix CRPIX1/CRPIX2 of the mosaic header (template).
 * @throws MosaicError E_NO_OVERLAP when the image has no finite pixel or cannot define a plane
 *   (fewer than 2 rows or columns, unless levelOnly).
 */
export function fitDiffPlane(
  diff: Pick<DiffImage, 'x0' | 'y0' | 'width' | 'height'> & { value: ArrayLike<number> },
  mosaicCrpix: { crpix1: number; crpix2: number },
  options: PlaneFitOptions & { scratch?: FitScratch; bin?: number } = {},
): PlaneFit {
  const bin = options.bin ?? 1;
  const crpix1 = mosaicCrpix.crpix1 - diff.x0;
  const crpix2 = mosaicCrpix.crpix2 - diff.y0;
  if (!options.levelOnly && (diff.width < 2 || diff.height < 2))
    throw new MosaicError('E_NO_OVERLAP', 'too few pixels to fit', { stage: 'fitplane' });
  // The non-NaN pixels as coordinate/value arrays (row-major order, as Montage reads them).
  const { width, height, value } = diff;
  const { xs, ys, zs, rowLo, rowHi } = (options.scratch ?? new FitScratch()).points(width * height, height);
  const n = gatherPoints({ value, width, height, xOrigin: crpix1, yOrigin: crpix2, xs, ys, zs, rowLo, rowHi });
  // A binned pixel's coordinate X = I − CRPIX′ (Montage's 0-based index less the 1-based
  // CRPIX, on the binned grid) is, for the unbinned pixels it covers, x = bin·X + bin − 1 at
  // their centre (binned-header.ts: p = bin·(P − ½) + ½).
  const shift = bin - 1;
  const unbin = (t: number) => bin * t + shift;
  if (bin !== 1) {
    for (let k = 0; k < n; k++) {
      xs[k] = bin * xs[k] + shift;
      ys[k] = bin * ys[k] + shift;
    }
  }
  // Montage keeps each row's two extreme pixels when the row spans more than one pixel; a
  // binned row stands for the extreme pixels of its first and last unbinned rows.
  const bx: number[] = [];
  const by: number[] = [];
  const half = (bin - 1) / 2;
  const rowOffsets = bin === 1 ? [0] : [-half, half];
  for (let j = 0; j < height; j++) {
    if (rowLo[j] < rowHi[j]) {
      for (const dy of rowOffsets) {
        bx.push(unbin(rowLo[j] - crpix1) - half, unbin(rowHi[j] - crpix1) + half);
        by.push(unbin(j - crpix2) + dy, unbin(j - crpix2) + dy);
      }
    }
  }
  const f = fitPointsWithoutNaN(xs.subarray(0, n), ys.subarray(0, n), zs.subarray(0, n), {
    levelOnly: options.levelOnly ?? false,
    iterations: options.iterations ?? MONTAGE_FIT_PASSES,
    clip: options.clip ?? 2,
  });
  let box = { x: 0, y: 0, width: 0, height: 0, angleDeg: 0 };
  const mab = bx.length >= 3 ? minAreaBox(bx, by) : undefined;
  if (mab) box = mab;
  else if (bx.length > 0) {
    box = {
      x: bx.reduce((s, v) => s + v, 0) / bx.length,
      y: by.reduce((s, v) => s + v, 0) / by.length,
      width: Math.max(...bx) - Math.min(...bx) + 1,
      height: Math.max(...by) - Math.min(...by) + 1,
      angleDeg: 0,
    };
  }
  if (box.width === 0) box = { ...box, x: f.xmin, width: 1, angleDeg: 0 };
  if (box.height === 0) box = { ...box, y: f.ymin, height: 1, angleDeg: 0 };
  // Counts and moments in unbinned pixels: each binned one stands for bin² of them, spread
  // about its centre with variance (bin² − 1)/12 on each axis.
  const cells = bin * bin;
  const m = f.moments;
  const spread = (m.n * (cells - 1)) / 12;
  return {
    a: f.a,
    b: f.b,
    c: f.c,
    crpix1: bin * (crpix1 - 0.5) + 0.5,
    crpix2: bin * (crpix2 - 0.5) + 0.5,
    // A binned pixel's extreme unbinned pixels lie (bin − 1)/2 beyond its centre.
    xmin: f.xmin - half,
    xmax: f.xmax + half,
    ymin: f.ymin - half,
    ymax: f.ymax + half,
    xcenter: f.xcenter,
    ycenter: f.ycenter,
    npixel: cells * f.npixel,
    rms: f.rms,
    boxx: box.x,
    boxy: box.y,
    boxwidth: box.width,
    boxheight: box.height,
    boxang: box.angleDeg,
    moments: bin === 1 ? m : { n: cells * m.n, sx: cells * m.sx, sy: cells * m.sy, sxx: cells * (m.sxx + spread), sxy: cells * m.sxy, syy: cells * (m.syy + spread) },
  };
}

/**
 * mFitplane on a difference image file (border 0, as mFitExec calls it): CRPIX1/2 are read
 * from the file's header.
 * @throws MosaicError E_FILE_NOT_FOUND and the other readImage errors; E_WCS_KEYWORD when the
 *   header lacks CRPIX1/2; E_NO_OVERLAP when the pixels cannot define a plane.
 */
export async function fitDiffFile(path: string, options: PlaneFitOptions = {}): Promise<PlaneFit> {
  const img = await readImage(path);
  const crpix1 = img.header.number('CRPIX1');
  const crpix2 = img.header.number('CRPIX2');
  if (crpix1 === undefined || crpix2 === undefined) throw new MosaicError('E_WCS_KEYWORD', 'header has no CRPIX1/CRPIX2', { stage: 'fitplane', file: path });
  try {
    return fitDiffPlane({ x0: 0, y0: 0, width: img.shape[0], height: img.shape[1] ?? 1, value: img.data }, { crpix1, crpix2 }, options);
  } catch (err) {
    throw err instanceof MosaicError ? err.withContext({ file: path }) : err;
  }
}
