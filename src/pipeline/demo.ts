/**
 * `mosaic demo`: simulate a survey with known sky and injected backgrounds, build it with and
 * without background matching, and measure both mosaics against the truth. No Montage
 * counterpart; it shows the whole chain (simulate → build → PNG) on one command.
 *
 * Accuracy: over the pixels both the mosaic and truth.fits cover, r = mosaic − truth minus
 * its median (the one free background level), reported as median and 99th percentile of |r|
 * in DN, in units of the simulated noise σ, and as a fraction of the truth's dynamic range
 * (its 99.9th − 0.1th percentile). Background matching can fix the injected planes only up
 * to one common plane (their mean), which stays in the residual.
 */
import { join, resolve } from 'node:path';
import { readImage } from '../fits/read.js';
import { readTemplate } from '../tables/template.js';
import { simulate, type SimulateResult } from '../stages/simulate.js';
import type { SurveySize } from '../sim/survey.js';
import { placementFromHeader } from '../stages/types.js';
import type { PixelArray } from '../fits/types.js';
import { buildMosaic, type BuildResult } from './build.js';
import type { Progress } from './progress.js';

/** Gaussian noise σ of the simulated frames, DN. */
export const DEMO_NOISE_SIGMA = 2;

/** Options of {@link demo}. */
export interface DemoOptions {
  /** Folder for everything; default `./mosaic-demo`. The frames go to `DIR/raw`. */
  dir?: string;
  /** Survey preset; default `small` (6 frames of 256×512, a few seconds). */
  size?: SurveySize;
  /** Simulation seed; default 1. */
  seed?: number;
  /** Worker threads; default all cores. */
  threads?: number;
  progress?: Progress;
  onWarning?: (message: string) => void;
}

/** Residual of a mosaic against the truth, after removing one constant. */
export interface Accuracy {
  /** The constant removed (median of mosaic − truth), DN. */
  offset: number;
  /** Median and 99th percentile of |mosaic − truth − offset|, DN. */
  median: number;
  p99: number;
  /** Pixels compared. */
  pixels: number;
}

/** Result of {@link demo}. */
export interface DemoResult {
  dir: string;
  mosaic: string;
  area: string;
  /** The mosaic built with --no-bg (same projection, no corrections). */
  uncorrected: string;
  png?: string;
  images: number;
  pairs: number;
  /** Noise σ of the simulated frames, DN. */
  noiseSigma: number;
  /** 99.9th − 0.1th percentile of the truth over the compared pixels, DN. */
  dynamicRange: number;
  matched: Accuracy;
  plain: Accuracy;
  build: BuildResult;
  simulation: SimulateResult;
  seconds: number;
}

/** The q-quantile (0…1) of a sorted array (nearest rank). */
function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))];
}

/**
 * Residual statistics of `mosaic` (placed at x0, y0 on the truth grid) against `truth` (pure).
 * Pixels where either is NaN are skipped.
 */
export function compareToTruth(
  mosaic: { x0: number; y0: number; width: number; height: number; value: PixelArray },
  truth: { width: number; height: number; value: PixelArray },
): Accuracy & { truthRange: number } {
  const d: number[] = [];
  const t: number[] = [];
  for (let j = 0; j < mosaic.height; j++) {
    const ty = mosaic.y0 + j;
    if (ty < 0 || ty >= truth.height) continue;
    for (let i = 0; i < mosaic.width; i++) {
      const tx = mosaic.x0 + i;
      if (tx < 0 || tx >= truth.width) continue;
      const m = mosaic.value[i + mosaic.width * j];
      const tv = truth.value[tx + truth.width * ty];
      if (!Number.isFinite(m) || !Number.isFinite(tv)) continue;
      d.push(m - tv);
      t.push(tv);
    }
  }
  const diffs = Float64Array.from(d).sort();
  const offset = quantile(diffs, 0.5);
  const abs = diffs.map((v) => Math.abs(v - offset)).sort();
  const truthSorted = Float64Array.from(t).sort();
  return {
    offset,
    median: quantile(abs, 0.5),
    p99: quantile(abs, 0.99),
    pixels: abs.length,
    truthRange: quantile(truthSorted, 0.999) - quantile(truthSorted, 0.001),
  };
}

/**
 * Simulate, build (background-matched, plus the uncorrected mosaic for comparison), write
 * DIR/mosaic.fits, DIR/mosaic_area.fits, DIR/mosaic_nobg.fits and DIR/mosaic.png (when the
 * PNG encoder is available), and measure both mosaics against DIR/truth.fits.
 * @throws MosaicError from simulate or build (bad options, disk full).
 * @example const r = await demo({ dir: 'mosaic-demo' }); r.matched.p99 < r.plain.p99
 */
export async function demo(opts: DemoOptions = {}): Promise<DemoResult> {
  const t0 = performance.now();
  const dir = resolve(opts.dir ?? 'mosaic-demo');
  const warn = opts.onWarning ?? (() => undefined);
  const simulation = await simulate({ dir, size: opts.size ?? 'small', seed: opts.seed ?? 1, noiseSigma: DEMO_NOISE_SIGMA });
  const mosaic = join(dir, 'mosaic.fits');
  const uncorrected = join(dir, 'mosaic_nobg.fits');
  const templatePath = join(dir, 'truth.hdr');
  const build = await buildMosaic({
    // The files just written, not the folder: a rerun with a smaller preset leaves older frames there.
    inputs: simulation.files,
    output: mosaic,
    uncorrectedOutput: uncorrected,
    template: templatePath,
    threads: opts.threads,
    progress: opts.progress,
    onWarning: warn,
  });
  let png: string | undefined;
  try {
    const { view } = await import('../stages/view.js');
    png = join(dir, 'mosaic.png');
    await view({ gray: { file: mosaic, stretch: 'gaussian-log', min: '-1s', max: 'max' }, output: png });
  } catch (err) {
    png = undefined;
    warn(`no PNG preview: ${err instanceof Error ? err.message : String(err)}`);
  }
  const template = await readTemplate(templatePath, 'demo');
  const truth = await readImage(simulation.truthFile!); // the demo always writes the truth image
  const truthGrid = { width: truth.shape[0], height: truth.shape[1], value: truth.data };
  const measure = async (path: string) => {
    const m = await readImage(path);
    const place = placementFromHeader(template, m.header);
    return compareToTruth({ ...place, value: m.data }, truthGrid);
  };
  const matched = await measure(mosaic);
  const plain = await measure(uncorrected);
  return {
    dir,
    mosaic,
    area: build.areaOutput,
    uncorrected,
    png,
    images: build.used,
    pairs: build.pairs,
    noiseSigma: DEMO_NOISE_SIGMA,
    dynamicRange: matched.truthRange,
    matched,
    plain,
    build,
    simulation,
    seconds: (performance.now() - t0) / 1000,
  };
}
