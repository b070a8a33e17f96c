/**
 * Coadd projected images from files one band of mosaic rows at a time (mAdd's mean, median
 * and count), streaming each finished band to the output and area files.
 *
 * Reference: Montage 6 `MontageLib/Add/montageAdd.c`, which also works row by row over the
 * projected files. Memory is O(band × template width + the images' rows in one band), not
 * O(mosaic): for each band only the rows of the images that overlap it are read
 * (`readImageRows`, or the caller's loader, e.g. the worker pool), accumulated in a
 * band-sized `Coadder` in the order given, finished, cropped to the output box and written.
 *
 * Bit-identity: a pixel's sums only ever see the images that cover it, in the order given,
 * with the same arithmetic as a whole-template `Coadder`, so the banded mosaic is the same,
 * byte for byte, as `finishMosaic` of a whole-template coadd (tested).
 */
import { rmSync } from 'node:fs';
import { MosaicError } from '../errors.js';
import type { Header } from '../fits/header.js';
import { readImageRows } from '../fits/read.js';
import { createFitsWriter, type FitsWriter } from '../fits/write.js';
import { Coadder, cropBand, mosaicBox, type AddOptions, type CombineMethod } from '../stages/add.js';
import { projectedHeader, type ProjectedImage } from '../stages/types.js';
import { silentProgress, type Progress } from './progress.js';

/** A projected image on disk (value and area files, plain FITS) and its place on the mosaic grid. */
export interface CoaddSource {
  /** Value file (mProject's `x.fits`). */
  value: string;
  /** Area file (mProject's `x_area.fits`). */
  area: string;
  /** 0-based mosaic column / row of the image's first pixel, and its size in pixels. */
  x0: number;
  y0: number;
  width: number;
  height: number;
  /** Image-table row, handed to the `correction` hook as the image's `cntr`. */
  cntr?: number;
}

/**
 * Reads, for each image, its rows inside the band of mosaic rows `rows = [first, end)` (0-based;
 * every image given overlaps it) and calls `onImage` with that placed crop, strictly in the
 * order of `images`.
 */
export type BandLoader = (
  images: readonly CoaddSource[],
  rows: [number, number],
  onImage: (img: ProjectedImage, i: number) => void,
) => Promise<void>;

/** Output files of {@link coaddInBands}. */
export interface BandedCoaddOutput {
  /** Mosaic value file (BITPIX −64). */
  value: string;
  /** Area file (BITPIX −64, 0 where nothing contributed). */
  area: string;
  /** Also write the coadd without `correction` (value only) here. */
  uncorrected?: string;
}

/** Options of {@link coaddInBands}. */
export interface BandedCoaddOptions {
  /** Default `mean`. */
  combine?: CombineMethod;
  /** Background plane per image (called with the crop, whose `cntr` is the source's). */
  correction?: AddOptions['correction'];
  /** mAdd -e: keep the template's size. Default false (shrink to the images' union). */
  exactSize?: boolean;
  /** Template pixels per band; default {@link BAND_PIXELS}. Results do not depend on it. */
  bandPixels?: number;
  /** How crops are read; default {@link readRowsInOrder} (one file after the other, in this thread). */
  load?: BandLoader;
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

/** The default {@link BandLoader}: `readImageRows` of the value and area files, one image after the other. */
export const readRowsInOrder: BandLoader = async (images, rows, onImage) => {
  for (const [i, img] of images.entries()) {
    const ya = Math.max(rows[0], img.y0);
    const band = { y0: ya - img.y0, rows: Math.min(rows[1], img.y0 + img.height) - ya };
    const value = await readImageRows(img.value, band);
    const area = await readImageRows(img.area, band);
    onImage({ x0: img.x0, y0: ya, width: img.width, height: band.rows, value: value.data, area: area.data, source: img.value }, i);
  }
};

/**
 * Coadd `images` (in this order) onto the template and write the mosaic and its area, band by
 * band. The output box is mAdd's shrink to the images' union (`mosaicBox`) unless `exactSize`.
 * @throws MosaicError E_NO_INPUT when `images` is empty; the loader's and the writers' errors
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
  const load = opts.load ?? readRowsInOrder;
  const progress = opts.progress ?? silentProgress;
  const box = mosaicBox(template, images, opts.exactSize ?? false);
  const bandRows = Math.max(1, Math.floor((opts.bandPixels ?? BAND_PIXELS) / Math.max(1, W)));
  const writers = new MosaicWriters(template, box, output);
  progress.start('add', box.height);
  try {
    for (let ya = box.y0; ya < box.y0 + box.height; ya += bandRows) {
      const yb = Math.min(ya + bandRows, box.y0 + box.height);
      // The sums cover only template rows (a box reaching past the template gets NaN rows there).
      const rows: [number, number] = [Math.min(Math.max(ya, 0), H), Math.max(Math.min(yb, H), 0)];
      if (rows[1] < rows[0]) rows[1] = rows[0];
      const sums = new Coadder(template, { combine, rows, correction: opts.correction });
      const plainSums = output.uncorrected ? new Coadder(template, { combine, rows }) : undefined;
      const here = images.filter((c) => c.y0 < rows[1] && c.y0 + c.height > rows[0]);
      await load(here, rows, (img, i) => {
        const placed = { ...img, cntr: here[i].cntr };
        sums.accumulate(placed);
        plainSums?.accumulate(placed);
      });
      writers.write([ya, yb], sums, plainSums);
      progress.update(yb - box.y0);
    }
    writers.close();
  } catch (err) {
    writers.abort();
    throw err;
  } finally {
    progress.finish();
  }
  return { ...box, header: writers.header, images: images.length };
}

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
        this.writers.push(createFitsWriter(path, this.header, shape, { bitpix: -64 }));
    } catch (err) {
      this.abort();
      throw err;
    }
  }
  /** Append output rows [first, end) from the finished Coadders (full template width, their own rows). */
  write(rows: [number, number], sums: Coadder, plainSums?: Coadder): void {
    const band = { ...this.box, y0: rows[0], height: rows[1] - rows[0] };
    const { value, area } = sums.finish();
    this.writers[0].writeRows(cropBand(value, sums.width, sums.rowStart, band));
    this.writers[1].writeRows(cropBand(area, sums.width, sums.rowStart, band).map((a) => (Number.isNaN(a) ? 0 : a)));
    if (plainSums && this.writers[2]) this.writers[2].writeRows(cropBand(plainSums.finish().value, sums.width, sums.rowStart, band));
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
