/** `mosaic slurm submit --run RUN/ --shards N [--partition P] [--sbatch-args "…"] [--dry-run]`. */
import { submitSlurm } from '../../distributed/slurm.js';
import { MosaicError, type Command } from '../command.js';
import { RUN_OPTION, requireRun } from './plan.js';

export const slurmCommand: Command = {
  name: 'slurm',
  summary: 'Submit a planned run to Slurm as chained job arrays (resubmit to resume)',
  description:
    'Writes RUN/slurm/<stage>.sbatch and submits the stages not yet complete, each depending on the previous one ' +
    '(--dependency=afterok, --kill-on-invalid-dep=yes). Logs go to RUN/slurm/logs/.',
  options: [
    RUN_OPTION,
    { name: 'shards', type: 'integer', min: 1, max: 1000, arg: 'N', help: 'Array elements per parallel stage (each runs many tasks)' },
    { name: 'partition', type: 'string', arg: 'P', help: 'Slurm partition' },
    { name: 'sbatch-args', type: 'string', arg: '"ARGS"', help: 'Extra sbatch options for every job, e.g. "--time=2:00:00 --cpus-per-task=8"' },
    { name: 'dry-run', type: 'boolean', help: 'Write the scripts and print the sbatch commands without submitting' },
    { name: 'all', type: 'boolean', help: 'Submit every stage, also those already complete' },
  ],
  positionals: [{ name: 'action', help: 'submit' }],
  async run(args, ctx) {
    const o = args.options;
    if (args.positionals.action !== 'submit')
      throw new MosaicError('E_USAGE', `Expected submit for ACTION but received "${String(args.positionals.action)}"`, { stage: 'slurm' });
    const run = requireRun(o, 'slurm');
    if (o.shards === undefined) throw new MosaicError('E_USAGE', 'Expected a number for --shards but received nothing', { stage: 'slurm' });
    const jobs = await submitSlurm(run, {
      shards: o.shards as number,
      partition: o.partition as string | undefined,
      sbatchArgs: ((o.sbatchArgs as string | undefined) ?? '').split(/\s+/).filter(Boolean),
      dryRun: Boolean(o.dryRun),
      all: Boolean(o.all),
    });
    if (!ctx.json)
      for (const j of jobs) ctx.stderr.write(`${o.dryRun ? 'would run: ' : `${j.jobId}  `}sbatch ${[...j.args, j.script].join(' ')}  (${j.array} element${j.array > 1 ? 's' : ''})\n`);
    return { submitted: o.dryRun ? 0 : jobs.length, jobs: jobs.map((j) => `${j.stage}:${j.jobId ?? '-'}`).join(','), last: jobs.at(-1)?.jobId };
  },
};
