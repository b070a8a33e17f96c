/**
 * What build's streamed coadd does, redone the plain way for tests: its order (by first
 * footprint row, then image-table row) and box (the footprints' union), and the coadd of a set of
 * projected images with one whole-template `Coadder` in that order, cropped to that box.
 */
import type { Header } from '../../src/fits/header.js';
import { imgtbl } from '../../src/stages/imgtbl.js';
import { Coadder, type BackgroundPlane, type CombineMethod } from '../../src/stages/add.js';
import { imageFootprint, type PixelBox } from '../../src/stages/project.js';
import type { ProjectedImage } from '../../src/stages/types.js';
import { coaddOrder, streamBox } from '../../src/pipeline/stream-coadd.js';

/** build's coadd order (image-table cntrs) and mosaic box for the images of `rawDir` on `template`. */
export async function buildLayout(rawDir: string, template: Header): Promise<{ order: number[]; box: PixelBox; fnames: string[] }> {
  const r = await imgtbl(rawDir, { headers: true });
  const placed = r.headers!.flatMap((h, cntr) => {
    const footprint = imageFootprint(h.header, h.shape, template).footprint;
    return footprint ? [{ cntr, footprint }] : [];
  });
  return { order: coaddOrder(placed).map((p) => p.cntr), box: streamBox(template, placed.map((p) => p.footprint)), fnames: r.rows.map((row) => String(row.fname)) };
}

/** The whole-template coadd of `images` (fed in this order) cropped to `box`. */
export function referenceCoadd(images: readonly ProjectedImage[], template: Header, box: PixelBox, combine: CombineMethod, planes?: Map<number, BackgroundPlane>) {
  const c = new Coadder(template, { combine, correction: planes ? (img) => planes.get(img.cntr!) : undefined });
  for (const img of images) c.accumulate(img);
  return c.finishBox(box);
}
