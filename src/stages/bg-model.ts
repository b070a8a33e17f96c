/**
 * mBgModel: per-image background corrections from the pairwise plane fits
 * (Caltech-IPAC/Montage `MontageLib/BgModel/montageBgModel.c`), solved globally by
 * background/global-model.ts instead of Montage's iterative relaxation. Inputs and output
 * are plain objects mirroring Montage's fits.tbl and corrections.tbl rows.
 */
import { solveBackgroundModel, type BackgroundModel, type BackgroundModelOptions, type PairConstraint } from '../background/global-model.js';
import type { PointMoments } from '../background/plane-fit.js';
import type { PlaneFit } from './fit-plane.js';

/** One fits.tbl row: the fit of image `plus` − image `minus` (by cntr). */
export interface PairFit extends PlaneFit {
  plus: number;
  minus: number;
}

/** One corrections.tbl row: subtract a·x + b·y + c from image `id` (x, y as in fit-plane.ts). */
export interface Correction {
  id: number;
  a: number;
  b: number;
  c: number;
}

/**
 * Pixel moments of a fit's region. Exact when the fit carries them (in-memory pipeline);
 * from a fits.tbl row, a uniform grid over xmin…xmax × ymin…ymax scaled to npixel and
 * centred on (xcenter, ycenter).
 */
export function fitMoments(f: PlaneFit): PointMoments {
  if (f.moments) return f.moments;
  const n = f.npixel;
  const wx = f.xmax - f.xmin + 1;
  const wy = f.ymax - f.ymin + 1;
  const vx = (wx * wx - 1) / 12;
  const vy = (wy * wy - 1) / 12;
  return {
    n,
    sx: n * f.xcenter,
    sy: n * f.ycenter,
    sxx: n * (vx + f.xcenter * f.xcenter),
    sxy: n * f.xcenter * f.ycenter,
    syy: n * (vy + f.ycenter * f.ycenter),
  };
}

/** Result of {@link bgModel}. */
export interface BgModelResult {
  /** One correction per image id, in the order of `imageIds`. */
  corrections: Correction[];
  /** The solver's details (weights, groups, residuals), indexed like `imageIds` and `fits`. */
  model: BackgroundModel;
}

/**
 * Corrections for the images `imageIds` (cntr values) from pair fits (pure).
 * Fits naming an unknown image are ignored (reported as unused in `model.used`).
 * @example bgModel([0, 1], [{ plus: 0, minus: 1, a: 0, b: 0, c: 4, ...geometry }]).corrections
 *   // → [{ id: 0, a: 0, b: 0, c: 2 }, { id: 1, a: 0, b: 0, c: -2 }]
 */
export function bgModel(imageIds: readonly number[], fits: readonly PairFit[], options: BackgroundModelOptions = {}): BgModelResult {
  const index = new Map(imageIds.map((id, i) => [id, i]));
  const pairs: PairConstraint[] = fits.map((f) => ({
    plus: index.get(f.plus) ?? -1,
    minus: index.get(f.minus) ?? -1,
    a: f.a,
    b: f.b,
    c: f.c,
    rms: f.rms,
    moments: fitMoments(f),
  }));
  const model = solveBackgroundModel(imageIds.length, pairs, options);
  return { corrections: imageIds.map((id, i) => ({ id, ...model.planes[i] })), model };
}
