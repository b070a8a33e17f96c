/**
 * `mosaic info --json`: the HDU list of a file with, for each image HDU, its BITPIX, shape,
 * whether it has a celestial WCS, and statistics of its physical values. Large plain
 * images are read in bands of rows, so memory stays bounded.
 */
import { imageStatistics, mergeStatistics, type ImageStatistics } from '../kernels/stats.js';
import { hasCelestialWcs } from './celestial.js';
import { decompressImage } from './compressed.js';
import { compressedImageHeader, isImageHdu, readPlainRows, withSource } from './read.js';
import { scanHdus } from './structure.js';
import type { HduType } from './types.js';
import type { Header } from './header.js';

/** Statistics as printed in JSON: min/max are null when no pixel is finite. */
export interface JsonStatistics {
  finite: number;
  nan: number;
  min: number | null;
  max: number | null;
  sum: number;
}

/** An image HDU with data, in {@link FitsDescription}. */
export interface ImageHduDescription {
  index: number;
  bitpix: number;
  shape: number[];
  celestial: boolean;
  stats: JsonStatistics;
}

/** Any other HDU (tables, empty primaries: type `image` with no data). */
export interface OtherHduDescription {
  index: number;
  type: HduType;
}

/** The JSON of `mosaic info --json`. */
export interface FitsDescription {
  file: string;
  hdus: Array<ImageHduDescription | OtherHduDescription>;
}

/** Bytes of raw pixels per band while computing statistics. */
const BAND_BYTES = 16 << 20;

/**
 * Describe every HDU of a FITS file (see {@link FitsDescription}). `isCelestial` decides the
 * `celestial` flag; the default only checks for celestial CTYPE pairs or a DSS plate solution
 * (the CLI passes a full WCS parse, so a bad projection code or a singular matrix counts as no WCS).
 * @example JSON.stringify(await describeFits('m17.fits'))
 * @throws MosaicError as `readFits` and `readImage`.
 */
export async function describeFits(
  path: string,
  options: { isCelestial?: (header: Header) => boolean } = {},
): Promise<FitsDescription> {
  const isCelestial = options.isCelestial ?? hasCelestialWcs;
  return withSource(path, async (source) => {
    const hdus = await scanHdus(source, () => undefined);
    const out: FitsDescription = { file: path, hdus: [] };
    for (const hdu of hdus) {
      if (!isImageHdu(hdu)) {
        out.hdus.push({ index: hdu.index, type: hdu.type });
        continue;
      }
      let stats: ImageStatistics;
      let header = hdu.header;
      if (hdu.type === 'compressed-image') {
        const raw = await source.read(hdu.dataOffset, hdu.dataBytes);
        stats = imageStatistics(decompressImage(hdu, raw, path));
        header = compressedImageHeader(hdu);
      } else {
        const naxis1 = hdu.shape[0];
        const nrows = hdu.shape.slice(1).reduce((a, b) => a * b, 1);
        const band = Math.max(1, Math.floor(BAND_BYTES / (naxis1 * (Math.abs(hdu.bitpix) / 8))));
        stats = imageStatistics([]);
        for (let y0 = 0; y0 < nrows; y0 += band) {
          const rows = Math.min(band, nrows - y0);
          stats = mergeStatistics(stats, imageStatistics(await readPlainRows(source, hdu, y0, rows)));
        }
      }
      out.hdus.push({
        index: hdu.index,
        bitpix: hdu.bitpix,
        shape: hdu.shape,
        celestial: isCelestial(header),
        stats: {
          finite: stats.finite,
          nan: stats.nan,
          min: stats.finite ? stats.min : null,
          max: stats.finite ? stats.max : null,
          sum: stats.sum + stats.compensation,
        },
      });
    }
    return out;
  });
}
