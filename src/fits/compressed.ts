/**
 * Tile-compressed images (ZIMAGE = T binary tables): RICE_1, GZIP_1, GZIP_2, NOCOMPRESS,
 * integer and quantised floating-point tiles with subtractive dithering.
 *
 * Reference: "Tiled Image Convention for Storing Compressed Images in FITS Binary Tables"
 * (Pence, White, Seaman 2013), as included in FITS 4.0 §10. Each table row holds one
 * tile (ZTILEn pixels per axis, axis 1 fastest, edge tiles clipped) as a variable-length
 * array in the heap; floating-point tiles hold integers q with
 * physical = (q − r + 0.5) × ZSCALE + ZZERO (dithered) or q × ZSCALE + ZZERO.
 */
import { unzipSync } from 'node:zlib';
import { MosaicError } from '../errors.js';
import type { Header } from './header.js';
import { allocatePixels, decodePixels, nativeView, scalingOf, usesFloat32, type Scaling } from './pixels.js';
import { riceDecode } from './rice.js';
import { undither } from './dither.js';
import type { FitsHdu, PixelArray } from './types.js';

/** Bytes of one element per TFORM letter. */
const ELEMENT_BYTES: Record<string, number> = { L: 1, B: 1, I: 2, J: 4, K: 8, A: 1, E: 4, D: 8, C: 8, M: 16, P: 8, Q: 16 };
/** BITPIX of numeric TFORM letters (for arrays of raw pixels). */
const LETTER_BITPIX: Record<string, number> = { B: 8, I: 16, J: 32, K: 64, E: -32, D: -64 };

interface Column {
  name: string;
  offset: number;
  repeat: number;
  letter: string;
  /** Element type of a variable-length array (P/Q columns). */
  arrayLetter?: string;
}

function fail(message: string, file?: string): MosaicError {
  return new MosaicError('E_FITS_COMPRESSION', message, { stage: 'fits', file });
}

/** Column layout of a binary table from TFIELDS/TTYPEn/TFORMn. */
function columns(header: Header, file: string): Column[] {
  const n = header.int('TFIELDS') ?? 0;
  const cols: Column[] = [];
  let offset = 0;
  for (let i = 1; i <= n; i++) {
    const form = (header.string(`TFORM${i}`) ?? '').trim().toUpperCase();
    const m = /^(\d*)([LXBIJKAEDCMPQ])([LXBIJKAEDCM]?)/.exec(form);
    if (!m) throw fail(`unsupported TFORM${i} '${form}'`, file);
    const repeat = m[1] === '' ? 1 : Number(m[1]);
    const letter = m[2];
    cols.push({ name: (header.string(`TTYPE${i}`) ?? '').trim().toUpperCase(), offset, repeat, letter, arrayLetter: m[3] || undefined });
    offset += letter === 'X' ? Math.ceil(repeat / 8) : repeat * ELEMENT_BYTES[letter];
  }
  return cols;
}

/** Per-tile constants: ZSCALE/ZZERO/ZBLANK come from a column when there is one, else a keyword. */
function readScalar(row: Buffer, col: Column | undefined): number | undefined {
  if (!col) return undefined;
  const o = col.offset;
  switch (col.letter) {
    case 'D':
      return row.readDoubleBE(o);
    case 'E':
      return row.readFloatBE(o);
    case 'J':
      return row.readInt32BE(o);
    case 'I':
      return row.readInt16BE(o);
    case 'K':
      return Number(row.readBigInt64BE(o));
  }
  return undefined;
}

/** Value of the ZNAMEi/ZVALi pair named `name`. */
function zparam(header: Header, name: string): number | undefined {
  for (let i = 1; i < 100; i++) {
    const n = header.string(`ZNAME${i}`);
    if (n === undefined) return undefined;
    if (n.trim().toUpperCase() === name) return header.number(`ZVAL${i}`);
  }
  return undefined;
}

/**
 * Decompress a whole tile-compressed image.
 * @param data the HDU's data unit (table + heap), from `hdu.dataOffset`, `hdu.dataBytes` long.
 * @returns physical values in the array type chosen by ZBITPIX (see `pixels.ts`).
 * @throws MosaicError E_FITS_COMPRESSION for an unknown algorithm or corrupt tile.
 */
export function decompressImage(hdu: FitsHdu, data: Buffer, file: string): PixelArray {
  const h = hdu.header;
  const zbitpix = hdu.bitpix;
  const shape = hdu.shape;
  const cmp = (h.string('ZCMPTYPE') ?? '').trim().toUpperCase();
  if (!['RICE_1', 'RICE_ONE', 'GZIP_1', 'GZIP_2', 'NOCOMPRESS'].includes(cmp)) {
    throw fail(`unsupported compression ${cmp || '(no ZCMPTYPE)'}`, file);
  }
  const rowBytes = h.int('NAXIS1') ?? 0;
  const nrows = h.int('NAXIS2') ?? 0;
  const heapStart = h.int('THEAP') ?? rowBytes * nrows;
  const cols = columns(h, file);
  const col = (name: string) => cols.find((c) => c.name === name);
  const cData = col('COMPRESSED_DATA');
  const gData = col('GZIP_COMPRESSED_DATA');
  const uData = col('UNCOMPRESSED_DATA');
  if (!cData) throw fail('no COMPRESSED_DATA column', file);
  const zscaleCol = col('ZSCALE');
  const zzeroCol = col('ZZERO');
  const zblankCol = col('ZBLANK');

  const tile = shape.map((n, i) => h.int(`ZTILE${i + 1}`) ?? (i === 0 ? n : 1));
  if (tile.some((t) => !(t > 0))) throw fail(`invalid ZTILEn ${tile.join(',')}`, file);
  const grid = shape.map((n, i) => Math.ceil(n / tile[i]));
  const ntiles = grid.reduce((a, b) => a * b, 1);
  if (ntiles !== nrows) throw fail(`${ntiles} tiles expected from ZNAXISn/ZTILEn but the table has ${nrows} rows`, file);

  const isFloat = zbitpix < 0;
  const quantised = isFloat && (zscaleCol !== undefined || h.has('ZSCALE'));
  const zquant = (h.string('ZQUANTIZ') ?? 'NO_DITHER').trim().toUpperCase();
  const dither = zquant === 'SUBTRACTIVE_DITHER_1' ? 1 : zquant === 'SUBTRACTIVE_DITHER_2' ? 2 : 0;
  const zdither0 = h.int('ZDITHER0') ?? 1;
  const imageScaling: Scaling = scalingOf(h, zbitpix);
  const float32 = usesFloat32(zbitpix, imageScaling);
  const total = shape.reduce((a, b) => a * b, 1);
  const out = allocatePixels(total, float32, file);
  const tilePixelsMax = tile.reduce((a, b) => a * b, 1);
  const tileValues = new Float64Array(tilePixelsMax);
  const ints = new Int32Array(tilePixelsMax);
  const blockSize = zparam(h, 'BLOCKSIZE') ?? 32;
  const bytePix = quantised ? 4 : (zparam(h, 'BYTEPIX') ?? Math.abs(zbitpix) / 8);

  const heapBytes = (c: Column, row: Buffer): Buffer => {
    const big = c.letter === 'Q';
    const count = big ? Number(row.readBigInt64BE(c.offset)) : row.readUInt32BE(c.offset);
    const off = big ? Number(row.readBigInt64BE(c.offset + 8)) : row.readUInt32BE(c.offset + 4);
    const bytes = count * (ELEMENT_BYTES[c.arrayLetter ?? 'B'] ?? 1);
    const start = heapStart + off;
    if (start + bytes > data.length) throw fail('tile data point past the end of the heap', file);
    return data.subarray(start, start + bytes);
  };

  const tileOrigin = new Array<number>(shape.length).fill(0);
  const tileSize = new Array<number>(shape.length).fill(0);
  for (let t = 0; t < ntiles; t++) {
    // Tile position along each axis (axis 1 fastest) and its clipped size.
    let rest = t;
    let npix = 1;
    for (let a = 0; a < shape.length; a++) {
      const k = rest % grid[a];
      rest = Math.floor(rest / grid[a]);
      tileOrigin[a] = k * tile[a];
      tileSize[a] = Math.min(tile[a], shape[a] - tileOrigin[a]);
      npix *= tileSize[a];
    }
    const row = data.subarray(t * rowBytes, (t + 1) * rowBytes);
    const packed = heapBytes(cData, row);
    try {
      if (packed.length > 0) {
        decodeTile(packed, npix, t, row);
      } else if (gData && heapBytes(gData, row).length > 0) {
        // Tile that could not be quantised: gzip-compressed raw pixels of ZBITPIX.
        const raw = inflate(heapBytes(gData, row), npix * (Math.abs(zbitpix) / 8));
        decodePixels(raw, zbitpix, { bscale: 1, bzero: 0 }, tileValues);
      } else if (uData && heapBytes(uData, row).length > 0) {
        const raw = Buffer.from(heapBytes(uData, row));
        decodePixels(raw, LETTER_BITPIX[uData.arrayLetter ?? 'B'] ?? zbitpix, { bscale: 1, bzero: 0 }, tileValues);
      } else {
        tileValues.fill(NaN, 0, npix);
      }
    } catch (err) {
      if (err instanceof MosaicError) throw err.withContext({ file });
      throw fail(`tile ${t + 1}: ${(err as Error).message}`, file);
    }
    placeTile(tileValues, out, shape, tileOrigin, tileSize);
  }
  return out;

  function decodeTile(packed: Buffer, npix: number, t: number, row: Buffer): void {
    const zscale = readScalar(row, zscaleCol) ?? h.number('ZSCALE') ?? 1;
    const zzero = readScalar(row, zzeroCol) ?? h.number('ZZERO') ?? 0;
    const zblank = readScalar(row, zblankCol) ?? h.number('ZBLANK') ?? (isFloat ? undefined : imageScaling.blank);
    const intBytes = quantised ? 4 : Math.abs(zbitpix) / 8;
    if (cmp === 'RICE_1' || cmp === 'RICE_ONE') {
      riceDecode(packed, npix, blockSize, bytePix, ints);
    } else {
      let raw: Buffer;
      if (cmp === 'NOCOMPRESS') raw = Buffer.from(packed);
      else raw = inflate(packed, npix * intBytes);
      if (cmp === 'GZIP_2') raw = unshuffle(raw, intBytes);
      if (raw.length < npix * intBytes) throw fail(`tile ${t + 1} holds ${raw.length} bytes, expected ${npix * intBytes}`);
      if (!quantised && isFloat) {
        decodePixels(raw.subarray(0, npix * intBytes), zbitpix, { bscale: 1, bzero: 0 }, tileValues);
        return;
      }
      const view = nativeView(raw.subarray(0, npix * intBytes), quantised ? 32 : zbitpix);
      for (let i = 0; i < npix; i++) ints[i] = Number(view[i]);
    }
    if (quantised) {
      if (dither) undither(ints, npix, zscale, zzero, t + 1, zdither0, dither as 1 | 2, zblank, tileValues);
      else for (let i = 0; i < npix; i++) tileValues[i] = ints[i] === zblank ? NaN : ints[i] * zscale + zzero;
      return;
    }
    // Integer image: BSCALE/BZERO of the image header, ZBLANK (or BLANK) → NaN.
    const { bscale, bzero } = imageScaling;
    for (let i = 0; i < npix; i++) tileValues[i] = ints[i] === zblank ? NaN : ints[i] * bscale + bzero;
  }
}

/** gunzip/inflate with an output cap, so a corrupt tile cannot balloon. */
function inflate(packed: Uint8Array, expected: number): Buffer {
  return unzipSync(packed, { maxOutputLength: Math.max(expected, 1) + 1024 });
}

/** Undo GZIP_2 byte shuffling: all first bytes, then all second bytes, … */
function unshuffle(raw: Buffer, size: number): Buffer {
  if (size === 1) return raw;
  const n = Math.floor(raw.length / size);
  const out = Buffer.alloc(n * size);
  for (let k = 0; k < size; k++) for (let i = 0; i < n; i++) out[i * size + k] = raw[k * n + i];
  return out;
}

/** Copy a tile (row-major within its clipped extent) into the image. */
function placeTile(src: Float64Array, out: PixelArray, shape: number[], origin: number[], size: number[]): void {
  const run = size[0];
  const nruns = size.slice(1).reduce((a, b) => a * b, 1);
  const idx = new Array<number>(shape.length).fill(0);
  for (let r = 0; r < nruns; r++) {
    let rest = r;
    let offset = origin[0];
    let stride = shape[0];
    for (let a = 1; a < shape.length; a++) {
      idx[a] = rest % size[a];
      rest = Math.floor(rest / size[a]);
      offset += (origin[a] + idx[a]) * stride;
      stride *= shape[a];
    }
    out.set(src.subarray(r * run, r * run + run), offset);
  }
}
