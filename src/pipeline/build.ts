/**
 * build: the whole Montage chain in one run —
 * imgtbl → makehdr (unless a template is given) → project (worker pool) →
 * [overlaps → diff + fit → bgModel] → add (with corrections) → OUT.fits + OUT_area.fits [→ PNG].
 *
 * Reference: the Montage tutorial pipeline (mImgtbl, mMakeHdr, mProjExec, mOverlaps,
 * mDiffExec, mFitExec, mBgModel, mBgExec, mAdd), with the files between stages kept in
 * memory where they are small. Results reach the coadd in image-table order (mapOrdered), so
 * the output is bit-identical whatever the thread count.
 *
 * The run makes passes over the projected images, which are cached on disk in between:
 * 1. project every image (pool) and cache it: as mProject's BITPIX −64 pair in
 *    `workdir/projected/`; else, when all projections are estimated to fit `memoryCache`
 *    (default 384 MiB), in SharedArrayBuffers that every pool thread reads without a copy (no
 *    temporary files); else as raw scratch planes (fits/scratch.ts: no byte swap, no header)
 *    in a private temporary folder removed at the end;
 * 2. with background matching (the default): pairs = boxes sharing a pixel of mDiff's grid;
 *    each pair's difference and plane fit run in the pool, reading only the rows the two
 *    images share (background.ts); bgModel solves for all corrections from the fits (a few
 *    hundred bytes each);
 * 3. coadd in bands of mosaic rows (coadd-bands.ts): each band is a pool task that reads, in
 *    image order, only the rows of the cached images that overlap it, accumulates them with
 *    the planes subtracted, finishes and encodes the rows and writes them at their place in
 *    the output and area files; this thread only counts the rows and renames the files.
 * Peak memory (with the disk cache) is therefore O(band × template width + threads × one
 * image), not O(mosaic): at
 * M17 size (6042 × 6709) a whole-mosaic Float64 array is 324 MB and the whole-template coadd
 * (sums, value, cropped copies) peaked at 2.3 GB; banded, the whole build peaks at ~0.5 GB RSS
 * with 2 threads (~0.27 GB with 1; the rest is each worker's image buffers and GC slack). The
 * banded mosaic is byte-identical to the whole-template one (same images, same order, same
 * arithmetic per pixel).
 * Trade-offs: the disk cache costs temporary disk space (16 bytes per projected pixel, what
 * Montage's projected folder takes too) and one write + read of each projected image, also
 * without background matching, where the images could otherwise stream straight into
 * whole-mosaic sums — at the price of those sums in memory (and mAdd's output box, the union
 * of the crops, is only known once every image is projected). Re-projecting in pass 3
 * instead of caching would double the dominant cost. Each band re-reads the cached rows it
 * needs (~4 times per 1k-row image at M17).
 * Set `MOSAIC_DEBUG_MEMORY=1` to log the memory in use and the peak RSS after each pass.
 *
 * With `workdir`, every intermediate is also written under Montage's names so Montage tools
 * can read them: images.tbl, template.hdr, projected/hdu0_<file>.fits + _area.fits,
 * pimages.tbl, diffs.tbl, diffs/diff.*.fits, fits.tbl, corrections.tbl (ids are pimages.tbl's
 * cntr) and corrected/ (mBgExec's output, same names as projected/).
 */
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { MosaicError, asMosaicError } from '../errors.js';
import { areaFileName } from '../fits/area-pair.js';
import type { Header } from '../fits/header.js';
import { createFitsWriter, type FitsWriter } from '../fits/write.js';
import { readTemplate, writeTemplate } from '../tables/template.js';
import { writeIpacTable, type IpacTable, type IpacValue } from '../tables/ipac.js';
import { Wcs } from '../wcs/wcs.js';
import { FrameConversion } from '../wcs/frames.js';
import { imgtbl, writeImageTable } from '../stages/imgtbl.js';
import { makeHeader } from '../stages/make-hdr.js';
import type { CombineMethod, Mosaic } from '../stages/add.js';
import type { ProjectMethod } from '../stages/project.js';
import { diffFileName, diffsTable } from '../stages/overlaps.js';
import type { Correction } from '../stages/bg-model.js';
import { projectedHeader } from '../stages/types.js';
import { WorkerPool, mapOrdered, defaultThreads } from './pool.js';
import { silentProgress, type Progress } from './progress.js';
import { correctionsTable, fitsTable, matchBackgrounds, type BackgroundMatch, type MatchImage } from './background.js';
import type { LoadTaskInput, MosaicGrid, ProjectTaskInput } from './tasks.js';
import { coaddInBands, type BandRunner } from './coadd-bands.js';
import { buildStreaming } from './build-stream.js';

export interface BuildOptions {
  /** Folders, FITS files or `*`/`?` globs. */
  inputs: string[];
  /** Mosaic file; the area image goes to `<base>_area.fits`. */
  output: string;
  /** Template header (file path or Header); default: mMakeHdr over the inputs. */
  template?: string | Header;
  /** Background matching; default true. */
  bg?: boolean;
  /** Background matching fits and solves for levels only (no slopes), as mFitplane/mBgModel -l. Default false. */
  levelOnly?: boolean;
  /** Strength of the background solve's slope prior (see background/global-model.ts); default 0 (off). */
  slopePrior?: number;
  /** Damping of the background solve in Montage relaxation sweeps (see background/global-model.ts); default 7500, Infinity: exact. */
  bgSweeps?: number;
  /**
   * With background matching: also write the mosaic without the corrections here (value only;
   * a second set of band sums in the same coadd pass, no re-projection). For comparisons such as `mosaic demo`.
   */
  uncorrectedOutput?: string;
  /** Write a PNG preview (gray, gaussian-log stretch, −1σ … max). */
  png?: string;
  /** Keep every intermediate here under Montage's names. */
  workdir?: string;
  /**
   * Largest estimated size (bytes) of all projected images for keeping them in shared memory
   * between the passes instead of a temporary folder of scratch files; default
   * {@link defaultMemoryCache}. 0: always on disk.
   */
  memoryCache?: number;
  /** Worker threads; default os.availableParallelism(). */
  threads?: number;
  /** Default `exact`. */
  method?: ProjectMethod;
  /** Default `mean`. */
  combine?: CombineMethod;
  progress?: Progress;
  /** Called with one sentence per skipped image or notable event. */
  onWarning?: (message: string) => void;
}

export interface BuildResult {
  /** Images in the image table. */
  count: number;
  /** Images projected and coadded. */
  used: number;
  failed: number;
  nooverlap: number;
  naxis1: number;
  naxis2: number;
  output: string;
  areaOutput: string;
  png?: string;
  /** The mosaic without corrections, when `uncorrectedOutput` was asked for. */
  uncorrectedOutput?: string;
  /** Whether background matching was applied. */
  background: boolean;
  /** Overlapping pairs with common pixels (Montage's diffs). */
  pairs: number;
  /** Pairs whose plane fit failed (slivers). */
  fitsFailed: number;
  /**
   * The correction subtracted from each image (id = image-table cntr; x, y as in fit-plane.ts),
   * with the image's file name and its box on the mosaic grid (0-based), with background matching.
   */
  corrections?: Array<Correction & { fname: string; box: { x0: number; y0: number; width: number; height: number } }>;
  seconds: number;
  mosaic: Pick<Mosaic, 'x0' | 'y0' | 'width' | 'height' | 'header'>;
}


/** mProjExec's output name for an input: `hdu<N>_<basename>` with `.fits` appended unless it ends so. */
export function projectedFileName(fname: string, hdu: number): { value: string; area: string } {
  const base = `hdu${hdu}_${fname.split('/').pop()}`;
  const stem = base.replace(/\.(fits?|FITS?)$/, '');
  return { value: `${stem}.fits`, area: `${stem}_area.fits` };
}

/** Image-table rows with the path each file can be opened at. */
export interface ImageEntry {
  cntr: number;
  path: string;
  fname: string;
  hdu: number;
  /** The image's header and shape, as imgtbl read them. */
  header: Header;
  shape: number[];
}

/** Run imgtbl over each input and merge the rows (cntr renumbered, paths resolved). */
export async function collectImages(inputs: string[]): Promise<{ table: IpacTable; images: ImageEntry[]; failures: string[] }> {
  let table: IpacTable | undefined;
  const images: ImageEntry[] = [];
  const failures: string[] = [];
  for (const input of inputs) {
    const isDir = !/[*?]/.test(input) && (await stat(input).catch(() => undefined))?.isDirectory();
    const r = await imgtbl(input, { headers: true });
    // An HDU without image data (an MEF's empty primary, a table) in a file that gave images
    // is no skipped image; imgtbl still counts it as mImgtbl does.
    const gaveRows = new Set(r.rows.map((row) => String(row.fname)));
    for (const f of r.failures) if (!(gaveRows.has(f.file) && f.error.startsWith('E_FITS_NO_IMAGE'))) failures.push(`${f.file}: ${f.error}`);
    if (!table) table = { ...r.table, rows: [] };
    for (const [k, row] of r.rows.entries()) {
      const fname = String(row.fname);
      const cntr = images.length;
      const { header, shape } = r.headers![k];
      images.push({ cntr, fname, path: isDir ? join(input, fname) : fname, hdu: Number(row.hdu ?? 0), header, shape });
      table.rows.push({ ...row, cntr } as Record<string, IpacValue>);
    }
  }
  if (!table || images.length === 0) throw new MosaicError('E_NO_INPUT', 'no images with a celestial WCS in the inputs', { stage: 'build' });
  return { table, images, failures };
}

/** Write a mosaic (value or area) with the streaming writer, BITPIX −64 like mAdd. */
export function writeMosaicPlane(path: string, header: Header, width: number, height: number, data: Float64Array): void {
  const w = createFitsWriter(path, header, [width, height], { bitpix: -64 });
  try {
    const band = 256;
    for (let y = 0; y < height; y += band) w.writeRows(data.subarray(y * width, Math.min(height, y + band) * width));
    w.close();
  } catch (err) {
    w.abort();
    throw err;
  }
}

/**
 * Build a mosaic from raw images.
 * @throws MosaicError E_NO_INPUT (no usable image), E_NO_OVERLAP (nothing lands on the template),
 *   E_RUN when every image failed; per-image failures are counted, not thrown.
 * @example const r = await buildMosaic({ inputs: ['raw/'], output: 'm.fits', bg: false });
 */
export async function buildMosaic(opts: BuildOptions): Promise<BuildResult> {
  const t0 = performance.now();
  const progress = opts.progress ?? silentProgress;
  const warn = opts.onWarning ?? (() => undefined);
  const threads = opts.threads ?? defaultThreads();
  const background = opts.bg !== false;
  const workdir = opts.workdir ? resolve(opts.workdir) : undefined;
  const projDir = workdir ? join(workdir, 'projected') : undefined;
  const mkdirs = async (dir: string) => mkdir(dir, { recursive: true }).catch((err) => Promise.reject(asMosaicError(err, { stage: 'build', file: dir })));
  if (projDir) await mkdirs(projDir);

  logMemory('start');
  const { table, images, failures } = await collectImages(opts.inputs);
  logMemory('imgtbl');
  for (const f of failures) warn(`skipped ${f}`);
  if (workdir) await writeImageTable(join(workdir, 'images.tbl'), table);

  let template: Header;
  if (typeof opts.template === 'string') template = await readTemplate(opts.template, 'build');
  else if (opts.template) template = opts.template;
  else template = (await makeHeader(table, { imageDir: opts.inputs.length === 1 ? opts.inputs[0] : '.' })).header;
  if (workdir) await writeTemplate(join(workdir, 'template.hdr'), template, 'build');
  const grid: MosaicGrid = {
    crpix1: template.number('CRPIX1') ?? 0,
    crpix2: template.number('CRPIX2') ?? 0,
    naxis1: template.int('NAXIS1') ?? 0,
    naxis2: template.int('NAXIS2') ?? 0,
  };

  const combine = opts.combine ?? 'mean';
  if (!projDir && combine !== 'median') {
    // The default: no cache of projections at all (build-stream.ts). The threads start
    // while this one works out the footprints.
    const pool = new WorkerPool({ threads });
    pool.prestart();
    try {
      const output = resolve(opts.output);
      const uncorrected = opts.uncorrectedOutput && background ? resolve(opts.uncorrectedOutput) : undefined;
      const r = await buildStreaming(pool, template, images, {
        output, uncorrected, background, levelOnly: opts.levelOnly, slopePrior: opts.slopePrior, sweeps: opts.bgSweeps,
        method: opts.method ?? 'exact', combine, progress, warn,
      });
      const png = opts.png ? await renderPng(output, opts.png) : undefined;
      const fname = new Map(images.map((im) => [im.cntr, im.fname]));
      return {
        count: images.length,
        used: r.used,
        failed: r.failed,
        nooverlap: r.nooverlap,
        naxis1: r.box.width,
        naxis2: r.box.height,
        output,
        areaOutput: areaFileName(output),
        uncorrectedOutput: uncorrected,
        png,
        background,
        pairs: r.pairs,
        fitsFailed: r.fitsFailed,
        corrections: r.corrections?.map((c) => ({ ...c, fname: fname.get(c.id)! })),
        seconds: (performance.now() - t0) / 1000,
        mosaic: { ...r.box, header: r.header },
      };
    } finally {
      await pool.close();
    }
  }

  // With a work folder (Montage's files in between) or the median: pass 1 caches the projected
  // images: in shared memory when they fit the budget, else on disk (the work folder, or a
  // private temporary folder removed at the end); see the header comment.
  const inMemory = !projDir && projectedBytes(table, template) <= (opts.memoryCache ?? defaultMemoryCache());
  const cacheDir = projDir ?? (inMemory ? undefined : await mkdtemp(join(tmpdir(), 'mosaic-build-')));
  const pool = new WorkerPool({ threads });
  let failed = 0;
  let nooverlap = 0;
  let match: BackgroundMatch | undefined;
  const cached: MatchImage[] = [];
  try {
    const tasks: ProjectTaskInput[] = images.map((im) => ({
      file: im.path,
      hdu: im.hdu,
      template: template.cards,
      method: opts.method ?? 'exact',
      cntr: im.cntr,
      // Scratch planes are not FITS: named .f64 so nobody mistakes a leftover for one.
      write: cacheDir ? mapValues(projectedFileName(im.fname, im.hdu), (n) => join(cacheDir, projDir ? n : n.replace(/\.fits$/, '.f64'))) : undefined,
      // A private cache lives for this run only: raw scratch planes, not flushed to disk.
      durable: projDir !== undefined,
      scratch: projDir === undefined,
      share: inMemory,
      returnPixels: false,
    }));
    progress.start('project', tasks.length);
    try {
      await mapOrdered(pool, 'project', tasks, (i, outcome) => {
        progress.update(i + 1);
        if (!outcome.ok) {
          failed++;
          warn(`failed ${images[i].path}: ${outcome.error.toString()}`);
          return;
        }
        const r = outcome.value;
        if (r.status === 'nooverlap') {
          nooverlap++;
          return;
        }
        const files = tasks[i].write ?? { value: images[i].path, area: images[i].path };
        cached.push({ id: images[i].cntr, name: projectedFileName(images[i].fname, images[i].hdu).value, value: files.value, area: files.area, x0: r.x0, y0: r.y0, width: r.width, height: r.height, scratch: projDir === undefined, shared: r.shared });
      });
    } finally {
      progress.finish();
    }
    logMemory('project');
    const used = images.length - failed - nooverlap;
    if (used === 0) {
      if (failed > 0) throw new MosaicError('E_RUN', `all ${failed} images failed to project`, { stage: 'build' });
      throw new MosaicError('E_NO_OVERLAP', 'no image overlaps the mosaic template', { stage: 'build' });
    }
    // pimages.tbl exactly as Montage makes it: mImgtbl over the projected folder.
    const pimages = projDir ? (await imgtbl(projDir)).table : undefined;
    if (pimages) await writeImageTable(join(workdir!, 'pimages.tbl'), pimages);
    const output = resolve(opts.output);
    const uncorrected = opts.uncorrectedOutput && background ? resolve(opts.uncorrectedOutput) : undefined;

    let planes: Map<number, Correction> | undefined;
    if (background) {
      const diffDir = workdir ? join(workdir, 'diffs') : undefined;
      const corrDir = workdir ? join(workdir, 'corrected') : undefined;
      if (diffDir) await mkdirs(diffDir);
      if (corrDir) await mkdirs(corrDir);
      match = await matchBackgrounds(pool, cached, grid, { levelOnly: opts.levelOnly, slopePrior: opts.slopePrior, sweeps: opts.bgSweeps, diffDir, template: template.cards, progress });
      for (const p of match.pairs) if (p.status === 'failed') warn(`no plane fit for ${p.plus.name} − ${p.minus.name}: ${p.message}`);
      if (workdir) await writeBackgroundTables(workdir, match, cached, pimages);
      planes = new Map(match.corrections.map((c) => [c.id, c]));
      logMemory('background');
      if (corrDir) {
        // mBgExec's corrected images, for Montage tools; the coadd applies the planes itself.
        const loads: LoadTaskInput[] = cached.map((c) => ({
          file: c.value,
          image: c,
          returnPixels: false,
          correct: { plane: planes!.get(c.id)!, grid, template: template.cards, write: { value: join(corrDir, c.name), area: join(corrDir, areaFileName(c.name)) } },
        }));
        await mapOrdered(pool, 'load', loads, (_i, outcome) => {
          if (!outcome.ok) throw outcome.error;
        });
      }
    }
    // Pass 3: the pool computes the bands (reading the cached rows each needs); this thread writes them in order.
    const runBands: BandRunner = (jobs, onBand) =>
      mapOrdered(pool, 'coaddBand', jobs, (i, outcome) => {
        if (!outcome.ok) throw outcome.error;
        onBand(outcome.value, i);
      });
    const mosaic = await coaddInBands(
      template,
      cached.map((c) => ({ value: c.value, area: c.area, x0: c.x0, y0: c.y0, width: c.width, height: c.height, cntr: c.id, scratch: c.scratch, shared: c.shared })),
      { value: output, area: areaFileName(output), uncorrected },
      { combine, correction: planes ? (img) => planes!.get(img.cntr!) : undefined, run: runBands, progress },
    );
    logMemory('add');
    return await report({ ...mosaic, output, uncorrected }, used);
  } finally {
    await pool.close();
    if (!projDir && cacheDir) await rm(cacheDir, { recursive: true, force: true });
  }

  async function report(mosaic: WrittenMosaic, used: number): Promise<BuildResult> {
    const png = opts.png ? await renderPng(mosaic.output, opts.png) : undefined;
    const byId = new Map(images.map((im) => [im.cntr, im]));
    return {
      count: images.length,
      used,
      failed,
      nooverlap,
      naxis1: mosaic.width,
      naxis2: mosaic.height,
      output: mosaic.output,
      areaOutput: areaFileName(mosaic.output),
      uncorrectedOutput: mosaic.uncorrected,
      png,
      background,
      pairs: match?.overlaps ?? 0,
      fitsFailed: match?.fitsFailed ?? 0,
      corrections: match?.corrections.map((c, i) => {
        const { x0, y0, width, height } = cached[i];
        return { ...c, fname: byId.get(c.id)!.fname, box: { x0, y0, width, height } };
      }),
      seconds: (performance.now() - t0) / 1000,
      mosaic: { x0: mosaic.x0, y0: mosaic.y0, width: mosaic.width, height: mosaic.height, header: mosaic.header },
    };
  }
}

/** The build's PNG preview: gray, gaussian-log stretch, −1σ … max (mViewer's defaults for a mosaic). */
async function renderPng(mosaic: string, png: string): Promise<string> {
  const { view } = await import('../stages/view.js');
  await view({ gray: { file: mosaic, stretch: 'gaussian-log', min: '-1s', max: 'max' }, output: png });
  return png;
}

interface WrittenMosaic {
  x0: number;
  y0: number;
  width: number;
  height: number;
  header: Header;
  output: string;
  uncorrected?: string;
}

/**
 * The default in-memory cache budget: 384 MiB, or an eighth of the machine's memory if less.
 * Above it the projections go to scratch files, so peak memory stays flat in the number of
 * images (an M17-size set, ~0.8 GB of projections, is cached on disk).
 */
export function defaultMemoryCache(): number {
  return Math.min(384 * 2 ** 20, totalmem() / 8);
}

/**
 * Estimated bytes of all projected images (value + area, Float64): each image's bounding box
 * on the template grid, from its four corners in the image table (J2000 equatorial, as
 * mImgtbl gives them) mapped through the template's WCS, plus 10 %. Infinite (so: the disk
 * cache) when a corner does not map.
 */
function projectedBytes(table: IpacTable, template: Header): number {
  let wcs: Wcs;
  try {
    wcs = Wcs.fromHeader(template);
  } catch {
    return Infinity;
  }
  const n = table.rows.length;
  const lon = new Float64Array(4 * n);
  const lat = new Float64Array(4 * n);
  table.rows.forEach((row, i) => {
    for (let k = 0; k < 4; k++) {
      lon[4 * i + k] = Number(row[`ra${k + 1}`]);
      lat[4 * i + k] = Number(row[`dec${k + 1}`]);
    }
  });
  const toTemplate = new FrameConversion({ system: 'fk5', equinox: 2000 }, wcs.frame);
  if (!toTemplate.identity) toTemplate.convertMany(lon, lat, lon, lat);
  const pix = wcs.skyToPixMany(lon, lat);
  let pixels = 0;
  for (let i = 0; i < n; i++) {
    const xs = pix.x.subarray(4 * i, 4 * i + 4);
    const ys = pix.y.subarray(4 * i, 4 * i + 4);
    pixels += (Math.max(...xs) - Math.min(...xs) + 1) * (Math.max(...ys) - Math.min(...ys) + 1);
  }
  return Number.isFinite(pixels) ? 1.1 * 16 * pixels : Infinity;
}

/** With MOSAIC_DEBUG_MEMORY set: one stderr line of memory in use and peak RSS so far, after a pass. */
export function logMemory(pass: string): void {
  if (!process.env.MOSAIC_DEBUG_MEMORY) return;
  const mib = (b: number) => (b / 2 ** 20).toFixed(0);
  const m = process.memoryUsage();
  const peak = process.resourceUsage().maxRSS * 1024;
  process.stderr.write(
    `${(performance.now() / 1000).toFixed(2)} s: memory after ${pass}: rss ${mib(m.rss)} MiB (peak ${mib(peak)}), heap ${mib(m.heapUsed)}, external ${mib(m.external)}, arrayBuffers ${mib(m.arrayBuffers)} MiB\n`,
  );
}

/**
 * diffs.tbl, fits.tbl and corrections.tbl in the work folder, with image ids translated to the
 * cntr of pimages.tbl (matched by file name) so Montage's mBgModel/mBgExec can read them.
 */
async function writeBackgroundTables(workdir: string, match: BackgroundMatch, images: readonly MatchImage[], pimages: IpacTable | undefined): Promise<void> {
  const cntrOf = new Map<string, number>();
  for (const row of pimages?.rows ?? []) cntrOf.set(String(row.fname).split('/').pop()!, Number(row.cntr));
  const nameOf = new Map(images.map((im) => [im.id, im.name]));
  const id = (imageId: number) => cntrOf.get(nameOf.get(imageId) ?? '') ?? imageId;
  const pairs = match.pairs.filter((p) => p.status !== 'nooverlap').map((p) => ({ cntr1: id(p.plus.id), cntr2: id(p.minus.id), plus: p.plus.name, minus: p.minus.name, diff: diffFileName(p.plus.id, p.minus.id) }));
  await writeIpacTable(join(workdir, 'diffs.tbl'), diffsTable(pairs), 'build');
  await writeIpacTable(join(workdir, 'fits.tbl'), fitsTable(match.fits, id), 'build');
  await writeIpacTable(join(workdir, 'corrections.tbl'), correctionsTable(match.corrections, id), 'build');
}

function mapValues<T extends Record<string, string>>(o: T, f: (v: string) => string): T {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)])) as T;
}

/** Projected image header (for callers writing their own files). */
export { projectedHeader };
