/** `mosaic projexec [-p RAWDIR] IMAGES.tbl TEMPLATE.hdr PROJDIR STATS.tbl` (mProjExec, always exact). */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readIpacTable, findColumn, writeIpacTable, type IpacValue } from '../../tables/ipac.js';
import { checkOutputFile, readMosaicTemplate } from '../preflight.js';
import { PROJECT_METHODS, type ProjectMethod } from '../../stages/project.js';
import { WorkerPool, mapOrdered, defaultThreads } from '../../pipeline/pool.js';
import { projectedFileName } from '../../pipeline/build.js';
import { createProgress } from '../../pipeline/progress.js';
import type { ProjectTaskInput } from '../../pipeline/tasks.js';
import { MosaicError } from '../../errors.js';
import type { Command } from '../command.js';

export const projexecCommand: Command = {
  name: 'projexec',
  module: 'mProjExec',
  summary: 'Reproject every image of a table onto a template, in parallel',
  description: 'Unlike mProjExec, which silently uses the approximate mProjectPP, every image goes through the exact projection.',
  options: [
    { name: 'path', short: 'p', type: 'string', arg: 'DIR', help: 'Folder the table\'s file names are relative to' },
    { name: 'threads', type: 'integer', min: 1, help: 'Worker threads (default: all cores)' },
    { name: 'method', type: 'enum', values: PROJECT_METHODS, default: 'exact', help: 'Resampling method' },
  ],
  positionals: [
    { name: 'images', help: 'Image table (mImgtbl output)' },
    { name: 'template', help: 'Mosaic header template' },
    { name: 'projdir', help: 'Output folder for the projected images' },
    { name: 'stats', help: 'Per-image status table to write' },
  ],
  async run(args, ctx) {
    const { images, template: tpl, projdir, stats } = args.positionals as Record<string, string>;
    checkOutputFile(stats, 'projexec');
    const table = await readIpacTable(images, 'projexec');
    const fcol = findColumn(table, 'fname', { required: true, file: images })!;
    const hcol = findColumn(table, 'hdu');
    const template = await readMosaicTemplate(tpl, 'projexec');
    await mkdir(projdir, { recursive: true });
    const raw = (args.options.path as string | undefined) ?? '.';
    const tasks: ProjectTaskInput[] = table.rows.map((r, i) => {
      const fname = String(r[fcol]);
      const hdu = hcol ? Number(r[hcol] ?? 0) : 0;
      const names = projectedFileName(fname, hdu);
      return {
        file: join(raw, fname), hdu, cntr: i, template: template.cards, method: args.options.method as ProjectMethod,
        write: { value: join(projdir, names.value), area: join(projdir, names.area) }, returnPixels: false,
      };
    });
    const rows: Array<Record<string, IpacValue>> = [];
    let failed = 0;
    let nooverlap = 0;
    const progress = createProgress(ctx.stderr, { isTTY: ctx.isTTY, quiet: ctx.quiet || ctx.json });
    const pool = new WorkerPool({ threads: (args.options.threads as number | undefined) ?? defaultThreads() });
    progress.start('project', tasks.length);
    try {
      await mapOrdered(pool, 'project', tasks, (i, o) => {
        progress.update(i + 1);
        const fname = String(table.rows[i][fcol]);
        if (!o.ok) {
          failed++;
          ctx.log(`projexec: ${o.error.toString()}`);
          rows.push({ fname, status: o.error.message, time: null });
        } else if (o.value.status === 'nooverlap') {
          nooverlap++;
          rows.push({ fname, status: 'No overlap', time: null });
        } else rows.push({ fname, status: 'OK', time: Math.round(o.value.seconds * 10) / 10 });
      });
    } finally {
      progress.finish();
      await pool.close();
    }
    await writeIpacTable(stats, {
      keywords: [], comments: [],
      columns: [{ name: 'fname', type: 'char' }, { name: 'status', type: 'char' }, { name: 'time', type: 'double', format: { fixed: 1 } }],
      rows,
    }, 'projexec');
    if (tasks.length > 0 && failed === tasks.length) throw new MosaicError('E_RUN', `all ${failed} images failed`, { stage: 'projexec', file: images });
    return { count: tasks.length, failed, nooverlap };
  },
};
