/**
 * `mosaic bgexec [-p PROJDIR] [-n] IMAGES.tbl CORRECTIONS.tbl CORRDIR` (mBgExec): every
 * projected image minus its correction plane, written to CORRDIR under its own name with its
 * area image. As Montage, an image without a correction is counted in `nocorrection` and
 * written unchanged, and an image that cannot be processed is counted in `failed`; the
 * command fails only when every image does.
 */
import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { MosaicError } from '../../errors.js';
import { findColumn, readIpacTable } from '../../tables/ipac.js';
import { correctionsFromTable } from '../../stages/bg-model.js';
import { backgroundFile } from '../../stages/background.js';
import type { Command } from '../command.js';

export const bgexecCommand: Command = {
  name: 'bgexec',
  module: 'mBgExec',
  summary: 'Apply the background corrections to every projected image',
  options: [
    { name: 'path', short: 'p', type: 'string', arg: 'DIR', help: 'Folder of the projected images (default: .)' },
    { name: 'no-areas', short: 'n', type: 'boolean', help: 'No area images are read or written' },
  ],
  positionals: [
    { name: 'images', help: 'Image table of the projected images (cntr, fname)' },
    { name: 'corrections', help: 'Table of corrections (bgmodel output)' },
    { name: 'corrdir', help: 'Output folder for the corrected images' },
  ],
  async run(args, ctx) {
    const { images, corrections, corrdir } = args.positionals as Record<string, string>;
    const projdir = (args.options.path as string | undefined) ?? '.';
    const table = await readIpacTable(images, 'bgexec');
    const cntrCol = findColumn(table, 'cntr', { required: true, file: images })!;
    const fnameCol = findColumn(table, 'fname', { required: true, file: images })!;
    const planes = correctionsFromTable(await readIpacTable(corrections, 'bgexec'), corrections);
    await mkdir(corrdir, { recursive: true });
    let nocorrection = 0;
    let failed = 0;
    for (const row of table.rows) {
      const name = basename(String(row[fnameCol] ?? ''));
      const plane = planes.get(Number(row[cntrCol]));
      if (!plane) nocorrection++;
      try {
        await backgroundFile(join(projdir, name), join(corrdir, name), plane ?? { a: 0, b: 0, c: 0 }, { noAreas: Boolean(args.options.noAreas) });
      } catch (err) {
        failed++;
        ctx.log(`bgexec: ${String(err)}`);
      }
    }
    const count = table.rows.length;
    if (count > 0 && failed === count) throw new MosaicError('E_RUN', `all ${failed} images failed`, { stage: 'bgexec', file: images });
    return { count, nocorrection, failed };
  },
};
