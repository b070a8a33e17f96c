/**
 * The work a pool thread can do, by name. Each task takes a structured-cloneable input
 * and returns its output plus the buffers to transfer back (moved, not copied). The same
 * functions run in-thread when the pool has one thread, so results do not depend on it.
 *
 * File I/O happens here (through `src/fits/`), never in the stages themselves.
 */
import { Header, type Card } from '../fits/header.js';
import { MosaicError } from '../errors.js';
import type { ProjectMethod } from '../stages/project.js';
import { projectedHeader } from '../stages/types.js';

/** Input of the `project` task: one file onto the template. */
export interface ProjectTaskInput {
  /** Input FITS file (for messages too). */
  file: string;
  /** HDU index; default the first image HDU. */
  hdu?: number;
  /** Template cards (`header.cards`), since class instances do not cross threads. */
  template: Card[];
  method?: ProjectMethod;
  expand?: boolean;
  cntr?: number;
  /** Write `<value>` and `<area>` FITS files (BITPIX −64, Montage's mProject output). */
  write?: { value: string; area: string };
  /** Send the pixels back (false for projexec, which only writes files). Default true. */
  returnPixels?: boolean;
}

/** Output of the `project` task. */
export type ProjectTaskOutput =
  | {
      status: 'ok';
      x0: number;
      y0: number;
      width: number;
      height: number;
      cntr?: number;
      file: string;
      value?: Float64Array;
      area?: Float64Array;
      /** Seconds spent (read + project + write). */
      seconds: number;
    }
  | { status: 'nooverlap'; file: string; cntr?: number; message: string };

/** Input of the `ping` task (pool health check and tests): sums `values`, or fails on request. */
export interface PingTaskInput {
  file?: string;
  values: Float64Array;
  fail?: boolean;
}
export interface PingTaskOutput {
  sum: number;
  values: Float64Array;
  threadId: number;
}

interface TaskMap {
  project: { input: ProjectTaskInput; output: ProjectTaskOutput };
  ping: { input: PingTaskInput; output: PingTaskOutput };
}

export type TaskName = keyof TaskMap;
export type TaskInput<T extends TaskName> = TaskMap[T]['input'];
export type TaskOutput<T extends TaskName> = TaskMap[T]['output'];

/** A task's result and the buffers to move to the caller. */
export interface TaskResult<T extends TaskName> {
  output: TaskOutput<T>;
  transfer: ArrayBuffer[];
}

async function projectTask(input: ProjectTaskInput): Promise<TaskResult<'project'>> {
  const t0 = performance.now();
  // Loaded on first use: a thread that only pings never loads the kernels or the WCS.
  const [{ readImage }, { writeFits }, { project }] = await Promise.all([
    import('../fits/read.js'),
    import('../fits/write.js'),
    import('../stages/project.js'),
  ]);
  const template = new Header(input.template);
  const image = await readImage(input.file, input.hdu === undefined ? {} : { hdu: input.hdu });
  let p;
  try {
    p = project(image, template, { method: input.method, expand: input.expand, source: input.file, cntr: input.cntr });
  } catch (err) {
    if (err instanceof MosaicError && err.code === 'E_NO_OVERLAP')
      return { output: { status: 'nooverlap', file: input.file, cntr: input.cntr, message: err.message }, transfer: [] };
    throw err;
  }
  if (input.write) {
    const header = projectedHeader(template, p);
    const shape = [p.width, p.height];
    await writeFits(input.write.value, { header, data: p.value, shape }, { bitpix: -64 });
    await writeFits(input.write.area, { header, data: p.area, shape }, { bitpix: -64 });
  }
  const back = input.returnPixels !== false;
  const value = back ? (p.value as Float64Array) : undefined;
  const area = back ? (p.area as Float64Array) : undefined;
  return {
    output: { status: 'ok', x0: p.x0, y0: p.y0, width: p.width, height: p.height, cntr: input.cntr, file: input.file, value, area, seconds: (performance.now() - t0) / 1000 },
    transfer: back ? [value!.buffer as ArrayBuffer, area!.buffer as ArrayBuffer] : [],
  };
}

async function pingTask(input: PingTaskInput): Promise<TaskResult<'ping'>> {
  if (input.fail) throw new MosaicError('E_RUN', 'ping asked to fail', { stage: 'ping', file: input.file });
  let sum = 0;
  for (let i = 0; i < input.values.length; i++) sum += input.values[i];
  const { threadId } = await import('node:worker_threads');
  return { output: { sum, values: input.values, threadId }, transfer: [input.values.buffer as ArrayBuffer] };
}

/** Run a task by name (in a worker, or in-thread for a one-thread pool). */
export function runTask<T extends TaskName>(task: T, input: TaskInput<T>): Promise<TaskResult<T>> {
  switch (task) {
    case 'project':
      return projectTask(input as ProjectTaskInput) as Promise<TaskResult<T>>;
    case 'ping':
      return pingTask(input as PingTaskInput) as Promise<TaskResult<T>>;
    default:
      return Promise.reject(new MosaicError('E_INTERNAL', `unknown pool task "${String(task)}"`));
  }
}
