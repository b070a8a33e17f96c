/** `mosaic run STAGE --run RUN/ [--shard i/N|auto] [--threads N]`: run one shard of a stage of a planned run. */
import { runStage } from '../../distributed/execute.js';
import { STAGES, PARALLEL_STAGES } from '../../distributed/run-dir.js';
import { parseShard } from '../../distributed/shard.js';
import { checkStageName } from '../../distributed/tasks.js';
import { defaultThreads } from '../../pipeline/pool.js';
import type { Command } from '../command.js';
import { RUN_OPTION, requireRun } from './plan.js';

/** Threads for one shard: Slurm's CPUs per task when set, else the cores this process may use. */
function shardThreads(): number {
  const n = Number(process.env.SLURM_CPUS_PER_TASK);
  return Number.isInteger(n) && n >= 1 ? n : defaultThreads();
}

export const runStageCommand: Command = {
  name: 'run',
  summary: 'Run one shard of a stage of a planned run (project, difffit, bgmodel, background, coadd, assemble)',
  description:
    `Stages in order: ${STAGES.join(', ')}. The parallel ones (${PARALLEL_STAGES.join(', ')}) take --shard i/N or --shard auto ` +
    '(Open MPI, PMI, Slurm array or Slurm step variables); bgmodel and assemble run once. Tasks already done are skipped.',
  options: [
    RUN_OPTION,
    { name: 'shard', type: 'string', arg: 'i/N|auto', default: '0/1', help: 'Which shard of the tasks to run' },
    { name: 'threads', type: 'integer', min: 1, help: 'Worker threads (default: SLURM_CPUS_PER_TASK or all cores)' },
  ],
  positionals: [{ name: 'stage', help: STAGES.join('|') }],
  async run(args, ctx) {
    const o = args.options;
    const run = requireRun(o, 'run');
    const stage = checkStageName(args.positionals.stage as string);
    const shard = parseShard(o.shard as string);
    // A serial stage under mpirun/srun: rank 0 runs it, the other ranks have nothing to do.
    if (!PARALLEL_STAGES.includes(stage) && shard.index > 0) return { stage, shard: `${shard.index}/${shard.count}`, tasks: 0, ran: 0, skipped: 0, failed: 0 };
    const r = await runStage(run, stage, {
      shard: PARALLEL_STAGES.includes(stage) ? shard : { index: 0, count: 1 },
      threads: (o.threads as number | undefined) ?? shardThreads(),
      onWarning: (m) => ctx.log(`run: ${m}`),
    });
    return { stage: r.stage, shard: r.shard, tasks: r.tasks, ran: r.ran, skipped: r.skipped, failed: r.failed, time: Math.round(r.seconds * 10) / 10 };
  },
};
