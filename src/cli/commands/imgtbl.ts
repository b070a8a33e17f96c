/** `mosaic imgtbl [-r] DIR IMAGES.tbl` (Montage's mImgtbl argument order; DIR may also be files or globs). */
import { MosaicError } from '../../errors.js';
import { imgtbl, writeImageTable } from '../../stages/imgtbl.js';
import type { Command } from '../command.js';

export const imgtblCommand: Command = {
  name: 'imgtbl',
  module: 'mImgtbl',
  summary: 'List the FITS images of a folder with their WCS and sky corners (images.tbl)',
  description:
    'Every image HDU with a celestial WCS becomes one row, with Montage mImgtbl -c columns. ' +
    'Unreadable files (badfits) and HDUs without a celestial WCS (badwcs) are counted and reported, not fatal. ' +
    'With several inputs, the last is the output table and the others are files or globs.',
  options: [
    { name: 'recursive', short: 'r', type: 'boolean', help: 'Descend into sub-folders' },
    { name: 'area-files', type: 'boolean', help: 'Include _area.fits weight images (skipped by default, as Montage does)' },
  ],
  positionals: [
    { name: 'inputs', help: 'Folder of FITS files (names in the table are relative to it), or files/globs, then IMAGES.tbl', variadic: true },
  ],
  async run(args, ctx) {
    const all = args.positionals.inputs as string[];
    if (all.length < 2) {
      throw new MosaicError('E_USAGE', 'Expected DIR (or files) and IMAGES.tbl', { stage: 'imgtbl' });
    }
    const out = all[all.length - 1];
    const res = await imgtbl(all.slice(0, -1), { recursive: Boolean(args.options.recursive), includeAreaFiles: Boolean(args.options.areaFiles) });
    for (const f of res.failures) ctx.log(`skipped ${f.file}${f.hdu === undefined ? '' : ` hdu ${f.hdu}`}: ${f.error}`);
    await writeImageTable(out, res.table);
    return { count: res.count, nfile: res.nfile, nhdu: res.nhdu, badfits: res.badfits, badwcs: res.badwcs };
  },
};
