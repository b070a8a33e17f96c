/**
 * What every task of a distributed run shares: the plan, its keys and template, the task
 * records (sidecars) and the helpers that read and write them. Used by the stage runner
 * (execute.ts) and by the tasks that run in worker threads (file-tasks.ts).
 */
import { join } from 'node:path';
import { MosaicError } from '../errors.js';
import type { Header } from '../fits/header.js';
import { gridOf, type PairFitTaskInput } from '../pipeline/tasks.js';
import { pairFitInput } from '../pipeline/build-stream.js';
import { parseTemplate } from '../tables/template.js';
import { VERSION } from '../version.js';
import { readPlan, type Plan } from './plan.js';
import { readSidecar, runPaths, writeSidecar, type StageName } from './run-dir.js';
import { planKeys, taskOutput, type PlanKeys } from './tasks.js';

/** Result of a project task, kept in its sidecar. */
export interface ProjectMeta {
  status: 'ok' | 'nooverlap';
  x0?: number;
  y0?: number;
  width?: number;
  height?: number;
}

export interface Context {
  runDir: string;
  plan: Plan;
  keys: PlanKeys;
  template: Header;
  failOn: Set<string>;
}

/** JSON that keeps NaN, ±Infinity and −0 (plane fits may hold them). */
export function encodeNumbers(value: unknown): unknown {
  if (value === undefined) return undefined;
  return JSON.parse(
    JSON.stringify(value, (_k, v: unknown) =>
      typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0)) ? { $num: Object.is(v, -0) ? '-0' : String(v) } : v,
    ),
  );
}

/** Inverse of {@link encodeNumbers}. */
export function decodeNumbers<T>(value: unknown): T {
  if (value === undefined) throw new MosaicError('E_RUN', 'task record has no result', { stage: 'run' });
  return JSON.parse(JSON.stringify(value), (_k, v: unknown) =>
    v && typeof v === 'object' && '$num' in v ? Number((v as { $num: string }).$num) : v,
  ) as T;
}

export function injectFailure(ctx: Context, stage: StageName, id: number): void {
  if (ctx.failOn.has(`${stage}:${id}`)) throw new MosaicError('E_RUN', `injected failure (MOSAIC_FAIL_TASK)`, { stage, file: `${stage}:${id}` });
}

export async function done(ctx: Context, stage: StageName, id: number, outputs: string[], meta?: unknown): Promise<void> {
  await writeSidecar(ctx.runDir, taskOutput(stage, id), { task: `${stage}:${id}`, key: ctx.keys[stage][id], engine: VERSION, outputs, meta: encodeNumbers(meta) });
}

/** The project sidecar's result for image `id` (its stage must be complete). */
export function projectMeta(runDir: string, id: number): ProjectMeta {
  const s = readSidecar(runDir, taskOutput('project', id));
  if (!s) throw new MosaicError('E_RUN', `project:${id} has no result`, { stage: 'project' });
  return s.meta as ProjectMeta;
}

export function placed(m: ProjectMeta): { x0: number; y0: number; width: number; height: number } {
  return { x0: m.x0!, y0: m.y0!, width: m.width!, height: m.height! };
}

/** Read the plan of `runDir` and derive what its tasks need. `failOn`: task names to fail (tests). */
export async function loadContext(runDir: string, failOn: Iterable<string> = []): Promise<Context> {
  const plan = await readPlan(runDir);
  return { runDir, plan, keys: planKeys(plan), template: parseTemplate(plan.template, join(runDir, runPaths.template)), failOn: new Set(failOn) };
}

/** Task names listed in MOSAIC_FAIL_TASK (`stage:id,stage:id`). */
export function failuresFromEnv(env: Record<string, string | undefined>): string[] {
  return (env.MOSAIC_FAIL_TASK ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

/** The `pairFit` pool task's input for a planned pair (build's own difference and fit). */
export function pairInput(ctx: Context, pair: { plus: number; minus: number }): PairFitTaskInput {
  const side = (id: number) => {
    const im = ctx.plan.images[id];
    return { cntr: id, file: im.path, hdu: im.hdu, footprint: im.footprint!, work: im.work! };
  };
  const p = ctx.plan.params;
  return pairFitInput(ctx.template, gridOf(ctx.template), side(pair.plus), side(pair.minus), {
    name: (id) => ctx.plan.images[id].fname,
    method: p.method,
    levelOnly: p.levelOnly,
    fitBin: p.fitBin ?? 1,
  });
}
