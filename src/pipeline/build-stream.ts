/**
 * build without a cache of projected images (the default path of `buildMosaic`; the
 * `--workdir` and median runs keep Montage's files in between, see build.ts):
 * 1. footprints: where each image lands on the template, from the headers imgtbl read (in this
 *    thread, while the pool's threads start);
 * 2. with background matching: every pair of overlapping footprints is projected — both
 *    images, onto the pair's common box only — differenced and fitted in one pool task
 *    (mDiff + mFitplane), and bgModel solves for the corrections;
 * 3. the images are projected again, in order of their first mosaic row, and streamed into the
 *    coadd's sliding window with the planes subtracted (stream-coadd.ts).
 * Projecting the overlaps twice costs less than keeping every projection between the passes
 * (see stream-coadd.ts for why). Results are reproducible whatever the thread count: pairs and
 * images are consumed in a fixed order.
 *
 * Reference: Montage's tutorial chain (mImgtbl, mMakeHdr, mProjExec, mOverlaps, mDiffExec,
 * mFitExec, mBgModel, mBgExec, mAdd).
 */
import { MosaicError, asMosaicError } from '../errors.js';
import type { Header } from '../fits/header.js';
import { areaFileName } from '../fits/area-pair.js';
import type { CombineMethod } from '../stages/add.js';
import { bgModel, type Correction, type PairFit } from '../stages/bg-model.js';
import { imageFootprint, type PixelBox, type ProjectMethod } from '../stages/project.js';
import type { BackgroundModel } from '../background/global-model.js';
import { overlappingPairs } from './background.js';
import { logMemory } from './build.js';
import { mapOrdered, type WorkerPool } from './pool.js';
import { silentProgress, type Progress } from './progress.js';
import { streamCoadd, type StreamSource } from './stream-coadd.js';
import type { MosaicGrid, PairFitTaskInput } from './tasks.js';

/** One input image of the build (with the header imgtbl read). */
export interface StreamImage {
  cntr: number;
  /** Path to open. */
  path: string;
  /** File name as the image table has it (messages). */
  fname: string;
  hdu: number;
  header: Header;
  shape: readonly number[];
}

/** Options of {@link buildStreaming}. */
export interface StreamBuildOptions {
  output: string;
  uncorrected?: string;
  background: boolean;
  levelOnly?: boolean;
  slopePrior?: number;
  sweeps?: number;
  method: ProjectMethod;
  combine: Exclude<CombineMethod, 'median'>;
  progress?: Progress;
  warn: (message: string) => void;
}

/** What {@link buildStreaming} did. */
export interface StreamBuildResult {
  box: PixelBox;
  header: Header;
  used: number;
  failed: number;
  nooverlap: number;
  pairs: number;
  fitsFailed: number;
  /** With background matching: the correction of each coadded image, with its crop on the mosaic grid. */
  corrections?: Array<Correction & { box: PixelBox }>;
  model?: BackgroundModel;
}

/**
 * Footprints, [pair fits and corrections,] and the streamed coadd. See the module comment.
 * @throws MosaicError E_NO_OVERLAP, E_RUN (every image failed), and the writers' errors.
 */
export async function buildStreaming(pool: WorkerPool, template: Header, images: readonly StreamImage[], opts: StreamBuildOptions): Promise<StreamBuildResult> {
  const progress = opts.progress ?? silentProgress;
  const grid = gridOf(template);
  let failed = 0;
  let nooverlap = 0;
  const sources: StreamSource[] = [];
  for (const im of images) {
    let boxes;
    try {
      boxes = imageFootprint(im.header, im.shape, template);
    } catch (err) {
      failed++;
      opts.warn(`failed ${im.path}: ${asMosaicError(err, { stage: 'project', file: im.path }).toString()}`);
      continue;
    }
    if (!boxes.footprint || !boxes.work) nooverlap++;
    else sources.push({ file: im.path, hdu: im.hdu, cntr: im.cntr, footprint: boxes.footprint, work: boxes.work });
  }
  if (sources.length === 0) {
    if (failed > 0) throw new MosaicError('E_RUN', `all ${failed} images failed to project`, { stage: 'build' });
    throw new MosaicError('E_NO_OVERLAP', 'no image overlaps the mosaic template', { stage: 'build' });
  }
  logMemory('footprints');
  let match: PairMatch | undefined;
  if (opts.background) match = await fitPairs(pool, template, grid, sources, images, opts, progress);
  const planes = match ? new Map(match.corrections.map((c) => [c.id, c])) : undefined;

  if (match) logMemory('background');
  const r = await streamCoadd(pool, template, sources, { value: opts.output, area: areaFileName(opts.output) }, {
    method: opts.method,
    combine: opts.combine,
    plane: planes ? (cntr) => planes.get(cntr) : undefined,
    uncorrected: opts.uncorrected,
    progress,
    onFailure: (s, err) => opts.warn(`failed ${s.file}: ${err.toString()}`),
  });
  logMemory('coadd');
  const corrections = match?.corrections
    .filter((c) => r.placements.has(c.id))
    .map((c) => ({ ...c, box: r.placements.get(c.id)! }));
  return {
    box: { x0: r.x0, y0: r.y0, width: r.width, height: r.height },
    header: r.header,
    used: r.used,
    failed: failed + r.failed,
    nooverlap: nooverlap + r.nooverlap,
    pairs: match?.overlaps ?? 0,
    fitsFailed: match?.fitsFailed ?? 0,
    corrections,
    model: match?.model,
  };
}

/** Mosaic grid facts from the template. */
function gridOf(template: Header): MosaicGrid {
  return {
    crpix1: template.number('CRPIX1') ?? 0,
    crpix2: template.number('CRPIX2') ?? 0,
    naxis1: template.int('NAXIS1') ?? 0,
    naxis2: template.int('NAXIS2') ?? 0,
  };
}

interface PairMatch {
  corrections: Correction[];
  model: BackgroundModel;
  overlaps: number;
  fitsFailed: number;
}

/**
 * mOverlaps → mDiff + mFitplane per pair (pool) → mBgModel. Pairs are footprints sharing a
 * pixel of mDiff's grid, in image-table order (as mOverlaps lists them); each task projects
 * both images onto the pair's common box only.
 */
async function fitPairs(
  pool: WorkerPool,
  template: Header,
  grid: MosaicGrid,
  sources: readonly StreamSource[],
  images: readonly StreamImage[],
  opts: StreamBuildOptions,
  progress: Progress,
): Promise<PairMatch> {
  const byCntr = [...sources].sort((a, b) => a.cntr - b.cntr);
  const name = new Map(images.map((im) => [im.cntr, im.fname]));
  const candidates = overlappingPairs(byCntr.map((s) => ({ x0: s.footprint.x0, y0: s.footprint.y0, width: s.footprint.width, height: s.footprint.height })), grid);
  const inputs: PairFitTaskInput[] = candidates.map(([k, l]) => {
    const [p, m] = [byCntr[k], byCntr[l]];
    return {
      file: `${name.get(p.cntr)} − ${name.get(m.cntr)}`,
      plus: { file: p.file, hdu: p.hdu, cntr: p.cntr },
      minus: { file: m.file, hdu: m.hdu, cntr: m.cntr },
      region: commonBox(p.footprint, m.footprint, grid),
      template: template.cards,
      grid,
      method: opts.method,
      levelOnly: opts.levelOnly,
    };
  });
  const fits: PairFit[] = [];
  let overlaps = 0;
  let fitsFailed = 0;
  progress.start('diff+fit', inputs.length);
  try {
    await mapOrdered(pool, 'pairFit', inputs, (i, outcome) => {
      progress.update(i + 1);
      const [k, l] = candidates[i];
      if (!outcome.ok) {
        overlaps++;
        fitsFailed++;
        opts.warn(`no plane fit for ${inputs[i].file}: ${outcome.error.message}`);
        return;
      }
      const r = outcome.value;
      if (r.status !== 'ok') {
        if (r.status === 'nooverlap') return;
        overlaps++;
        fitsFailed++;
        opts.warn(`no plane fit for ${inputs[i].file}: ${r.message}`);
        return;
      }
      overlaps++;
      fits.push({ ...r.fit, plus: byCntr[k].cntr, minus: byCntr[l].cntr });
    });
  } finally {
    progress.finish();
  }
  const { corrections, model } = bgModel(
    byCntr.map((s) => s.cntr),
    fits,
    { levelOnly: opts.levelOnly, slopePrior: opts.slopePrior, sweeps: opts.sweeps, images: byCntr.map((s) => ({ naxis1: s.footprint.width, naxis2: s.footprint.height })) },
  );
  return { corrections, model, overlaps, fitsFailed };
}

/** The box two footprints share on mDiff's grid (columns 0 … naxis1 − 2, rows 0 … naxis2 − 2). */
function commonBox(a: PixelBox, b: PixelBox, grid: Pick<MosaicGrid, 'naxis1' | 'naxis2'>): PixelBox {
  const x0 = Math.max(a.x0, b.x0, 0);
  const y0 = Math.max(a.y0, b.y0, 0);
  const x1 = Math.min(a.x0 + a.width, b.x0 + b.width, grid.naxis1 - 1);
  const y1 = Math.min(a.y0 + a.height, b.y0 + b.height, grid.naxis2 - 1);
  return { x0, y0, width: Math.max(0, x1 - x0), height: Math.max(0, y1 - y0) };
}
