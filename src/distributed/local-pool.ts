/**
 * Runs a shard's file tasks (background, coadd) on the local cores: up to `threads` worker
 * threads, each taking the next task id when it finishes one. Results need no ordering —
 * every task writes its own files — so ids are simply handed out in turn. With one thread,
 * tasks run in this thread.
 */
import { Worker } from 'node:worker_threads';
import { MosaicError } from '../errors.js';
import type { SerializedError } from '../pipeline/pool.js';
import { runFileTask, type FileStage } from './file-tasks.js';
import { startThread } from '../util/start-thread.js';

/** Message to a worker. */
export interface FileTaskRequest {
  seq: number;
  runDir: string;
  stage: FileStage;
  id: number;
  failOn: string[];
}

type Reply = { seq: number; ok: true } | { seq: number; ok: false; error: SerializedError };

/** The local-pool thread's bundle beside the bundled CLI (set by scripts/bundle.mjs; absent in dist/ and under tsx). */
declare const MOSAIC_FILE_WORKER_BUNDLE: string | undefined;

/** Start a thread on worker.ts (util/start-thread.ts says where it is found). */
function startWorker(): Worker {
  return startThread(import.meta.url, 'worker', typeof MOSAIC_FILE_WORKER_BUNDLE === 'string' ? MOSAIC_FILE_WORKER_BUNDLE : undefined);
}

/**
 * Run `ids` of `stage` with at most `threads` at a time; `onDone(id, error?)` after each.
 * Never throws for a task's failure (it is reported through onDone).
 */
export async function runFileTasks(
  runDir: string,
  stage: FileStage,
  ids: readonly number[],
  opts: { threads: number; failOn: string[]; onDone: (id: number, error?: unknown) => void },
): Promise<void> {
  const threads = Math.max(1, Math.min(opts.threads, ids.length));
  if (threads === 1) {
    for (const id of ids) await runFileTask(runDir, stage, id, opts.failOn).then(() => opts.onDone(id), (err) => opts.onDone(id, err));
    return;
  }
  let next = 0;
  const lane = (worker: Worker) =>
    new Promise<void>((resolve) => {
      let current = -1;
      const send = () => {
        if (next >= ids.length) return resolve();
        const seq = (current = next++);
        worker.postMessage({ seq, runDir, stage, id: ids[seq], failOn: opts.failOn } satisfies FileTaskRequest);
      };
      worker.on('message', (r: Reply) => {
        opts.onDone(ids[r.seq], r.ok ? undefined : new MosaicError(r.error.code, r.error.message, { stage: r.error.stage, file: r.error.file }));
        send();
      });
      worker.on('error', (err) => {
        // The thread died: its current task fails, the remaining ones go to the other lanes.
        if (current >= 0) opts.onDone(ids[current], new MosaicError('E_WORKER', `worker thread died: ${err.message}`, { stage }));
        resolve();
      });
      send();
    });
  const workers = Array.from({ length: threads }, startWorker);
  try {
    await Promise.all(workers.map(lane));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
