/**
 * build: the whole Montage chain in one run —
 * imgtbl → makehdr (unless a template is given) → [overlaps → diff + fit → bgModel] →
 * project + add (with corrections) → OUT.fits + OUT_area.fits [→ PNG].
 *
 * Reference: the Montage tutorial pipeline (mImgtbl, mMakeHdr, mProjExec, mOverlaps,
 * mDiffExec, mFitExec, mBgModel, mBgExec, mAdd). The passes after the image table run in
 * build-stream.ts, which keeps no projected image between them: the pair fits project only
 * the boxes two images share, and the coadd folds each image into a sliding window of mosaic
 * rows as the pool projects it (stream-coadd.ts). Results reach the window in a fixed order,
 * so the output is bit-identical whatever the thread count.
 *
 * With `workdir`, every intermediate is also written under Montage's names so Montage tools
 * can read them: images.tbl, template.hdr, projected/hdu0_<file>.fits + _area.fits,
 * pimages.tbl, diffs.tbl, diffs/diff.*.fits, fits.tbl, corrections.tbl (ids are pimages.tbl's
 * cntr) and corrected/ (mBgExec's output, same names as projected/). The mosaic is the same
 * bytes with and without it.
 * Set `MOSAIC_DEBUG_MEMORY=1` to log the time, memory in use and peak RSS after each pass.
 */
import { mkdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { MosaicError, asMosaicError } from '../errors.js';
import { areaFileName } from '../fits/area-pair.js';
import type { Header } from '../fits/header.js';
import { createFitsWriter } from '../fits/write.js';
import { readTemplate, writeTemplate } from '../tables/template.js';
import type { IpacTable, IpacValue } from '../tables/ipac.js';
import { imgtbl, writeImageTable } from '../stages/imgtbl.js';
import { makeHeader } from '../stages/make-hdr.js';
import type { CombineMethod, Mosaic } from '../stages/add.js';
import type { ProjectMethod } from '../stages/project.js';
import type { Correction } from '../stages/bg-model.js';
import { projectedHeader } from '../stages/types.js';
import { WorkerPool, defaultThreads } from './pool.js';
import { silentProgress, type Progress } from './progress.js';
import { buildStreaming, projectedFileName } from './build-stream.js';
import { logMemory } from './debug.js';

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
  /**
   * Background matching projects, differences and fits the overlaps on the mosaic grid binned
   * by this factor (the images binned, then projected flux-conserving onto pixels `fitBin`
   * times larger; the planes reported on the mosaic grid). Default 1 (Montage's fits). At 2
   * the pair fits take ~0.4 s instead of ~0.9 s at M17 size, but the corrected mosaic is
   * measurably further from the truth on simulated surveys (64×64 block-median p95 0.56 vs
   * 0.48 DN on `bench/background-vs-truth.test.ts`, where Montage gets 0.49): a preview
   * setting. Ignored (1) when the template has SIP terms.
   */
  fitBin?: number;
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
   * Ignored: build no longer keeps projected images between its passes (it was the budget for
   * keeping them in memory). Accepted so that existing callers keep working.
   * @deprecated
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


export { projectedFileName };

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
    // Blocking reads: this thread has nothing else to do meanwhile (the pool's threads start on their own).
    const r = await imgtbl(input, { headers: true, blocking: true });
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
  // The threads start while this one reads the headers and works out the footprints.
  const pool = new WorkerPool({ threads });
  pool.prestart();
  try {
    if (workdir) await mkdir(workdir, { recursive: true }).catch((err) => Promise.reject(asMosaicError(err, { stage: 'build', file: workdir })));
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
    const combine = opts.combine ?? 'mean';
    const output = resolve(opts.output);
    const uncorrected = opts.uncorrectedOutput && background ? resolve(opts.uncorrectedOutput) : undefined;
    refuseInputsAsOutputs(images, [output, areaFileName(output), ...(uncorrected ? [uncorrected] : [])]);
    const r = await buildStreaming(pool, template, images, {
      output, uncorrected, background, levelOnly: opts.levelOnly, fitBin: opts.fitBin ?? 1, slopePrior: opts.slopePrior, sweeps: opts.bgSweeps,
      method: opts.method ?? 'exact', combine, progress, warn, workdir,
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

/**
 * An output that is also an input (a previous mosaic in an input folder, found again by its
 * image table) would be read as an image and then replaced: refused before any work.
 * @throws MosaicError E_ARGUMENT naming the output.
 */
function refuseInputsAsOutputs(images: readonly ImageEntry[], outputs: readonly string[]): void {
  const outs = new Set(outputs.map((p) => resolve(p)));
  const clash = images.find((im) => outs.has(resolve(im.path)));
  if (clash) {
    throw new MosaicError('E_ARGUMENT', 'is also one of the input images (a previous mosaic?): write the mosaic elsewhere, or move it out of the inputs', {
      stage: 'build',
      file: outputs.find((p) => resolve(p) === resolve(clash.path)),
    });
  }
}

/** The build's PNG preview: gray, gaussian-log stretch, −1σ … max (mViewer's defaults for a mosaic). */
async function renderPng(mosaic: string, png: string): Promise<string> {
  const { view } = await import('../stages/view.js');
  await view({ gray: { file: mosaic, stretch: 'gaussian-log', min: '-1s', max: 'max' }, output: png });
  return png;
}

/** Projected image header (for callers writing their own files). */
export { projectedHeader };
