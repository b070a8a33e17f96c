/**
 * `mosaic convert`: copy one image HDU (plain, gzip-wrapped or tile-compressed) into a new
 * single-HDU FITS file, keeping its header, optionally changing BITPIX.
 */
import { readImage } from './read.js';
import { writeFits, type WriteBitpix } from './write.js';

/** Options of {@link convertFits}. */
export interface ConvertFitsOptions {
  /** Source HDU; default the first image HDU with data. */
  hdu?: number;
  /** Output BITPIX; default the source's BITPIX (its BSCALE/BZERO/BLANK are reused for integers). */
  bitpix?: WriteBitpix;
}

/**
 * Convert `inPath` (one image HDU) into a standard single-HDU FITS file at `outPath`.
 * @example await convertFits('comp.fits', 'plain.fits', { bitpix: -32 });
 * @throws MosaicError as `readImage` and `writeFits` (E_ARGUMENT when values do not fit the chosen integer BITPIX).
 */
export async function convertFits(inPath: string, outPath: string, options: ConvertFitsOptions = {}): Promise<void> {
  const image = await readImage(inPath, { hdu: options.hdu });
  const bitpix = options.bitpix ?? (image.bitpix as WriteBitpix);
  await writeFits(outPath, image, { bitpix });
}
