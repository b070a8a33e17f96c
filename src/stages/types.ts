/** Types the stages pass to each other in memory (the files of `--workdir` mirror them). */
import type { Header } from '../fits/header.js';
import type { PixelArray } from '../fits/types.js';

/**
 * One image reprojected onto the mosaic grid (mProject's output pair `x.fits` + `x_area.fits`),
 * cropped to its bounding box on that grid.
 */
export interface ProjectedImage {
  /** 0-based column of this image's first pixel in the mosaic grid (may be negative before trimming). */
  x0: number;
  /** 0-based row of this image's first pixel in the mosaic grid. */
  y0: number;
  width: number;
  height: number;
  /** Surface brightness in the input's units; NaN where there is no data. Row-major, width fastest. */
  value: PixelArray;
  /** Solid angle (steradians) of the part of each pixel covered by finite input data (Montage's `_area.fits`). */
  area: PixelArray;
  /** Row number (`cntr`) of the source image in the image table, when known. */
  cntr?: number;
  /** Source file (for messages and tables). */
  source?: string;
}

/** The header of a ProjectedImage: the mosaic template with NAXISn and CRPIXn moved to the crop. */
export function projectedHeader(template: Header, img: Pick<ProjectedImage, 'x0' | 'y0' | 'width' | 'height'>): Header {
  const h = template.clone();
  h.set('NAXIS1', img.width);
  h.set('NAXIS2', img.height);
  const crpix1 = template.number('CRPIX1') ?? 0;
  const crpix2 = template.number('CRPIX2') ?? 0;
  h.setFloat('CRPIX1', crpix1 - img.x0);
  h.setFloat('CRPIX2', crpix2 - img.y0);
  return h;
}

/** Where a projected image sits in the mosaic, recovered from its header (inverse of projectedHeader). */
export function placementFromHeader(template: Header, header: Header): { x0: number; y0: number; width: number; height: number } {
  const dx = (template.number('CRPIX1') ?? 0) - (header.number('CRPIX1') ?? 0);
  const dy = (template.number('CRPIX2') ?? 0) - (header.number('CRPIX2') ?? 0);
  return { x0: Math.round(dx), y0: Math.round(dy), width: header.int('NAXIS1') ?? 0, height: header.int('NAXIS2') ?? 0 };
}
