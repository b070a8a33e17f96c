/**
 * The tasks of bgmodel, background, coadd and assemble: each reads its inputs from the run
 * folder, writes its outputs under temporary names, renames them and writes its record.
 * {@link runFileTask} runs one by name, so a worker thread can run it from a tiny message.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { MosaicError } from '../errors.js';
import { readImage, readImageRows } from '../fits/read.js';
import { createFitsWriter, writeFits } from '../fits/write.js';
import { applyCorrection } from '../pipeline/shared-steps.js';
import { Coadder, type BackgroundPlane } from '../stages/add.js';
import type { PairFit } from '../stages/bg-model.js';
import type { PlaneFit } from '../stages/fit-plane.js';
import { projectedHeader } from '../stages/types.js';
import { decodeNumbers, done, injectFailure, loadContext, placed, projectMeta, type Context, type ProjectMeta } from './context.js';
import { gridOf } from '../pipeline/tasks.js';
import { solveCorrections } from '../pipeline/build-stream.js';
import { coaddOrder, streamBox } from '../pipeline/stream-coadd.js';
import { readSidecar, runPaths, type StageName } from './run-dir.js';
import { taskOutput } from './tasks.js';

/** bgModel over the planned pairs' fits, with build's conventions (solveCorrections). */
export async function runBgmodel(ctx: Context): Promise<void> {
  const corrections: Array<[number, number, number, number]> = [];
  let fitted = 0;
  if (ctx.plan.params.background) {
    const fits: PairFit[] = [];
    for (const pair of ctx.plan.pairs) {
      const fit = decodeNumbers<{ fit: PlaneFit | null }>(readSidecar(ctx.runDir, taskOutput('difffit', pair.id))?.meta).fit;
      if (fit) fits.push({ ...fit, plus: pair.plus, minus: pair.minus });
    }
    fitted = fits.length;
    const placed = ctx.plan.images.filter((im) => im.footprint).map((im) => ({ cntr: im.id, footprint: im.footprint! }));
    const p = ctx.plan.params;
    for (const c of solveCorrections(placed, fits, { levelOnly: p.levelOnly }).corrections) corrections.push([c.id, c.a, c.b, c.c]);
  }
  await done(ctx, 'bgmodel', 0, [], { corrections, fits: fitted });
}

/** The corrections bgmodel found (cntr → plane). */
export function readCorrections(runDir: string): Map<number, BackgroundPlane> {
  const meta = decodeNumbers<{ corrections: Array<[number, number, number, number]> }>(readSidecar(runDir, runPaths.bgmodel)?.meta);
  return new Map(meta.corrections.map(([id, a, b, c]) => [id, { a, b, c }]));
}

export async function runBackground(ctx: Context, id: number, corrections: Map<number, BackgroundPlane>): Promise<void> {
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

export async function runCoadd(ctx: Context, id: number, metas: ProjectMeta[]): Promise<void> {
  const [first, end] = ctx.plan.tiles[id].rows;
  const coadder = new Coadder(ctx.template, { combine: ctx.plan.params.combine, rows: [first, end] });
  // build's order: by first footprint row, then image-table row.
  const order = coaddOrder(ctx.plan.images.filter((im) => im.footprint).map((im) => ({ ...im, cntr: im.id, footprint: im.footprint! })));
  for (const im of order) {
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

export async function runAssemble(ctx: Context): Promise<void> {
  const coadded = ctx.plan.images.filter((im) => projectMeta(ctx.runDir, im.id).status === 'ok');
  if (coadded.length === 0) throw new MosaicError('E_NO_OVERLAP', 'no image overlaps the mosaic template', { stage: 'assemble' });
  // build's box: the union of the footprints.
  const box = streamBox(ctx.template, ctx.plan.images.flatMap((im) => (im.footprint ? [im.footprint] : [])));
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

/** The stages whose tasks {@link runFileTask} runs. */
export type FileStage = Extract<StageName, 'bgmodel' | 'background' | 'coadd' | 'assemble'>;

/**
 * Run task `id` of `stage` in `runDir` (loading the plan and what the task reads).
 * @throws MosaicError from the task (its file named); E_RUN for an injected failure.
 */
export async function runFileTask(runDir: string, stage: FileStage, id: number, failOn: readonly string[] = []): Promise<void> {
  const ctx = await loadContext(runDir, failOn);
  injectFailure(ctx, stage, id);
  if (stage === 'bgmodel') return runBgmodel(ctx);
  if (stage === 'assemble') return runAssemble(ctx);
  if (stage === 'background') return runBackground(ctx, id, readCorrections(runDir));
  return runCoadd(ctx, id, ctx.plan.images.map((im) => projectMeta(runDir, im.id)));
}
