/**
 * mBackground: subtract a correction plane from a projected image
 * (Caltech-IPAC/Montage `MontageLib/Background/montageBackground.c`). For the pixel of 0-based
 * column i, row j of an image whose header has CRPIX1/2, the plane is evaluated at
 * x = i − CRPIX1, y = j − CRPIX2 — for a crop of the mosaic grid, x = (0-based mosaic column)
 * − CRPIX1 of the mosaic header, the frame of the fits and corrections. Pixels with NaN value
 * or non-positive area become NaN with area 0; the area is otherwise kept.
 *
 * On files ({@link backgroundFile}, mBackground / mBgExec's per-image work) CRPIX comes from
 * the image's own header, and the output is OUT.fits + OUT_area.fits, BITPIX −64, with the
 * input's header.
 */
import { MosaicError } from '../errors.js';
import { readImage } from '../fits/read.js';
import { writeFits } from '../fits/write.js';
import { writeImageAndArea } from '../fits/area-pair.js';
import { readAreaFile } from './diff.js';
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

/**
 * mBackground on files: `inPath` (+ its `_area` file) minus the plane, written to `outPath`
 * (+ `_area`). With `noAreas` no area file is read or written and every area counts as 1.
 * `outPath` gets `.fits` appended when it lacks it, as Montage.
 * @returns the path written.
 * @throws MosaicError E_FILE_NOT_FOUND naming the missing file; E_WCS_KEYWORD without CRPIX1/2.
 */
export async function backgroundFile(inPath: string, outPath: string, plane: BackgroundPlane, options: { noAreas?: boolean } = {}): Promise<string> {
  const img = await readImage(inPath);
  const crpix1 = img.header.number('CRPIX1');
  const crpix2 = img.header.number('CRPIX2');
  if (crpix1 === undefined || crpix2 === undefined) throw new MosaicError('E_WCS_KEYWORD', 'header has no CRPIX1/CRPIX2', { stage: 'background', file: inPath });
  const width = img.shape[0];
  const height = img.shape[1] ?? 1;
  const area = options.noAreas ? new Float64Array(img.data.length).fill(1) : await readAreaFile(inPath, img.shape);
  // In double precision whatever the input BITPIX, as Montage.
  const value = img.data instanceof Float64Array ? img.data : Float64Array.from(img.data);
  const out = subtractBackground({ x0: 0, y0: 0, width, height, value, area }, plane, { crpix1, crpix2 });
  const path = /\.fits$/i.test(outPath) ? outPath : `${outPath}.fits`;
  if (options.noAreas) await writeFits(path, { header: img.header, data: out.value, shape: [width, height] }, { bitpix: -64 });
  else await writeImageAndArea(path, { header: img.header, shape: [width, height], value: out.value, area: out.area });
  return path;
}
