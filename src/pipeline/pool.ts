/**
 * A pool of `worker_threads` that runs named tasks (see `tasks.ts`) across cores.
 *
 * - Typed arrays in results travel in transfer lists (moved, not copied).
 * - Each worker imports `src/kernels` through the task modules, so the native addon is
 *   loaded once per thread.
 * - Workers start from `worker.js` beside this module in `dist/`, from its bundle beside the
 *   bundled CLI, or from `worker.ts` under vitest/tsx (util/start-thread.ts).
 * - A task that throws rejects its own promise with a MosaicError (code, file kept); a
 *   worker that dies is replaced and its task fails with E_WORKER (those sent ahead to it run
 *   elsewhere).
 * - With `threads: 1` tasks run in this thread, one at a time as in a worker (same code, same
 *   results, no start-up cost).
 *
 * `mapOrdered` feeds a list of inputs through the pool with a bounded number in flight
 * and hands results back strictly in input order, so anything accumulated from them
 * is bit-identical whatever the thread count.
 *
 * A task may name the thread it would rather run on (`affinity`, for tasks that reuse what a
 * thread kept from the last ones): a free thread takes the first queued task meant for it or
 * for any thread, and failing those steals the last one meant for another (so no thread idles
 * while work waits). A busy thread is also sent its next task ahead (THREAD_DEPTH), though
 * never by stealing and never a low one; a task sent ahead counts as started, so an idle
 * thread may then take a low task while it waits. A `low` task runs only when no other task is queued: work that may go
 * ahead of a phase that is still finishing, in its tail. Results never depend on which
 * thread ran a task.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { MosaicError, asMosaicError, type ErrorCode } from '../errors.js';
import { runTask, type TaskName, type TaskInput, type TaskOutput } from './tasks.js';
import { startThread } from '../util/start-thread.js';

/** A task failure as it crosses the thread boundary. */
export interface SerializedError {
  code: ErrorCode;
  message: string;
  stage?: string;
  file?: string;
}

/** Message to a worker. */
export interface WorkerRequest {
  id: number;
  task: TaskName;
  input: unknown;
}

/** Message from a worker. */
export type WorkerReply = { id: number; ok: true; output: unknown } | { id: number; ok: false; error: SerializedError };

export function serializeError(err: unknown): SerializedError {
  const e = asMosaicError(err);
  return { code: e.code, message: e.message, stage: e.stage, file: e.file };
}

function deserializeError(s: SerializedError): MosaicError {
  return new MosaicError(s.code, s.message, { stage: s.stage, file: s.file });
}

export interface PoolOptions {
  /** Worker threads; default `os.availableParallelism()`. 1 runs tasks in the calling thread. */
  threads?: number;
}

/**
 * Tasks a thread holds at once: the one it runs and the next, so that it starts that one
 * without waiting for this thread to hear of the first one's end and send another (this
 * thread folds and writes between messages: ~15 % of a worker's time went idle so at M17
 * size). Its own queue runs them in order (worker.ts).
 */
const THREAD_DEPTH = 2;

interface Pending {
  resolve(v: unknown): void;
  reject(e: unknown): void;
  file?: string;
}

/** A task waiting for a thread. */
interface Queued {
  id: number;
  req: WorkerRequest;
  transfer: ArrayBuffer[];
  affinity?: number;
  low?: boolean;
}

interface Slot {
  worker: Worker;
  /** Tasks sent to the thread and not yet answered, oldest first (it runs them in turn). */
  busy: number[];
  /** The tasks sent ahead of the one it runs, kept to send elsewhere should the thread die. */
  ahead: Map<number, Queued>;
}

/** The pool thread's bundle beside the bundled CLI (set by scripts/bundle.mjs; absent in dist/ and under tsx). */
declare const MOSAIC_POOL_WORKER_BUNDLE: string | undefined;

/** Start a pool thread on worker.ts (util/start-thread.ts says where it is found). */
function startWorker(): Worker {
  return startThread(import.meta.url, 'worker', typeof MOSAIC_POOL_WORKER_BUNDLE === 'string' ? MOSAIC_POOL_WORKER_BUNDLE : undefined);
}

/** Default thread count: the cores Node may use. */
export function defaultThreads(): number {
  return availableParallelism();
}

/**
 * Fixed-size worker pool. Create once per run, `close()` when done.
 * @example const pool = new WorkerPool({ threads: 4 }); const r = await pool.run('project', input); await pool.close();
 */
export class WorkerPool {
  readonly threads: number;
  private readonly slots: Slot[] = [];
  /** The prestarted threads' warm-up, settled once each has loaded its modules. */
  private readonly warming: Promise<void>[] = [];
  private readonly queue: Queued[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;
  /** The in-thread tasks (threads = 1) queue behind this. */
  private inThread: Promise<unknown> = Promise.resolve();

  constructor(opts: PoolOptions = {}) {
    const n = opts.threads ?? defaultThreads();
    if (!Number.isInteger(n) || n < 1) throw new MosaicError('E_ARGUMENT', `Expected positive integer for threads but received ${n}`);
    this.threads = n;
  }

  /**
   * Run one task; resolves with its output or rejects with a MosaicError naming the file.
   * Buffers in `transfer` move to the worker (they are detached here afterwards).
   */
  run<T extends TaskName>(task: T, input: TaskInput<T>, transfer: ArrayBuffer[] = [], opts: { affinity?: number; low?: boolean } = {}): Promise<TaskOutput<T>> {
    if (this.closed) return Promise.reject(new MosaicError('E_INTERNAL', 'worker pool is closed'));
    if (this.threads === 1) {
      // In-thread: same task code, so results equal the threaded ones bit for bit. One task
      // after the other, as in a worker: tasks reuse per-thread buffers across their awaits,
      // so two must not interleave.
      const done = this.inThread.then(() => runTask(task, input));
      this.inThread = done.catch(() => undefined);
      return done.then((r) => r.output);
    }
    const id = this.nextId++;
    return new Promise<TaskOutput<T>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, file: (input as { file?: string }).file });
      this.queue.push({ id, req: { id, task, input }, transfer, affinity: opts.affinity, low: opts.low });
      this.pump();
    });
  }

  /**
   * Start every thread now (and have each load the projection code), so that they are ready
   * when the first tasks come. Optional: threads otherwise start on first use.
   */
  prestart(): void {
    if (this.threads === 1 || this.closed) return;
    for (let i = this.slots.length; i < this.threads; i++) {
      const slot = this.spawn();
      const id = this.nextId++;
      slot.busy.push(id);
      this.warming.push(new Promise<void>((resolve) => this.pending.set(id, { resolve: () => resolve(), reject: () => resolve() })));
      slot.worker.ref();
      slot.worker.postMessage({ id, task: 'warmUp', input: {} } satisfies WorkerRequest);
    }
  }

  /** Terminate all workers (once they have started up). Pending tasks are rejected. */
  async close(): Promise<void> {
    // A worker terminated while it still loads its modules may never report its exit, and an
    // otherwise idle event loop then ends with this await unsettled (exit code 13): a small
    // build can finish on one thread before the other has started.
    await Promise.all(this.warming);
    this.closed = true;
    for (const [, p] of this.pending) p.reject(new MosaicError('E_WORKER', 'worker pool closed before the task finished'));
    this.pending.clear();
    await Promise.all(this.slots.map((s) => (s.worker.ref(), s.worker.terminate())));
    this.slots.length = 0;
  }

  private spawn(): Slot {
    const worker = startWorker();
    const slot: Slot = { worker, busy: [], ahead: new Map() };
    worker.on('message', (msg: WorkerReply) => {
      const p = this.pending.get(msg.id);
      slot.busy = slot.busy.filter((id) => id !== msg.id);
      slot.ahead.delete(msg.id);
      if (p) {
        this.pending.delete(msg.id);
        if (msg.ok) p.resolve(msg.output);
        else p.reject(deserializeError(msg.error));
      }
      this.pump();
    });
    const fail = (why: string) => {
      const ids = slot.busy;
      slot.busy = [];
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      // The task it ran fails; those sent ahead go back to the queue's front, unless their
      // buffers went with the thread.
      const again = ids.slice(1).map((id) => slot.ahead.get(id)).filter((q): q is Queued => q !== undefined && q.transfer.length === 0);
      this.queue.unshift(...again);
      for (const id of ids) {
        if (again.some((q) => q.id === id)) continue;
        const p = this.pending.get(id);
        this.pending.delete(id);
        p?.reject(new MosaicError('E_WORKER', `worker thread died: ${why}`, { file: p?.file }));
      }
      if (!this.closed) this.pump();
    };
    worker.on('error', (err) => fail(err instanceof Error ? err.message : String(err)));
    worker.on('exit', (code) => {
      if (!this.closed) fail(`exit code ${code}`);
    });
    // Idle workers must not keep the process alive.
    worker.unref();
    this.slots.push(slot);
    return slot;
  }

  private pump(): void {
    while (this.queue.length > 0) {
      // An idle thread first, then a new one, then the least loaded with room.
      let slot = this.slots.find((s) => s.busy.length === 0);
      if (!slot && this.slots.length < this.threads) slot = this.spawn();
      let k = slot ? this.nextFor(this.slots.indexOf(slot), true) : -1;
      if (!slot) {
        // A busy thread takes a next task only if it is its own or anyone's (no stealing).
        for (const s of this.slots.filter((s) => s.busy.length < THREAD_DEPTH).sort((a, b) => a.busy.length - b.busy.length)) {
          k = this.nextFor(this.slots.indexOf(s), false);
          if (k >= 0) {
            slot = s;
            break;
          }
        }
      }
      if (!slot || k < 0) return;
      const [queued] = this.queue.splice(k, 1);
      const { id, req, transfer } = queued;
      if (!this.pending.has(id)) continue;
      if (slot.busy.length > 0) slot.ahead.set(id, queued);
      slot.busy.push(id);
      slot.worker.ref();
      slot.worker.postMessage(req, transfer);
    }
    for (const s of this.slots) if (s.busy.length === 0) s.worker.unref();
  }

  /**
   * Queue index of the task thread `t` takes next: of the tasks that are not `low`, its own or
   * anyone's first, else (when `idle`) the last one queued; the first `low` task when no other
   * is queued (when `idle`); −1 for none.
   */
  private nextFor(t: number, idle: boolean): number {
    const own = this.queue.findIndex((q) => !q.low && (q.affinity === undefined || q.affinity % this.threads === t));
    if (own >= 0) return own;
    for (let k = this.queue.length - 1; k >= 0; k--) if (!this.queue[k].low) return idle ? k : -1;
    // Low tasks only to idle threads: one sent ahead would hold a thread that work may come for.
    return idle ? 0 : -1;
  }
}

/** Outcome of one input in {@link mapOrdered}. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: MosaicError };

/**
 * Run `task` over `inputs` through the pool, at most `window` in flight (default
 * 2 × threads), and call `onResult(index, outcome)` strictly in input order. Failures
 * are delivered as outcomes (never thrown), so the caller counts and skips them.
 * Memory stays bounded by the window whatever the number of inputs. `affinity(index)`: the
 * thread each input would rather run on; `low`: the inputs wait for other work (see the
 * module comment).
 */
export async function mapOrdered<T extends TaskName>(
  pool: WorkerPool,
  task: T,
  inputs: ReadonlyArray<TaskInput<T>>,
  onResult: (index: number, outcome: Settled<TaskOutput<T>>) => void | Promise<void>,
  window = Math.max(2, 2 * pool.threads),
  opts: { affinity?: (index: number) => number; low?: boolean } = {},
): Promise<void> {
  const results = new Map<number, Settled<TaskOutput<T>>>();
  let next = 0;
  let delivered = 0;
  let wake: (() => void) | null = null;

  const launch = (i: number) => {
    pool.run(task, inputs[i], [], { affinity: opts.affinity?.(i), low: opts.low }).then(
      (value) => results.set(i, { ok: true, value }),
      (err) => results.set(i, { ok: false, error: asMosaicError(err, { file: (inputs[i] as { file?: string }).file }) }),
    ).finally(() => wake?.());
  };

  while (delivered < inputs.length) {
    while (next < inputs.length && next - delivered < window) launch(next++);
    if (!results.has(delivered)) {
      await new Promise<void>((r) => (wake = r));
      wake = null;
      continue;
    }
    const outcome = results.get(delivered)!;
    results.delete(delivered);
    await onResult(delivered, outcome);
    delivered++;
  }
}
