/**
 * `mosaic diffexec [-p PROJDIR] [-n] DIFFS.tbl TEMPLATE.hdr DIFFDIR` (mDiffExec): the difference
 * image of every overlapping pair, `DIFFDIR/diff.*.fits` + `_area`. A pair that fails is
 * counted and logged; the command fails only when every pair does.
 */
import { mkdir } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { MosaicError } from '../../errors.js';
import { findColumn, readIpacTable, type IpacTable } from '../../tables/ipac.js';
import { readMosaicTemplate } from '../preflight.js';
import { diffFiles } from '../../stages/diff.js';
import type { Command } from '../command.js';

/** Montage's montage_filePath: `name` under `dir` unless it is absolute. */
export function fileUnder(dir: string, name: string): string {
  return isAbsolute(name) ? name : join(dir, name);
}

/** One row of a diffs.tbl. */
export interface DiffsRow {
  cntr1: number;
  cntr2: number;
  plus: string;
  minus: string;
  diff: string;
}

/**
 * The rows of a diffs.tbl (mOverlaps output).
 * @throws MosaicError E_TABLE_COLUMN naming the file when a column is missing.
 */
export function diffsRows(table: IpacTable, file: string, columns: ReadonlyArray<keyof DiffsRow>): DiffsRow[] {
  const cols = Object.fromEntries(columns.map((c) => [c, findColumn(table, c, { required: true, file })!]));
  return table.rows.map((r) => ({
    cntr1: cols.cntr1 ? Number(r[cols.cntr1]) : NaN,
    cntr2: cols.cntr2 ? Number(r[cols.cntr2]) : NaN,
    plus: cols.plus ? String(r[cols.plus] ?? '') : '',
    minus: cols.minus ? String(r[cols.minus] ?? '') : '',
    diff: cols.diff ? String(r[cols.diff] ?? '') : '',
  }));
}

export const diffexecCommand: Command = {
  name: 'diffexec',
  module: 'mDiffExec',
  summary: 'Difference images of all overlapping pairs of projected images',
  options: [
    { name: 'path', short: 'p', type: 'string', arg: 'DIR', help: 'Folder of the projected images (default: .)' },
    { name: 'no-areas', short: 'n', type: 'boolean', help: 'No area images: every pixel weighs 1 (mDiffExec -n)' },
  ],
  positionals: [
    { name: 'diffs', help: 'Table of overlapping pairs (overlaps output)' },
    { name: 'template', help: 'Mosaic header template (.hdr)' },
    { name: 'diffdir', help: 'Output folder for the difference images' },
  ],
  async run(args, ctx) {
    const { diffs, template: tpl, diffdir } = args.positionals as Record<string, string>;
    const projdir = (args.options.path as string | undefined) ?? '.';
    const noAreas = Boolean(args.options.noAreas);
    const rows = diffsRows(await readIpacTable(diffs, 'diffexec'), diffs, ['plus', 'minus', 'diff']);
    const template = await readMosaicTemplate(tpl, 'diffexec');
    await mkdir(diffdir, { recursive: true });
    let failed = 0;
    for (const row of rows) {
      try {
        await diffFiles(fileUnder(projdir, row.plus), fileUnder(projdir, row.minus), join(diffdir, row.diff), template, { noAreas });
      } catch (err) {
        failed++;
        ctx.log(`diffexec: ${row.diff}: ${String(err)}`);
      }
    }
    if (rows.length > 0 && failed === rows.length) throw new MosaicError('E_RUN', `all ${failed} differences failed`, { stage: 'diffexec', file: diffs });
    return { count: rows.length, failed };
  },
};
