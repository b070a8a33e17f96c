/**
 * `mosaic plan`: a deterministic description of a distributed run — the images with their
 * content hashes, the mosaic header, the overlapping pairs and the output row bands —
 * from which every task's id and key follow. Ids are positions in these lists, so they do
 * not depend on how many shards will run them; the same inputs give the same plan.json.
 */
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { MosaicError, asMosaicError } from '../errors.js';
import { collectImages } from '../pipeline/build.js';
import { footprintPairs } from '../pipeline/build-stream.js';
import type { CombineMethod } from '../stages/add.js';
import { writeImageTable } from '../stages/imgtbl.js';
import { makeHeader } from '../stages/make-hdr.js';
import { imageFootprint, type PixelBox, type ProjectMethod } from '../stages/project.js';
import type { IpacTable } from '../tables/ipac.js';
import { formatTemplate, parseTemplate } from '../tables/template.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { VERSION } from '../version.js';
import { hashFile, hashOf, readJson, runPaths } from './run-dir.js';

export const PLAN_FORMAT = 'mosaic-plan/2';

/** One input image; `id` equals its cntr in images.tbl. */
export interface PlanImage {
  id: number;
  /** Absolute path (the run folder and inputs live on a shared filesystem). */
  path: string;
  fname: string;
  hdu: number;
  sha256: string;
  bytes: number;
  /** The pixels it can cover on the template (stages/project.ts `footprintBox`); null when none. */
  footprint: PixelBox | null;
  /** The box `project` works in for it (`imageFootprint`'s `work`); null with the footprint. */
  work: PixelBox | null;
}

/**
 * A pair of images (ids) whose footprints share a pixel of mDiff's grid — `mosaic build`'s
 * pairs — differenced and fitted by difffit:`id`; bgmodel solves from their fits.
 */
export interface PlanPair {
  id: number;
  plus: number;
  minus: number;
}

/** A row band of the mosaic template, coadded by coadd:`id`: rows [first, end), 0-based. */
export interface PlanTile {
  id: number;
  rows: [number, number];
}

/** Parameters that change results (part of every task key). */
export interface PlanParams {
  method: ProjectMethod;
  combine: CombineMethod;
  /** Background matching (difffit, bgmodel and background are no-ops without it). */
  background: boolean;
  /** Fit and solve for levels only (mFitplane/mBgModel -l; `mosaic build --level-only`). */
  levelOnly: boolean;
  /** Binning of the pair fits (`mosaic build --fit-bin`); absent in plans made before it: 1. */
  fitBin?: number;
  tileRows: number;
}

/** RUN/plan.json. */
export interface Plan {
  format: typeof PLAN_FORMAT;
  /** Engine version; part of every task key. */
  engine: string;
  params: PlanParams;
  /** The mosaic header as template text (exactly the --template file when one was given). */
  template: string;
  templateHash: string;
  naxis1: number;
  naxis2: number;
  images: PlanImage[];
  pairs: PlanPair[];
  tiles: PlanTile[];
}

/** Options of {@link makePlan}. */
export interface PlanOptions {
  inputs: string[];
  /** Template header file; default mMakeHdr over the inputs (as `mosaic build`). */
  template?: string;
  /** Default `exact`. */
  method?: ProjectMethod;
  /** Default `mean`. */
  combine?: CombineMethod;
  /** Default true. */
  background?: boolean;
  /** Default false. */
  levelOnly?: boolean;
  /** Binning of the pair fits; default 1, as `mosaic build`. */
  fitBin?: number;
  /** Rows per output tile; default enough for about 4 Mpixel per tile. */
  tileRows?: number;
}

/** Row bands of `tileRows` rows covering `naxis2` rows. */
export function planTiles(naxis2: number, tileRows: number): PlanTile[] {
  const tiles: PlanTile[] = [];
  for (let y = 0; y < naxis2; y += tileRows) tiles.push({ id: tiles.length, rows: [y, Math.min(naxis2, y + tileRows)] });
  return tiles;
}

/**
 * Build the plan (reads and hashes every input; writes nothing).
 * @throws MosaicError E_NO_INPUT (no usable image), E_TEMPLATE (bad header), E_ARGUMENT (bad tileRows).
 */
export async function makePlan(opts: PlanOptions): Promise<{ plan: Plan; table: IpacTable; warnings: string[] }> {
  if (opts.tileRows !== undefined && !(Number.isInteger(opts.tileRows) && opts.tileRows >= 1))
    throw new MosaicError('E_ARGUMENT', `Expected positive integer for tileRows but received ${opts.tileRows}`, { stage: 'plan' });
  const { table, images, failures } = await collectImages(opts.inputs);
  let templateText: string;
  if (opts.template) {
    try {
      templateText = await readFile(opts.template, 'latin1');
    } catch (err) {
      throw asMosaicError(err, { stage: 'plan', file: opts.template });
    }
  } else {
    const header = (await makeHeader(table, { imageDir: opts.inputs.length === 1 ? opts.inputs[0] : '.' })).header;
    templateText = formatTemplate(header);
  }
  const header = parseTemplate(templateText, opts.template);
  const naxis1 = header.int('NAXIS1') ?? 0;
  const naxis2 = header.int('NAXIS2') ?? 0;
  if (naxis1 < 1 || naxis2 < 1) throw new MosaicError('E_TEMPLATE', 'template needs positive NAXIS1 and NAXIS2', { stage: 'plan', file: opts.template });
  const planImages: PlanImage[] = [];
  const warnings = failures.map((f) => `skipped ${f}`);
  for (const im of images) {
    const path = resolve(im.path);
    const { size } = await stat(path);
    let boxes: { footprint: PixelBox | null; work: PixelBox | null };
    try {
      boxes = imageFootprint(im.header, im.shape, header);
    } catch (err) {
      warnings.push(`no footprint for ${im.path}: ${asMosaicError(err, { stage: 'plan', file: im.path }).toString()}`);
      boxes = { footprint: null, work: null };
    }
    const footprint = boxes.footprint && boxes.work ? boxes.footprint : null;
    planImages.push({ id: im.cntr, path, fname: im.fname, hdu: im.hdu, sha256: await hashFile(path), bytes: size, footprint, work: footprint ? boxes.work : null });
  }
  const background = opts.background !== false;
  const placed = planImages.filter((im) => im.footprint);
  const pairs = background
    ? footprintPairs(placed.map((im) => im.footprint!), { naxis1, naxis2 }).map(([k, l], id) => ({ id, plus: placed[k].id, minus: placed[l].id }))
    : [];
  const tileRows = opts.tileRows ?? Math.max(1, Math.floor(4_194_304 / naxis1));
  const plan: Plan = {
    format: PLAN_FORMAT,
    engine: VERSION,
    params: { method: opts.method ?? 'exact', combine: opts.combine ?? 'mean', background, levelOnly: opts.levelOnly ?? false, fitBin: opts.fitBin ?? 1, tileRows },
    template: templateText,
    templateHash: hashOf(templateText),
    naxis1,
    naxis2,
    images: planImages,
    pairs,
    tiles: planTiles(naxis2, tileRows),
  };
  return { plan, table, warnings };
}

/** Write plan.json, template.hdr and images.tbl into `runDir` (created when missing). */
export async function writePlan(runDir: string, plan: Plan, table: IpacTable): Promise<void> {
  try {
    await mkdir(runDir, { recursive: true });
  } catch (err) {
    throw asMosaicError(err, { stage: 'plan', file: runDir });
  }
  await writeFileAtomic(join(runDir, runPaths.template), plan.template, 'plan');
  await writeImageTable(join(runDir, runPaths.images), table);
  await writeFileAtomic(join(runDir, runPaths.plan), JSON.stringify(plan, null, 1) + '\n', 'plan');
}

/**
 * Read RUN/plan.json.
 * @throws MosaicError E_FILE_NOT_FOUND (no plan yet), E_ARGUMENT (not a plan of this format).
 */
export async function readPlan(runDir: string): Promise<Plan> {
  const path = join(runDir, runPaths.plan);
  const plan = await readJson<Plan>(path, 'plan');
  if (plan.format !== PLAN_FORMAT) throw new MosaicError('E_ARGUMENT', `not a ${PLAN_FORMAT} file`, { stage: 'plan', file: path });
  return plan;
}
