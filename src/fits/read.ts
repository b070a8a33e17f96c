/**
 * Reading FITS files: the HDU list, whole images in physical units, and bands of rows.
 *
 * Reference: FITS Standard 4.0 §3–5 (structure, headers, image data, BSCALE/BZERO/BLANK);
 * tile compression as described in `compressed.ts`. Every failure is a MosaicError with
 * the file named; nothing else escapes.
 */
import { MosaicError, asMosaicError } from '../errors.js';
import { Header } from './header.js';
import { decompressImage } from './compressed.js';
import { allocatePixels, decodePixels, nativeView, scalingOf, usesFloat32 } from './pixels.js';
import { openFitsSource, type FitsSource } from './source.js';
import { scanHdus } from './structure.js';
import type { FitsFile, FitsHdu, FitsImage, FitsRowBand, PixelArray } from './types.js';

/** Options of {@link readFits}. */
export interface ReadFitsOptions {
  /** Called once per tolerated problem (sloppy card, missing final padding). */
  onWarning?: (message: string) => void;
  /**
   * Read a plain file with blocking calls (always so in worker threads): faster for a caller
   * that has nothing else to do on this thread meanwhile. Default false on the main thread.
   */
  blocking?: boolean;
}

/** Options of {@link readImage}. */
export interface ReadImageOptions extends ReadFitsOptions {
  /** HDU index (0 = primary). Default: the first image HDU (plain or tile-compressed) that has data. */
  hdu?: number;
  /**
   * Read (plain files) into these buffers instead of new ones: the image returned then lives
   * in them until the next read with the same buffers. For a thread that reads image after
   * image and is done with each before the next.
   */
  reuse?: ImageBuffers;
}

/**
 * Memory {@link readImage} reuses from one call to the next (`ReadImageOptions.reuse`), grown
 * as needed: fresh megabytes cost their page faults on every image otherwise.
 */
export class ImageBuffers {
  private raw = Buffer.alloc(0);
  private f32 = new Float32Array(0);
  private f64 = new Float64Array(0);

  /** At least `n` bytes (contents arbitrary). */
  bytes(n: number): Buffer {
    if (this.raw.length < n) this.raw = Buffer.alloc(n);
    return this.raw;
  }

  /** `n` pixels of the type `float32` asks for (contents arbitrary). */
  pixels(n: number, float32: boolean): PixelArray {
    if (float32) {
      if (this.f32.length < n) this.f32 = new Float32Array(n);
      return this.f32.subarray(0, n);
    }
    if (this.f64.length < n) this.f64 = new Float64Array(n);
    return this.f64.subarray(0, n);
  }
}

/** Options of {@link readImageRows}. */
export interface ReadRowsOptions extends ReadImageOptions {
  /** First row, 0-based (rows run over axes 2..N flattened). */
  y0: number;
  /** Number of rows. */
  rows: number;
}

/** Whether an HDU holds image pixels. */
export function isImageHdu(hdu: FitsHdu): boolean {
  return (hdu.type === 'image' || hdu.type === 'compressed-image') && hdu.shape.length > 0 && hdu.shape.every((n) => n > 0);
}

/** Internal: run `fn` with an open source, closing it afterwards and turning any failure into a MosaicError naming the file. */
export async function withSource<T>(path: string, fn: (source: FitsSource) => Promise<T>, blocking?: boolean): Promise<T> {
  let source: FitsSource | undefined;
  try {
    source = await openFitsSource(path, { blocking });
    return await fn(source);
  } catch (err) {
    throw asMosaicError(err, { stage: 'fits', file: path });
  } finally {
    await source?.close().catch(() => undefined);
  }
}

/**
 * List every HDU of a FITS file (plain or gzip-compressed, detected by magic bytes).
 * @example const f = await readFits('m101.fits'); f.hdus.map((h) => h.type)
 * @throws MosaicError E_FILE_NOT_FOUND, E_NOT_FITS, E_FITS_TRUNCATED, E_FITS_HEADER, E_FITS_BITPIX, E_GZIP_CORRUPT.
 */
export async function readFits(path: string, options: ReadFitsOptions = {}): Promise<FitsFile> {
  return withSource(path, async (source) => {
    const warnings: string[] = [];
    const warn = (m: string) => {
      warnings.push(m);
      options.onWarning?.(m);
    };
    const hdus = await scanHdus(source, warn);
    return { path, gzip: source.gzip, size: source.size, hdus, warnings };
  }, options.blocking);
}

/** Find the requested HDU (or the default image HDU) and check that it is an image. */
async function locateImage(source: FitsSource, options: ReadImageOptions): Promise<FitsHdu> {
  const warn = (m: string) => options.onWarning?.(m);
  const want = options.hdu;
  if (want !== undefined && (!Number.isInteger(want) || want < 0)) {
    throw new MosaicError('E_FITS_HDU', `HDU index must be a non-negative integer, got ${want}`, { stage: 'fits', file: source.path });
  }
  const hdus = await scanHdus(source, warn, (h) => (want === undefined ? isImageHdu(h) : h.index >= want));
  const hdu = want === undefined ? hdus.find(isImageHdu) : hdus[want];
  if (want !== undefined && !hdu) {
    throw new MosaicError('E_FITS_HDU', `no HDU ${want} (the file has ${hdus.length})`, { stage: 'fits', file: source.path });
  }
  if (!hdu) throw new MosaicError('E_FITS_NO_IMAGE', 'no image HDU with data', { stage: 'fits', file: source.path });
  if (!isImageHdu(hdu)) {
    throw new MosaicError('E_FITS_NO_IMAGE', `HDU ${hdu.index} is ${hdu.type === 'image' ? 'an image without data' : `a ${hdu.type}`}`, {
      stage: 'fits',
      file: source.path,
    });
  }
  return hdu;
}

/** Keywords describing a compressed image's table and compression, absent from the image header. */
const COMPRESSION_KEYS = /^(XTENSION|BITPIX|NAXIS\d*|PCOUNT|GCOUNT|TFIELDS|T(TYPE|FORM|UNIT|NULL|SCAL|ZERO|DISP|DIM)\d+|THEAP|ZIMAGE|ZSIMPLE|ZTENSION|ZBITPIX|ZNAXIS\d*|ZTILE\d+|ZCMPTYPE|ZNAME\d+|ZVAL\d+|ZMASKCMP|ZQUANTIZ|ZDITHER0|ZEXTEND|ZBLOCKED|ZPCOUNT|ZGCOUNT|ZHECKSUM|ZDATASUM|ZSCALE|ZZERO|ZBLANK|CHECKSUM|DATASUM)$/;

/**
 * The image header of a tile-compressed HDU: the table and compression keywords replaced
 * by the image's own (XTENSION = 'IMAGE', BITPIX = ZBITPIX, NAXISn = ZNAXISn).
 */
export function compressedImageHeader(hdu: FitsHdu): Header {
  const h = new Header();
  h.set('XTENSION', 'IMAGE', 'Image extension');
  h.set('BITPIX', hdu.bitpix);
  h.set('NAXIS', hdu.shape.length);
  hdu.shape.forEach((n, i) => h.set(`NAXIS${i + 1}`, n));
  h.set('PCOUNT', 0);
  h.set('GCOUNT', 1);
  for (const c of hdu.header.cards) {
    if (COMPRESSION_KEYS.test(c.key)) continue;
    if (c.key === 'EXTNAME' && c.value === 'COMPRESSED_IMAGE') continue;
    h.cards.push({ ...c });
  }
  return h;
}

/**
 * Read one image HDU in physical units (BSCALE/BZERO applied, BLANK → NaN).
 * BITPIX 8, 16, 32, 64, −32, −64; NAXIS 1–4 (any N works); plain, gzip-wrapped and
 * tile-compressed (RICE_1, GZIP_1, GZIP_2, NOCOMPRESS) images. The array type follows
 * the rule in `pixels.ts`: Float32Array for BITPIX −32 and exact 8/16-bit data, else Float64Array.
 * @example const img = await readImage('2mass.fits.gz'); img.data[x0 + img.shape[0] * y0]
 * @throws MosaicError E_FILE_NOT_FOUND, E_NOT_FITS, E_FITS_TRUNCATED, E_GZIP_CORRUPT, E_FITS_BITPIX,
 *   E_FITS_HDU (bad index), E_FITS_NO_IMAGE (HDU holds no image), E_FITS_COMPRESSION.
 */
export async function readImage(path: string, options: ReadImageOptions = {}): Promise<FitsImage> {
  return withSource(path, async (source) => {
    const hdu = await locateImage(source, options);
    const reuse = options.reuse && hdu.type !== 'compressed-image' ? options.reuse : undefined;
    const raw = await source.read(hdu.dataOffset, hdu.dataBytes, reuse?.bytes(hdu.dataBytes));
    if (hdu.type === 'compressed-image') {
      return { header: compressedImageHeader(hdu), shape: hdu.shape, data: decompressImage(hdu, raw, path), bitpix: hdu.bitpix };
    }
    const scaling = scalingOf(hdu.header, hdu.bitpix);
    const n = hdu.shape.reduce((a, b) => a * b, 1);
    const body = raw.subarray(0, n * (Math.abs(hdu.bitpix) / 8));
    if (hdu.bitpix === -32 && scaling.bscale === 1 && scaling.bzero === 0 && body.byteOffset % 4 === 0) {
      // Physical values are the raw floats: the byte-swapped buffer itself, no copy.
      return { header: hdu.header, shape: hdu.shape, data: nativeView(body, -32) as Float32Array, bitpix: hdu.bitpix };
    }
    const data = reuse ? reuse.pixels(n, usesFloat32(hdu.bitpix, scaling)) : allocatePixels(n, usesFloat32(hdu.bitpix, scaling), path);
    decodePixels(body, hdu.bitpix, scaling, data);
    return { header: hdu.header, shape: hdu.shape, data, bitpix: hdu.bitpix };
  }, options.blocking);
}

/**
 * Read rows `y0 … y0 + rows − 1` of an image (rows run over axes 2..N flattened). For plain,
 * uncompressed files only those bytes are read, so images larger than memory can be
 * processed in bands; gzip files are decompressed in memory first and tile-compressed
 * images are decompressed whole, then sliced.
 * @throws MosaicError E_ARGUMENT when the band is outside the image, plus those of {@link readImage}.
 */
export async function readImageRows(path: string, options: ReadRowsOptions): Promise<FitsRowBand> {
  return withSource(path, async (source) => {
    const hdu = await locateImage(source, options);
    const naxis1 = hdu.shape[0];
    const nrows = hdu.shape.slice(1).reduce((a, b) => a * b, 1);
    const { y0, rows } = options;
    if (!Number.isInteger(y0) || !Number.isInteger(rows) || y0 < 0 || rows < 0 || y0 + rows > nrows) {
      throw new MosaicError('E_ARGUMENT', `rows ${y0}..${y0 + rows - 1} are outside the image (0..${nrows - 1})`, {
        stage: 'fits',
        file: path,
      });
    }
    if (hdu.type === 'compressed-image') {
      const raw = await source.read(hdu.dataOffset, hdu.dataBytes);
      const all = decompressImage(hdu, raw, path);
      const data = all.slice(y0 * naxis1, (y0 + rows) * naxis1);
      return { header: compressedImageHeader(hdu), bitpix: hdu.bitpix, shape: hdu.shape, y0, rows, data };
    }
    const data = await readPlainRows(source, hdu, y0, rows);
    return { header: hdu.header, bitpix: hdu.bitpix, shape: hdu.shape, y0, rows, data };
  }, options.blocking);
}

/**
 * Rows `y0 … y0 + rows − 1` of an uncompressed image HDU of an open source, in physical units.
 * Internal building block of the readers (the caller checks the range).
 */
export async function readPlainRows(source: FitsSource, hdu: FitsHdu, y0: number, rows: number): Promise<PixelArray> {
  const naxis1 = hdu.shape[0];
  const bytesPerPixel = Math.abs(hdu.bitpix) / 8;
  const raw = await source.read(hdu.dataOffset + y0 * naxis1 * bytesPerPixel, rows * naxis1 * bytesPerPixel);
  const scaling = scalingOf(hdu.header, hdu.bitpix);
  const data = allocatePixels(rows * naxis1, usesFloat32(hdu.bitpix, scaling), source.path);
  decodePixels(raw, hdu.bitpix, scaling, data);
  return data;
}
