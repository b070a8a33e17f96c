/**
 * Entry point of a local-pool thread (local-pool.ts): runs one file task per message
 * `{ seq, runDir, stage, id, failOn }` and answers `{ seq, ok }` or `{ seq, ok: false, error }`.
 * Tasks read and write the run folder themselves, so messages stay tiny.
 */
import { parentPort } from 'node:worker_threads';
import { serializeError } from '../pipeline/pool.js';
import { runFileTask } from './file-tasks.js';
import type { FileTaskRequest } from './local-pool.js';

const port = parentPort;
if (!port) throw new Error('distributed/worker must run in a worker thread');

port.on('message', (req: FileTaskRequest) => {
  runFileTask(req.runDir, req.stage, req.id, req.failOn).then(
    () => port.postMessage({ seq: req.seq, ok: true }),
    (err) => port.postMessage({ seq: req.seq, ok: false, error: serializeError(err) }),
  );
});
