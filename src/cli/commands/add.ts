/** `mosaic add [-p DIR] [-a mean|median|count] [-e] IMAGES.tbl TEMPLATE.hdr OUT.fits` (mAdd). */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { MosaicError } from '../../errors.js';
import { readImage } from '../../fits/read.js';
import { readIpacTable, findColumn } from '../../tables/ipac.js';
import { checkOutputFile, readMosaicTemplate } from '../preflight.js';
import { Coadder, finishMosaic, COMBINE_METHODS, type CombineMethod } from '../../stages/add.js';
import { placementFromHeader } from '../../stages/types.js';
import { areaFileName, writeMosaicPlane } from '../../pipeline/build.js';
import { createProgress } from '../../pipeline/progress.js';
import type { Command } from '../command.js';

export const addCommand: Command = {
  name: 'add',
  module: 'mAdd',
  summary: 'Coadd projected images (with their _area images) into a mosaic',
  options: [
    { name: 'path', short: 'p', type: 'string', arg: 'DIR', help: 'Folder of the projected images' },
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
    // Mean and count stream one image at a time; median keeps the images (see stages/add.ts).
    const coadder = new Coadder(template, { combine: args.options.combine as CombineMethod });
    const progress = createProgress(ctx.stderr, { isTTY: ctx.isTTY, quiet: ctx.quiet || ctx.json });
    progress.start('add', table.rows.length);
    for (const [i, row] of table.rows.entries()) {
      const file = join(dir, String(row[fcol]));
      const value = await readImage(file);
      const area = await readImage(areaFileName(file));
      const place = placementFromHeader(template, value.header);
      coadder.accumulate({ ...place, value: value.data, area: area.data, source: file });
      progress.update(i + 1);
    }
    progress.finish();
    const m = finishMosaic(coadder, template, Boolean(args.options.exact));
    writeMosaicPlane(out, m.header, m.width, m.height, m.value);
    try {
      writeMosaicPlane(areaFileName(out), m.header, m.width, m.height, m.area);
    } catch (err) {
      rmSync(out, { force: true }); // a mosaic without its area image is not a usable output
      throw err;
    }
    return { time: Math.round((performance.now() - t0) / 1000), naxis1: m.width, naxis2: m.height, count: m.images };
  },
};
