/**
 * The run folder `RUN/` on a shared filesystem, and its bookkeeping files:
 *
 *   RUN/plan.json                 the plan (see plan.ts); RUN/template.hdr, RUN/images.tbl
 *   RUN/projected/NNNNNN.fits     project:N (value and _area), BITPIX −64
 *   RUN/fits/NNNNNN.done.json     difffit:N (the plane fit lives in the sidecar)
 *   RUN/bgmodel.done.json         bgmodel (the corrections live in the sidecar)
 *   RUN/corrected/NNNNNN.fits     background:N (value only; the area is the projected one)
 *   RUN/tiles/NNNNNN.fits         coadd:N (value and _area of one row band, full template width)
 *   RUN/mosaic.fits               assemble (and mosaic_area.fits)
 *
 * Every task output is written under a temporary name and renamed; then the task's sidecar
 * `<output>.done.json` records its key (the hash of its inputs, parameters and engine
 * version). A task is done when its sidecar's key matches and its outputs exist.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { MosaicError, asMosaicError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';

/** Parallel stages (run with --shard) and serial ones, in run order. */
export const STAGES = ['project', 'difffit', 'bgmodel', 'background', 'coadd', 'assemble'] as const;
export type StageName = (typeof STAGES)[number];
export const PARALLEL_STAGES: readonly StageName[] = ['project', 'difffit', 'background', 'coadd'];

/** One task's record, `<output>.done.json`. */
export interface Sidecar {
  task: string;
  key: string;
  engine: string;
  /** Output files, relative to RUN/. */
  outputs: string[];
  /** Stage-specific results (placement, plane fit, corrections). */
  meta?: unknown;
}

/** SHA-256 hex of strings/numbers joined unambiguously (JSON of the list). */
export function hashOf(...parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/** SHA-256 hex of a file's bytes (streamed). */
export async function hashFile(path: string): Promise<string> {
  const h = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  } catch (err) {
    throw asMosaicError(err, { stage: 'plan', file: path });
  }
  return h.digest('hex');
}

const id6 = (n: number) => String(n).padStart(6, '0');

/** Paths inside RUN/ (relative names, joined with the run folder by {@link abs}). */
export const runPaths = {
  plan: 'plan.json',
  template: 'template.hdr',
  images: 'images.tbl',
  projected: (id: number) => ({ value: `projected/${id6(id)}.fits`, area: `projected/${id6(id)}_area.fits` }),
  fit: (id: number) => `fits/${id6(id)}`,
  bgmodel: 'bgmodel',
  corrected: (id: number) => `corrected/${id6(id)}.fits`,
  tile: (id: number) => ({ value: `tiles/${id6(id)}.fits`, area: `tiles/${id6(id)}_area.fits` }),
  mosaic: { value: 'mosaic.fits', area: 'mosaic_area.fits' },
  slurm: 'slurm',
};

/** Sidecar path of an output (or of a task without file output, given its base name). */
export function sidecarPath(runDir: string, output: string): string {
  return join(runDir, `${output.replace(/\.fits$/, '')}.done.json`);
}

/** Read a sidecar; undefined when absent or unreadable (a torn write counts as absent). */
export function readSidecar(runDir: string, output: string): Sidecar | undefined {
  try {
    return JSON.parse(readFileSync(sidecarPath(runDir, output), 'utf8')) as Sidecar;
  } catch {
    return undefined;
  }
}

/** Write a sidecar atomically (after the outputs it lists are in place). */
export async function writeSidecar(runDir: string, output: string, sidecar: Sidecar): Promise<void> {
  const path = sidecarPath(runDir, output);
  await mkdir(dirname(path), { recursive: true }).catch((err) => Promise.reject(asMosaicError(err, { stage: 'run', file: path })));
  await writeFileAtomic(sidecarPath(runDir, output), JSON.stringify(sidecar) + '\n', sidecar.task.split(':')[0]);
}

/** State of one task: done (key matches, outputs present), stale (a different key) or missing. */
export type TaskState = 'done' | 'stale' | 'missing';

/** Compare a task's sidecar with the key it should have. */
export function taskState(runDir: string, output: string, key: string): TaskState {
  const s = readSidecar(runDir, output);
  if (!s) return 'missing';
  if (s.key !== key) return 'stale';
  return s.outputs.every((o) => existsSync(join(runDir, o))) ? 'done' : 'missing';
}

/** Read and parse a JSON file of the run folder. */
export async function readJson<T>(path: string, stage: string): Promise<T> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const e = asMosaicError(err, { stage, file: path });
    if (e.code === 'E_FILE_NOT_FOUND') throw new MosaicError('E_FILE_NOT_FOUND', "no plan here; run 'mosaic plan' first", { stage, file: path });
    throw e;
  }
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new MosaicError('E_ARGUMENT', `not valid JSON: ${(err as Error).message}`, { stage, file: path });
  }
}
