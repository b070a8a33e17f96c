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
 * Without background matching (`bg: false`) projected images stream from the pool into the
 * coadd and are dropped once added: memory is the mosaic's sums plus a window of 2 × threads
 * projected images.
 *
 * With background matching (the default) the corrections need every overlap before the
 * first image can be coadded, so the run has two passes over the projected images:
 * 1. project every image (pool) and cache it on disk as mProject's BITPIX −64 pair, in
 *    `workdir/projected/` or else a private temporary folder removed at the end; the main
 *    thread keeps only placements;
 * 2. pairs = boxes sharing a pixel of mDiff's grid; each pair's difference and plane fit run
 *    in the pool, reading only the rows the two images share (background.ts); bgModel solves
 *    for all corrections from the fits (a few hundred bytes each);
 * 3. read the cached images back (pool, in order) and coadd them with their planes subtracted.
 * Trade-off: re-projecting in pass 3 instead of caching would avoid the temporary disk space
 * (16 bytes per projected pixel, what Montage's projected folder takes too) but doubles the
 * dominant cost — exact projection is ~1–2 s per 2MASS frame per core, reading a cached
 * frame back ~20 ms — so on 2 cores caching is the faster choice at the same peak memory.
 * Keeping the projected images in memory instead would grow with the number of images;
 * keeping only overlap strips needs every placement before projecting. Peak memory here is
 * the coadd sums (16 bytes per mosaic pixel) plus 2 × threads projected images plus, per
 * diff task, the shared rows of two images.
 *
 * With `workdir`, every intermediate is also written under Montage's names so Montage tools
 * can read them: images.tbl, template.hdr, projected/hdu0_<file>.fits + _area.fits,
 * pimages.tbl, diffs.tbl, diffs/diff.*.fits, fits.tbl, corrections.tbl (ids are pimages.tbl's
 * cntr) and corrected/ (mBgExec's output, same names as projected/).
 */
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MosaicError, asMosaicError } from '../errors.js';
import type { Header } from '../fits/header.js';
import { createFitsWriter, type FitsWriter } from '../fits/write.js';
import { readTemplate, writeTemplate } from '../tables/template.js';
import { writeIpacTable, type IpacTable, type IpacValue } from '../tables/ipac.js';
import { imgtbl, writeImageTable } from '../stages/imgtbl.js';
import { makeHeader } from '../stages/make-hdr.js';
import { Coadder, cropBand, finishMosaic, mosaicBox, type CombineMethod, type Mosaic } from '../stages/add.js';
import type { ProjectMethod } from '../stages/project.js';
import { diffFileName, diffsTable } from '../stages/overlaps.js';
import type { Correction } from '../stages/bg-model.js';
import { projectedHeader, type ProjectedImage } from '../stages/types.js';
import { WorkerPool, mapOrdered, defaultThreads } from './pool.js';
import { silentProgress, type Progress } from './progress.js';
import { correctionsTable, fitsTable, matchBackgrounds, type BackgroundMatch, type MatchImage } from './background.js';
import type { LoadTaskInput, MosaicGrid, ProjectTaskInput } from './tasks.js';

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
   * With background matching: also write the mosaic without the corrections here (value only;
   * one more coadd of the cached images, no re-projection). For comparisons such as `mosaic demo`.
   */
  uncorrectedOutput?: string;
  /** Write a PNG preview (gray, gaussian-log stretch, −1σ … max). */
  png?: string;
  /** Keep every intermediate here under Montage's names. */
  workdir?: string;
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

/** `x.fits` → `x_area.fits` (Montage's naming; a name without .fits/.fit gets the suffix appended). */
export function areaFileName(path: string): string {
  const m = /\.(fits?|FITS?)$/.exec(path);
  return m ? `${path.slice(0, m.index)}_area${m[0]}` : `${path}_area.fits`;
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
}

/** Run imgtbl over each input and merge the rows (cntr renumbered, paths resolved). */
export async function collectImages(inputs: string[]): Promise<{ table: IpacTable; images: ImageEntry[]; failures: string[] }> {
  let table: IpacTable | undefined;
  const images: ImageEntry[] = [];
  const failures: string[] = [];
  for (const input of inputs) {
    const isDir = !/[*?]/.test(input) && (await stat(input).catch(() => undefined))?.isDirectory();
    const r = await imgtbl(input);
    for (const f of r.failures) failures.push(`${f.file}: ${f.error}`);
    if (!table) table = { ...r.table, rows: [] };
    for (const row of r.rows) {
      const fname = String(row.fname);
      const cntr = images.length;
      images.push({ cntr, fname, path: isDir ? join(input, fname) : fname, hdu: Number(row.hdu ?? 0) });
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

  const { table, images, failures } = await collectImages(opts.inputs);
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

  // With background matching or a median, pass 1 caches the projected images on disk (the
  // work folder, or a private temporary folder removed at the end); see the header comment.
  const combine = opts.combine ?? 'mean';
  const useCache = background || combine === 'median';
  const cacheDir = useCache ? (projDir ?? (await mkdtemp(join(tmpdir(), 'mosaic-build-')))) : projDir;
  const pool = new WorkerPool({ threads });
  let failed = 0;
  let nooverlap = 0;
  let match: BackgroundMatch | undefined;
  const cached: MatchImage[] = [];
  try {
    const streamed = useCache ? undefined : new Coadder(template, { combine });
    const tasks: ProjectTaskInput[] = images.map((im) => ({
      file: im.path,
      hdu: im.hdu,
      template: template.cards,
      method: opts.method ?? 'exact',
      cntr: im.cntr,
      write: cacheDir ? mapValues(projectedFileName(im.fname, im.hdu), (n) => join(cacheDir, n)) : undefined,
      returnPixels: !useCache,
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
        if (streamed) {
          streamed.accumulate({ x0: r.x0, y0: r.y0, width: r.width, height: r.height, value: r.value!, area: r.area!, cntr: r.cntr, source: r.file });
          return;
        }
        const files = tasks[i].write!;
        cached.push({ id: images[i].cntr, name: projectedFileName(images[i].fname, images[i].hdu).value, value: files.value, area: files.area, x0: r.x0, y0: r.y0, width: r.width, height: r.height });
      });
    } finally {
      progress.finish();
    }
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
    if (streamed) return await report(writeWhole(streamed, undefined, output, undefined), used);

    let planes: Map<number, Correction> | undefined;
    let corrDir: string | undefined;
    if (background) {
      const diffDir = workdir ? join(workdir, 'diffs') : undefined;
      corrDir = workdir ? join(workdir, 'corrected') : undefined;
      if (diffDir) await mkdirs(diffDir);
      if (corrDir) await mkdirs(corrDir);
      match = await matchBackgrounds(pool, cached, grid, { levelOnly: opts.levelOnly, diffDir, template: template.cards, progress });
      for (const p of match.pairs) if (p.status === 'failed') warn(`no plane fit for ${p.plus.name} − ${p.minus.name}: ${p.message}`);
      if (workdir) await writeBackgroundTables(workdir, match, cached, pimages);
      planes = new Map(match.corrections.map((c) => [c.id, c]));
    }
    const correction = planes ? (img: { cntr?: number }) => planes!.get(img.cntr!) : undefined;
    const corrects = (c: MatchImage): LoadTaskInput['correct'] =>
      corrDir && planes ? { plane: planes.get(c.id)!, grid, template: template.cards, write: { value: join(corrDir, c.name), area: join(corrDir, areaFileName(c.name)) } } : undefined;
    const loadAll = async (loads: LoadTaskInput[], onImage: (img: ProjectedImage, i: number) => void) =>
      mapOrdered(pool, 'load', loads, (i, outcome) => {
        if (!outcome.ok) throw outcome.error;
        onImage(outcome.value, i);
      });

    if (combine === 'median') {
      if (corrDir) await loadAll(cached.map((c) => ({ file: c.value, image: c, correct: corrects(c), returnPixels: false })), () => undefined);
      const box = mosaicBox(template, cached, false);
      const bandRows = Math.max(1, Math.floor(MEDIAN_BAND_PIXELS / grid.naxis1));
      const writers = new MosaicWriters(template, box, output, uncorrected);
      progress.start('add', box.height);
      try {
        for (let ya = box.y0; ya < box.y0 + box.height; ya += bandRows) {
          const rows: [number, number] = [ya, Math.min(ya + bandRows, box.y0 + box.height)];
          const here = cached.filter((c) => c.y0 < rows[1] && c.y0 + c.height > rows[0]);
          const sums = new Coadder(template, { combine, rows, correction });
          const plainSums = uncorrected ? new Coadder(template, { combine, rows }) : undefined;
          await loadAll(
            here.map((c) => ({ file: c.value, image: c, rows })),
            (img, i) => {
              const placed = { ...img, cntr: here[i].id };
              sums.accumulate(placed);
              plainSums?.accumulate(placed);
            },
          );
          writers.write(sums, plainSums);
          progress.update(rows[1] - box.y0);
        }
        writers.close();
      } catch (err) {
        writers.abort();
        throw err;
      } finally {
        progress.finish();
      }
      return await report({ ...box, header: writers.header, output, uncorrected }, used);
    }

    const sums = new Coadder(template, { combine, correction });
    const plainSums = uncorrected ? new Coadder(template, { combine }) : undefined;
    progress.start('add', cached.length);
    try {
      await loadAll(
        cached.map((c) => ({ file: c.value, image: c, correct: corrects(c) })),
        (img, i) => {
          progress.update(i + 1);
          const placed = { ...img, cntr: cached[i].id };
          sums.accumulate(placed);
          plainSums?.accumulate(placed);
        },
      );
    } finally {
      progress.finish();
    }
    return await report(writeWhole(sums, plainSums, output, uncorrected), used);
  } finally {
    await pool.close();
    if (useCache && !projDir && cacheDir) await rm(cacheDir, { recursive: true, force: true });
  }

  /** Finish whole-template sums (mAdd's shrink) and write the mosaic, its area and the uncorrected mosaic. */
  function writeWhole(sums: Coadder, plainSums: Coadder | undefined, output: string, uncorrected: string | undefined): WrittenMosaic {
    const mosaic = finishMosaic(sums, template, false);
    writeMosaicPlane(output, mosaic.header, mosaic.width, mosaic.height, mosaic.value);
    writeMosaicPlane(areaFileName(output), mosaic.header, mosaic.width, mosaic.height, mosaic.area);
    if (plainSums && uncorrected) {
      const m = finishMosaic(plainSums, template, false);
      writeMosaicPlane(uncorrected, m.header, m.width, m.height, m.value);
    }
    return { x0: mosaic.x0, y0: mosaic.y0, width: mosaic.width, height: mosaic.height, header: mosaic.header, output, uncorrected };
  }

  async function report(mosaic: WrittenMosaic, used: number): Promise<BuildResult> {
    let png: string | undefined;
    if (opts.png) {
      const { view } = await import('../stages/view.js');
      await view({ gray: { file: mosaic.output, stretch: 'gaussian-log', min: '-1s', max: 'max' }, output: opts.png });
      png = opts.png;
    }
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

/** Mosaic pixels per row band of the median coadd (bounds its memory: the band's sums plus the images' rows in it). */
const MEDIAN_BAND_PIXELS = 1 << 20;

interface WrittenMosaic {
  x0: number;
  y0: number;
  width: number;
  height: number;
  header: Header;
  output: string;
  uncorrected?: string;
}

/** The streaming writers of a banded coadd: value, area and (optionally) the uncorrected value, cropped to `box`. */
class MosaicWriters {
  readonly header: Header;
  private readonly writers: FitsWriter[];
  constructor(
    template: Header,
    private readonly box: { x0: number; y0: number; width: number; height: number },
    output: string,
    uncorrected?: string,
  ) {
    this.header = projectedHeader(template, box);
    const shape = [box.width, box.height];
    this.writers = [];
    try {
      for (const path of [output, areaFileName(output), ...(uncorrected ? [uncorrected] : [])])
        this.writers.push(createFitsWriter(path, this.header, shape, { bitpix: -64 }));
    } catch (err) {
      this.abort();
      throw err;
    }
  }
  /** Append one finished band (the Coadders' rows, full template width). */
  write(sums: Coadder, plainSums?: Coadder): void {
    const band = { ...this.box, y0: sums.rowStart, height: sums.rowEnd - sums.rowStart };
    const { value, area } = sums.finish();
    this.writers[0].writeRows(cropBand(value, sums.width, sums.rowStart, band));
    this.writers[1].writeRows(cropBand(area, sums.width, sums.rowStart, band).map((a) => (Number.isNaN(a) ? 0 : a)));
    if (plainSums && this.writers[2]) this.writers[2].writeRows(cropBand(plainSums.finish().value, sums.width, sums.rowStart, band));
  }
  close(): void {
    for (const w of this.writers) w.close();
  }
  abort(): void {
    for (const w of this.writers) w.abort();
  }
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
