/** `mosaic build INPUT… -o OUT.fits [--no-bg | --level-only] [--template HDR] [--png OUT.png] [--workdir DIR] [--threads N]`. */
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { asMosaicError, MosaicError } from '../../errors.js';
import { areaFileName } from '../../fits/area-pair.js';
import { buildMosaic } from '../../pipeline/build.js';
import { createProgress } from '../../pipeline/progress.js';
import { PROJECT_METHODS, type ProjectMethod } from '../../stages/project.js';
import { COMBINE_METHODS, type CombineMethod } from '../../stages/add.js';
import type { Command } from '../command.js';
import { checkOutputFile, readMosaicTemplate } from '../preflight.js';

export const buildCommand: Command = {
  name: 'build',
  summary: 'Make a mosaic from raw images in one run (imgtbl, makehdr, project, background, add)',
  options: [
    { name: 'output', short: 'o', type: 'string', arg: 'OUT.fits', default: 'mosaic.fits', help: 'Mosaic file (area image beside it)' },
    { name: 'bg', type: 'boolean', default: true, help: 'Background matching (--no-bg to skip)' },
    { name: 'level-only', type: 'boolean', help: 'Background matching with levels only (no slopes)' },
    { name: 'slope-prior', type: 'number', min: 0, arg: 'S', help: "Pull each image's slopes toward its group's mean slope, at S times the empirical-Bayes weight (default 0: off)" },
    { name: 'fit-bin', type: 'integer', min: 1, max: 8, arg: 'N', help: 'Fit the overlaps\' differences on N×N-binned pixels (default 1, Montage\'s fits; 2 is faster and a little less accurate, for previews)' },
    { name: 'exact-planes', type: 'boolean', help: 'Background matching with the exact least-squares planes (no damping of weakly determined modes)' },
    { name: 'template', type: 'string', arg: 'HDR', help: 'Use this header instead of computing one' },
    { name: 'png', type: 'string', arg: 'OUT.png', help: 'Also write a PNG preview' },
    { name: 'workdir', type: 'string', arg: 'DIR', help: 'Keep every intermediate file here (Montage names)' },
    { name: 'threads', type: 'integer', min: 1, help: 'Worker threads (default: all cores)' },
    { name: 'memory-cache', type: 'integer', min: 0, arg: 'MiB', help: 'Obsolete, ignored: build keeps no projected images between its passes (accepted so that scripts keep working)' },
    { name: 'method', type: 'enum', values: PROJECT_METHODS, default: 'exact', help: 'Resampling method' },
    { name: 'combine', type: 'enum', values: COMBINE_METHODS, default: 'mean', help: 'How to combine overlapping pixels' },
  ],
  positionals: [{ name: 'inputs', help: 'Folders, FITS files or globs', variadic: true }],
  async run(args, ctx) {
    const o = args.options;
    // Fail before the work, not after it: outputs must be creatable and a given template usable.
    for (const out of [o.output as string, areaFileName(o.output as string), o.png as string | undefined]) if (out) checkOutputFile(out, 'build');
    if (o.template) await readMosaicTemplate(o.template as string, 'build');
    // Inputs that could not be read or have no usable WCS (buildMosaic warns "skipped …" for each).
    let skipped = 0;
    const r = await buildMosaic({
      inputs: args.positionals.inputs as string[],
      output: o.output as string,
      bg: o.bg as boolean,
      levelOnly: Boolean(o.levelOnly),
      fitBin: o.fitBin as number | undefined,
      slopePrior: o.slopePrior as number | undefined,
      bgSweeps: o.exactPlanes ? Infinity : undefined,
      template: o.template as string | undefined,
      png: o.png as string | undefined,
      workdir: o.workdir as string | undefined,
      threads: o.threads as number | undefined,
      memoryCache: o.memoryCache === undefined ? undefined : (o.memoryCache as number) * 2 ** 20,
      method: o.method as ProjectMethod,
      combine: o.combine as CombineMethod,
      progress: createProgress(ctx.stderr, { isTTY: ctx.isTTY, quiet: ctx.quiet || ctx.json }),
      onWarning: (m) => {
        if (m.startsWith('skipped ')) skipped++;
        ctx.log(`build: ${m}`);
      },
    }).catch(async (err: unknown) => {
      // The mosaic is written before its area image: without the area image it is no output.
      const e = asMosaicError(err, { stage: 'build' });
      if (e.file && resolve(e.file) === resolve(areaFileName(o.output as string))) await rm(o.output as string, { force: true });
      // `build DIR OUT.fits` (mAdd habit): the last argument was meant as the output.
      const inputs = args.positionals.inputs as string[];
      const last = inputs[inputs.length - 1];
      if (e.code === 'E_FILE_NOT_FOUND' && inputs.length > 1 && e.file === last && /\.fits?$/i.test(last))
        throw new MosaicError(e.code, `${e.message} (every argument is an input; name the mosaic with -o OUT.fits)`, { stage: 'build', file: e.file });
      throw e;
    });
    return {
      count: r.count,
      skipped,
      used: r.used,
      failed: r.failed,
      nooverlap: r.nooverlap,
      pairs: r.background ? r.pairs : undefined,
      fitsfailed: r.background ? r.fitsFailed : undefined,
      naxis1: r.naxis1,
      naxis2: r.naxis2,
      background: r.background,
      time: Math.round(r.seconds * 10) / 10,
    };
  },
};
