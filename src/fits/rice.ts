/**
 * Rice decompression (RICE_1) for tile-compressed FITS images.
 *
 * Algorithm (White & Becker; FITS tiled image compression convention, Pence et al. 2013,
 * §4.1; cfitsio `ricecomp.c` documentation): the first pixel is stored verbatim in
 * `bytePix` big-endian bytes. Then the pixel differences come in blocks of `blockSize`:
 * each block starts with an `fsBits`-bit code holding fs + 1. Code 0 means every
 * difference in the block is 0; code fsMax + 1 means each difference is stored raw in
 * 8 × bytePix bits; otherwise each difference is a unary count of leading zeros (the
 * high part, ended by a 1 bit) followed by fs low bits. Differences are zig-zag mapped
 * (even → d/2, odd → −(d+1)/2) and summed modulo 2^(8 × bytePix). Bits are MSB first.
 */
import { MosaicError } from '../errors.js';

/** fsBits and fsMax per bytes-per-pixel (1, 2, 4). */
const PARAMS: Record<number, { fsBits: number; fsMax: number }> = {
  1: { fsBits: 3, fsMax: 6 },
  2: { fsBits: 4, fsMax: 14 },
  4: { fsBits: 5, fsMax: 25 },
};

function corrupt(why: string): MosaicError {
  return new MosaicError('E_FITS_COMPRESSION', `corrupt RICE_1 tile: ${why}`, { stage: 'fits' });
}

/**
 * Decode `npix` pixels from `src` into `out` (signed for bytePix 2 and 4, unsigned for 1).
 * @param blockSize pixels per block (ZVAL of BLOCKSIZE, usually 32).
 * @param bytePix 1, 2 or 4 (ZVAL of BYTEPIX; 4 for quantised floats).
 * @throws MosaicError E_FITS_COMPRESSION when the stream ends early or the parameters are invalid.
 */
export function riceDecode(src: Uint8Array, npix: number, blockSize: number, bytePix: number, out: Int32Array): void {
  const params = PARAMS[bytePix];
  if (!params) throw corrupt(`BYTEPIX ${bytePix} is not 1, 2 or 4`);
  if (!(blockSize > 0)) throw corrupt(`BLOCKSIZE ${blockSize}`);
  if (npix === 0) return;
  const { fsBits, fsMax } = params;
  const rawBits = 8 * bytePix;
  if (src.length < bytePix) throw corrupt('shorter than the first pixel');
  let last = 0;
  for (let k = 0; k < bytePix; k++) last = (last << 8) | src[k];
  last = wrap(last, bytePix);
  const totalBits = src.length * 8;
  let bitPos = bytePix * 8;

  /** Next n bits (0 ≤ n ≤ 24) as an unsigned number. */
  const bits = (n: number): number => {
    if (n === 0) return 0;
    if (bitPos + n > totalBits) throw corrupt('data end before the last pixel');
    const i = bitPos >>> 3;
    const word = ((src[i] << 24) | ((src[i + 1] ?? 0) << 16) | ((src[i + 2] ?? 0) << 8) | (src[i + 3] ?? 0)) >>> 0;
    const v = ((word << (bitPos & 7)) >>> 0) >>> (32 - n);
    bitPos += n;
    return v;
  };

  for (let i = 0; i < npix; i += blockSize) {
    const end = Math.min(i + blockSize, npix);
    const fs = bits(fsBits) - 1;
    if (fs < 0) {
      for (let j = i; j < end; j++) out[j] = last;
      continue;
    }
    for (let j = i; j < end; j++) {
      let diff: number;
      if (fs >= fsMax) {
        diff = rawBits > 16 ? (bits(16) * 65536 + bits(rawBits - 16)) : bits(rawBits);
      } else {
        // Unary high part: count zero bits up to the terminating 1.
        let zeros = 0;
        for (;;) {
          if (bitPos >= totalBits) throw corrupt('data end before the last pixel');
          const byte = (src[bitPos >>> 3] << (bitPos & 7)) & 0xff;
          if (byte === 0) {
            const skip = 8 - (bitPos & 7);
            zeros += skip;
            bitPos += skip;
          } else {
            const lead = Math.clz32(byte) - 24;
            zeros += lead;
            bitPos += lead + 1;
            break;
          }
        }
        diff = (zeros * 2 ** fs + bits(fs)) % 4294967296;
      }
      // Zig-zag unmapping, then sum modulo 2^(8 bytePix).
      const half = Math.floor(diff / 2);
      const delta = diff % 2 === 1 ? -half - 1 : half;
      last = wrap(last + delta, bytePix);
      out[j] = last;
    }
  }
}

/** Reduce to the pixel type: unsigned 8-bit, signed 16-bit or signed 32-bit. */
function wrap(v: number, bytePix: number): number {
  if (bytePix === 1) return v & 0xff;
  if (bytePix === 2) return (v << 16) >> 16;
  return v | 0;
}
