/**
 * `mosaic add [-p DIR] [-a mean|median|count] [-e] IMAGES.tbl TEMPLATE.hdr OUT.fits` (mAdd).
 * As in mAdd, the table's file names are relative to `-p DIR` (default: the current folder), not
 * to the table's own folder; a missing image says so, since forgetting `-p` is the usual cause.
 */
import { join } from 'node:path';
import { MosaicError, asMosaicError } from '../../errors.js';
import { readImageRows } from '../../fits/read.js';
import { readIpacTable, findColumn } from '../../tables/ipac.js';
import { checkOutputFile, readMosaicTemplate } from '../preflight.js';
import { COMBINE_METHODS, type CombineMethod } from '../../stages/add.js';
import { placementFromHeader } from '../../stages/types.js';
import { areaFileName } from '../../fits/area-pair.js';
import { coaddInBands, type CoaddSource } from '../../pipeline/coadd-bands.js';
import { createProgress } from '../../pipeline/progress.js';
import type { Command } from '../command.js';

/** A missing table image's error, same code and file, with the `-p DIR` the name was read against. */
function notFoundHint(err: unknown, file: string, table: string, dir: string): MosaicError {
  const e = asMosaicError(err, { stage: 'add', file });
  if (e.code !== 'E_FILE_NOT_FOUND') return e;
  return new MosaicError('E_FILE_NOT_FOUND', `not found (file names in ${table} are read relative to -p DIR, here '${dir}')`, {
    stage: e.stage,
    file: e.file,
    cause: err,
  });
}

export const addCommand: Command = {
  name: 'add',
  module: 'mAdd',
  summary: 'Coadd projected images (with their _area images) into a mosaic',
  options: [
    { name: 'path', short: 'p', type: 'string', arg: 'DIR', help: 'Folder of the projected images: the table’s file names are relative to it (default: .)' },
    { name: 'combine', short: 'a', type: 'enum', values: COMBINE_METHODS, default: 'mean', help: 'How to combine overlapping pixels' },
    { name: 'exact', short: 'e', type: 'boolean', help: 'Keep the template size (no shrink to the inputs)' },
  ],
  positionals: [
    { name: 'images', help: 'Table of projected images (mImgtbl of the projected folder)' },
    { name: 'template', help: 'Mosaic header template' },
    { name: 'out', help: 'Output mosaic (its area image is OUT_area.fits)' },
  ],
  async run(args, ctx) {
    const t0 = performance.now();
    const { images, template: tpl, out } = args.positionals as Record<string, string>;
    for (const f of [out, areaFileName(out)]) checkOutputFile(f, 'add');
    const table = await readIpacTable(images, 'add');
    const fcol = findColumn(table, 'fname', { required: true, file: images })!;
    if (table.rows.length === 0) throw new MosaicError('E_NO_INPUT', 'the image table has no rows: no images to coadd', { stage: 'add', file: images });
    const template = await readMosaicTemplate(tpl, 'add');
    const dir = (args.options.path as string | undefined) ?? '.';
    // Placements from the headers (no pixels read), then a coadd in row bands in table order:
    // memory is one band of the mosaic plus the images' rows in it (pipeline/coadd-bands.ts).
    const sources: CoaddSource[] = [];
    for (const row of table.rows) {
      const value = join(dir, String(row[fcol]));
      const { header } = await readImageRows(value, { y0: 0, rows: 0 }).catch((err: unknown) => {
        throw notFoundHint(err, value, images, dir);
      });
      sources.push({ value, area: areaFileName(value), ...placementFromHeader(template, header) });
    }
    const progress = createProgress(ctx.stderr, { isTTY: ctx.isTTY, quiet: ctx.quiet || ctx.json });
    // Both files appear only when every band is written (the writers remove them on failure).
    const m = await coaddInBands(
      template,
      sources,
      { value: out, area: areaFileName(out) },
      { combine: args.options.combine as CombineMethod, exactSize: Boolean(args.options.exact), progress },
    );
    return { time: Math.round((performance.now() - t0) / 1000), naxis1: m.width, naxis2: m.height, count: m.images };
  },
};
