/**
 * `mosaic slurm submit`: one sbatch script per stage in RUN/slurm/, submitted as a chain —
 * the parallel stages as job arrays whose elements each run one shard (`--shard auto`
 * reads SLURM_ARRAY_TASK_ID/COUNT), the serial ones as single jobs — each with
 * `--dependency=afterok:<previous>` and `--kill-on-invalid-dep=yes`, so a failed task
 * cancels everything downstream. Stages already complete are not submitted; resuming a
 * failed run is submitting again (done tasks are skipped by their sidecars).
 *
 * Slurm's defaults bound the arrays: MaxArraySize 1001 (indices 0…1000) and MaxJobCount
 * 10000 (every array element counts), so an element processes many tasks and the array
 * size is min(shards, tasks of the stage).
 */
import { execFileSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { MosaicError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { PACKAGE_ROOT } from '../version.js';
import { readPlan, type Plan } from './plan.js';
import { PARALLEL_STAGES, STAGES, runPaths, type StageName } from './run-dir.js';
import { planKeys, stageReport, taskCount } from './tasks.js';

/** Slurm's default MaxArraySize is 1001: array indices 0…1000. */
export const MAX_ARRAY_SHARDS = 1000;

/** Options of {@link submitSlurm}. */
export interface SlurmSubmitOptions {
  /** Array size of the parallel stages (capped by each stage's task count). */
  shards: number;
  partition?: string;
  /** Extra sbatch options, added as `#SBATCH` lines (e.g. `--time=01:00:00 --cpus-per-task=8`). */
  sbatchArgs?: string[];
  /** Write the scripts and return the commands without submitting. */
  dryRun?: boolean;
  /** Submit all stages even when complete. Default false. */
  all?: boolean;
  /** Runs `sbatch ARGS…` and returns its stdout (tests replace it). Default: the real sbatch. */
  sbatch?: (args: string[]) => string;
}

/** One submitted (or, with dryRun, planned) job. */
export interface SlurmJob {
  stage: StageName;
  script: string;
  /** Array elements (1 for serial stages). */
  array: number;
  /** sbatch arguments used (without the script). */
  args: string[];
  jobId?: string;
}

/** The array size of a stage for `shards` shards. */
export function arraySize(plan: Plan, stage: StageName, shards: number): number {
  return PARALLEL_STAGES.includes(stage) ? Math.max(1, Math.min(shards, taskCount(plan, stage))) : 1;
}

const shellQuote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** The sbatch script of one stage (pure). */
export function sbatchScript(runDir: string, stage: StageName, array: number, opts: Pick<SlurmSubmitOptions, 'partition' | 'sbatchArgs'>, exec = { node: process.execPath, mosaic: join(PACKAGE_ROOT, 'bin', 'mosaic.js') }): string {
  const parallel = PARALLEL_STAGES.includes(stage);
  const logs = join(runDir, runPaths.slurm, 'logs');
  const lines = [
    '#!/bin/bash',
    `#SBATCH --job-name=mosaic-${stage}`,
    parallel ? `#SBATCH --array=0-${array - 1}` : undefined,
    `#SBATCH --output=${logs}/${stage}-${parallel ? '%A_%a' : '%j'}.out`,
    '#SBATCH --kill-on-invalid-dep=yes',
    opts.partition ? `#SBATCH --partition=${opts.partition}` : undefined,
    ...(opts.sbatchArgs ?? []).map((a) => `#SBATCH ${a}`),
    '# Written by mosaic slurm submit; resubmitting skips the tasks already done.',
    'set -eu',
    `exec ${shellQuote(exec.node)} ${shellQuote(exec.mosaic)} run ${stage} --run ${shellQuote(runDir)}${parallel ? ' --shard auto' : ''}`,
  ];
  return lines.filter((l) => l !== undefined).join('\n') + '\n';
}

function defaultSbatch(args: string[]): string {
  try {
    return execFileSync('sbatch', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { code?: string; stderr?: string; message: string };
    if (e.code === 'ENOENT') throw new MosaicError('E_RUN', 'sbatch not found on PATH (is this a Slurm login node?)', { stage: 'slurm' });
    throw new MosaicError('E_RUN', `sbatch failed: ${(e.stderr ?? e.message).trim()}`, { stage: 'slurm' });
  }
}

/**
 * Write RUN/slurm/<stage>.sbatch for every stage still to do and submit them as a chain.
 * @throws MosaicError E_ARGUMENT (shards outside 1…1000), E_RUN (sbatch missing or refusing),
 *   E_FILE_NOT_FOUND (no plan).
 */
export async function submitSlurm(runDirIn: string, opts: SlurmSubmitOptions): Promise<SlurmJob[]> {
  if (!(Number.isInteger(opts.shards) && opts.shards >= 1 && opts.shards <= MAX_ARRAY_SHARDS))
    throw new MosaicError('E_ARGUMENT', `Expected integer in 1…${MAX_ARRAY_SHARDS} for shards (Slurm's default MaxArraySize is 1001) but received ${opts.shards}`, { stage: 'slurm' });
  const runDir = resolve(runDirIn);
  const plan = await readPlan(runDir);
  const keys = planKeys(plan);
  const first = opts.all ? 0 : STAGES.findIndex((s) => {
    const r = stageReport(runDir, plan, s, keys);
    return r.missing.length + r.stale.length > 0;
  });
  if (first < 0) return [];
  await mkdir(join(runDir, runPaths.slurm, 'logs'), { recursive: true });
  const sbatch = opts.sbatch ?? defaultSbatch;
  const jobs: SlurmJob[] = [];
  let previous: string | undefined;
  for (const stage of STAGES.slice(first)) {
    const array = arraySize(plan, stage, opts.shards);
    const script = join(runDir, runPaths.slurm, `${stage}.sbatch`);
    await writeFileAtomic(script, sbatchScript(runDir, stage, array, opts), 'slurm');
    const args = ['--parsable', '--kill-on-invalid-dep=yes'];
    if (previous) args.push(`--dependency=afterok:${previous}`);
    const job: SlurmJob = { stage, script, array, args };
    if (opts.dryRun) previous = `<${stage}>`;
    else {
      const out = sbatch([...args, script]).trim();
      job.jobId = out.split(';')[0];
      if (!/^\d+$/.test(job.jobId)) throw new MosaicError('E_RUN', `unexpected sbatch output "${out}"`, { stage: 'slurm', file: script });
      previous = job.jobId;
    }
    jobs.push(job);
  }
  return jobs;
}
