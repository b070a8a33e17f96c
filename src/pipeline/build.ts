/**
 * build: the whole Montage chain in one run —
 * imgtbl → makehdr (unless a template is given) → project (worker pool) →
 * [background matching] → add → OUT.fits + OUT_area.fits [→ PNG].
 *
 * Reference: the Montage tutorial pipeline (mImgtbl, mMakeHdr, mProjExec, mOverlaps,
 * mDiffExec, mFitExec, mBgModel, mBgExec, mAdd), with the files between stages kept in
 * memory. Projected images stream from the pool into the coadd in image-table order (so
 * results are bit-identical whatever the thread count) and are dropped once added: memory
 * is the mosaic's sums plus a bounded window of projected images, not all of them.
 *
 * With `workdir`, every intermediate is also written under Montage's names so Montage tools
 * can read them: images.tbl, template.hdr, projected/hdu0_<file>.fits + _area.fits,
 * pimages.tbl (and, once background matching runs here, diffs.tbl, fits.tbl, corrections.tbl).
 */
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MosaicError, asMosaicError } from '../errors.js';
import type { Header } from '../fits/header.js';
import { createFitsWriter } from '../fits/write.js';
import { readTemplate, writeTemplate } from '../tables/template.js';
import { writeIpacTable, type IpacTable, type IpacValue } from '../tables/ipac.js';
import { imgtbl, writeImageTable } from '../stages/imgtbl.js';
import { makeHeader } from '../stages/make-hdr.js';
import { Coadder, finishMosaic, type CombineMethod, type Mosaic } from '../stages/add.js';
import type { ProjectMethod } from '../stages/project.js';
import { diffFileName, diffsTable } from '../stages/overlaps.js';
import type { Correction } from '../stages/bg-model.js';
import { projectedHeader } from '../stages/types.js';
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

  // With background matching, pass 1 caches the projected images on disk (the work folder,
  // or a private temporary folder removed at the end); see the header comment.
  const cacheDir = background ? (projDir ?? (await mkdtemp(join(tmpdir(), 'mosaic-build-')))) : projDir;
  const coadder = new Coadder(template, { combine: opts.combine ?? 'mean' });
  const pool = new WorkerPool({ threads });
  let failed = 0;
  let nooverlap = 0;
  let match: BackgroundMatch | undefined;
  let plain: Coadder | undefined;
  const cached: MatchImage[] = [];
  try {
    const tasks: ProjectTaskInput[] = images.map((im) => ({
      file: im.path,
      hdu: im.hdu,
      template: template.cards,
      method: opts.method ?? 'exact',
      cntr: im.cntr,
      write: cacheDir ? mapValues(projectedFileName(im.fname, im.hdu), (n) => join(cacheDir, n)) : undefined,
      returnPixels: !background,
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
        if (background) {
          const files = tasks[i].write!;
          cached.push({ id: images[i].cntr, name: projectedFileName(images[i].fname, images[i].hdu).value, value: files.value, area: files.area, x0: r.x0, y0: r.y0, width: r.width, height: r.height });
          return;
        }
        coadder.accumulate({ x0: r.x0, y0: r.y0, width: r.width, height: r.height, value: r.value!, area: r.area!, cntr: r.cntr, source: r.file });
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

    if (background) {
      const diffDir = workdir ? join(workdir, 'diffs') : undefined;
      const corrDir = workdir ? join(workdir, 'corrected') : undefined;
      if (diffDir) await mkdirs(diffDir);
      if (corrDir) await mkdirs(corrDir);
      match = await matchBackgrounds(pool, cached, grid, { levelOnly: opts.levelOnly, diffDir, template: template.cards, progress });
      for (const p of match.pairs) if (p.status === 'failed') warn(`no plane fit for ${p.plus.name} − ${p.minus.name}: ${p.message}`);
      if (workdir) await writeBackgroundTables(workdir, match, cached, pimages);
      const planes = new Map(match.corrections.map((c) => [c.id, c]));
      const corrected = new Coadder(template, { combine: opts.combine ?? 'mean', correction: (img) => planes.get(img.cntr!) });
      if (opts.uncorrectedOutput) plain = coadder;
      const loads: LoadTaskInput[] = cached.map((c) => ({
        file: c.value,
        image: c,
        correct: corrDir ? { plane: planes.get(c.id)!, grid, template: template.cards, write: { value: join(corrDir, c.name), area: join(corrDir, areaFileName(c.name)) } } : undefined,
      }));
      progress.start('add', loads.length);
      try {
        await mapOrdered(pool, 'load', loads, (i, outcome) => {
          progress.update(i + 1);
          if (!outcome.ok) throw outcome.error;
          const img = { ...outcome.value, cntr: cached[i].id };
          corrected.accumulate(img);
          plain?.accumulate(img);
        });
      } finally {
        progress.finish();
      }
      return await finish(corrected, used);
    }
    return await finish(coadder, used);
  } finally {
    await pool.close();
    if (background && !projDir && cacheDir) await rm(cacheDir, { recursive: true, force: true });
  }

  async function finish(sums: Coadder, used: number): Promise<BuildResult> {
    progress.start('write', 1);
    const mosaic = finishMosaic(sums, template, false);
    const output = resolve(opts.output);
    const areaOutput = areaFileName(output);
    writeMosaicPlane(output, mosaic.header, mosaic.width, mosaic.height, mosaic.value);
    writeMosaicPlane(areaOutput, mosaic.header, mosaic.width, mosaic.height, mosaic.area);
    let uncorrectedOutput: string | undefined;
    if (plain && opts.uncorrectedOutput) {
      uncorrectedOutput = resolve(opts.uncorrectedOutput);
      const m = finishMosaic(plain, template, false);
      writeMosaicPlane(uncorrectedOutput, m.header, m.width, m.height, m.value);
    }
    progress.finish();

    let png: string | undefined;
    if (opts.png) {
      const { view } = await import('../stages/view.js');
      await view({ gray: { file: output, stretch: 'gaussian-log', min: '-1s', max: 'max' }, output: opts.png });
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
      output,
      areaOutput,
      uncorrectedOutput,
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
