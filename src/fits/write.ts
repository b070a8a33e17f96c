/**
 * Writing standard FITS images (FITS 4.0 §4.4.1 mandatory keywords, §5 data), always
 * atomically: bytes go to a temporary sibling file that is renamed into place only when
 * complete, so an error never leaves a partial file under the real name.
 *
 * The primary header is rebuilt from the data (SIMPLE, BITPIX, NAXIS, NAXISn, EXTEND, then
 * BSCALE/BZERO/BLANK where they apply); every other card of the source header is kept in
 * order, except structural ones of the source HDU (XTENSION, PCOUNT, GCOUNT, table and
 * tile-compression keywords, CHECKSUM/DATASUM).
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { MosaicError, asMosaicError } from '../errors.js';
import { AtomicFileWriter } from '../util/atomic-write.js';
import { BLOCK_SIZE, Header, formatHeader } from './header.js';
import { defaultBlank, encodePixels, type Scaling } from './pixels.js';
import type { PixelArray } from './types.js';

/** BITPIX values the writer produces. */
export type WriteBitpix = 8 | 16 | 32 | 64 | -32 | -64;

/** Options of {@link writeFits} and {@link createFitsWriter}. */
export interface WriteFitsOptions {
  /** Output BITPIX. Default for writeFits: −32 for a Float32Array, −64 otherwise. Required meaning for createFitsWriter (default −32). */
  bitpix?: WriteBitpix;
  /** Integer output only: physical = raw × bscale + bzero. Default: the header's BSCALE, else 1. */
  bscale?: number;
  /** Integer output only. Default: the header's BZERO, else 0 (use 32768 for unsigned 16-bit). */
  bzero?: number;
  /**
   * Integer output only: raw value written for NaN. writeFits default: the header's BLANK, else the
   * type's minimum (255 for BITPIX 8), and the card is written only when the data hold NaN.
   * createFitsWriter default: the header's BLANK; without one, a NaN is an E_ARGUMENT error.
   */
  blank?: number;
  /** Flush to disk before the atomic rename (default true); false for scratch files of one run. */
  durable?: boolean;
  /**
   * createFitsWriter only: append with O_DIRECT where the file system allows, bypassing the
   * page cache (util/direct-write.ts), for large images written front to back. Default false.
   * The writer's `region` (positional writes from other threads) is then unusable.
   */
  direct?: boolean;
  /** With `direct`: staging buffers made beforehand (util/direct-write.ts `stagingBuffers`). */
  staging?: Uint8Array[];
  /** createFitsWriter only: remove an existing file at the path now, in the background (util/atomic-write.ts). */
  replaceEarly?: boolean;
}

/** Pixels to write: a `FitsImage`, or any header + data + shape. */
export interface ImageToWrite {
  header?: Header;
  data: PixelArray | ArrayLike<number>;
  /** [naxis1, naxis2, ...] */
  shape: number[];
}

const STRUCTURAL = /^(SIMPLE|XTENSION|BITPIX|NAXIS\d*|EXTEND|PCOUNT|GCOUNT|GROUPS|BSCALE|BZERO|BLANK|CHECKSUM|DATASUM|END)$/;
const COMPRESSION =
  /^(TFIELDS|T(TYPE|FORM|UNIT|NULL|SCAL|ZERO|DISP|DIM)\d+|THEAP|ZIMAGE|ZSIMPLE|ZTENSION|ZBITPIX|ZNAXIS\d*|ZTILE\d+|ZCMPTYPE|ZNAME\d+|ZVAL\d+|ZMASKCMP|ZQUANTIZ|ZDITHER0|ZEXTEND|ZBLOCKED|ZPCOUNT|ZGCOUNT|ZHECKSUM|ZDATASUM|ZSCALE|ZZERO|ZBLANK)$/;

function argument(message: string, file: string): MosaicError {
  return new MosaicError('E_ARGUMENT', message, { stage: 'fits', file });
}

function checkShape(shape: number[], file: string): void {
  if (shape.length < 1 || shape.length > 999 || !shape.every((n) => Number.isInteger(n) && n > 0)) {
    throw argument(`shape must be 1 to 999 positive integers, got [${shape.join(', ')}]`, file);
  }
}

/**
 * The primary header written for `shape` and `bitpix`: mandatory keywords first, then the
 * scaling keywords (integer output), then the non-structural cards of `source`.
 */
export function primaryHeader(source: Header | undefined, shape: number[], bitpix: WriteBitpix, scaling?: Scaling): Header {
  const h = new Header();
  h.set('SIMPLE', true, 'conforms to FITS standard');
  h.set('BITPIX', bitpix, 'array data type');
  h.set('NAXIS', shape.length, 'number of array dimensions');
  shape.forEach((n, i) => h.set(`NAXIS${i + 1}`, n));
  h.set('EXTEND', true);
  if (bitpix > 0 && scaling) {
    if (scaling.bscale !== 1 || scaling.bzero !== 0) {
      h.setFloat('BSCALE', scaling.bscale, 'physical = raw * BSCALE + BZERO');
      h.setFloat('BZERO', scaling.bzero);
    }
    if (scaling.blank !== undefined) h.set('BLANK', scaling.blank, 'raw value of undefined pixels');
  }
  if (source) {
    const compressed = source.has('ZIMAGE');
    const cards = source.cards.filter(
      (c) => !STRUCTURAL.test(c.key) && !(compressed && COMPRESSION.test(c.key)) && !(c.key === 'EXTNAME' && c.value === 'COMPRESSED_IMAGE'),
    );
    // Trailing blank cards are padding in the source, not content.
    while (cards.length && cards[cards.length - 1].key === '' && !cards[cards.length - 1].comment) cards.pop();
    h.cards.push(...cards.map((c) => ({ ...c })));
  }
  return h;
}

/**
 * A raw value no finite pixel encodes to, for BLANK: the type's minimum (255 for BITPIX 8)
 * when free, else the first free one among a few candidates near the ends of the range.
 */
function unusedBlank(data: ArrayLike<number>, bitpix: number, bscale: number, bzero: number): number {
  const first = defaultBlank(bitpix);
  const lo = bitpix === 8 ? 0 : first;
  const hi = bitpix === 8 ? 255 : -first - 1;
  const candidates = [first, bitpix === 8 ? 0 : hi, lo + 1, hi - 1, lo + 2, hi - 2, lo + 3, hi - 3];
  const used = new Set<number>();
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v - v === 0) {
      const q = Math.round((v - bzero) / bscale);
      if (candidates.includes(q)) used.add(q);
    }
  }
  const free = candidates.find((c) => !used.has(c));
  return free ?? first; // every candidate used: encodePixels reports the collision
}

/** The data rows of a FITS file being written (see `FitsWriter.region`). */
export interface FitsRowRegion {
  /** The temporary file (it moves to `name` on close). */
  path: string;
  /** The final file name, for messages. */
  name: string;
  /** Byte offset of row 0 and bytes per row. */
  offset: number;
  rowBytes: number;
}

/**
 * Write encoded rows (`encodePixels` of the file's BITPIX) at row `row` of `region`, from any
 * thread: positional writes, so bands may land in any order.
 * @throws MosaicError E_FILE_WRITE, E_DISK_FULL naming `region.name`.
 */
export function writeRowsAt(region: FitsRowRegion, row: number, bytes: Uint8Array): void {
  let fd = -1;
  try {
    fd = openSync(region.path, 'r+');
    const at = region.offset + row * region.rowBytes;
    for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off, at + off);
  } catch (err) {
    throw asMosaicError(err, { stage: 'fits', file: region.name });
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

/** A FITS file being written in bands of rows; see {@link createFitsWriter}. */
export interface FitsWriter {
  /** Final path (the file appears there on `close()`). */
  readonly path: string;
  /** Rows written so far (rows run over axes 2..N flattened). */
  readonly rowsWritten: number;
  /** Whether the bytes bypass the page cache (a `direct` writer where the file system allows it). */
  readonly direct: boolean;
  /**
   * Append whole rows: `data.length` must be a multiple of NAXIS1.
   * @throws MosaicError E_ARGUMENT (too many rows, value out of range), E_FILE_WRITE, E_DISK_FULL;
   *   the writer is then aborted.
   */
  writeRows(data: ArrayLike<number>): void;
  /**
   * Append whole rows already encoded (big-endian pixels of the file's BITPIX, as
   * `encodePixels` makes them): `bytes.length` must be a multiple of the row size. The bytes are
   * copied or written before this returns, so the caller may reuse them.
   * @throws MosaicError as {@link writeRows}.
   */
  writeEncodedRows(bytes: Uint8Array): void;
  /**
   * Room to encode the next rows in place, without a copy (a `direct` writer): a view of
   * whole rows, at least one and at most the rows left; undefined otherwise (or when every
   * row is written). Declare what was encoded there with {@link rowsEncodedInPlace} before any
   * other call.
   */
  rowRoom(): Uint8Array | undefined;
  /** Count `n` rows encoded into {@link rowRoom}'s view. @throws MosaicError as {@link writeRows}. */
  rowsEncodedInPlace(n: number): void;
  /**
   * Where the rows go, for writers in other threads: row r (0-based, rows over axes 2..N)
   * starts at byte `offset + r·rowBytes` of the temporary file `path` (see {@link writeRowsAt}).
   * Rows written there are declared with {@link rowsWrittenElsewhere}.
   */
  readonly region: FitsRowRegion;
  /** Count `n` rows written through `region` by someone else. @throws MosaicError E_ARGUMENT past the last row. */
  rowsWrittenElsewhere(n: number): void;
  /**
   * Pad the data unit to 2880 bytes and move the file into place.
   * @throws MosaicError E_ARGUMENT when not every row was written (the file is then removed).
   */
  close(): void;
  /** {@link close} for a `direct` writer, whose last rows may still be on their way to the file. */
  closeAsync(): Promise<void>;
  /** Remove the temporary file; nothing is left behind. Safe to call more than once. */
  abort(): void;
}

/**
 * Start writing an image of `shape` row band by row band, for images larger than memory.
 * The header is rebuilt as described in the module comment.
 * @example const w = createFitsWriter('out.fits', hdr, [nx, ny], { bitpix: -32 });
 *   for (...) w.writeRows(band); w.close();
 * @throws MosaicError E_ARGUMENT (bad shape or options), E_FITS_HEADER (unwritable card value),
 *   E_FILE_WRITE (folder missing or not writable), E_DISK_FULL.
 */
export function createFitsWriter(path: string, header: Header | undefined, shape: number[], options: WriteFitsOptions = {}): FitsWriter {
  checkShape(shape, path);
  const bitpix = options.bitpix ?? -32;
  if (![8, 16, 32, 64, -32, -64].includes(bitpix)) {
    throw new MosaicError('E_FITS_BITPIX', `cannot write BITPIX ${bitpix}`, { stage: 'fits', file: path });
  }
  let scaling: Scaling = { bscale: 1, bzero: 0 };
  if (bitpix > 0) {
    const bscale = options.bscale ?? header?.number('BSCALE') ?? 1;
    const bzero = options.bzero ?? header?.number('BZERO') ?? 0;
    const blank = options.blank ?? header?.int('BLANK');
    if (!Number.isFinite(bscale) || bscale === 0 || !Number.isFinite(bzero)) {
      throw argument(`BSCALE must be finite and non-zero and BZERO finite, got ${bscale} and ${bzero}`, path);
    }
    scaling = { bscale, bzero, blank };
  } else if ((options.bscale ?? 1) !== 1 || (options.bzero ?? 0) !== 0) {
    throw argument('bscale/bzero apply to integer BITPIX only', path);
  }
  const headerBytes = formatHeader(primaryHeader(header, shape, bitpix, scaling));
  const naxis1 = shape[0];
  const totalRows = shape.slice(1).reduce((a, b) => a * b, 1);
  const bytesPerPixel = Math.abs(bitpix) / 8;
  let out: AtomicFileWriter;
  try {
    out = new AtomicFileWriter(path, 'fits', { durable: options.durable, direct: options.direct, staging: options.staging, replaceEarly: options.replaceEarly });
  } catch (err) {
    const e = asMosaicError(err, { stage: 'fits', file: path });
    if (e.code === 'E_FILE_NOT_FOUND') throw new MosaicError('E_FILE_WRITE', 'cannot create the file (folder does not exist)', { stage: 'fits', file: path, cause: err });
    throw e;
  }
  out.write(headerBytes);
  let rows = 0;
  let state: 'open' | 'closed' | 'aborted' = 'open';

  const fail = (err: unknown): never => {
    out.abort();
    state = 'aborted';
    throw asMosaicError(err, { stage: 'fits', file: path });
  };
  /** Check that every row is there and pad the data unit to whole blocks. */
  const pad = (): void => {
    if (state !== 'open') throw argument(`writer is ${state}`, path);
    if (rows !== totalRows) fail(argument(`only ${rows} of ${totalRows} rows were written`, path));
    const dataBytes = totalRows * naxis1 * bytesPerPixel;
    const padding = (BLOCK_SIZE - (dataBytes % BLOCK_SIZE)) % BLOCK_SIZE;
    // At its place whether the rows were appended here or written through `region`.
    if (padding) out.writeAt(Buffer.alloc(padding), headerBytes.length + dataBytes);
  };

  return {
    path,
    direct: out.direct,
    get rowsWritten() {
      return rows;
    },
    writeRows(data: ArrayLike<number>): void {
      if (state !== 'open') throw argument(`writer is ${state}`, path);
      if (data.length % naxis1 !== 0) fail(argument(`row data length ${data.length} is not a multiple of NAXIS1 = ${naxis1}`, path));
      const n = data.length / naxis1;
      if (rows + n > totalRows) fail(argument(`${rows + n} rows written but the image has ${totalRows}`, path));
      // Encode in chunks of about 4 MB so a large band does not double its memory.
      const step = Math.max(naxis1, Math.floor((1 << 22) / bytesPerPixel / naxis1) * naxis1);
      try {
        for (let i = 0; i < data.length; i += step) out.write(encodePixels(data, i, Math.min(step, data.length - i), bitpix, scaling));
      } catch (err) {
        fail(err);
      }
      rows += n;
    },
    writeEncodedRows(bytes: Uint8Array): void {
      if (state !== 'open') throw argument(`writer is ${state}`, path);
      const rowBytes = naxis1 * bytesPerPixel;
      if (bytes.length % rowBytes !== 0) fail(argument(`${bytes.length} bytes are not whole rows of ${rowBytes} bytes`, path));
      const n = bytes.length / rowBytes;
      if (rows + n > totalRows) fail(argument(`${rows + n} rows written but the image has ${totalRows}`, path));
      out.write(bytes);
      rows += n;
    },
    rowRoom(): Uint8Array | undefined {
      if (state !== 'open') throw argument(`writer is ${state}`, path);
      const rowBytes = naxis1 * bytesPerPixel;
      if (rows === totalRows) return undefined;
      let room: Uint8Array | undefined;
      try {
        room = out.room(rowBytes);
      } catch (err) {
        fail(err);
      }
      if (!room) return undefined;
      return room.subarray(0, Math.min(totalRows - rows, Math.floor(room.byteLength / rowBytes)) * rowBytes);
    },
    rowsEncodedInPlace(n: number): void {
      if (state !== 'open') throw argument(`writer is ${state}`, path);
      if (rows + n > totalRows) fail(argument(`${rows + n} rows written but the image has ${totalRows}`, path));
      try {
        out.advance(n * naxis1 * bytesPerPixel);
      } catch (err) {
        fail(err);
      }
      rows += n;
    },
    region: { path: out.tmp, name: path, offset: headerBytes.length, rowBytes: naxis1 * bytesPerPixel },
    rowsWrittenElsewhere(n: number): void {
      if (state !== 'open') throw argument(`writer is ${state}`, path);
      if (rows + n > totalRows) fail(argument(`${rows + n} rows written but the image has ${totalRows}`, path));
      rows += n;
    },
    close(): void {
      pad();
      out.commit();
      state = 'closed';
    },
    async closeAsync(): Promise<void> {
      pad();
      await out.commitAsync();
      state = 'closed';
    },
    abort(): void {
      if (state === 'open') out.abort();
      state = 'aborted';
    },
  };
}

/**
 * Write an image as a single-HDU FITS file, atomically. NaN is written as NaN for float
 * BITPIX and as BLANK for integer BITPIX; integer output rounds (v − BZERO) / BSCALE.
 * @example await writeFits('out.fits', image, { bitpix: 16, bzero: 32768 });
 * @throws MosaicError E_ARGUMENT (shape/data mismatch, value out of range), E_FITS_BITPIX,
 *   E_FITS_HEADER, E_FILE_WRITE, E_DISK_FULL. No file is created on error.
 */
export async function writeFits(path: string, image: ImageToWrite, options: WriteFitsOptions = {}): Promise<void> {
  const { data, shape, header } = image;
  checkShape(shape, path);
  const total = shape.reduce((a, b) => a * b, 1);
  if (data.length !== total) throw argument(`data has ${data.length} values but shape [${shape.join(', ')}] needs ${total}`, path);
  const bitpix = options.bitpix ?? (data instanceof Float32Array ? -32 : -64);
  let blank: number | undefined;
  if (bitpix > 0) {
    let hasNaN = false;
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (v - v !== 0) {
        hasNaN = true;
        break;
      }
    }
    if (hasNaN) {
      const bscale = options.bscale ?? header?.number('BSCALE') ?? 1;
      const bzero = options.bzero ?? header?.number('BZERO') ?? 0;
      blank = options.blank ?? header?.int('BLANK') ?? unusedBlank(data, bitpix, bscale, bzero);
    }
  }
  // Drop the source's BLANK so that it is only written when NaN needs it.
  const source = header && bitpix > 0 && blank === undefined ? header.clone().delete('BLANK') : header;
  const writer = createFitsWriter(path, source, shape, { ...options, bitpix, blank });
  const band = Math.max(1, Math.floor((1 << 20) / shape[0])) * shape[0];
  try {
    for (let i = 0; i < data.length; i += band) {
      const end = Math.min(i + band, data.length);
      writer.writeRows(ArrayBuffer.isView(data) ? (data as PixelArray).subarray(i, end) : Array.prototype.slice.call(data, i, end));
    }
    writer.close();
  } catch (err) {
    writer.abort();
    throw asMosaicError(err, { stage: 'fits', file: path });
  }
}
