/**
 * mBackground: subtract a correction plane from a projected image
 * (Caltech-IPAC/Montage `MontageLib/Background/montageBackground.c`). For the pixel of 0-based
 * column i, row j of an image whose header has CRPIX1/2, the plane is evaluated at
 * x = i − CRPIX1, y = j − CRPIX2 — for a crop of the mosaic grid, x = (0-based mosaic column)
 * − CRPIX1 of the mosaic header, the frame of the fits and corrections. Pixels with NaN value
 * or non-positive area become NaN with area 0; the area is otherwise kept.
 */
import type { ProjectedImage } from './types.js';

/** A plane a·x + b·y + c in Montage's pixel-offset coordinates. */
export interface BackgroundPlane {
  a: number;
  b: number;
  c: number;
}

/**
 * The image minus the plane (new arrays; the input is not modified). `mosaicCrpix` is the
 * mosaic header's CRPIX1/2 (with the image's x0/y0 it gives the image's own CRPIX).
 * @example subtractBackground(img, { a: 0, b: 0, c: 12.5 }, { crpix1: 913, crpix2: 1501 })
 */
export function subtractBackground<T extends Pick<ProjectedImage, 'x0' | 'y0' | 'width' | 'height' | 'value' | 'area'>>(
  image: T,
  plane: BackgroundPlane,
  mosaicCrpix: { crpix1: number; crpix2: number },
): T {
  const crpix1 = mosaicCrpix.crpix1 - image.x0;
  const crpix2 = mosaicCrpix.crpix2 - image.y0;
  const value = new (image.value.constructor as Float32ArrayConstructor | Float64ArrayConstructor)(image.value.length);
  const area = new (image.area.constructor as Float32ArrayConstructor | Float64ArrayConstructor)(image.area.length);
  for (let j = 0; j < image.height; j++) {
    const y = j - crpix2;
    for (let i = 0; i < image.width; i++) {
      const k = i + image.width * j;
      const v = image.value[k];
      const a = image.area[k];
      if (Number.isNaN(v) || !(a > 0)) {
        value[k] = NaN;
        area[k] = 0;
      } else {
        value[k] = v - (plane.a * (i - crpix1) + plane.b * y + plane.c);
        area[k] = a;
      }
    }
  }
  return { ...image, value, area };
}
