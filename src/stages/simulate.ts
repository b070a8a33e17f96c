/**
 * `mosaic simulate`: write a synthetic 2MASS-like image set with known truth, for testing
 * the whole pipeline (no Montage counterpart; the layout imitates the M101/M17 tutorials).
 *
 * Files written to DIR: `raw/sim_NNN.fits` (BITPIX −32 frames, apart from the truth so that
 * `mosaic imgtbl DIR/raw` lists only them), `truth.hdr` (the mosaic
 * template: {@link headerForFootprints} of the frames, as `mosaic makehdr` would give),
 * `truth.fits` (the noiseless, background-free sky on that grid) and `truth.json` (seed,
 * options, and each frame's injected plane in Montage's convention — see `src/sim/survey.ts`).
 * The same seed gives byte-identical files.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { MosaicError } from '../errors.js';
import { writeFits } from '../fits/write.js';
import { writeTemplate } from '../tables/template.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { Random } from '../sim/random.js';
import { createSkyModel } from '../sim/sky.js';
import { designSurvey, renderFrame, renderSky, SURVEY_PRESETS, type Plane, type SurveySize } from '../sim/survey.js';
import { wcsFromHeader } from './footprint.js';
import { footprintFromWcs, headerForFootprints } from './make-hdr.js';
import type { Header } from '../fits/header.js';

/** Options of {@link simulate}. */
export interface SimulateOptions {
  /** Output folder (created when missing). */
  dir: string;
  /** Number of frames. Default: 6 (small), 12 (standard), 91 (m17). */
  images?: number;
  /** PRNG seed. Default 1. */
  seed?: number;
  /** Preset: `small` 256×512 frames, `standard` 512×1024, `m17` 91 × 512×1024. Default `standard`. */
  size?: SurveySize;
  projection?: 'TAN' | 'SIN';
  /** Gaussian noise σ, DN. Default 2. */
  noiseSigma?: number;
  /** Skip truth.fits (large for m17). Default false. */
  skipTruthImage?: boolean;
}

/** One frame's entry in truth.json. */
export interface TruthFrame {
  fname: string;
  /** Injected background a·x + b·y + c, x = mosaic column (0-based) − CRPIX1 of truth.hdr, y likewise; DN. */
  plane: Plane;
  crval1: number;
  crval2: number;
  crota2: number;
}

/** Result of {@link simulate}. */
export interface SimulateResult {
  /** Paths of the frames written (in DIR/raw). */
  files: string[];
  /** The noiseless truth on the mosaic grid; undefined with `skipTruthImage`. */
  truthFile: string | undefined;
  truthHeader: Header;
  truthJson: string;
  frames: TruthFrame[];
  naxis1: number;
  naxis2: number;
}

/**
 * Write a synthetic survey with known truth.
 * @example const sim = await simulate({ dir: 'sim', size: 'small', seed: 7 });
 * @throws MosaicError E_ARGUMENT for bad options; E_FILE_WRITE / E_DISK_FULL when writing fails.
 */
export async function simulate(opts: SimulateOptions): Promise<SimulateResult> {
  const size = opts.size ?? 'standard';
  const seed = opts.seed ?? 1;
  if (!(size in SURVEY_PRESETS))
    throw new MosaicError('E_ARGUMENT', `Expected one of small, standard, m17 for size but received "${size}"`, { stage: 'simulate' });
  if (opts.images !== undefined && !(Number.isInteger(opts.images) && opts.images >= 1 && opts.images <= 10000))
    throw new MosaicError('E_ARGUMENT', `Expected positive integer for images but received ${opts.images}`, { stage: 'simulate' });
  if (!Number.isFinite(seed)) throw new MosaicError('E_ARGUMENT', `Expected number for seed but received ${seed}`, { stage: 'simulate' });
  const root = new Random(seed);
  const design = designSurvey({ size, images: opts.images, projection: opts.projection }, root.fork(1));
  const model = createSkyModel(
    {
      centerRa: 275.196,
      centerDec: -16.171,
      halfWidthDeg: design.halfWidthDeg,
      halfHeightDeg: design.halfHeightDeg,
    },
    root.fork(2),
  );
  const wcss = design.frames.map((f) => wcsFromHeader(f.header));
  const scaleDeg = Math.abs(design.frames[0].header.number('CDELT2')!);
  const truth = headerForFootprints(
    design.frames.map((f, k) => footprintFromWcs(wcss[k], f.width, f.height)),
    { cdeltDeg: scaleDeg },
  );
  const truthHeader = truth.header;
  const truthWcs = wcsFromHeader(truthHeader);
  const mosaic = { wcs: truthWcs, crpix1: truthHeader.number('CRPIX1')!, crpix2: truthHeader.number('CRPIX2')! };

  const rawDir = join(opts.dir, 'raw');
  await mkdir(rawDir, { recursive: true });
  const files: string[] = [];
  const frames: TruthFrame[] = [];
  for (let k = 0; k < design.frames.length; k++) {
    const f = design.frames[k];
    const data = renderFrame(model, f, wcss[k], mosaic, root.fork(100 + k), { noiseSigma: opts.noiseSigma });
    const path = join(rawDir, f.name);
    await writeFits(path, { header: f.header, data, shape: [f.width, f.height] }, { bitpix: -32 });
    files.push(path);
    frames.push({
      fname: f.name,
      plane: f.plane,
      crval1: f.header.number('CRVAL1')!,
      crval2: f.header.number('CRVAL2')!,
      crota2: f.header.number('CROTA2')!,
    });
  }

  const truthFile = join(opts.dir, 'truth.fits');
  if (!opts.skipTruthImage) {
    const n1 = truth.naxis1, n2 = truth.naxis2;
    const data = new Float32Array(n1 * n2);
    const band = Math.max(1, Math.floor(4_000_000 / n1));
    for (let y0 = 0; y0 < n2; y0 += band) {
      const rows = Math.min(band, n2 - y0);
      data.set(renderSky(model, truthWcs, truthHeader, n1, y0, rows), y0 * n1);
    }
    const h = truthHeader.clone();
    h.set('BITPIX', -32);
    h.set('BUNIT', 'DN', 'surface brightness, DN per arcsec^2');
    await writeFits(truthFile, { header: h, data, shape: [n1, n2] }, { bitpix: -32 });
  }
  await writeTemplate(join(opts.dir, 'truth.hdr'), truthHeader, 'simulate');
  const truthJson = join(opts.dir, 'truth.json');
  const json = {
    generator: 'mosaic simulate',
    seed,
    size,
    projection: opts.projection ?? 'TAN',
    noiseSigma: opts.noiseSigma ?? 2,
    planeConvention: 'a*x + b*y + c, x = 0-based column on the truth.hdr grid - CRPIX1, y = 0-based row - CRPIX2 (Montage mBackground)',
    template: 'truth.hdr',
    imageDir: 'raw',
    frames,
  };
  await writeFileAtomic(truthJson, JSON.stringify(json, null, 2) + '\n', 'simulate');
  return { files, truthFile: opts.skipTruthImage ? undefined : truthFile, truthHeader, truthJson, frames, naxis1: truth.naxis1, naxis2: truth.naxis2 };
}
