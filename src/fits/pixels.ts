/**
 * Raw FITS pixels ↔ physical values (FITS 4.0 §5.2 array values, §5.3 BSCALE/BZERO/BLANK).
 *
 * Raw data are big-endian; they are byte-swapped in bulk (the native addon's `swapBytes`,
 * else `Buffer.swap16/32/64`) and viewed as typed arrays, never read value by value through
 * a DataView.
 *
 * Output array rule: Float32Array when BITPIX is -32, or when BITPIX is 8 or 16 with
 * BSCALE = 1 and an integer BZERO of magnitude ≤ 2^23 (every physical value is then an
 * integer that float32 holds exactly: plain bytes/shorts and unsigned 16-bit via
 * BZERO = 32768); Float64Array otherwise (32/64-bit integers, scaled data, BITPIX -64).
 */
import { endianness } from 'node:os';
import { MosaicError } from '../errors.js';
import { native } from '../native/load.js';
import type { Header } from './header.js';
import type { PixelArray } from './types.js';

const LITTLE_ENDIAN = endianness() === 'LE';

/**
 * Reverse the byte order of each `size`-byte element of `bytes` in place (on this
 * little-endian machine: big-endian ↔ native), in the addon where there is one: Node's own
 * swap goes one element at a time.
 */
function swapInPlace(bytes: Buffer, size: 2 | 4 | 8): void {
  if (native?.swapBytes && bytes.length >= 4096) native.swapBytes(bytes, size);
  else if (size === 2) bytes.swap16();
  else if (size === 4) bytes.swap32();
  else bytes.swap64();
}

/** Linear scaling and null value of integer pixels: physical = raw × bscale + bzero; raw = blank → NaN. */
export interface Scaling {
  bscale: number;
  bzero: number;
  /** Raw value that marks an undefined pixel (integer BITPIX only). */
  blank?: number;
}

/** BSCALE/BZERO (defaults 1/0) and BLANK (integer BITPIX only) of a header. */
export function scalingOf(header: Header, bitpix: number): Scaling {
  const bscale = header.number('BSCALE') ?? 1;
  const bzero = header.number('BZERO') ?? 0;
  const blank = bitpix > 0 ? header.number('BLANK') : undefined;
  return { bscale: bscale === 0 ? 1 : bscale, bzero, blank: blank !== undefined && Number.isInteger(blank) ? blank : undefined };
}

/** Whether physical values of this BITPIX and scaling are held exactly in a Float32Array (see module comment). */
export function usesFloat32(bitpix: number, s: Scaling): boolean {
  if (bitpix === -32) return true;
  return (bitpix === 8 || bitpix === 16) && s.bscale === 1 && Number.isInteger(s.bzero) && Math.abs(s.bzero) <= 2 ** 23;
}

/**
 * A pixel array of `n` values, or E_FILE_READ naming `file` when it cannot be allocated.
 */
export function allocatePixels(n: number, float32: boolean, file?: string): PixelArray {
  try {
    return float32 ? new Float32Array(n) : new Float64Array(n);
  } catch (err) {
    throw new MosaicError('E_FILE_READ', `image of ${n} pixels is too large to hold in memory`, { stage: 'fits', file, cause: err });
  }
}

/** An 8-byte-aligned copy of `bytes` when it is not aligned (typed-array views need alignment). */
function aligned(bytes: Buffer): Buffer {
  if (bytes.byteOffset % 8 === 0) return bytes;
  const copy = Buffer.alloc(bytes.length);
  bytes.copy(copy);
  return copy;
}

/** A native-endian typed view of big-endian raw pixels; `raw` is byte-swapped in place. */
export function nativeView(raw: Buffer, bitpix: number): Uint8Array | Int16Array | Int32Array | BigInt64Array | Float32Array | Float64Array {
  const bytes = aligned(raw);
  const size = Math.abs(bitpix) / 8;
  const n = Math.floor(bytes.length / size);
  const body = bytes.subarray(0, n * size);
  if (LITTLE_ENDIAN && size > 1) swapInPlace(body, size as 2 | 4 | 8);
  const { buffer, byteOffset } = body;
  switch (bitpix) {
    case 8:
      return new Uint8Array(buffer, byteOffset, n);
    case 16:
      return new Int16Array(buffer, byteOffset, n);
    case 32:
      return new Int32Array(buffer, byteOffset, n);
    case 64:
      return new BigInt64Array(buffer, byteOffset, n);
    case -32:
      return new Float32Array(buffer, byteOffset, n);
    case -64:
      return new Float64Array(buffer, byteOffset, n);
  }
  throw new MosaicError('E_FITS_BITPIX', `unsupported BITPIX ${bitpix}`, { stage: 'fits' });
}

/**
 * Decode big-endian raw pixels into physical values, written to `out` from `outOffset`.
 * `raw` is modified (byte-swapped in place).
 */
export function decodePixels(raw: Buffer, bitpix: number, s: Scaling, out: PixelArray, outOffset = 0): void {
  const view = nativeView(raw, bitpix);
  const n = view.length;
  const { bscale, bzero, blank } = s;
  if (view instanceof BigInt64Array) {
    const big = blank === undefined ? undefined : BigInt(blank);
    for (let i = 0; i < n; i++) {
      const v = view[i];
      out[outOffset + i] = v === big ? NaN : Number(v) * bscale + bzero;
    }
    return;
  }
  const plain = bscale === 1 && bzero === 0 && (blank === undefined || bitpix < 0);
  if (plain) {
    out.set(view, outOffset);
    return;
  }
  if (blank === undefined || bitpix < 0) {
    for (let i = 0; i < n; i++) out[outOffset + i] = view[i] * bscale + bzero;
  } else {
    for (let i = 0; i < n; i++) {
      const v = view[i];
      out[outOffset + i] = v === blank ? NaN : v * bscale + bzero;
    }
  }
}

/** Raw integer range of each integer BITPIX. */
const INT_RANGE: Record<number, [number, number]> = {
  8: [0, 255],
  16: [-32768, 32767],
  32: [-2147483648, 2147483647],
  64: [-(2 ** 63), 2 ** 63 - 1024],
};

/** The BLANK value written for integer BITPIX when the header does not give one. */
export function defaultBlank(bitpix: number): number {
  return bitpix === 8 ? 255 : INT_RANGE[bitpix][0];
}

/**
 * Encode `count` physical values from `values[start]` as big-endian raw pixels.
 * Integer BITPIX: raw = round((v − bzero) / bscale), NaN/±Inf → BLANK (an E_ARGUMENT error when
 * `s.blank` is undefined, or when a finite value would encode as BLANK).
 * Float BITPIX: values written as they are (scaling must be 1/0).
 * @throws MosaicError E_ARGUMENT when a value falls outside the range of the integer type.
 */
export function encodePixels(values: ArrayLike<number>, start: number, count: number, bitpix: number, s: Scaling): Buffer {
  const size = Math.abs(bitpix) / 8;
  // Every byte is written below (or the call throws), so the buffer need not be zeroed.
  const out = Buffer.allocUnsafeSlow(count * size);
  const { buffer, byteOffset } = out;
  if (bitpix === -32 || bitpix === -64) {
    const view = bitpix === -32 ? new Float32Array(buffer, byteOffset, count) : new Float64Array(buffer, byteOffset, count);
    if (s.bscale === 1 && s.bzero === 0) {
      // A typed source is copied in bulk (a memcpy for the same type); other array-likes value by value.
      if (values instanceof Float64Array || values instanceof Float32Array) view.set(values.subarray(start, start + count));
      else for (let i = 0; i < count; i++) view[i] = values[start + i];
    } else {
      for (let i = 0; i < count; i++) view[i] = (values[start + i] - s.bzero) / s.bscale;
    }
  } else {
    const [lo, hi] = INT_RANGE[bitpix];
    const blank = s.blank;
    const view =
      bitpix === 8
        ? new Uint8Array(buffer, byteOffset, count)
        : bitpix === 16
          ? new Int16Array(buffer, byteOffset, count)
          : bitpix === 32
            ? new Int32Array(buffer, byteOffset, count)
            : undefined;
    const big = bitpix === 64 ? new BigInt64Array(buffer, byteOffset, count) : undefined;
    for (let i = 0; i < count; i++) {
      const v = values[start + i];
      let q: number;
      if (!Number.isFinite(v)) {
        if (blank === undefined) {
          throw new MosaicError('E_ARGUMENT', `non-finite value in BITPIX ${bitpix} output without a BLANK value`, { stage: 'fits' });
        }
        q = blank;
      } else {
        q = Math.round((v - s.bzero) / s.bscale);
        if (q === blank) {
          throw new MosaicError('E_ARGUMENT', `value ${v} is encoded as the BLANK value ${blank}; choose another BLANK`, { stage: 'fits' });
        }
        if (q < lo || q > hi) {
          throw new MosaicError(
            'E_ARGUMENT',
            `value ${v} does not fit BITPIX ${bitpix} with BSCALE ${s.bscale} and BZERO ${s.bzero}`,
            { stage: 'fits' },
          );
        }
      }
      if (big) big[i] = BigInt(q);
      else view![i] = q;
    }
  }
  if (LITTLE_ENDIAN && size > 1) swapInPlace(out, size as 2 | 4 | 8);
  return out;
}
