/**
 * Entry point of a pool thread: receives `{ id, task, input }`, runs the tasks in turn and
 * posts each output back with its typed arrays in the transfer list. Errors go back as plain
 * `{ code, message, stage, file }` objects (see pool.ts).
 */
import { parentPort } from 'node:worker_threads';
import { runTask } from './tasks.js';
import { serializeError, type WorkerRequest, type WorkerReply } from './pool.js';

const port = parentPort;
if (!port) throw new Error('pipeline/worker must run in a worker thread');

// One task at a time, in the order sent: tasks reuse this thread's buffers across their
// awaits, and the pool sends the next before this one ends (pool.ts THREAD_DEPTH).
let last: Promise<void> = Promise.resolve();
port.on('message', (req: WorkerRequest) => {
  last = last.then(() =>
    runTask(req.task, req.input as never).then(
      ({ output, transfer }) => port.postMessage({ id: req.id, ok: true, output } satisfies WorkerReply, transfer),
      (err) => port.postMessage({ id: req.id, ok: false, error: serializeError(err) } satisfies WorkerReply),
    ),
  );
});
