/**
 * Coadd projected images from files one band of mosaic rows at a time (mAdd's mean, median
 * and count), streaming each finished band to the output and area files.
 *
 * Reference: Montage 6 `MontageLib/Add/montageAdd.c`, which also works row by row over the
 * projected files. Memory is O(band × template width + the images' rows in one band), not
 * O(mosaic): each band is a self-contained job (`coaddBand`) that reads only the rows of the
 * images overlapping it, accumulates them in a band-sized `Coadder` in the order given,
 * finishes, crops to the output box, encodes the rows and writes them at their place in the
 * output files (positional writes into the writers' temporary files). The jobs run in this
 * thread or across the worker pool (`run`), so the bands are computed and written in
 * parallel; this thread only creates, counts and moves the files into place.
 *
 * Bit-identity: a pixel's sums only ever see the images that cover it, in the order given,
 * with the same arithmetic as a whole-template `Coadder`, so the banded mosaic is the same,
 * byte for byte, as `finishMosaic` of a whole-template coadd (tested).
 */
import { rmSync } from 'node:fs';
import { endianness } from 'node:os';
import { MosaicError } from '../errors.js';
import { Header, type Card } from '../fits/header.js';
import { createFitsWriter, writeRowsAt, type FitsRowRegion, type FitsWriter } from '../fits/write.js';
import { Coadder, ensureScratch, mosaicBox, type AddOptions, type BackgroundPlane, type CoadderScratch, type CombineMethod } from '../stages/add.js';
import { projectedHeader, type ProjectedImage } from '../stages/types.js';
import { silentProgress, type Progress } from './progress.js';
import { readCachedRows, type CachedPlanes } from './cache.js';

/** A projected image (its FITS pair) and its place on the mosaic grid. */
export interface CoaddSource extends CachedPlanes {
  /** Image-table row, handed to the `correction` hook as the image's `cntr`. */
  cntr?: number;
}

/** Output files of {@link coaddInBands}. */
export interface BandedCoaddOutput {
  /** Mosaic value file (BITPIX −64). */
  value: string;
  /** Area file (BITPIX −64, 0 where nothing contributed). */
  area: string;
  /** Also write the coadd without `correction` (value only) here. */
  uncorrected?: string;
}

/** One band of a banded coadd, self-contained (plain data) so any pool thread can run it. */
export interface BandJob {
  /** Template cards (`header.cards`). */
  template: Card[];
  /** Template rows [first, end) accumulated (0-based; clipped to the template). */
  rows: [number, number];
  /** The output pixels this band fills: the output box's columns, its rows in this band. */
  band: { x0: number; y0: number; width: number; height: number };
  /** The images overlapping `rows`, in coadd order. */
  images: CoaddSource[];
  /** Plane subtracted from each image (same index as `images`; null: none). */
  planes?: Array<BackgroundPlane | null>;
  combine: CombineMethod;
  /** Also write the value without the planes (to `targets.plain`). */
  uncorrected?: boolean;
  /** Where the finished rows go: output row `row` (= `band.y0` − the box's y0) of the writers' files. */
  targets: { row: number; value: FitsRowRegion; area: FitsRowRegion; plain?: FitsRowRegion };
}

/** A band written to the output files: how many rows. */
export interface WrittenBand {
  rows: number;
}

/** Runs the band jobs (in any order, on any threads) and hands each result to `onBand` in job order. */
export type BandRunner = (jobs: readonly BandJob[], onBand: (band: WrittenBand, i: number) => void) => Promise<void>;

/** Options of {@link coaddInBands}. */
export interface BandedCoaddOptions {
  /** Default `mean`. */
  combine?: CombineMethod;
  /** Background plane per image (called with the source's placement and `cntr`). */
  correction?: AddOptions['correction'];
  /** mAdd -e: keep the template's size. Default false (shrink to the images' union). */
  exactSize?: boolean;
  /** Template pixels per band; default {@link BAND_PIXELS}. Results do not depend on it. */
  bandPixels?: number;
  /** How bands are computed; default {@link runBandsInThread} (one after the other, in this thread). */
  run?: BandRunner;
  /** Reports mosaic rows done under the stage name `add`. */
  progress?: Progress;
}

/** The written mosaic: its box on the template grid and header. */
export interface BandedCoaddResult {
  x0: number;
  y0: number;
  width: number;
  height: number;
  /** Template with NAXISn/CRPIXn of the box (the header of every file written). */
  header: Header;
  /** Images coadded (every source given). */
  images: number;
}

/**
 * Template pixels per band (2²¹: 16 MiB per Float64 band array; ~350 rows of a 6000-pixel-wide
 * mosaic). Larger bands only cut per-band file opens; memory grows with them.
 */
export const BAND_PIXELS = 1 << 21;

/** The rows of `img` inside the band of template rows `rows` (possibly none). */
async function readBandRows(img: CoaddSource, rows: [number, number]): Promise<ProjectedImage> {
  const ya = Math.max(rows[0], img.y0);
  const n = Math.max(0, Math.min(rows[1], img.y0 + img.height) - ya);
  return { ...(await readCachedRows(img, ya, n)), source: img.value, cntr: img.cntr };
}

/**
 * Compute one band: read the rows of its images, accumulate them in order (planes
 * subtracted), finish and encode. Pure but for the reads of the projected files.
 */
export async function coaddBand(job: BandJob): Promise<WrittenBand> {
  const template = new Header(job.template);
  const planes = job.planes;
  const correction = planes ? (img: ProjectedImage) => planes[img.cntr!] ?? undefined : undefined;
  const n = (template.int('NAXIS1') ?? 0) * (job.rows[1] - job.rows[0]);
  sumsScratch = ensureScratch(sumsScratch, n);
  const sums = new Coadder(template, { combine: job.combine, rows: job.rows, correction, scratch: sumsScratch });
  if (job.uncorrected) plainScratch = ensureScratch(plainScratch, n);
  const plainSums = job.uncorrected ? new Coadder(template, { combine: job.combine, rows: job.rows, scratch: plainScratch }) : undefined;
  for (const [i, src] of job.images.entries()) {
    // `cntr` carries the index into `planes` here.
    const img = { ...(await readBandRows(src, job.rows)), cntr: i };
    sums.accumulate(img);
    plainSums?.accumulate(img);
  }
  // Positional writes from this thread, so the thread that owns the files only counts rows.
  const { value, area } = sums.finishBox(job.band);
  const t = job.targets;
  writeRowsAt(t.value, t.row, toBigEndian(value));
  writeRowsAt(t.area, t.row, toBigEndian(area));
  if (t.plain && plainSums) writeRowsAt(t.plain, t.row, toBigEndian(plainSums.finishBox(job.band, { area: false }).value));
  return { rows: job.band.height };
}

/** Band sums reused from one band to the next in this thread (see `CoadderOptions.scratch`). */
let sumsScratch: CoadderScratch | undefined;
let plainScratch: CoadderScratch | undefined;

/** The bytes of `a` as BITPIX −64 raw pixels, byte-swapped in place (`a` is consumed). */
function toBigEndian(a: Float64Array): Uint8Array {
  const bytes = Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  if (LITTLE_ENDIAN) bytes.swap64();
  return bytes;
}

const LITTLE_ENDIAN = endianness() === 'LE';

/** The default {@link BandRunner}: every band in this thread, one after the other. */
export const runBandsInThread: BandRunner = async (jobs, onBand) => {
  for (const [i, job] of jobs.entries()) onBand(await coaddBand(job), i);
};

/**
 * Coadd `images` (in this order) onto the template and write the mosaic and its area, band by
 * band. The output box is mAdd's shrink to the images' union (`mosaicBox`) unless `exactSize`.
 * @throws MosaicError E_NO_INPUT when `images` is empty; the reads' and the writers' errors
 *   (the output files are then removed).
 * @example await coaddInBands(template, sources, { value: 'm.fits', area: 'm_area.fits' }, { combine: 'mean' });
 */
export async function coaddInBands(
  template: Header,
  images: readonly CoaddSource[],
  output: BandedCoaddOutput,
  opts: BandedCoaddOptions = {},
): Promise<BandedCoaddResult> {
  if (images.length === 0) throw new MosaicError('E_NO_INPUT', 'no images to coadd', { stage: 'add' });
  const H = template.int('NAXIS2') ?? 0;
  const W = template.int('NAXIS1') ?? 0;
  const combine = opts.combine ?? 'mean';
  const run = opts.run ?? runBandsInThread;
  const progress = opts.progress ?? silentProgress;
  const box = mosaicBox(template, images, opts.exactSize ?? false);
  const bandRows = Math.max(1, Math.floor((opts.bandPixels ?? BAND_PIXELS) / Math.max(1, W)));
  const planes = opts.correction ? images.map((img) => opts.correction!({ ...img, value: EMPTY, area: EMPTY, source: img.value }) ?? null) : undefined;
  const writers = new MosaicWriters(template, box, output);
  const jobs: BandJob[] = [];
  for (let ya = box.y0; ya < box.y0 + box.height; ya += bandRows) {
    const yb = Math.min(ya + bandRows, box.y0 + box.height);
    // The sums cover only template rows (a box reaching past the template gets NaN rows there).
    const rows: [number, number] = [Math.min(Math.max(ya, 0), H), Math.max(Math.min(yb, H), 0)];
    if (rows[1] < rows[0]) rows[1] = rows[0];
    const here = [...images.keys()].filter((k) => images[k].y0 < rows[1] && images[k].y0 + images[k].height > rows[0]);
    jobs.push({
      template: template.cards,
      rows,
      band: { x0: box.x0, width: box.width, y0: ya, height: yb - ya },
      images: here.map((k) => images[k]),
      planes: planes && here.map((k) => planes[k]),
      combine,
      uncorrected: output.uncorrected !== undefined,
      targets: writers.targets(ya - box.y0),
    });
  }
  progress.start('add', box.height);
  try {
    await run(jobs, (band, i) => {
      writers.countRows(band.rows);
      progress.update(jobs[i].band.y0 + jobs[i].band.height - box.y0);
    });
    writers.close();
  } catch (err) {
    writers.abort();
    throw err;
  } finally {
    progress.finish();
  }
  return { ...box, header: writers.header, images: images.length };
}

const EMPTY = new Float64Array(0);

/** The streaming writers of a banded coadd: value, area and (optionally) the uncorrected value, cropped to `box`. */
class MosaicWriters {
  readonly header: Header;
  private readonly writers: FitsWriter[] = [];
  constructor(
    template: Header,
    private readonly box: { x0: number; y0: number; width: number; height: number },
    output: BandedCoaddOutput,
  ) {
    this.header = projectedHeader(template, box);
    const shape = [box.width, box.height];
    try {
      for (const path of [output.value, output.area, ...(output.uncorrected ? [output.uncorrected] : [])])
        // Atomic (temporary name, then rename) but not fsync'ed: a mosaic is a product to
        // recompute, not a record to protect from power loss, and the flush of ~0.6 GB took
        // about a second at M17 size.
        this.writers.push(createFitsWriter(path, this.header, shape, { bitpix: -64, durable: false }));
    } catch (err) {
      this.abort();
      throw err;
    }
  }
  /** Where a band starting at output row `row` writes its rows itself (see `BandJob.targets`). */
  targets(row: number): NonNullable<BandJob['targets']> {
    return { row, value: this.writers[0].region, area: this.writers[1].region, plain: this.writers[2]?.region };
  }

  /** Count `rows` written by a band job into every file. */
  countRows(rows: number): void {
    for (const w of this.writers) w.rowsWrittenElsewhere(rows);
  }
  /** Move every file into place; if one fails, none is left (a mosaic without its area is no output). */
  close(): void {
    const done: string[] = [];
    try {
      for (const w of this.writers) {
        w.close();
        done.push(w.path);
      }
    } catch (err) {
      for (const path of done) rmSync(path, { force: true });
      throw err;
    }
  }
  abort(): void {
    for (const w of this.writers) w.abort();
  }
}
