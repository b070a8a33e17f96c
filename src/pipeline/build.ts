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
import { mkdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { MosaicError, asMosaicError } from '../errors.js';
import type { Header } from '../fits/header.js';
import { createFitsWriter } from '../fits/write.js';
import { readTemplate, writeTemplate } from '../tables/template.js';
import type { IpacTable, IpacValue } from '../tables/ipac.js';
import { imgtbl, writeImageTable } from '../stages/imgtbl.js';
import { makeHeader } from '../stages/make-hdr.js';
import { Coadder, finishMosaic, type CombineMethod, type Mosaic } from '../stages/add.js';
import type { ProjectMethod } from '../stages/project.js';
import { projectedHeader, type ProjectedImage } from '../stages/types.js';
import { WorkerPool, mapOrdered, defaultThreads } from './pool.js';
import { silentProgress, type Progress } from './progress.js';
import type { ProjectTaskInput } from './tasks.js';

export interface BuildOptions {
  /** Folders, FITS files or `*`/`?` globs. */
  inputs: string[];
  /** Mosaic file; the area image goes to `<base>_area.fits`. */
  output: string;
  /** Template header (file path or Header); default: mMakeHdr over the inputs. */
  template?: string | Header;
  /** Background matching; default true. */
  bg?: boolean;
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
  /** Whether background matching was applied. */
  background: boolean;
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
  const workdir = opts.workdir ? resolve(opts.workdir) : undefined;
  const projDir = workdir ? join(workdir, 'projected') : undefined;
  if (projDir) await mkdir(projDir, { recursive: true }).catch((err) => Promise.reject(asMosaicError(err, { stage: 'build', file: projDir })));

  const { table, images, failures } = await collectImages(opts.inputs);
  for (const f of failures) warn(`skipped ${f}`);
  if (workdir) await writeImageTable(join(workdir, 'images.tbl'), table);

  let template: Header;
  if (typeof opts.template === 'string') template = await readTemplate(opts.template, 'build');
  else if (opts.template) template = opts.template;
  else template = (await makeHeader(table, { imageDir: opts.inputs.length === 1 ? opts.inputs[0] : '.' })).header;
  if (workdir) await writeTemplate(join(workdir, 'template.hdr'), template, 'build');

  const background = opts.bg !== false;
  if (background) {
    // TODO(bg): overlaps → diff+fit in memory → bgModel → corrections applied through
    // Coadder's `correction` hook, once src/stages/{overlaps,diff,fit-plane,bg-model}.ts land.
    warn('background matching is not available yet in build; coadding without it (use --no-bg to silence this)');
  }

  const coadder = new Coadder(template, { combine: opts.combine ?? 'mean' });
  const tasks: ProjectTaskInput[] = images.map((im) => ({
    file: im.path,
    hdu: im.hdu,
    template: template.cards,
    method: opts.method ?? 'exact',
    cntr: im.cntr,
    write: projDir ? mapValues(projectedFileName(im.fname, im.hdu), (n) => join(projDir, n)) : undefined,
  }));
  let failed = 0;
  let nooverlap = 0;
  const pool = new WorkerPool({ threads });
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
      const img: ProjectedImage = { x0: r.x0, y0: r.y0, width: r.width, height: r.height, value: r.value!, area: r.area!, cntr: r.cntr, source: r.file };
      coadder.accumulate(img);
    });
  } finally {
    progress.finish();
    await pool.close();
  }
  const used = images.length - failed - nooverlap;
  if (used === 0) {
    if (failed > 0) throw new MosaicError('E_RUN', `all ${failed} images failed to project`, { stage: 'build' });
    throw new MosaicError('E_NO_OVERLAP', 'no image overlaps the mosaic template', { stage: 'build' });
  }
  // pimages.tbl exactly as Montage makes it: mImgtbl over the projected folder.
  if (projDir) await writeImageTable(join(workdir!, 'pimages.tbl'), (await imgtbl(projDir)).table);

  progress.start('add', 1);
  const mosaic = finishMosaic(coadder, template, false);
  const output = resolve(opts.output);
  const areaOutput = areaFileName(output);
  writeMosaicPlane(output, mosaic.header, mosaic.width, mosaic.height, mosaic.value);
  writeMosaicPlane(areaOutput, mosaic.header, mosaic.width, mosaic.height, mosaic.area);
  progress.finish();

  let png: string | undefined;
  if (opts.png) {
    const { view } = await import('../stages/view.js');
    await view({ gray: { file: output, stretch: 'gaussian-log', min: '-1s', max: 'max' }, output: opts.png });
    png = opts.png;
  }
  return {
    count: images.length,
    used,
    failed,
    nooverlap,
    naxis1: mosaic.width,
    naxis2: mosaic.height,
    output,
    areaOutput,
    png,
    background: false,
    seconds: (performance.now() - t0) / 1000,
    mosaic: { x0: mosaic.x0, y0: mosaic.y0, width: mosaic.width, height: mosaic.height, header: mosaic.header },
  };
}

function mapValues<T extends Record<string, string>>(o: T, f: (v: string) => string): T {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)])) as T;
}

/** Projected image header (for callers writing their own files). */
export { projectedHeader };
