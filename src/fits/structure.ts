/**
 * The HDU structure of a FITS file: header, then data unit of
 * |BITPIX|/8 × GCOUNT × (PCOUNT + NAXIS1 × … × NAXISn) bytes, each padded to 2880 bytes
 * (FITS 4.0 §4.4.1). Tile-compressed images are binary tables with ZIMAGE = T
 * (FITS tiled image compression convention, Pence et al. 2013 / FITS 4.0 §10).
 */
import { MosaicError } from '../errors.js';
import { BLOCK_SIZE, findEndCard, parseHeader, type Header } from './header.js';
import { truncated, type FitsSource } from './source.js';
import type { FitsHdu, HduType } from './types.js';

/** BITPIX values the standard allows. */
export const VALID_BITPIX = new Set([8, 16, 32, 64, -32, -64]);

/** How many header bytes to read at a time while looking for END. */
const HEADER_CHUNK = BLOCK_SIZE * 10;

/** Positive integer keyword, or an E_FITS_HEADER error. */
function requireCount(header: Header, key: string, path: string, hdu: number): number {
  const v = header.number(key);
  if (v === undefined || !Number.isInteger(v) || v < 0) {
    throw new MosaicError('E_FITS_HEADER', `hdu ${hdu}: ${key} is missing or not a non-negative integer`, { stage: 'fits', file: path });
  }
  return v;
}

/** Data unit size in bytes (without padding), from the mandatory keywords. */
function dataUnitBytes(header: Header, bitpix: number, naxes: number[], path: string, hdu: number): number {
  if (naxes.length === 0) return 0;
  const pcount = header.has('PCOUNT') ? requireCount(header, 'PCOUNT', path, hdu) : 0;
  const gcount = header.has('GCOUNT') ? requireCount(header, 'GCOUNT', path, hdu) : 1;
  // Random groups (NAXIS1 = 0 in a primary with GROUPS = T): NAXIS1 does not count.
  const axes = naxes[0] === 0 && header.boolean('GROUPS') ? naxes.slice(1) : naxes;
  const pixels = axes.reduce((a, b) => a * b, 1);
  return (Math.abs(bitpix) / 8) * gcount * (pcount + pixels);
}

function hduType(header: Header, index: number): HduType {
  if (index === 0) return 'image';
  const xt = (header.string('XTENSION') ?? '').trim().toUpperCase();
  if (xt === 'IMAGE') return 'image';
  if (xt === 'TABLE') return 'table';
  if (xt === 'BINTABLE') return header.boolean('ZIMAGE') === true ? 'compressed-image' : 'bintable';
  return 'other';
}

/** ZNAXISn of a compressed image. */
function compressedShape(header: Header, path: string, hdu: number): number[] {
  const n = requireCount(header, 'ZNAXIS', path, hdu);
  const shape: number[] = [];
  for (let i = 1; i <= n; i++) shape.push(requireCount(header, `ZNAXIS${i}`, path, hdu));
  return shape;
}

/**
 * Read and parse the header starting at `offset`.
 * @returns undefined when nothing but padding or garbage follows (`offset > 0` only).
 */
async function readHeaderAt(source: FitsSource, offset: number): Promise<{ header: Header; headerBytes: number; warnings: string[] }> {
  let length = Math.min(HEADER_CHUNK, source.size - offset);
  for (;;) {
    const bytes = await source.read(offset, length);
    const startsLikeFits = /^(SIMPLE  =|XTENSION=)/.test(bytes.subarray(0, 9).toString('latin1'));
    if (!startsLikeFits || findEndCard(bytes) >= 0 || offset + length >= source.size) {
      try {
        return parseHeader(bytes);
      } catch (err) {
        if (err instanceof MosaicError && err.code === 'E_FITS_TRUNCATED') {
          throw truncated(source.path, source.size, offset + Math.ceil((length + 1) / BLOCK_SIZE) * BLOCK_SIZE, 'header');
        }
        throw err instanceof MosaicError ? err.withContext({ file: source.path }) : err;
      }
    }
    length = Math.min(length * 2, source.size - offset);
  }
}

/**
 * List the HDUs of a source, stopping after `stopAfter` (an index) when given.
 * A short final padding block and trailing non-FITS bytes are tolerated with a warning.
 * @throws MosaicError E_NOT_FITS, E_FITS_TRUNCATED, E_FITS_HEADER, E_FITS_BITPIX.
 */
export async function scanHdus(
  source: FitsSource,
  warn: (message: string) => void,
  stopWhen: (hdu: FitsHdu) => boolean = () => false,
): Promise<FitsHdu[]> {
  const hdus: FitsHdu[] = [];
  let offset = 0;
  const path = source.path;
  if (source.size === 0) throw new MosaicError('E_NOT_FITS', 'empty file', { stage: 'fits', file: path });
  while (offset < source.size) {
    const index = hdus.length;
    if (index > 0) {
      const peek = await source.read(offset, Math.min(80, source.size - offset));
      if (!peek.toString('latin1').startsWith('XTENSION=')) {
        const allPad = peek.every((b) => b === 0 || b === 0x20);
        if (!allPad) warn(`${source.size - offset} bytes after hdu ${index - 1} are not a FITS extension; ignored`);
        break;
      }
    }
    const { header, headerBytes, warnings } = await readHeaderAt(source, offset);
    for (const w of warnings) warn(`hdu ${index}: ${w}`);
    const bitpix = header.number('BITPIX');
    if (bitpix === undefined || !VALID_BITPIX.has(bitpix)) {
      throw new MosaicError('E_FITS_BITPIX', `hdu ${index}: unsupported BITPIX ${header.get('BITPIX') ?? '(missing)'}`, {
        stage: 'fits',
        file: path,
      });
    }
    const naxis = requireCount(header, 'NAXIS', path, index);
    if (naxis > 999) throw new MosaicError('E_FITS_HEADER', `hdu ${index}: NAXIS ${naxis} is over 999`, { stage: 'fits', file: path });
    const naxes: number[] = [];
    for (let i = 1; i <= naxis; i++) naxes.push(requireCount(header, `NAXIS${i}`, path, index));
    const dataOffset = offset + headerBytes;
    const dataBytes = dataUnitBytes(header, bitpix, naxes, path, index);
    const type = hduType(header, index);
    let shape = naxes;
    let pixBitpix = bitpix;
    if (type === 'compressed-image') {
      shape = compressedShape(header, path, index);
      const z = header.number('ZBITPIX');
      if (z === undefined || !VALID_BITPIX.has(z)) {
        throw new MosaicError('E_FITS_BITPIX', `hdu ${index}: unsupported ZBITPIX ${header.get('ZBITPIX') ?? '(missing)'}`, {
          stage: 'fits',
          file: path,
        });
      }
      pixBitpix = z;
    }
    if (dataBytes === 0) shape = type === 'image' ? [] : shape;
    const hdu: FitsHdu = { index, type, header, bitpix: pixBitpix, shape, headerOffset: offset, dataOffset, dataBytes };
    if (dataOffset + dataBytes > source.size) throw truncated(path, source.size, dataOffset + dataBytes);
    hdus.push(hdu);
    const padded = Math.ceil(dataBytes / BLOCK_SIZE) * BLOCK_SIZE;
    if (dataOffset + padded > source.size) {
      warn(`hdu ${index}: final block is not padded to 2880 bytes`);
      break;
    }
    offset = dataOffset + padded;
    if (stopWhen(hdu)) break;
  }
  return hdus;
}
