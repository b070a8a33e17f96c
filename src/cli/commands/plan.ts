/** `mosaic plan INPUT… --run RUN/ [--template HDR] [--no-bg | --level-only] [--tile-rows N]`: plan a distributed run. */
import { makePlan, writePlan } from '../../distributed/plan.js';
import { PROJECT_METHODS, type ProjectMethod } from '../../stages/project.js';
import { COMBINE_METHODS, type CombineMethod } from '../../stages/add.js';
import { MosaicError, type Command } from '../command.js';

/** The --run option every distributed command takes. */
export const RUN_OPTION = { name: 'run', type: 'string', arg: 'RUN/', help: 'Run folder (on a filesystem every node shares)' } as const;

/** The --run value, required. @throws MosaicError E_USAGE when absent. */
export function requireRun(options: Record<string, unknown>, command: string): string {
  const run = options.run as string | undefined;
  if (!run) throw new MosaicError('E_USAGE', 'Expected a folder for --run but received nothing', { stage: command });
  return run;
}

export const planCommand: Command = {
  name: 'plan',
  summary: 'Plan a distributed run: images (hashed), mosaic header, overlap pairs and output tiles in RUN/plan.json',
  description:
    "Then run the stages in order: 'mosaic run project|difffit|background|coadd --run RUN/ --shard i/N|auto' (parallel) and " +
    "'mosaic run bgmodel|assemble --run RUN/' (serial), with 'mosaic check STAGE --run RUN/' between them; or 'mosaic slurm submit'. " +
    'The result is RUN/mosaic.fits and RUN/mosaic_area.fits, identical to mosaic build with the same template.',
  options: [
    RUN_OPTION,
    { name: 'template', type: 'string', arg: 'HDR', help: 'Use this header instead of computing one' },
    { name: 'bg', type: 'boolean', default: true, help: 'Background matching (--no-bg to skip)' },
    { name: 'level-only', type: 'boolean', help: 'Background matching with levels only (no slopes)' },
    { name: 'fit-bin', type: 'integer', min: 1, max: 8, arg: 'N', help: 'Fit the overlaps\' differences on N×N-binned pixels (default 1, as build)' },
    { name: 'method', type: 'enum', values: PROJECT_METHODS, default: 'exact', help: 'Resampling method' },
    { name: 'combine', type: 'enum', values: COMBINE_METHODS, default: 'mean', help: 'How to combine overlapping pixels' },
    { name: 'tile-rows', type: 'integer', min: 1, arg: 'N', help: 'Mosaic rows per coadd tile (default: about 4 Mpixel per tile)' },
  ],
  positionals: [{ name: 'inputs', help: 'Folders, FITS files or globs', variadic: true }],
  async run(args, ctx) {
    const o = args.options;
    const run = requireRun(o, 'plan');
    const { plan, table, warnings } = await makePlan({
      inputs: args.positionals.inputs as string[],
      template: o.template as string | undefined,
      background: o.bg as boolean,
      levelOnly: Boolean(o.levelOnly),
      fitBin: o.fitBin as number | undefined,
      method: o.method as ProjectMethod,
      combine: o.combine as CombineMethod,
      tileRows: o.tileRows as number | undefined,
    });
    for (const w of warnings) ctx.log(`plan: ${w}`);
    await writePlan(run, plan, table);
    return { images: plan.images.length, pairs: plan.pairs.length, tiles: plan.tiles.length, naxis1: plan.naxis1, naxis2: plan.naxis2 };
  },
};
