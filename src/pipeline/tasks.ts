/**
 * The work a pool thread can do, by name. Each task takes a structured-cloneable input
 * and returns its output plus the buffers to transfer back (moved, not copied). The same
 * functions run in-thread when the pool has one thread, so results do not depend on it.
 *
 * File I/O happens here (through `src/fits/`), never in the stages themselves.
 */
import { Header, type Card } from '../fits/header.js';
import { Wcs } from '../wcs/wcs.js';
import { alignedPhase, binnedBox, binnedHeader, canBin } from '../wcs/binned.js';
import { binPixels } from '../kernels/bin.js';
import { ImageBuffers } from '../fits/read.js';
import { MosaicError } from '../errors.js';
import type { FitsImage, PixelArray } from '../fits/types.js';
import type { ProjectMethod } from '../stages/project.js';
import type { PlaneFit } from '../stages/fit-plane.js';
import { projectedHeader, type ProjectedImage } from '../stages/types.js';
import type { BandJob, WrittenBand } from './coadd-bands.js';
import { RowBuffers, readCachedRows, type CachedPlanes } from './cache.js';

/** Input of the `project` task: one file onto the template. */
export interface ProjectTaskInput {
  /** Input FITS file (for messages too). */
  file: string;
  /** HDU index; default the first image HDU. */
  hdu?: number;
  /** Template cards (`header.cards`), since class instances do not cross threads. */
  template: Card[];
  method?: ProjectMethod;
  expand?: boolean;
  cntr?: number;
  /** Write `<value>` and `<area>` FITS files (BITPIX −64, Montage's mProject output). */
  write?: { value: string; area: string };
  /** Send the pixels back (false for projexec, which only writes files). Default true. */
  returnPixels?: boolean;
  /**
   * Put the projection into these (shared) arrays instead, when it fits them: the build's
   * stream of projections into its coadd window (stream-coadd.ts). Implies no pixels back.
   */
  into?: { value: Float64Array; area: Float64Array };
  /** The box to project in, when known (stages/project.ts `ProjectOptions.workBox`). */
  workBox?: { x0: number; y0: number; width: number; height: number };
}

/** Output of the `project` task. */
export type ProjectTaskOutput =
  | {
      status: 'ok';
      x0: number;
      y0: number;
      width: number;
      height: number;
      cntr?: number;
      file: string;
      value?: Float64Array;
      area?: Float64Array;
      /** With `into`: whether the projection is there (false: it did not fit, and is in `value`/`area`). */
      inInto?: boolean;
      /** Seconds spent (read + project + write). */
      seconds: number;
    }
  | { status: 'nooverlap'; file: string; cntr?: number; message: string };

/** Input of the `footprints` task: where images land on the template, from their headers (stages/project.ts `imageFootprint`). */
export interface FootprintsTaskInput {
  /** For messages. */
  file?: string;
  template: Card[];
  images: Array<{ cards: Card[]; shape: number[] }>;
}

/** Output of the `footprints` task, per image: its boxes (null: misses the template) or why it has none. */
export type FootprintsTaskOutput = Array<
  | { footprint: { x0: number; y0: number; width: number; height: number } | null; work: { x0: number; y0: number; width: number; height: number } | null }
  | { error: { code: string; message: string } }
>;

/** A projected image cached on disk (mProject's FITS pair, or scratch planes) and its place on the mosaic grid. */
export type CachedImage = CachedPlanes;

/** Mosaic grid facts the background tasks need (from the template). */
export interface MosaicGrid {
  crpix1: number;
  crpix2: number;
  naxis1: number;
  naxis2: number;
}

/** The mosaic grid facts of a template header. */
export function gridOf(template: Header): MosaicGrid {
  return { crpix1: template.number('CRPIX1') ?? 0, crpix2: template.number('CRPIX2') ?? 0, naxis1: template.int('NAXIS1') ?? 0, naxis2: template.int('NAXIS2') ?? 0 };
}

/** Output of the `pairFit` task: the fit, or why the pair gave none. */
export type PairFitTaskOutput =
  | { status: 'ok'; fit: PlaneFit }
  /** `nooverlap`: no pixel is covered by both; `failed`: too few pixels for a plane. */
  | { status: 'nooverlap' | 'failed'; message: string };

/**
 * Input of the `pairFit` task: mDiff + mFitplane for one overlapping pair straight from the raw
 * images (the streaming build): both are projected onto `region`, the box they share, only.
 */
export interface PairFitTaskInput {
  /** `plus − minus` file names, for messages. */
  file: string;
  /** Each image, with the box `project` works in for it (stages/project.ts `imageFootprint`). */
  plus: { file: string; hdu?: number; cntr: number; work: { x0: number; y0: number; width: number; height: number } };
  minus: { file: string; hdu?: number; cntr: number; work: { x0: number; y0: number; width: number; height: number } };
  /** The pair's common box on the mosaic grid (0-based). */
  region: { x0: number; y0: number; width: number; height: number };
  template: Card[];
  grid: MosaicGrid;
  method?: ProjectMethod;
  /** Fit levels only (mFitplane -l). Default false. */
  levelOnly?: boolean;
  /** Also write the difference image and its area (mDiff's output) here. */
  write?: { value: string; area: string };
  /**
   * Project, difference and fit on the mosaic grid binned by this factor (wcs/binned.ts), the
   * fit reported on the mosaic grid; `write` then holds the binned difference. Default 1.
   */
  fitBin?: number;
}

/** Input of the `load` task: read a cached projected image back (pass 2 of build). */
export interface LoadTaskInput {
  file: string;
  image: CachedImage;
  /** Read only mosaic rows [first, end) (clipped to the image); default all. Not with `correct`. */
  rows?: [number, number];
  /** Send the pixels back; default true (false: only write the corrected image). */
  returnPixels?: boolean;
  /** Also write the image minus this plane (mBgExec's output) to `write`. */
  correct?: { plane: { a: number; b: number; c: number }; grid: MosaicGrid; write: { value: string; area: string }; template: Card[] };
}

/** Output of the `load` task: the image as cached (uncorrected). */
export interface LoadTaskOutput extends ProjectedImage {
  value: Float64Array;
  area: Float64Array;
}

/** Input of the `ping` task (pool health check and tests): sums `values`, or fails on request. */
export interface PingTaskInput {
  file?: string;
  values: Float64Array;
  fail?: boolean;
  /** Keep the thread busy this long first (tests of scheduling). */
  busyMs?: number;
  /** Then wait this long, yielding the thread's event loop (tests of one task at a time). */
  sleepMs?: number;
  /** Then end the worker thread without answering (tests of a thread that dies; ignored in the main thread). */
  exitThread?: boolean;
}
export interface PingTaskOutput {
  sum: number;
  values: Float64Array;
  threadId: number;
  /** When the task started and ended (ms, `performance.timeOrigin + performance.now()`). */
  startedAt: number;
  endedAt: number;
}

/**
 * Input of the `prefault` task: arrays (shared with the caller) to fault in, one write per
 * page of the zeros they hold, so that the caller's thread later meets memory that is there.
 */
export interface PrefaultTaskInput {
  file?: string;
  arrays: Float64Array[];
}

/** Input and output of the `coaddBand` task: one band of the banded coadd (coadd-bands.ts). */
export type CoaddBandTaskInput = BandJob & { file?: string };
export type CoaddBandTaskOutput = WrittenBand;

interface TaskMap {
  project: { input: ProjectTaskInput; output: ProjectTaskOutput };
  warmUp: { input: Record<string, never>; output: null };
  footprints: { input: FootprintsTaskInput; output: FootprintsTaskOutput };
  ping: { input: PingTaskInput; output: PingTaskOutput };
  pairFit: { input: PairFitTaskInput; output: PairFitTaskOutput };
  load: { input: LoadTaskInput; output: LoadTaskOutput };
  coaddBand: { input: CoaddBandTaskInput; output: CoaddBandTaskOutput };
  prefault: { input: PrefaultTaskInput; output: null };
}

export type TaskName = keyof TaskMap;
export type TaskInput<T extends TaskName> = TaskMap[T]['input'];
export type TaskOutput<T extends TaskName> = TaskMap[T]['output'];

/** A task's result and the buffers to move to the caller. */
export interface TaskResult<T extends TaskName> {
  output: TaskOutput<T>;
  transfer: ArrayBuffer[];
}

/** The read buffers of this thread's projections. */
const projectReads = new ImageBuffers();

async function projectTask(input: ProjectTaskInput): Promise<TaskResult<'project'>> {
  const t0 = performance.now();
  // Loaded on first use: a thread that only pings never loads the kernels or the WCS.
  const [{ readImage }, { writeFits }, { project }] = await Promise.all([
    import('../fits/read.js'),
    import('../fits/write.js'),
    import('../stages/project.js'),
  ]);
  const template = new Header(input.template);
  // The image is done with before this thread reads the next: one set of buffers for all.
  const image = await readImage(input.file, { ...(input.hdu === undefined ? {} : { hdu: input.hdu }), reuse: projectReads });
  let p;
  try {
    // Without pixels to send back, the result is written or copied below before the next
    // projection in this thread, so it may live in reused buffers.
    p = project(image, template, {
      method: input.method, expand: input.expand, source: input.file, cntr: input.cntr,
      reuseOutput: input.returnPixels === false || input.into !== undefined, into: input.into, workBox: input.workBox,
    });
  } catch (err) {
    if (err instanceof MosaicError && err.code === 'E_NO_OVERLAP')
      return { output: { status: 'nooverlap', file: input.file, cntr: input.cntr, message: err.message }, transfer: [] };
    throw err;
  }
  if (input.write) {
    const header = projectedHeader(template, p);
    const shape = [p.width, p.height];
    await writeFits(input.write.value, { header, data: p.value, shape }, { bitpix: -64 });
    await writeFits(input.write.area, { header, data: p.area, shape }, { bitpix: -64 });
  }
  // A projection bigger than the `into` arrays (not expected: they are sized from the
  // footprints) comes back as pixels instead.
  const inInto = input.into ? p.value.buffer === input.into.value.buffer : undefined;
  const back = input.into ? !inInto : input.returnPixels !== false;
  // Reused (scratch) arrays are copied: they stay with this thread.
  const value = back ? (input.into ? Float64Array.from(p.value) : (p.value as Float64Array)) : undefined;
  const area = back ? (input.into ? Float64Array.from(p.area) : (p.area as Float64Array)) : undefined;
  return {
    output: { status: 'ok', x0: p.x0, y0: p.y0, width: p.width, height: p.height, cntr: input.cntr, file: input.file, value, area, inInto, seconds: (performance.now() - t0) / 1000 },
    transfer: back ? [value!.buffer as ArrayBuffer, area!.buffer as ArrayBuffer] : [],
  };
}

/**
 * Raw images this thread read last (decoded), so that the pairs of one image, which come close
 * together in mOverlaps order, read it about once: 16 images of 2 MB at 2MASS size. An evicted
 * image's buffers take the next one read (no fresh memory, no garbage, after the first 16).
 */
interface RecentImage {
  key: string;
  image: FitsImage;
  wcs: Wcs;
  buffers: ImageBuffers;
  /** The image binned for the binned pair fits (for the template keyed `template`), made on first use. */
  binned?: { factor: number; template: string; image: FitsImage; wcs: Wcs };
  /** The whole array the binned pixels are a view of, handed from an evicted entry to its successor. */
  binStore?: Float64Array;
}
const recentImages: RecentImage[] = [];
const RECENT_IMAGES = 16;

/** A raw image (decoded) and its WCS, from this thread's recent ones when there. */
async function recentImage(file: string, hdu: number | undefined): Promise<RecentImage> {
  const key = `${hdu ?? ''}:${file}`;
  const k = recentImages.findIndex((e) => e.key === key);
  if (k >= 0) {
    const [hit] = recentImages.splice(k, 1);
    recentImages.unshift(hit);
    return hit;
  }
  const { readImage } = await import('../fits/read.js');
  // The least recent entry goes now (the caller's other image, just used, is at the front).
  const evicted = recentImages.length >= RECENT_IMAGES ? recentImages.pop() : undefined;
  const buffers = evicted?.buffers ?? new ImageBuffers();
  const image = await readImage(file, { ...(hdu === undefined ? {} : { hdu }), reuse: buffers });
  let wcs: Wcs;
  try {
    wcs = Wcs.fromHeader(image.header);
  } catch (err) {
    throw err instanceof MosaicError ? err.withContext({ stage: 'project', file }) : err;
  }
  // The evicted entry's binned array is reused (binnedImage writes it before any read).
  const entry: RecentImage = { key, image, wcs, buffers, binStore: evicted?.binStore };
  recentImages.unshift(entry);
  return entry;
}

/**
 * `entry`'s image binned by `factor` (kernels/bin.ts), its blocks lined up with those of the
 * binned template where the grids align (wcs/binned.ts `alignedPhase`), with its binned WCS;
 * made once per entry. The image itself when its WCS cannot be rebinned (SIP, DSS): it is
 * then projected unbinned onto the binned grid.
 */
function binnedImage(entry: RecentImage, factor: number, template: { key: string; wcs: Wcs }): { image: FitsImage; wcs: Wcs } {
  if (factor === 1 || !canBin(entry.image.header)) return entry;
  const b = entry.binned;
  if (b && b.factor === factor && b.template === template.key) return b;
  const [width, height = 1] = entry.image.shape;
  const phase = alignedPhase(entry.wcs, entry.image.shape, template.wcs, factor);
  const header = binnedHeader(entry.image.header, factor, phase);
  // Room for any phase, so that the array passes from image to image.
  const room = Math.ceil((width + factor - 1) / factor) * Math.ceil((height + factor - 1) / factor);
  if (!entry.binStore || entry.binStore.length < room) entry.binStore = new Float64Array(room);
  const data = binPixels(entry.image.data, width, height, factor, entry.binStore, phase);
  const shape = [Math.ceil((width + phase[0]) / factor), Math.ceil((height + phase[1]) / factor)];
  const binned = { factor, template: template.key, image: { header, shape, data, bitpix: -64 }, wcs: Wcs.fromHeader(header) };
  entry.binned = binned;
  return binned;
}

/** This thread's last template (the same for every task of a run), parsed once per grid binning. */
let recentTemplate: { key: string; grids: Map<number, { header: Header; wcs: Wcs }> } | undefined;

/** The template of `cards` (`key`: its identity), on its grid binned by `bin` (wcs/binned.ts) when bin > 1. */
function templateOf(cards: Card[], bin = 1): { key: string; header: Header; wcs: Wcs } {
  const key = JSON.stringify(cards);
  if (recentTemplate?.key !== key) recentTemplate = { key, grids: new Map() };
  let grid = recentTemplate.grids.get(bin);
  if (!grid) {
    const header = bin === 1 ? new Header(cards) : binnedHeader(new Header(cards), bin);
    grid = { header, wcs: Wcs.fromHeader(header) };
    recentTemplate.grids.set(bin, grid);
  }
  return { key, ...grid };
}

/** Projection buffers of this thread's pairs (plus, minus), grown as needed. */
const pairProjections = [new RowBuffers(), new RowBuffers()];
/** The difference of this thread's pair and its fit's points (consumed before the next). */
const pairDiff = new RowBuffers();
let pairFitScratch: import('../stages/fit-plane.js').FitScratch | undefined;

async function pairFitTask(input: PairFitTaskInput): Promise<TaskResult<'pairFit'>> {
  const [{ project }, { diffImages }, { fitDiffPlane, FitScratch }] = await Promise.all([
    import('../stages/project.js'), import('../stages/diff.js'), import('../stages/fit-plane.js'),
  ]);
  pairFitScratch ??= new FitScratch();
  const bin = input.fitBin ?? 1;
  // On the binned grid, when binning: template, region and work boxes all binned.
  const region = binnedBox(input.region, bin);
  const { header: template, wcs: templateWcs } = templateOf(input.template, bin);
  const grid = bin === 1 ? input.grid : gridOf(template);
  const n = region.width * region.height;
  if (n === 0) return { output: { status: 'nooverlap', message: "images don't overlap" }, transfer: [] };
  const projected = [];
  for (const [k, side] of ([input.plus, input.minus] as const).entries()) {
    const recent = await recentImage(side.file, side.hdu);
    const { image, wcs } = bin === 1 ? recent : binnedImage(recent, bin, templateOf(input.template));
    const into = pairProjections[k].reserve(n);
    try {
      const workBox = binnedBox(side.work, bin);
      projected.push(project(image, template, { method: input.method, source: side.file, cntr: side.cntr, region, into, workBox, wcs: { input: wcs, template: templateWcs } }));
    } catch (err) {
      if (err instanceof MosaicError && err.code === 'E_NO_OVERLAP') return { output: { status: 'nooverlap', message: err.message }, transfer: [] };
      throw err;
    }
  }
  let diff;
  try {
    diff = diffImages(projected[0], projected[1], { mosaicSize: { naxis1: grid.naxis1, naxis2: grid.naxis2 }, into: pairDiff.reserve(n) });
  } catch (err) {
    if (err instanceof MosaicError && err.code === 'E_NO_OVERLAP') return { output: { status: 'nooverlap', message: err.message }, transfer: [] };
    throw err;
  }
  if (input.write) {
    const { writeFits } = await import('../fits/write.js');
    const header = projectedHeader(template, diff);
    const shape = [diff.width, diff.height];
    await writeFits(input.write.value, { header, data: diff.value, shape }, { bitpix: -64 });
    await writeFits(input.write.area, { header, data: diff.area, shape }, { bitpix: -64 });
  }
  try {
    return { output: { status: 'ok', fit: fitDiffPlane(diff, grid, { levelOnly: input.levelOnly, scratch: pairFitScratch, bin }) }, transfer: [] };
  } catch (err) {
    if (err instanceof MosaicError && err.code === 'E_NO_OVERLAP') return { output: { status: 'failed', message: err.message }, transfer: [] };
    throw err;
  }
}

/** A Float64Array that owns its whole buffer (safe to transfer), copying only when needed. */
function ownFloat64(a: PixelArray): Float64Array {
  // A shared (in-memory cache) buffer cannot be transferred, and must not be written to.
  if (a instanceof Float64Array && a.buffer instanceof ArrayBuffer && a.byteOffset === 0 && a.buffer.byteLength === a.byteLength) return a;
  return Float64Array.from(a);
}

async function loadTask(input: LoadTaskInput): Promise<TaskResult<'load'>> {
  const { image } = input;
  const ya = Math.max(image.y0, input.rows?.[0] ?? -Infinity);
  const yb = Math.min(image.y0 + image.height, input.rows?.[1] ?? Infinity);
  const img = await readCachedRows(image, ya, Math.max(0, yb - ya));
  const value = ownFloat64(img.value);
  const area = ownFloat64(img.area);
  if (input.correct) {
    const [{ subtractBackground }, { writeFits }] = await Promise.all([import('../stages/background.js'), import('../fits/write.js')]);
    const { plane, grid, write, template } = input.correct;
    const c = subtractBackground({ ...img, value, area }, plane, grid);
    const header = projectedHeader(new Header(template), img);
    const shape = [img.width, img.height];
    await writeFits(write.value, { header, data: c.value, shape }, { bitpix: -64 });
    await writeFits(write.area, { header, data: c.area, shape }, { bitpix: -64 });
  }
  if (input.returnPixels === false)
    return { output: { ...img, height: 0, value: new Float64Array(0), area: new Float64Array(0), source: input.file }, transfer: [] };
  return {
    output: { ...img, value, area, source: input.file },
    transfer: [value.buffer as ArrayBuffer, area.buffer as ArrayBuffer],
  };
}

async function coaddBandTask(input: CoaddBandTaskInput): Promise<TaskResult<'coaddBand'>> {
  const { coaddBand } = await import('./coadd-bands.js');
  // The band writes its own rows into the output files; only the row count comes back.
  return { output: await coaddBand(input), transfer: [] };
}

async function footprintsTask(input: FootprintsTaskInput): Promise<TaskResult<'footprints'>> {
  const { imageFootprint } = await import('../stages/project.js');
  const { header: template } = templateOf(input.template);
  const output: FootprintsTaskOutput = input.images.map((im) => {
    try {
      return imageFootprint(new Header(im.cards), im.shape, template);
    } catch (err) {
      const e = err instanceof MosaicError ? err : new MosaicError('E_INTERNAL', String(err));
      return { error: { code: e.code, message: e.message } };
    }
  });
  return { output, transfer: [] };
}

async function pingTask(input: PingTaskInput): Promise<TaskResult<'ping'>> {
  const startedAt = performance.timeOrigin + performance.now();
  if (input.fail) throw new MosaicError('E_RUN', 'ping asked to fail', { stage: 'ping', file: input.file });
  for (const until = performance.now() + (input.busyMs ?? 0); performance.now() < until; );
  if (input.sleepMs) await new Promise((r) => setTimeout(r, input.sleepMs));
  if (input.exitThread && !(await import('node:worker_threads')).isMainThread) process.exit(3);
  let sum = 0;
  for (let i = 0; i < input.values.length; i++) sum += input.values[i];
  const { threadId } = await import('node:worker_threads');
  return { output: { sum, values: input.values, threadId, startedAt, endedAt: performance.timeOrigin + performance.now() }, transfer: [input.values.buffer as ArrayBuffer] };
}

/** Float64s per 4 KiB page. */
const PAGE_FLOATS = 512;

function prefaultTask(input: PrefaultTaskInput): Promise<TaskResult<'prefault'>> {
  // The arrays are all zeros (fresh, or left clean by the coadd): writing a zero keeps them so.
  for (const a of input.arrays) for (let i = 0; i < a.length; i += PAGE_FLOATS) a[i] = 0;
  return Promise.resolve({ output: null, transfer: [] });
}

/** Run a task by name (in a worker, or in-thread for a one-thread pool). */
export function runTask<T extends TaskName>(task: T, input: TaskInput<T>): Promise<TaskResult<T>> {
  switch (task) {
    case 'project':
      return projectTask(input as ProjectTaskInput) as Promise<TaskResult<T>>;
    case 'ping':
      return pingTask(input as PingTaskInput) as Promise<TaskResult<T>>;
    case 'footprints':
      return footprintsTask(input as FootprintsTaskInput) as Promise<TaskResult<T>>;
    case 'warmUp':
      // Load what the projections need (the first task would otherwise wait for it).
      return Promise.all([import('../fits/read.js'), import('../stages/project.js'), import('../stages/diff.js'), import('../stages/fit-plane.js')])
        .then(() => ({ output: null, transfer: [] }) as TaskResult<T>);
    case 'pairFit':
      return pairFitTask(input as PairFitTaskInput) as Promise<TaskResult<T>>;
    case 'load':
      return loadTask(input as LoadTaskInput) as Promise<TaskResult<T>>;
    case 'coaddBand':
      return coaddBandTask(input as CoaddBandTaskInput) as Promise<TaskResult<T>>;
    case 'prefault':
      return prefaultTask(input as PrefaultTaskInput) as Promise<TaskResult<T>>;
    default:
      return Promise.reject(new MosaicError('E_INTERNAL', `unknown pool task "${String(task)}"`));
  }
}
