/**
 * The build's coadd without a cache of projected images (mProjExec + mAdd in one pass): the
 * pool projects the images in the order of their first mosaic row, and each projection is
 * folded, as it arrives, into a sliding window of row bands, which is written out (value and
 * area, front to back) as soon as no later image can reach it.
 *
 * Why: keeping every projection between the passes cost more than projecting them — at M17
 * size 0.9 GB of scratch files or shared memory, and on this kind of virtual machine every
 * fresh page costs ~3 ms per MB of system time (see util/direct-write.ts). Here memory is
 * the window (about one image height of mosaic rows, `bandRows`-row `Coadder`s recycled as the
 * window slides) plus one slot per projection in flight (shared arrays the pool threads fill),
 * and the outputs bypass the page cache.
 *
 * The mosaic's box is the union of the images' footprints ({@link footprintBox}: from the
 * headers, so it is known before the first row is written), shrunk as mAdd shrinks to the
 * union of its inputs. It equals mAdd's box of the projected images unless an image has a
 * blank border on the mosaic's edge, where it keeps those blank (NaN, area 0) pixels.
 *
 * Bit-identity: a pixel's sums see the images that cover it in the order given here (by first
 * row, then image-table row) with `Coadder`'s arithmetic, whatever the thread count or band
 * height; `distributed/` coadds its files in the same order to the same bytes.
 *
 * Reference: Montage 6 `mAdd` (area-weighted mean, count), `mBgExec` (planes subtracted as in
 * `Coadder`'s correction hook).
 */
import { rmSync } from 'node:fs';
import { endianness } from 'node:os';
import { MosaicError } from '../errors.js';
import type { Header } from '../fits/header.js';
import { createFitsWriter, type FitsWriter } from '../fits/write.js';
import { stagingBuffers } from '../util/direct-write.js';
import { Coadder, ensureScratch, mosaicBox, type BackgroundPlane, type CoadderScratch, type CombineMethod } from '../stages/add.js';
import type { PixelBox, ProjectMethod } from '../stages/project.js';
import { projectedHeader } from '../stages/types.js';
import { mapOrdered, type Settled, type WorkerPool } from './pool.js';
import { silentProgress, type Progress } from './progress.js';
import type { ProjectTaskInput, ProjectTaskOutput } from './tasks.js';

/** One image to coadd: its file and where it lands (from the `footprint` task). */
export interface StreamSource {
  file: string;
  hdu?: number;
  /** Image-table row (handed to `planes`). */
  cntr: number;
  /** The pixels it can cover (stages/project.ts `footprintBox`). */
  footprint: PixelBox;
  /** The box `project` works in (sizes the shared slots). */
  work: PixelBox;
  /** Also write the projection here (mProject's BITPIX −64 pair), e.g. into a work folder. */
  write?: { value: string; area: string };
}

/** Options of {@link streamCoadd}. */
export interface StreamCoaddOptions {
  method?: ProjectMethod;
  /** Default `mean`. The median keeps copies of the images' rows in the window until their bands are written. */
  combine?: CombineMethod;
  /** The plane to subtract from image `cntr` (none when undefined). */
  plane?: (cntr: number) => BackgroundPlane | undefined;
  /** Also write the mosaic without the planes (value only) here. */
  uncorrected?: string;
  /** Mosaic rows per band of the window; default ~2²⁰ pixels' worth. Results do not depend on it. */
  bandRows?: number;
  progress?: Progress;
  /** Called for each image that failed to project (the run goes on). */
  onFailure?: (source: StreamSource, error: MosaicError) => void;
  /**
   * Fold nothing before this settles (e.g. the background solve that `plane` reads): the first
   * projections run meanwhile, as `low` pool tasks, in the tail of the work it waits for. A
   * rejection aborts the coadd (no file is left).
   */
  waitFor?: Promise<unknown>;
}

/** What {@link streamCoadd} wrote. */
export interface StreamCoaddResult {
  x0: number;
  y0: number;
  width: number;
  height: number;
  /** The header of both files (template with the box's NAXISn/CRPIXn). */
  header: Header;
  /** Images coadded, failed, and found to cover nothing. */
  used: number;
  failed: number;
  nooverlap: number;
  /** Each coadded image's crop on the mosaic grid, by cntr. */
  placements: Map<number, PixelBox>;
}

/** Template pixels per band by default (8 MiB per Float64 sum). */
const BAND_PIXELS = 1 << 20;

const LITTLE_ENDIAN = endianness() === 'LE';

/** Images in coadd order: by first footprint row, then image-table row. */
export function coaddOrder<T extends { cntr: number; footprint: PixelBox }>(sources: readonly T[]): T[] {
  return [...sources].sort((a, b) => a.footprint.y0 - b.footprint.y0 || a.cntr - b.cntr);
}

/** The mosaic's box for sources with these footprints (mAdd's shrink to their union). */
export function streamBox(template: Header, footprints: Iterable<PixelBox>): PixelBox {
  return mosaicBox(template, footprints);
}

/**
 * Project `sources` through `pool` and coadd them onto `template`, writing the mosaic to
 * `output.value` and its area to `output.area` (BITPIX −64, atomically).
 * @throws MosaicError E_NO_OVERLAP when no image covers anything, E_RUN when every image
 *   failed, and the writers' errors (no file is then left).
 * @example await streamCoadd(pool, template, sources, { value: 'm.fits', area: 'm_area.fits' });
 */
export async function streamCoadd(
  pool: WorkerPool,
  template: Header,
  sources: readonly StreamSource[],
  output: { value: string; area: string },
  opts: StreamCoaddOptions = {},
): Promise<StreamCoaddResult> {
  if (sources.length === 0) throw new MosaicError('E_NO_OVERLAP', 'no image overlaps the mosaic template', { stage: 'build' });
  const progress = opts.progress ?? silentProgress;
  const order = coaddOrder(sources);
  const box = streamBox(template, order.map((s) => s.footprint));
  const W = template.int('NAXIS1') ?? 0;
  const bandRows = Math.max(1, opts.bandRows ?? Math.floor(BAND_PIXELS / Math.max(1, W)));
  const header = projectedHeader(template, box);
  const combine = opts.combine ?? 'mean';
  // The window's arrays, made now and faulted in by the pool's threads side by side (behind
  // the first projections, below): first touches in this thread, which folds every image,
  // would hold up the pool (~0.4 s at M17 size here).
  const ring = combine === 'median' ? [] : bandRing(W * bandRows, windowBands(order, box, bandRows) * (opts.uncorrected ? 2 : 1));
  let faulted: Promise<unknown> = Promise.resolve();
  // The writers' staging buffers too (~50 MB): this thread would meet them with the first
  // bands. They are taken only once the first is full, after the faults (`faulted`).
  const staging = [output.value, output.area, ...(opts.uncorrected ? [opts.uncorrected] : [])].map(() => stagingBuffers());
  const window = new BandWindow(template, box, bandRows, combine, header, output, opts.uncorrected, opts.plane, ring, staging);

  // One shared slot per projection in flight: task i writes slot i mod n, which mapOrdered
  // reuses only after result i has been consumed.
  // Enough that the pool keeps busy while this thread folds and writes an image's rows (one
  // running and one waiting per thread); each slot is fresh memory (~10 MB at M17 size), which
  // costs its page faults (6 slots on 2 threads: no faster than 4, 21 MB more).
  const inFlight = Math.max(4, 2 * pool.threads);
  const slotPixels = Math.max(...order.map((s) => s.work.width * s.work.height));
  const slots = Array.from({ length: Math.min(inFlight, order.length) }, () => ({
    value: new Float64Array(new SharedArrayBuffer(8 * slotPixels)),
    area: new Float64Array(new SharedArrayBuffer(8 * slotPixels)),
  }));
  const inputs: ProjectTaskInput[] = order.map((s, i) => ({
    file: s.file,
    hdu: s.hdu,
    template: template.cards,
    method: opts.method ?? 'exact',
    cntr: s.cntr,
    returnPixels: false,
    write: s.write,
    workBox: s.work,
    into: slots[i % slots.length],
  }));
  const result: StreamCoaddResult = { ...box, header, used: 0, failed: 0, nooverlap: 0, placements: new Map() };
  let started = false;
  try {
    const coadding = mapOrdered(
      pool,
      'project',
      inputs,
      async (i, outcome: Settled<ProjectTaskOutput>) => {
        if (!started) {
          await opts.waitFor;
          await faulted;
          progress.start('project+add', order.length);
          started = true;
        }
        progress.update(i + 1);
        const source = order[i];
        // Rows above this footprint's first row get nothing from here on. One band at a time:
        // a burst of bands (the next image row of a survey starts several bands lower) would
        // outrun the asynchronous writes and hold this thread, and with it the pool's dispatch.
        window.flushBelow(source.footprint.y0, 1);
        if (!outcome.ok) {
          result.failed++;
          opts.onFailure?.(source, outcome.error);
          return;
        }
        const r = outcome.value;
        if (r.status === 'nooverlap') {
          result.nooverlap++;
          return;
        }
        const n = r.width * r.height;
        const value = r.inInto ? slots[i % slots.length].value.subarray(0, n) : r.value!;
        const area = r.inInto ? slots[i % slots.length].area.subarray(0, n) : r.area!;
        window.add({ x0: r.x0, y0: r.y0, width: r.width, height: r.height, value, area, cntr: source.cntr }, source.file);
        result.placements.set(source.cntr, { x0: r.x0, y0: r.y0, width: r.width, height: r.height });
        result.used++;
      },
      slots.length,
      { low: opts.waitFor !== undefined },
    );
    // Queued behind the first projections (nothing is folded before both are done): after a
    // pair phase those fill its tail, and the faults then fall in the background solve, when
    // the threads would otherwise wait.
    const used = window.directStaging().map((b) => new Float64Array(b.buffer));
    faulted = Promise.all([
      ...ring.map((s) => pool.run('prefault', { arrays: [s.sumVA, s.sumA] }, [], { low: opts.waitFor !== undefined })),
      ...(used.length > 0 ? [pool.run('prefault', { arrays: used }, [], { low: opts.waitFor !== undefined })] : []),
    ]);
    await coadding;
    if (result.used === 0) {
      if (result.failed > 0) throw new MosaicError('E_RUN', `all ${result.failed} images failed to project`, { stage: 'build' });
      throw new MosaicError('E_NO_OVERLAP', 'no image overlaps the mosaic template', { stage: 'build' });
    }
    window.flushBelow(Infinity);
    await window.close();
  } catch (err) {
    window.abort();
    // No prefault may still write to arrays the window is done with.
    await faulted.catch(() => undefined);
    throw err;
  } finally {
    if (started) progress.finish();
  }
  return result;
}

/**
 * Most bands {@link BandWindow} holds at once for `order` (coadd order): its policy — a band
 * made when an image first reaches it, one written before each image is folded once the
 * images still to come start below it — run on the footprints, which bound the crops.
 */
export function windowBands(order: ReadonlyArray<{ footprint: PixelBox }>, box: PixelBox, bandRows: number): number {
  const count = Math.ceil(box.height / bandRows);
  const end = (b: number) => Math.min(box.y0 + (b + 1) * bandRows, box.y0 + box.height);
  const live = new Set<number>();
  let next = 0;
  let most = 0;
  for (const { footprint: f } of order) {
    if (next < count && end(next) <= f.y0) live.delete(next++);
    const first = Math.max(next, Math.floor((f.y0 - box.y0) / bandRows));
    const last = Math.min(count - 1, Math.floor((f.y0 + f.height - 1 - box.y0) / bandRows));
    for (let b = first; b <= last; b++) live.add(b);
    most = Math.max(most, live.size);
  }
  return most;
}

/** `count` zeroed band sums of `n` pixels each, in shared memory (so that pool threads can fault them in). */
function bandRing(n: number, count: number): CoadderScratch[] {
  const shared = () => new Float64Array(new SharedArrayBuffer(8 * n));
  return Array.from({ length: count }, () => ({ sumVA: shared(), sumA: shared(), count: new Uint32Array(n), clean: true }));
}

/** A projected crop on the mosaic grid. */
interface Crop extends PixelBox {
  value: Float64Array;
  area: Float64Array;
  cntr: number;
}

/**
 * The sliding window: band `b` holds mosaic rows [box.y0 + b·bandRows, …) in a `Coadder` (one
 * more for the uncorrected sums), created when an image first reaches it and written, in band
 * order, once the images still to come start below it.
 */
class BandWindow {
  private readonly bands = new Map<number, { sums: Coadder; plain?: Coadder; scratch: CoadderScratch[] }>();
  private readonly free: CoadderScratch[] = [];
  private readonly writers: FitsWriter[] = [];
  private readonly count: number;
  /** The next band to write. */
  private next = 0;
  /** Reused output rows of one band (value, area), finished then encoded in place. */
  private readonly rows: { value: Float64Array; area: Float64Array };

  constructor(
    private readonly template: Header,
    private readonly box: PixelBox,
    private readonly bandRows: number,
    private readonly combine: CombineMethod,
    header: Header,
    output: { value: string; area: string },
    uncorrected: string | undefined,
    private readonly plane: ((cntr: number) => BackgroundPlane | undefined) | undefined,
    /** Band sums made beforehand (taken before any new ones are made). */
    ring: CoadderScratch[] = [],
    /** Each writer's staging buffers made beforehand (util/direct-write.ts), when there are. */
    private readonly staging: Array<Uint8Array[] | undefined> = [],
  ) {
    this.free.push(...ring);
    this.count = Math.ceil(box.height / bandRows);
    this.rows = { value: new Float64Array(box.width * bandRows), area: new Float64Array(box.width * bandRows) };
    const shape = [box.width, box.height];
    try {
      // Atomic but not fsync'ed (a mosaic is recomputed, not restored), appended front to back
      // past the page cache; a previous mosaic at the path goes now, in the background.
      for (const path of [output.value, output.area, ...(uncorrected ? [uncorrected] : [])])
        this.writers.push(createFitsWriter(path, header, shape, { bitpix: -64, durable: false, direct: true, staging: staging[this.writers.length], replaceEarly: true }));
    } catch (err) {
      this.abort();
      throw err;
    }
  }

  /** The staging buffers made beforehand that went to writers which use them (to fault in). */
  directStaging(): Uint8Array[] {
    return this.writers.flatMap((w, k) => (w.direct ? (this.staging[k] ?? []) : []));
  }

  /** Rows [first, end) of band `b` (template rows). */
  private rowsOf(b: number): [number, number] {
    const first = this.box.y0 + b * this.bandRows;
    return [first, Math.min(first + this.bandRows, this.box.y0 + this.box.height)];
  }

  private band(b: number) {
    let band = this.bands.get(b);
    if (!band) {
      const rows = this.rowsOf(b);
      const n = (this.template.int('NAXIS1') ?? 0) * this.bandRows;
      const take = () => ensureScratch(this.free.pop(), n);
      const scratch = [take()];
      const correction = this.plane ? (img: { cntr?: number }) => this.plane!(img.cntr!) : undefined;
      const sums = new Coadder(this.template, { combine: this.combine, rows, correction, scratch: scratch[0] });
      let plain: Coadder | undefined;
      if (this.writers.length > 2) {
        scratch.push(take());
        plain = new Coadder(this.template, { combine: this.combine, rows, scratch: scratch[1] });
      }
      band = { sums, plain, scratch };
      this.bands.set(b, band);
    }
    return band;
  }

  /** Fold one crop into every band it reaches. */
  add(crop: Crop, file: string): void {
    const first = Math.floor((crop.y0 - this.box.y0) / this.bandRows);
    const last = Math.floor((crop.y0 + crop.height - 1 - this.box.y0) / this.bandRows);
    if (crop.height > 0 && (first < this.next || crop.y0 < this.box.y0 || last >= this.count)) {
      // project's crops lie inside their footprints, which the window follows.
      throw new MosaicError('E_INTERNAL', `projected rows ${crop.y0}..${crop.y0 + crop.height - 1} fall outside the image's footprint`, { stage: 'build', file });
    }
    // The median keeps its inputs until the band is finished: copies, since the crop's slot
    // is reused for a later image.
    const rows = (a: Float64Array, y0: number, y1: number) => a.subarray((y0 - crop.y0) * crop.width, (y1 - crop.y0) * crop.width);
    const take = this.combine === 'median' ? (a: Float64Array, y0: number, y1: number) => rows(a, y0, y1).slice() : rows;
    for (let b = first; b <= last && crop.height > 0; b++) {
      const [ya, yb] = this.rowsOf(b);
      const y0 = Math.max(ya, crop.y0);
      const y1 = Math.min(yb, crop.y0 + crop.height);
      const part = { x0: crop.x0, y0, width: crop.width, height: y1 - y0, value: take(crop.value, y0, y1), area: take(crop.area, y0, y1), cntr: crop.cntr };
      const band = this.band(b);
      band.sums.accumulate(part);
      band.plain?.accumulate(part);
    }
  }

  /**
   * Write the bands that end at or above template row `row` (at most `most` of them), in
   * order. (Writing more of them early, to reuse their arrays for new bands instead of fresh
   * memory, saved 60 MB of peak RSS at M17 size but cost ~0.1 s: the writes then fall
   * between a projection's arrival and its fold, which the pool waits on.)
   */
  flushBelow(row: number, most = Infinity): void {
    for (let k = 0; k < most && this.next < this.count && this.rowsOf(this.next)[1] <= row; k++) this.writeBand(this.next++);
  }

  private writeBand(b: number): void {
    const [ya, yb] = this.rowsOf(b);
    const rowsBox = { x0: this.box.x0, y0: ya, width: this.box.width, height: yb - ya };
    const n = rowsBox.width * rowsBox.height;
    const band = this.bands.get(b);
    const bytes = (a: Float64Array) => new Uint8Array(a.buffer, a.byteOffset, 8 * n);
    if (band && this.combine === 'mean' && !this.writers[2] && this.finishInPlace(band.sums, rowsBox)) {
      // Done: finished straight into the writers' buffers.
    } else if (band && this.combine === 'mean') {
      // Finished straight to file bytes, the sums zeroed for the band's next use (every crop
      // lies inside its footprint, hence inside the box).
      const [value, area] = [bytes(this.rows.value), bytes(this.rows.area)];
      band.sums.finishRowsBigEndian(rowsBox, value, area, { onlyInBox: true });
      this.writers[0].writeEncodedRows(value);
      this.writers[1].writeEncodedRows(area);
      if (this.writers[2]) {
        band.plain!.finishRowsBigEndian(rowsBox, value, area, { onlyInBox: true });
        this.writers[2].writeEncodedRows(value);
      }
    } else {
      let value: Float64Array;
      let area: Float64Array;
      if (band) {
        ({ value, area } = band.sums.finishBox(rowsBox, {}, this.rows));
      } else {
        // No image reached these rows.
        value = this.rows.value.subarray(0, n).fill(NaN);
        area = this.rows.area.subarray(0, n).fill(0);
      }
      this.writers[0].writeEncodedRows(bigEndian(value));
      this.writers[1].writeEncodedRows(bigEndian(area));
      if (this.writers[2]) {
        const plain = band?.plain ? band.plain.finishBox(rowsBox, { area: false }, this.rows).value : this.rows.value.subarray(0, n).fill(NaN);
        this.writers[2].writeEncodedRows(bigEndian(plain));
      }
    }
    if (band) {
      this.free.push(...band.scratch);
      this.bands.delete(b);
    }
  }

  /**
   * Finish `box` (a band's rows) straight into the value and area writers' buffers, a run of
   * rows at a time, where both writers take rows in place (see FitsWriter `rowRoom`); false
   * (nothing done) where they do not.
   */
  private finishInPlace(sums: Coadder, box: PixelBox): boolean {
    const [value, area] = this.writers;
    const rowBytes = 8 * box.width;
    for (let y = box.y0; y < box.y0 + box.height; ) {
      const [v, a] = [value.rowRoom(), area.rowRoom()];
      if (!v || !a) {
        if (y === box.y0) return false;
        throw new MosaicError('E_INTERNAL', 'a writer stopped taking rows in place', { stage: 'build', file: value.path });
      }
      const rows = Math.min(box.y0 + box.height - y, v.byteLength / rowBytes, a.byteLength / rowBytes);
      sums.finishRowsBigEndian({ ...box, y0: y, height: rows }, v.subarray(0, rows * rowBytes), a.subarray(0, rows * rowBytes), { onlyInBox: true });
      value.rowsEncodedInPlace(rows);
      area.rowsEncodedInPlace(rows);
      y += rows;
    }
    return true;
  }

  /** Move every file into place; if one fails, none is left (a mosaic without its area is no output). */
  async close(): Promise<void> {
    const done: string[] = [];
    try {
      for (const w of this.writers) {
        await w.closeAsync();
        done.push(w.path);
      }
    } catch (err) {
      for (const path of done) rmSync(path, { force: true });
      this.abort();
      throw err;
    }
  }

  abort(): void {
    for (const w of this.writers) w.abort();
  }
}

/** The bytes of `a` as BITPIX −64 pixels, swapped in place (`a` is consumed). */
function bigEndian(a: Float64Array): Uint8Array {
  const bytes = Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  if (LITTLE_ENDIAN) bytes.swap64();
  return bytes;
}
