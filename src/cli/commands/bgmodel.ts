/**
 * `mosaic bgmodel [-l] IMAGES.tbl FITS.tbl CORRECTIONS.tbl` (mBgModel): one background plane
 * per image from the pairwise fits, by a global least-squares solve (see stages/bg-model.ts)
 * where Montage iterates, damped as Montage's `-i NITER` iterations would damp it (see
 * background/global-model.ts); `--exact` gives the undamped least-squares planes.
 */
import { findColumn, readIpacTable, writeIpacTable } from '../../tables/ipac.js';
import { bgModel, correctionsTable, pairFitsFromTable } from '../../stages/bg-model.js';
import type { Command } from '../command.js';

export const bgmodelCommand: Command = {
  name: 'bgmodel',
  module: 'mBgModel',
  summary: 'Solve for per-image background corrections from the pair fits (corrections.tbl)',
  options: [
    { name: 'level-only', short: 'l', type: 'boolean', help: 'Correct levels only, no slopes' },
    { name: 'all', short: 'a', type: 'boolean', help: "Use every fit (skip Montage's size and rms selection)" },
    { name: 'slope-prior', type: 'number', min: 0, arg: 'S', help: "Pull each image's slopes toward its group's mean slope, at S times the empirical-Bayes weight (default 0: off)" },
    { name: 'niter', short: 'i', type: 'integer', min: 0, arg: 'N', help: "Montage's iteration count (default 10000): the direct solve is damped as its N − 2500 plane sweeps would damp it" },
    { name: 'exact', type: 'boolean', help: 'The exact least-squares planes, without the damping of weakly determined modes' },
  ],
  positionals: [
    { name: 'images', help: 'Image table of the projected images (cntr column)' },
    { name: 'fits', help: 'Table of plane fits (fitexec output)' },
    { name: 'corrections', help: 'Table of corrections to write' },
  ],
  async run(args) {
    const { images, fits, corrections } = args.positionals as Record<string, string>;
    const imageTable = await readIpacTable(images, 'bgmodel');
    const cntr = findColumn(imageTable, 'cntr', { required: true, file: images })!;
    const ids = imageTable.rows.map((r) => Number(r[cntr]));
    // Image sizes drive Montage's selection of usable fits (overlaps too small to trust).
    const n1 = findColumn(imageTable, 'naxis1') ?? findColumn(imageTable, 'ns');
    const n2 = findColumn(imageTable, 'naxis2') ?? findColumn(imageTable, 'nl');
    const sizes = n1 && n2 ? imageTable.rows.map((r) => ({ naxis1: Number(r[n1]), naxis2: Number(r[n2]) })) : undefined;
    const pairFits = pairFitsFromTable(await readIpacTable(fits, 'bgmodel'), fits);
    const result = bgModel(ids, pairFits, {
      levelOnly: Boolean(args.options.levelOnly),
      useAll: Boolean(args.options.all),
      slopePrior: (args.options.slopePrior as number | undefined) ?? 0,
      sweeps: args.options.exact ? Infinity : args.options.niter === undefined ? undefined : Math.max(0, (args.options.niter as number) - 2500),
      ...(sizes && { images: sizes }),
    });
    await writeIpacTable(corrections, correctionsTable(result.corrections), 'bgmodel');
    return {};
  },
};
