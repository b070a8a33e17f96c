/**
 * `mosaic difffitexec [-p PROJDIR] [-n] [-l] [-k] DIFFS.tbl TEMPLATE.hdr DIFFDIR FITS.tbl`
 * (mDiffFitExec): diffexec and fitexec in one pass. Each difference is fitted in memory and,
 * as Montage, not kept unless `--keep` is given (then it is written to DIFFDIR as diffexec does).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { MosaicError } from '../../errors.js';
import { readIpacTable, writeIpacTable } from '../../tables/ipac.js';
import { readMosaicTemplate } from '../preflight.js';
import { diffFiles, diffProjectedFiles } from '../../stages/diff.js';
import { fitDiffPlane } from '../../stages/fit-plane.js';
import { fitsTable, type PairFit } from '../../stages/bg-model.js';
import type { Command } from '../command.js';
import { diffsRows, fileUnder } from './diffexec.js';

export const difffitexecCommand: Command = {
  name: 'difffitexec',
  module: 'mDiffFitExec',
  summary: 'Difference and plane fit of all overlapping pairs in one pass (fits.tbl)',
  options: [
    { name: 'path', short: 'p', type: 'string', arg: 'DIR', help: 'Folder of the projected images (default: .)' },
    { name: 'no-areas', short: 'n', type: 'boolean', help: 'No area images: every pixel weighs 1' },
    { name: 'level-only', short: 'l', type: 'boolean', help: 'Fit only the level of each difference, no slopes' },
    { name: 'keep', short: 'k', type: 'boolean', help: 'Keep the difference images in DIFFDIR' },
  ],
  positionals: [
    { name: 'diffs', help: 'Table of overlapping pairs (overlaps output)' },
    { name: 'template', help: 'Mosaic header template (.hdr)' },
    { name: 'diffdir', help: 'Folder for the difference images (written only with --keep)' },
    { name: 'fits', help: 'Table of plane fits to write' },
  ],
  async run(args, ctx) {
    const { diffs, template: tpl, diffdir, fits } = args.positionals as Record<string, string>;
    const projdir = (args.options.path as string | undefined) ?? '.';
    const noAreas = Boolean(args.options.noAreas);
    const keep = Boolean(args.options.keep);
    const rows = diffsRows(await readIpacTable(diffs, 'difffitexec'), diffs, ['cntr1', 'cntr2', 'plus', 'minus', 'diff']);
    const template = await readMosaicTemplate(tpl, 'difffitexec');
    const crpix = { crpix1: template.number('CRPIX1') ?? 0, crpix2: template.number('CRPIX2') ?? 0 };
    if (keep) await mkdir(diffdir, { recursive: true });
    const out: PairFit[] = [];
    let diffFailed = 0;
    let fitFailed = 0;
    for (const row of rows) {
      const [plus, minus] = [fileUnder(projdir, row.plus), fileUnder(projdir, row.minus)];
      let diff;
      try {
        diff = keep ? await diffFiles(plus, minus, join(diffdir, row.diff), template, { noAreas }) : await diffProjectedFiles(plus, minus, template, { noAreas });
      } catch (err) {
        diffFailed++;
        fitFailed++; // as Montage: no difference, no fit
        ctx.log(`difffitexec: ${row.diff}: ${String(err)}`);
        continue;
      }
      try {
        out.push({ plus: row.cntr1, minus: row.cntr2, ...fitDiffPlane(diff, crpix, { levelOnly: Boolean(args.options.levelOnly) }) });
      } catch (err) {
        fitFailed++;
        ctx.log(`difffitexec: ${row.diff}: ${String(err)}`);
      }
    }
    await writeIpacTable(fits, fitsTable(out), 'difffitexec');
    if (rows.length > 0 && diffFailed === rows.length) throw new MosaicError('E_RUN', `all ${diffFailed} differences failed`, { stage: 'difffitexec', file: diffs });
    return { count: rows.length, diff_failed: diffFailed, fit_failed: fitFailed, warning: 0 };
  },
};
