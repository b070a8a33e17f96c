/**
 * The tasks of each stage, their keys and their state in a run folder. Everything here
 * follows from the plan alone: a task's key chains the keys of the tasks it reads, so a
 * changed input, parameter or engine version makes it and everything downstream stale.
 */
import { MosaicError } from '../errors.js';
import type { Plan } from './plan.js';
import { PARALLEL_STAGES, STAGES, hashOf, runPaths, taskState, type StageName, type TaskState } from './run-dir.js';

/** Every task key of a plan, per stage, indexed by task id. */
export interface PlanKeys {
  project: string[];
  difffit: string[];
  bgmodel: string[];
  background: string[];
  coadd: string[];
  assemble: string[];
}

/** Compute all keys (cheap: hashes of short strings). */
export function planKeys(plan: Plan): PlanKeys {
  const { engine, templateHash, params } = plan;
  const project = plan.images.map((im) => hashOf(engine, 'project', im.sha256, im.hdu, templateHash, params.method));
  // Unbinned fits keep the keys they had before binning existed.
  const binKey = (params.fitBin ?? 1) > 1 ? [params.fitBin] : [];
  const difffit = plan.pairs.map((p) => hashOf(engine, 'difffit', project[p.plus], project[p.minus], templateHash, params.levelOnly, ...binKey));
  const bgmodel = [hashOf(engine, 'bgmodel', params.background, params.levelOnly, project, difffit)];
  const background = plan.images.map((_, i) => hashOf(engine, 'background', project[i], bgmodel[0]));
  const coadd = plan.tiles.map((t) => hashOf(engine, 'coadd', t.rows, params.combine, templateHash, background));
  const assemble = [hashOf(engine, 'assemble', coadd)];
  return { project, difffit, bgmodel, background, coadd, assemble };
}

/** Validate a stage name. @throws MosaicError E_USAGE naming the stages. */
export function checkStageName(name: string, parallelOnly = false): StageName {
  if (!(STAGES as readonly string[]).includes(name))
    throw new MosaicError('E_USAGE', `Expected one of ${STAGES.join(', ')} for STAGE but received "${name}"`, { stage: 'run' });
  if (parallelOnly && !PARALLEL_STAGES.includes(name as StageName))
    throw new MosaicError('E_USAGE', `Expected one of ${PARALLEL_STAGES.join(', ')} for STAGE but received "${name}"`, { stage: 'run' });
  return name as StageName;
}

/** Number of tasks of a stage. */
export function taskCount(plan: Plan, stage: StageName): number {
  switch (stage) {
    case 'project':
    case 'background':
      return plan.images.length;
    case 'difffit':
      return plan.pairs.length;
    case 'coadd':
      return plan.tiles.length;
    default:
      return 1;
  }
}

/** The output whose sidecar records task `id` of `stage` (relative to RUN/). */
export function taskOutput(stage: StageName, id: number): string {
  switch (stage) {
    case 'project':
      return runPaths.projected(id).value;
    case 'difffit':
      return runPaths.fit(id);
    case 'bgmodel':
      return runPaths.bgmodel;
    case 'background':
      return runPaths.corrected(id);
    case 'coadd':
      return runPaths.tile(id).value;
    case 'assemble':
      return runPaths.mosaic.value;
  }
}

/** The stages whose outputs a stage reads (all must be complete before it runs). */
export function upstreamOf(stage: StageName): StageName[] {
  const i = STAGES.indexOf(stage);
  return i === 0 ? [] : [STAGES[i - 1]];
}

/** One stage's tasks by state. */
export interface StageReport {
  stage: StageName;
  total: number;
  done: number[];
  stale: number[];
  missing: number[];
}

/** The state of every task of `stage` in `runDir`. */
export function stageReport(runDir: string, plan: Plan, stage: StageName, keys: PlanKeys = planKeys(plan)): StageReport {
  const report: StageReport = { stage, total: taskCount(plan, stage), done: [], stale: [], missing: [] };
  for (let id = 0; id < report.total; id++) {
    const state: TaskState = taskState(runDir, taskOutput(stage, id), keys[stage][id]);
    report[state].push(id);
  }
  return report;
}

/** `project:3, project:7, … (+N more)`: a short list of task names. */
export function formatTaskList(stage: StageName, ids: readonly number[], max = 20): string {
  const shown = ids.slice(0, max).map((id) => `${stage}:${id}`);
  return ids.length > max ? `${shown.join(', ')} (+${ids.length - max} more)` : shown.join(', ');
}
