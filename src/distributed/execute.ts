/**
 * `mosaic run STAGE`: run one shard of a stage's tasks in a run folder. Tasks whose sidecar
 * key matches are skipped; the others run (project through the local worker pool), write
 * their outputs under temporary names, rename them and then write their sidecar. A failing
 * task does not stop the others of the shard; the shard then fails (exit status ≠ 0), so a
 * Slurm `afterok` dependency or the next `mosaic check` stops the chain.
 *
 * Tests can make tasks fail with `MOSAIC_FAIL_TASK=stage:id[,stage:id…]`.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { MosaicError, asMosaicError } from '../errors.js';
import type { Header } from '../fits/header.js';
import { readImage, readImageRows } from '../fits/read.js';
import { createFitsWriter, writeFits } from '../fits/write.js';
import { WorkerPool, mapOrdered, defaultThreads } from '../pipeline/pool.js';
import { runTask, type CachedImage, type DiffFitTaskInput, type MosaicGrid, type ProjectTaskInput } from '../pipeline/tasks.js';
import { overlappingPairs } from '../pipeline/background.js';
import { applyCorrection, outputBox } from '../pipeline/shared-steps.js';
import { Coadder, type BackgroundPlane } from '../stages/add.js';
import { bgModel, type PairFit } from '../stages/bg-model.js';
import type { PlaneFit } from '../stages/fit-plane.js';
import { projectedHeader } from '../stages/types.js';
import { parseTemplate } from '../tables/template.js';
import { VERSION } from '../version.js';
import { readPlan, type Plan } from './plan.js';
import { readSidecar, runPaths, writeSidecar, type StageName } from './run-dir.js';
import { shardTaskIds, type Env, type Shard } from './shard.js';
import { formatTaskList, planKeys, stageReport, taskOutput, upstreamOf, type PlanKeys } from './tasks.js';

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

/** Result of a project task, kept in its sidecar. */
export interface ProjectMeta {
  status: 'ok' | 'nooverlap';
  x0?: number;
  y0?: number;
  width?: number;
  height?: number;
}

interface Context {
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

function injectFailure(ctx: Context, stage: StageName, id: number): void {
  if (ctx.failOn.has(`${stage}:${id}`)) throw new MosaicError('E_RUN', `injected failure (MOSAIC_FAIL_TASK)`, { stage, file: `${stage}:${id}` });
}

async function done(ctx: Context, stage: StageName, id: number, outputs: string[], meta?: unknown): Promise<void> {
  await writeSidecar(ctx.runDir, taskOutput(stage, id), { task: `${stage}:${id}`, key: ctx.keys[stage][id], engine: VERSION, outputs, meta: encodeNumbers(meta) });
}

/** The project sidecar's result for image `id` (its stage must be complete). */
export function projectMeta(runDir: string, id: number): ProjectMeta {
  const s = readSidecar(runDir, taskOutput('project', id));
  if (!s) throw new MosaicError('E_RUN', `project:${id} has no result`, { stage: 'project' });
  return s.meta as ProjectMeta;
}

function placed(m: ProjectMeta): { x0: number; y0: number; width: number; height: number } {
  return { x0: m.x0!, y0: m.y0!, width: m.width!, height: m.height! };
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

function gridOf(template: Header): MosaicGrid {
  return { crpix1: template.number('CRPIX1') ?? 0, crpix2: template.number('CRPIX2') ?? 0, naxis1: template.int('NAXIS1') ?? 0, naxis2: template.int('NAXIS2') ?? 0 };
}

function cachedImage(ctx: Context, id: number, meta: ProjectMeta): CachedImage {
  const files = runPaths.projected(id);
  return { value: join(ctx.runDir, files.value), area: join(ctx.runDir, files.area), ...placed(meta) };
}

/** The `diffFit` pool task's input for a pair of projected images (build's own difference and fit). */
function diffFitInput(ctx: Context, plus: number, minus: number, metas: ProjectMeta[]): DiffFitTaskInput {
  return {
    file: `${runPaths.projected(plus).value} − ${runPaths.projected(minus).value}`,
    plus: cachedImage(ctx, plus, metas[plus]),
    minus: cachedImage(ctx, minus, metas[minus]),
    grid: gridOf(ctx.template),
    levelOnly: ctx.plan.params.levelOnly,
  };
}

async function runDifffit(ctx: Context, ids: number[], threads: number, fail: (id: number, err: unknown) => void): Promise<void> {
  const metas = ctx.plan.images.map((im) => projectMeta(ctx.runDir, im.id));
  const todo: number[] = [];
  for (const id of ids) {
    const pair = ctx.plan.pairs[id];
    try {
      injectFailure(ctx, 'difffit', id);
      if (metas[pair.plus].status === 'ok' && metas[pair.minus].status === 'ok') todo.push(id);
      else await done(ctx, 'difffit', id, [], { status: 'nooverlap', fit: null });
    } catch (err) {
      fail(id, err);
    }
  }
  const inputs = todo.map((id) => diffFitInput(ctx, ctx.plan.pairs[id].plus, ctx.plan.pairs[id].minus, metas));
  const pool = new WorkerPool({ threads: Math.max(1, Math.min(threads, inputs.length)) });
  try {
    await mapOrdered(pool, 'diffFit', inputs, async (i, outcome) => {
      if (!outcome.ok) return fail(todo[i], outcome.error);
      const r = outcome.value;
      await done(ctx, 'difffit', todo[i], [], { status: r.status, fit: r.status === 'ok' ? r.fit : null });
    });
  } finally {
    await pool.close();
  }
}

/**
 * Build's pairs (projected boxes sharing a pixel of mDiff's grid, in table order), each fit taken
 * from its difffit task or, for a pair the plan's sky test missed, computed here; then bgModel.
 */
async function runBgmodel(ctx: Context): Promise<void> {
  const corrections: Array<[number, number, number, number]> = [];
  let fitted = 0;
  let extra = 0;
  if (ctx.plan.params.background) {
    const metas = ctx.plan.images.map((im) => projectMeta(ctx.runDir, im.id));
    const ok = ctx.plan.images.map((im) => im.id).filter((id) => metas[id].status === 'ok');
    const planned = new Map(ctx.plan.pairs.map((p) => [`${p.plus}:${p.minus}`, p.id]));
    const fits: PairFit[] = [];
    for (const [k, l] of overlappingPairs(ok.map((id) => placed(metas[id])), gridOf(ctx.template))) {
      const [plus, minus] = [ok[k], ok[l]];
      const task = planned.get(`${plus}:${minus}`);
      let fit: PlaneFit | null;
      if (task !== undefined) fit = decodeNumbers<{ fit: PlaneFit | null }>(readSidecar(ctx.runDir, taskOutput('difffit', task))?.meta).fit;
      else {
        extra++;
        const r = (await runTask('diffFit', diffFitInput(ctx, plus, minus, metas))).output;
        fit = r.status === 'ok' ? r.fit : null;
      }
      if (fit) fits.push({ ...fit, plus, minus });
    }
    fitted = fits.length;
    for (const c of bgModel(ok, fits, { levelOnly: ctx.plan.params.levelOnly }).corrections) corrections.push([c.id, c.a, c.b, c.c]);
  }
  await done(ctx, 'bgmodel', 0, [], { corrections, fits: fitted, unplannedPairs: extra });
}

/** The corrections bgmodel found (cntr → plane). */
export function readCorrections(runDir: string): Map<number, BackgroundPlane> {
  const meta = decodeNumbers<{ corrections: Array<[number, number, number, number]> }>(readSidecar(runDir, runPaths.bgmodel)?.meta);
  return new Map(meta.corrections.map(([id, a, b, c]) => [id, { a, b, c }]));
}

async function runBackground(ctx: Context, id: number, corrections: Map<number, BackgroundPlane>): Promise<void> {
  const meta = projectMeta(ctx.runDir, id);
  const plane = corrections.get(id);
  if (!ctx.plan.params.background || meta.status !== 'ok' || !plane) return done(ctx, 'background', id, []);
  const src = runPaths.projected(id);
  const value = await readImage(join(ctx.runDir, src.value));
  const area = await readImage(join(ctx.runDir, src.area));
  const corrected = applyCorrection({ ...placed(meta), value: value.data, area: area.data }, plane, gridOf(ctx.template));
  await mkdir(join(ctx.runDir, 'corrected'), { recursive: true });
  const out = runPaths.corrected(id);
  await writeFits(join(ctx.runDir, out), { header: value.header, data: corrected.value, shape: value.shape }, { bitpix: -64 });
  await done(ctx, 'background', id, [out]);
}

async function runCoadd(ctx: Context, id: number, metas: ProjectMeta[]): Promise<void> {
  const [first, end] = ctx.plan.tiles[id].rows;
  const coadder = new Coadder(ctx.template, { combine: ctx.plan.params.combine, rows: [first, end] });
  for (const im of ctx.plan.images) {
    const m = metas[im.id];
    if (m.status !== 'ok') continue;
    const p = placed(m);
    const ys = Math.max(first, p.y0);
    const ye = Math.min(end, p.y0 + p.height);
    if (ye <= ys) continue;
    const corrected = readSidecar(ctx.runDir, taskOutput('background', im.id))?.outputs.length ?? 0;
    const valuePath = corrected ? runPaths.corrected(im.id) : runPaths.projected(im.id).value;
    const band = { y0: ys - p.y0, rows: ye - ys };
    const value = await readImageRows(join(ctx.runDir, valuePath), band);
    const area = await readImageRows(join(ctx.runDir, runPaths.projected(im.id).area), band);
    coadder.accumulate({ x0: p.x0, y0: ys, width: p.width, height: ye - ys, value: value.data, area: area.data, cntr: im.id });
  }
  const { value, area } = coadder.finish();
  const header = projectedHeader(ctx.template, { x0: 0, y0: first, width: ctx.plan.naxis1, height: end - first });
  const out = runPaths.tile(id);
  await mkdir(join(ctx.runDir, 'tiles'), { recursive: true });
  const shape = [ctx.plan.naxis1, end - first];
  await writeFits(join(ctx.runDir, out.value), { header, data: value, shape }, { bitpix: -64 });
  await writeFits(join(ctx.runDir, out.area), { header, data: area, shape }, { bitpix: -64 });
  await done(ctx, 'coadd', id, [out.value, out.area], { contributors: coadder.placements.length });
}

async function runAssemble(ctx: Context): Promise<void> {
  const placements = ctx.plan.images.map((im) => projectMeta(ctx.runDir, im.id)).filter((m) => m.status === 'ok').map(placed);
  if (placements.length === 0) throw new MosaicError('E_NO_OVERLAP', 'no image overlaps the mosaic template', { stage: 'assemble' });
  const box = outputBox(ctx.template, placements);
  const header = projectedHeader(ctx.template, box);
  for (const plane of ['value', 'area'] as const) {
    const rel = runPaths.mosaic[plane];
    const w = createFitsWriter(join(ctx.runDir, rel), header, [box.width, box.height], { bitpix: -64 });
    try {
      for (const tile of ctx.plan.tiles) {
        const ys = Math.max(tile.rows[0], box.y0);
        const ye = Math.min(tile.rows[1], box.y0 + box.height);
        if (ye <= ys) continue;
        const img = await readImageRows(join(ctx.runDir, runPaths.tile(tile.id)[plane]), { y0: ys - tile.rows[0], rows: ye - ys });
        const rows = new Float64Array(box.width * (ye - ys));
        for (let j = 0; j < ye - ys; j++)
          for (let i = 0; i < box.width; i++) {
            const v = img.data[box.x0 + i + ctx.plan.naxis1 * j];
            rows[i + box.width * j] = plane === 'area' && Number.isNaN(v) ? 0 : v;
          }
        w.writeRows(rows);
      }
      w.close();
    } catch (err) {
      w.abort();
      throw err;
    }
  }
  await done(ctx, 'assemble', 0, [runPaths.mosaic.value, runPaths.mosaic.area], { box });
}

/**
 * Run this shard's tasks of `stage` in the run folder `runDir`.
 * @throws MosaicError E_RUN when an upstream stage is incomplete (naming its missing or stale
 *   tasks) or when any task of the shard failed (after the others ran); E_FILE_NOT_FOUND without a plan.
 * @example await runStage('/scratch/run', 'project', { shard: { index: 0, count: 3 } })
 */
export async function runStage(runDir: string, stage: StageName, opts: RunStageOptions = {}): Promise<RunStageResult> {
  const t0 = performance.now();
  const plan = await readPlan(runDir);
  const keys = planKeys(plan);
  for (const up of upstreamOf(stage)) {
    const r = stageReport(runDir, plan, up, keys);
    if (r.missing.length || r.stale.length)
      throw new MosaicError('E_RUN', `stage ${up} is not complete (${r.missing.length} missing, ${r.stale.length} stale: ${formatTaskList(up, [...r.missing, ...r.stale])})`, { stage, file: runDir });
  }
  const env = opts.env ?? process.env;
  const ctx: Context = {
    runDir,
    plan,
    keys,
    template: parseTemplate(plan.template, join(runDir, runPaths.template)),
    failOn: new Set((env.MOSAIC_FAIL_TASK ?? '').split(',').map((s) => s.trim()).filter(Boolean)),
  };
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
  else {
    const corrections = stage === 'background' && todo.length ? readCorrections(runDir) : new Map<number, BackgroundPlane>();
    const metas = stage === 'coadd' && todo.length ? plan.images.map((im) => projectMeta(runDir, im.id)) : [];
    for (const id of todo) {
      try {
        injectFailure(ctx, stage, id);
        if (stage === 'bgmodel') await runBgmodel(ctx);
        else if (stage === 'background') await runBackground(ctx, id, corrections);
        else if (stage === 'coadd') await runCoadd(ctx, id, metas);
        else await runAssemble(ctx);
      } catch (err) {
        fail(id, err);
      }
    }
  }
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
