/**
 * `mosaic run STAGE`: run one shard of a stage's tasks in a run folder. Tasks whose sidecar
 * key matches are skipped; the others run on the local cores (project and difffit through the
 * pipeline's worker pool, the other stages through local-pool.ts), write
 * their outputs under temporary names, rename them and then write their sidecar. A failing
 * task does not stop the others of the shard; the shard then fails (exit status ≠ 0), so a
 * Slurm `afterok` dependency or the next `mosaic check` stops the chain.
 *
 * Tests can make tasks fail with `MOSAIC_FAIL_TASK=stage:id[,stage:id…]`.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { MosaicError, asMosaicError } from '../errors.js';
import { WorkerPool, mapOrdered, defaultThreads } from '../pipeline/pool.js';
import type { ProjectTaskInput } from '../pipeline/tasks.js';
import { done, failuresFromEnv, injectFailure, loadContext, pairInput, type Context, type ProjectMeta } from './context.js';
import { runFileTasks } from './local-pool.js';
import { runPaths, type StageName } from './run-dir.js';
import { shardTaskIds, type Env, type Shard } from './shard.js';
import { formatTaskList, stageReport, upstreamOf } from './tasks.js';

export { encodeNumbers, decodeNumbers, projectMeta, type ProjectMeta } from './context.js';
export { readCorrections } from './file-tasks.js';

/** Options of {@link runStage}. */
export interface RunStageOptions {
  /** Default: the whole stage (0/1). */
  shard?: Pick<Shard, 'index' | 'count'>;
  /** Worker threads for the project stage; default all cores. */
  threads?: number;
  /** Environment (for MOSAIC_FAIL_TASK); default process.env. */
  env?: Env;
  /** Called with one line per failed task. */
  onWarning?: (message: string) => void;
}

/** What one shard did. */
export interface RunStageResult {
  stage: StageName;
  shard: string;
  /** Tasks of this shard. */
  tasks: number;
  ran: number;
  skipped: number;
  failed: number;
  seconds: number;
}

async function runProject(ctx: Context, ids: number[], threads: number, fail: (id: number, err: unknown) => void): Promise<void> {
  await mkdir(join(ctx.runDir, 'projected'), { recursive: true });
  const todo = ids.filter((id) => {
    try {
      injectFailure(ctx, 'project', id);
      return true;
    } catch (err) {
      fail(id, err);
      return false;
    }
  });
  const inputs: ProjectTaskInput[] = todo.map((id) => {
    const im = ctx.plan.images[id];
    const out = runPaths.projected(id);
    return {
      file: im.path,
      hdu: im.hdu,
      template: ctx.template.cards,
      method: ctx.plan.params.method,
      cntr: im.id,
      write: { value: join(ctx.runDir, out.value), area: join(ctx.runDir, out.area) },
      returnPixels: false,
    };
  });
  const pool = new WorkerPool({ threads: Math.max(1, Math.min(threads, inputs.length)) });
  try {
    await mapOrdered(pool, 'project', inputs, async (i, outcome) => {
      const id = todo[i];
      if (!outcome.ok) return fail(id, outcome.error);
      const r = outcome.value;
      const out = runPaths.projected(id);
      if (r.status === 'nooverlap') await done(ctx, 'project', id, [], { status: 'nooverlap' } satisfies ProjectMeta);
      else await done(ctx, 'project', id, [out.value, out.area], { status: 'ok', x0: r.x0, y0: r.y0, width: r.width, height: r.height } satisfies ProjectMeta);
    });
  } finally {
    await pool.close();
  }
}

async function runDifffit(ctx: Context, ids: number[], threads: number, fail: (id: number, err: unknown) => void): Promise<void> {
  const todo: number[] = [];
  for (const id of ids) {
    try {
      injectFailure(ctx, 'difffit', id);
      todo.push(id);
    } catch (err) {
      fail(id, err);
    }
  }
  // Straight from the raw images, as build does: both projected onto the box they share.
  const inputs = todo.map((id) => pairInput(ctx, ctx.plan.pairs[id]));
  const pool = new WorkerPool({ threads: Math.max(1, Math.min(threads, inputs.length)) });
  try {
    await mapOrdered(pool, 'pairFit', inputs, async (i, outcome) => {
      // A pair whose fit throws counts as a failed fit (build skips it the same way).
      const r = outcome.ok ? outcome.value : { status: 'failed' as const, message: outcome.error.message };
      await done(ctx, 'difffit', todo[i], [], { status: r.status, fit: r.status === 'ok' ? r.fit : null });
    });
  } finally {
    await pool.close();
  }
}

/**
 * Run this shard's tasks of `stage` in the run folder `runDir`.
 * @throws MosaicError E_RUN when an upstream stage is incomplete (naming its missing or stale
 *   tasks) or when any task of the shard failed (after the others ran); E_FILE_NOT_FOUND without a plan.
 * @example await runStage('/scratch/run', 'project', { shard: { index: 0, count: 3 } })
 */
export async function runStage(runDir: string, stage: StageName, opts: RunStageOptions = {}): Promise<RunStageResult> {
  const t0 = performance.now();
  const env = opts.env ?? process.env;
  const failOn = failuresFromEnv(env);
  const ctx = await loadContext(runDir, failOn);
  const { plan, keys } = ctx;
  for (const up of upstreamOf(stage)) {
    const r = stageReport(runDir, plan, up, keys);
    if (r.missing.length || r.stale.length)
      throw new MosaicError('E_RUN', `stage ${up} is not complete (${r.missing.length} missing, ${r.stale.length} stale: ${formatTaskList(up, [...r.missing, ...r.stale])})`, { stage, file: runDir });
  }
  const shard = opts.shard ?? { index: 0, count: 1 };
  const report = stageReport(runDir, plan, stage, keys);
  const doneIds = new Set(report.done);
  const mine = shardTaskIds(report.total, shard);
  const todo = mine.filter((id) => !doneIds.has(id));
  const failed: number[] = [];
  const fail = (id: number, err: unknown) => {
    failed.push(id);
    opts.onWarning?.(`${stage}:${id} failed: ${asMosaicError(err).toString()}`);
  };
  const threads = opts.threads ?? defaultThreads();
  if (stage === 'project') await runProject(ctx, todo, threads, fail);
  else if (stage === 'difffit') await runDifffit(ctx, todo, threads, fail);
  else await runFileTasks(runDir, stage, todo, { threads, failOn, onDone: (id, err) => err !== undefined && fail(id, err) });
  const result: RunStageResult = {
    stage,
    shard: `${shard.index}/${shard.count}`,
    tasks: mine.length,
    ran: todo.length - failed.length,
    skipped: mine.length - todo.length,
    failed: failed.length,
    seconds: (performance.now() - t0) / 1000,
  };
  if (failed.length)
    throw new MosaicError('E_RUN', `${failed.length} of ${mine.length} tasks failed in shard ${result.shard}: ${formatTaskList(stage, failed.sort((a, b) => a - b))}`, { stage, file: runDir });
  return result;
}
