/** In-memory FITS image types shared by readers, writers, stages and kernels. */
import type { Header } from './header.js';

/** Pixel data in physical units (BSCALE/BZERO applied, BLANK → NaN). Row-major, FITS axis 1 fastest. */
export type PixelArray = Float32Array | Float64Array;

/**
 * An image held in memory. `data[x0 + naxis1 * y0]` is FITS pixel (x0+1, y0+1): array
 * index 0 is the FITS pixel (1,1) at the bottom-left of a north-up picture.
 */
export interface FitsImage {
  header: Header;
  /** [naxis1, naxis2, ...] */
  shape: number[];
  data: PixelArray;
  /** BITPIX of the HDU it was read from (or will be written with). */
  bitpix: number;
}

/** Kind of an HDU: `compressed-image` is a tile-compressed image stored in a binary table (ZIMAGE = T). */
export type HduType = 'image' | 'table' | 'bintable' | 'compressed-image' | 'other';

/** Where one HDU lies in a FITS file and what it holds. */
export interface FitsHdu {
  /** 0 = primary. */
  index: number;
  type: HduType;
  header: Header;
  /** BITPIX of the pixels (ZBITPIX for compressed images, 8 for tables). */
  bitpix: number;
  /** [naxis1, naxis2, ...] of the image (ZNAXISn for compressed images, NAXISn for tables); [] when there is no data. */
  shape: number[];
  /** Byte offset of the header in the (decompressed) file. */
  headerOffset: number;
  /** Byte offset of the data unit. */
  dataOffset: number;
  /** Size of the data unit without padding (bytes), heap included. */
  dataBytes: number;
}

/** The HDU list of one file, as returned by `readFits`. */
export interface FitsFile {
  /** The path as given. */
  path: string;
  /** True when the file is gzip-compressed (detected from its first bytes, whatever its name). */
  gzip: boolean;
  /** Size in bytes of the (decompressed) FITS stream. */
  size: number;
  hdus: FitsHdu[];
  /** Tolerated problems (sloppy cards, missing final padding), prefixed with `hdu N:`. */
  warnings: string[];
}

/** A band of rows of an image, from `readImageRows`. */
export interface FitsRowBand {
  header: Header;
  bitpix: number;
  /** Shape of the whole image. */
  shape: number[];
  /** First row of the band, 0-based (row = index along axes 2..N flattened). */
  y0: number;
  /** Number of rows in the band. */
  rows: number;
  /** `rows * naxis1` physical values; `data[x0 + naxis1 * (y - y0)]` is row y. */
  data: PixelArray;
}
