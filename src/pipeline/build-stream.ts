/**
 * build without a cache of projected images (the default path of `buildMosaic`; the
 * `--workdir` and median runs keep Montage's files in between, see build.ts):
 * 1. footprints: where each image lands on the template, from the headers imgtbl read (the
 *    pool's threads, a batch each);
 * 2. with background matching: every pair of overlapping footprints is projected — both
 *    images, onto the pair's common box only — differenced and fitted in one pool task
 *    (mDiff + mFitplane), and bgModel solves for the corrections. With `fitBin` 2 this
 *    happens on the mosaic grid binned 2 × 2, from the images binned 2 × 2 (their blocks
 *    lined up with the grid's where the grids align): a quarter of the pixels, and the
 *    projection stays in the kernel's fast case of similar pixel sizes. Each pair's fit is
 *    about as close to the injected planes (M17 simulation: level at each overlap's centre
 *    rms 0.026 against 0.028 DN, slopes alike), but the solved mosaic is measurably worse
 *    (build.ts `fitBin`), so it is not the default;
 * 3. the images are projected again, in order of their first mosaic row, and streamed into the
 *    coadd's sliding window with the planes subtracted (stream-coadd.ts); the first of these
 *    projections run in the pair fits' tail, folded once the corrections are known.
 * Projecting the overlaps twice costs less than keeping every projection between the passes
 * (see stream-coadd.ts for why). Results are reproducible whatever the thread count: pairs and
 * images are consumed in a fixed order.
 *
 * Reference: Montage's tutorial chain (mImgtbl, mMakeHdr, mProjExec, mOverlaps, mDiffExec,
 * mFitExec, mBgModel, mBgExec, mAdd).
 */
import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { MosaicError, asMosaicError, type ErrorCode } from '../errors.js';
import type { Header } from '../fits/header.js';
import { areaFileName } from '../fits/area-pair.js';
import type { CombineMethod } from '../stages/add.js';
import { bgModel, type Correction, type PairFit } from '../stages/bg-model.js';
import type { PixelBox, ProjectMethod } from '../stages/project.js';
import type { BackgroundModel } from '../background/global-model.js';
import { correctionsTable, fitsTable, overlappingPairs } from './background.js';
import { imgtbl, writeImageTable } from '../stages/imgtbl.js';
import { diffFileName, diffsTable } from '../stages/overlaps.js';
import { writeIpacTable } from '../tables/ipac.js';
import { canBin } from '../wcs/binned.js';
import { logMemory } from './debug.js';
import { mapOrdered, type Settled, type WorkerPool } from './pool.js';
import { silentProgress, type Progress } from './progress.js';
import { streamCoadd, type StreamSource } from './stream-coadd.js';
import { gridOf, type FootprintsTaskOutput, type LoadTaskInput, type MosaicGrid, type PairFitTaskInput, type PairFitTaskOutput } from './tasks.js';

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
  /** Fit the pair differences on the mosaic grid binned by this factor (default 1; see PairFitTaskInput). */
  fitBin?: number;
  slopePrior?: number;
  sweeps?: number;
  method: ProjectMethod;
  combine: CombineMethod;
  progress?: Progress;
  warn: (message: string) => void;
  /** Also write every intermediate here, under Montage's names (see build.ts). */
  workdir?: string;
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
  const dirs = opts.workdir ? { projected: join(opts.workdir, 'projected'), diffs: join(opts.workdir, 'diffs'), corrected: join(opts.workdir, 'corrected') } : undefined;
  if (dirs) for (const dir of Object.values(dirs)) await mkdir(dir, { recursive: true }).catch((err) => Promise.reject(asMosaicError(err, { stage: 'build', file: dir })));
  let failed = 0;
  let nooverlap = 0;
  const sources: StreamSource[] = [];
  const boxesOf = await footprints(pool, template, images);
  for (const [k, im] of images.entries()) {
    const boxes = boxesOf[k];
    if ('error' in boxes) {
      failed++;
      const e = new MosaicError(boxes.error.code as ErrorCode, boxes.error.message, { stage: 'project', file: im.path });
      opts.warn(`failed ${im.path}: ${e.toString()}`);
      continue;
    }
    if (!boxes.footprint || !boxes.work) nooverlap++;
    else {
      const write = dirs && mapValues(projectedFileName(im.fname, im.hdu), (n) => join(dirs.projected, n));
      sources.push({ file: im.path, hdu: im.hdu, cntr: im.cntr, footprint: boxes.footprint, work: boxes.work, write });
    }
  }
  if (sources.length === 0) {
    if (failed > 0) throw new MosaicError('E_RUN', `all ${failed} images failed to project`, { stage: 'build' });
    throw new MosaicError('E_NO_OVERLAP', 'no image overlaps the mosaic template', { stage: 'build' });
  }
  logMemory('footprints');
  // The coadd's first projections go ahead while the last pairs are fitted (low-priority pool
  // tasks, folded once the corrections are known): they fill the pair phase's tail.
  let match: PairMatch | undefined;
  let planes: Map<number, Correction> | undefined;
  const matching = opts.background
    ? fitPairs(pool, template, grid, sources, images, opts, progress, dirs?.diffs).then((m) => {
        match = m;
        planes = new Map(m.corrections.map((c) => [c.id, c]));
        logMemory('background');
      })
    : undefined;
  const coadd = streamCoadd(pool, template, sources, { value: opts.output, area: areaFileName(opts.output) }, {
    method: opts.method,
    combine: opts.combine,
    plane: opts.background ? (cntr) => planes!.get(cntr) : undefined,
    uncorrected: opts.uncorrected,
    progress,
    onFailure: (s, err) => opts.warn(`failed ${s.file}: ${err.toString()}`),
    waitFor: matching,
  });
  // Both settle before anything is thrown, so that a failed solve has removed the coadd's files.
  const [fitted, coadded] = await Promise.allSettled([matching, coadd]);
  if (fitted.status === 'rejected') throw fitted.reason;
  if (coadded.status === 'rejected') throw coadded.reason;
  const r = coadded.value;
  logMemory('coadd');
  if (opts.workdir) await writeWorkTables(pool, opts.workdir, template, grid, sources, r.placements, match, planes);
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

/** mProjExec's output name for an input: `hdu<N>_<basename>` with `.fits` appended unless it ends so. */
export function projectedFileName(fname: string, hdu: number): { value: string; area: string } {
  const base = `hdu${hdu}_${fname.split('/').pop()}`;
  const stem = base.replace(/\.(fits?|FITS?)$/, '');
  return { value: `${stem}.fits`, area: `${stem}_area.fits` };
}

function mapValues<T extends Record<string, string>>(o: T, f: (v: string) => string): T {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)])) as T;
}

/**
 * The rest of the work folder once the projected images are there: pimages.tbl (mImgtbl over
 * projected/), and with background matching diffs.tbl, fits.tbl and corrections.tbl (image ids
 * translated to pimages.tbl's cntr, matched by file name, so Montage's mBgModel/mBgExec read
 * them) and corrected/ (mBgExec's images).
 */
async function writeWorkTables(
  pool: WorkerPool, workdir: string, template: Header, grid: MosaicGrid, sources: readonly StreamSource[],
  placements: ReadonlyMap<number, PixelBox>, match: PairMatch | undefined, planes: Map<number, Correction> | undefined,
): Promise<void> {
  const pimages = (await imgtbl(join(workdir, 'projected'))).table;
  await writeImageTable(join(workdir, 'pimages.tbl'), pimages);
  if (!match || !planes) return;
  const cntrOf = new Map<string, number>();
  for (const row of pimages.rows) cntrOf.set(String(row.fname).split('/').pop()!, Number(row.cntr));
  const written = sources.filter((src) => src.write && placements.has(src.cntr));
  const nameOf = new Map(written.map((src) => [src.cntr, basename(src.write!.value)]));
  const id = (imageId: number) => cntrOf.get(nameOf.get(imageId) ?? '') ?? imageId;
  const pairs = match.pairs.map((p) => ({ cntr1: id(p.plus), cntr2: id(p.minus), plus: nameOf.get(p.plus) ?? '', minus: nameOf.get(p.minus) ?? '', diff: diffFileName(p.plus, p.minus) }));
  await writeIpacTable(join(workdir, 'diffs.tbl'), diffsTable(pairs), 'build');
  await writeIpacTable(join(workdir, 'fits.tbl'), fitsTable(match.fits, id), 'build');
  await writeIpacTable(join(workdir, 'corrections.tbl'), correctionsTable(match.corrections, id), 'build');
  // mBgExec's corrected images, for Montage tools (the coadd applied the planes itself).
  const loads: LoadTaskInput[] = written.filter((src) => planes.has(src.cntr)).map((src) => {
    const [value, area] = [src.write!.value, src.write!.area];
    const name = basename(value);
    return {
      file: value,
      image: { value, area, ...placements.get(src.cntr)! },
      returnPixels: false,
      correct: { plane: planes.get(src.cntr)!, grid, template: template.cards, write: { value: join(workdir, 'corrected', name), area: join(workdir, 'corrected', areaFileName(name)) } },
    };
  });
  await mapOrdered(pool, 'load', loads, (_i, outcome) => {
    if (!outcome.ok) throw outcome.error;
  });
}

/** Every image's boxes on the template (imageFootprint), worked out by the pool's threads in one batch each. */
async function footprints(pool: WorkerPool, template: Header, images: readonly StreamImage[]): Promise<FootprintsTaskOutput> {
  const chunks = Math.max(1, Math.min(pool.threads, images.length));
  const size = Math.ceil(images.length / chunks);
  const parts = await Promise.all(
    Array.from({ length: chunks }, (_, c) =>
      pool.run('footprints', { template: template.cards, images: images.slice(c * size, (c + 1) * size).map((im) => ({ cards: im.header.cards, shape: [...im.shape] })) }),
    ),
  );
  return parts.flat();
}

interface PairMatch {
  /** The pairs with common pixels (Montage's diffs), fitted or not, in mOverlaps order. */
  pairs: Array<{ plus: number; minus: number }>;
  fits: PairFit[];
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
  diffDir: string | undefined,
): Promise<PairMatch> {
  const byCntr = [...sources].sort((a, b) => a.cntr - b.cntr);
  const name = new Map(images.map((im) => [im.cntr, im.fname]));
  const candidates = footprintPairs(byCntr.map((s) => s.footprint), grid);
  const inputs = candidates.map(([k, l]) => pairFitInput(template, grid, byCntr[k], byCntr[l], {
    name: (c) => name.get(c) ?? String(c),
    method: opts.method,
    levelOnly: opts.levelOnly,
    diffDir,
    fitBin: opts.fitBin,
  }));
  // Each thread takes a run of neighbouring pairs (its recent images serve most of them), the
  // runs dealt out in turn so that every window in flight holds work for each thread;
  // consumed back in mOverlaps order.
  const { order, thread } = threadRuns(inputs.length, pool.threads);
  const outcomes = new Array<Settled<PairFitTaskOutput>>(inputs.length);
  progress.start('diff+fit', inputs.length);
  try {
    await mapOrdered(pool, 'pairFit', order.map((i) => inputs[i]), (k, outcome) => {
      progress.update(k + 1);
      outcomes[order[k]] = outcome;
    }, PAIRS_IN_FLIGHT, { affinity: (k) => thread[k] });
  } finally {
    progress.finish();
  }
  const fits: PairFit[] = [];
  const pairs: PairMatch['pairs'] = [];
  let overlaps = 0;
  let fitsFailed = 0;
  for (const [i, outcome] of outcomes.entries()) {
    const [k, l] = candidates[i];
    const pair = { plus: byCntr[k].cntr, minus: byCntr[l].cntr };
    const failure = !outcome.ok ? outcome.error.message : outcome.value.status === 'ok' ? undefined : outcome.value.message;
    if (outcome.ok && outcome.value.status === 'nooverlap') continue;
    overlaps++;
    pairs.push(pair);
    if (outcome.ok && outcome.value.status === 'ok') fits.push({ ...outcome.value.fit, ...pair });
    else {
      fitsFailed++;
      opts.warn(`no plane fit for ${inputs[i].file}: ${failure}`);
    }
  }
  const { corrections, model } = solveCorrections(byCntr, fits, opts);
  return { pairs, fits, corrections, model, overlaps, fitsFailed };
}

/**
 * `threads` contiguous runs of 0 … n − 1 dealt out in turn (run 0's first, run 1's first, …,
 * run 0's second, …): `order`, with the run (thread) of each entry in `thread`.
 */
export function threadRuns(n: number, threads: number): { order: number[]; thread: number[] } {
  const runs = Math.max(1, Math.min(threads, n));
  const size = Math.ceil(n / runs);
  const order: number[] = [];
  const thread: number[] = [];
  for (let k = 0; k < size; k++)
    for (let r = 0; r < runs; r++)
      if (r * size + k < n) {
        order.push(r * size + k);
        thread.push(r);
      }
  return { order, thread };
}

/**
 * Index pairs [k, l] (k < l, in list order, as mOverlaps lists them) of footprints that share a
 * pixel of mDiff's grid: build's candidate pairs.
 */
export function footprintPairs(footprints: readonly PixelBox[], grid: Pick<MosaicGrid, 'naxis1' | 'naxis2'>): Array<[number, number]> {
  return overlappingPairs(footprints, grid);
}

/** An image as the pair fits see it. */
export interface PairSide {
  cntr: number;
  file: string;
  hdu?: number;
  footprint: PixelBox;
  /** The box `project` works in for it (imageFootprint's `work`). */
  work: PixelBox;
}

/**
 * The `pairFit` task of one pair: both images projected onto the box their footprints share on
 * mDiff's grid, differenced and fitted (shared with `distributed/`, so both fit the same pixels).
 */
export function pairFitInput(
  template: Header,
  grid: MosaicGrid,
  plus: PairSide,
  minus: PairSide,
  opts: { name: (cntr: number) => string; method?: ProjectMethod; levelOnly?: boolean; diffDir?: string; fitBin?: number },
): PairFitTaskInput {
  const diff = diffFileName(plus.cntr, minus.cntr);
  return {
    file: `${opts.name(plus.cntr)} − ${opts.name(minus.cntr)}`,
    plus: { file: plus.file, hdu: plus.hdu, cntr: plus.cntr, work: plus.work },
    minus: { file: minus.file, hdu: minus.hdu, cntr: minus.cntr, work: minus.work },
    region: commonBox(plus.footprint, minus.footprint, grid),
    template: template.cards,
    grid,
    method: opts.method,
    levelOnly: opts.levelOnly,
    fitBin: opts.fitBin !== undefined && opts.fitBin > 1 && canBin(template) ? opts.fitBin : undefined,
    write: opts.diffDir ? { value: join(opts.diffDir, diff), area: join(opts.diffDir, areaFileName(diff)) } : undefined,
  };
}

/**
 * mBgModel over the pair fits (plus/minus are cntrs) of `images` (in cntr order, with their
 * footprints), as build solves it; shared with `distributed/`.
 */
export function solveCorrections(
  images: ReadonlyArray<{ cntr: number; footprint: PixelBox }>,
  fits: readonly PairFit[],
  opts: { levelOnly?: boolean; slopePrior?: number; sweeps?: number },
): { corrections: Correction[]; model: BackgroundModel } {
  return bgModel(
    images.map((im) => im.cntr),
    fits,
    { levelOnly: opts.levelOnly, slopePrior: opts.slopePrior, sweeps: opts.sweeps, images: images.map((im) => ({ naxis1: im.footprint.width, naxis2: im.footprint.height })) },
  );
}

/**
 * Pair fits in flight: many, since their results are small and in-order delivery would
 * otherwise stall a thread behind one slow pair.
 */
const PAIRS_IN_FLIGHT = 32;

/** The box two footprints share on mDiff's grid (columns 0 … naxis1 − 2, rows 0 … naxis2 − 2). */
function commonBox(a: PixelBox, b: PixelBox, grid: Pick<MosaicGrid, 'naxis1' | 'naxis2'>): PixelBox {
  const x0 = Math.max(a.x0, b.x0, 0);
  const y0 = Math.max(a.y0, b.y0, 0);
  const x1 = Math.min(a.x0 + a.width, b.x0 + b.width, grid.naxis1 - 1);
  const y1 = Math.min(a.y0 + a.height, b.y0 + b.height, grid.naxis2 - 1);
  return { x0, y0, width: Math.max(0, x1 - x0), height: Math.max(0, y1 - y0) };
}
