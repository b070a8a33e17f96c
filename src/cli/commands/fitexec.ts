/**
 * `mosaic fitexec [-l] DIFFS.tbl FITS.tbl DIFFDIR` (mFitExec): a robust plane fit to every
 * difference image, written as Montage's fits.tbl. As Montage, the plane's frame comes from
 * each difference image's own CRPIX; an absent difference file counts as `missing`, a fit
 * that fails (too few or collinear pixels) as `failed`, and neither stops the run.
 */
import { join } from 'node:path';
import { MosaicError } from '../../errors.js';
import { readIpacTable, writeIpacTable } from '../../tables/ipac.js';
import { fitDiffFile } from '../../stages/fit-plane.js';
import { fitsTable, type PairFit } from '../../stages/bg-model.js';
import type { Command } from '../command.js';
import { diffsRows } from './diffexec.js';

export const fitexecCommand: Command = {
  name: 'fitexec',
  module: 'mFitExec',
  summary: 'Fit a plane to every difference image (fits.tbl)',
  options: [{ name: 'level-only', short: 'l', type: 'boolean', help: 'Fit only the level of each difference, no slopes' }],
  positionals: [
    { name: 'diffs', help: 'Table of overlapping pairs (overlaps output)' },
    { name: 'fits', help: 'Table of plane fits to write' },
    { name: 'diffdir', help: 'Folder of the difference images' },
  ],
  async run(args, ctx) {
    const { diffs, fits, diffdir } = args.positionals as Record<string, string>;
    const rows = diffsRows(await readIpacTable(diffs, 'fitexec'), diffs, ['cntr1', 'cntr2', 'diff']);
    const out: PairFit[] = [];
    let failed = 0;
    let missing = 0;
    for (const row of rows) {
      const path = join(diffdir, row.diff);
      try {
        out.push({ plus: row.cntr1, minus: row.cntr2, ...(await fitDiffFile(path, { levelOnly: Boolean(args.options.levelOnly) })) });
      } catch (err) {
        if (err instanceof MosaicError && err.code === 'E_FILE_NOT_FOUND') missing++;
        else failed++;
        ctx.log(`fitexec: ${String(err)}`);
      }
    }
    await writeIpacTable(fits, fitsTable(out), 'fitexec');
    return { count: rows.length, failed, warning: 0, missing };
  },
};
