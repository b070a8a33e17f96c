import { afterAll, describe, expect, it } from 'vitest';
import { WorkerPool, mapOrdered, type Settled } from '../../src/pipeline/pool.js';
import type { PingTaskOutput } from '../../src/pipeline/tasks.js';

describe('WorkerPool', () => {
  const pool = new WorkerPool({ threads: 2 });
  afterAll(() => pool.close());

  it('runs tasks in worker threads and transfers typed arrays both ways', async () => {
    const values = Float64Array.from([1, 2, 3.5]);
    const out = await pool.run('ping', { values }, [values.buffer]);
    expect(out.sum).toBe(6.5);
    expect(out.threadId).toBeGreaterThan(0);
    // Moved, not copied: the sender's buffer is detached, the reply owns it.
    expect(values.byteLength).toBe(0);
    expect(Array.from(out.values)).toEqual([1, 2, 3.5]);
  });

  it('uses several threads', async () => {
    const outs = await Promise.all(Array.from({ length: 8 }, (_, i) => pool.run('ping', { values: new Float64Array(200000).fill(i) })));
    expect(outs.map((o) => o.sum)).toEqual(Array.from({ length: 8 }, (_, i) => i * 200000));
    expect(new Set(outs.map((o) => o.threadId)).size).toBe(2);
  });

  it('sends a busy thread its next task ahead, and each thread runs its tasks one at a time', async () => {
    // Tasks that yield their thread's event loop halfway: a second one sent ahead must still
    // wait for the first to end (they share the thread's buffers).
    const outs = await Promise.all(Array.from({ length: 8 }, () => pool.run('ping', { values: Float64Array.of(1), busyMs: 5, sleepMs: 15 })));
    const byThread = new Map<number, PingTaskOutput[]>();
    for (const o of outs) byThread.set(o.threadId, [...(byThread.get(o.threadId) ?? []), o]);
    expect(byThread.size).toBe(2);
    for (const runs of byThread.values()) {
      runs.sort((a, b) => a.startedAt - b.startedAt);
      for (let k = 1; k < runs.length; k++) expect(runs[k].startedAt).toBeGreaterThanOrEqual(runs[k - 1].endedAt);
    }
  });

  it('a thread that dies fails the task it ran, and sends the one it held ahead to another thread', async () => {
    const pool = new WorkerPool({ threads: 2 });
    try {
      const values = () => Float64Array.of(1, 2);
      // Thread 0 runs the dying task, thread 1 a long one; the next task meant for thread 0 is
      // then sent ahead to it, and must survive its death.
      const dying = pool.run('ping', { values: values(), busyMs: 80, exitThread: true, file: 'dies.fits' }, [], { affinity: 0 });
      const long = pool.run('ping', { values: values(), busyMs: 150 }, [], { affinity: 1 });
      const ahead = pool.run('ping', { values: values() }, [], { affinity: 0 });
      await expect(dying).rejects.toMatchObject({ code: 'E_WORKER', file: 'dies.fits' });
      expect((await ahead).sum).toBe(3);
      expect((await long).sum).toBe(3);
    } finally {
      await pool.close();
    }
  });

  it('reports a failed task with its file and keeps working', async () => {
    await expect(pool.run('ping', { values: new Float64Array(1), fail: true, file: 'bad.fits' })).rejects.toMatchObject({
      code: 'E_RUN',
      file: 'bad.fits',
    });
    expect((await pool.run('ping', { values: Float64Array.of(2) })).sum).toBe(2);
  });

  it('mapOrdered delivers outcomes in input order, failures included', async () => {
    const inputs = Array.from({ length: 9 }, (_, i) => ({
      // Larger early tasks finish later, so completion order differs from input order.
      values: new Float64Array((9 - i) * 100000).fill(1),
      fail: i === 4,
      file: `f${i}.fits`,
    }));
    const seen: Array<[number, Settled<PingTaskOutput>]> = [];
    await mapOrdered(pool, 'ping', inputs, (i, o) => {
      seen.push([i, o]);
    }, 3);
    expect(seen.map(([i]) => i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(seen[4][1]).toMatchObject({ ok: false, error: { file: 'f4.fits' } });
    expect(seen.filter(([, o]) => o.ok)).toHaveLength(8);
  });
});

describe('WorkerPool with one thread', () => {
  it('runs in the calling thread with the same results', async () => {
    const pool = new WorkerPool({ threads: 1 });
    const out = await pool.run('ping', { values: Float64Array.of(0.1, 0.2) });
    expect(out.sum).toBe(0.1 + 0.2);
    expect(out.threadId).toBe(0);
    await pool.close();
  });

  it('rejects a bad thread count with the standard message', () => {
    expect(() => new WorkerPool({ threads: 0 })).toThrow('Expected positive integer for threads but received 0');
  });
});

describe('threadRuns (the pair fits\' order)', () => {
  it('deals contiguous runs out in turn, a permutation whatever n and threads', async () => {
    const { threadRuns } = await import('../../src/pipeline/build-stream.js');
    expect(threadRuns(7, 2)).toEqual({ order: [0, 4, 1, 5, 2, 6, 3], thread: [0, 1, 0, 1, 0, 1, 0] });
    expect(threadRuns(6, 3).order).toEqual([0, 2, 4, 1, 3, 5]);
    expect(threadRuns(5, 1)).toEqual({ order: [0, 1, 2, 3, 4], thread: [0, 0, 0, 0, 0] });
    expect(threadRuns(2, 8).order).toEqual([0, 1]);
    expect(threadRuns(0, 2).order).toEqual([]);
    for (const [n, t] of [[234, 2], [100, 7], [13, 4]]) {
      const { order, thread } = threadRuns(n, t);
      expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
      // Each thread's entries are one contiguous, ascending run.
      for (let r = 0; r < t; r++) {
        const mine = order.filter((_, k) => thread[k] === r);
        for (let k = 1; k < mine.length; k++) expect(mine[k]).toBe(mine[k - 1] + 1);
      }
    }
  });
});

describe('WorkerPool affinity', () => {
  it('runs each task on the thread it names, and a thread without tasks of its own steals', async () => {
    const pool = new WorkerPool({ threads: 2 });
    pool.prestart();
    try {
      // 4 tasks for thread 1 and 16 for thread 0, 30 ms each: thread 1 runs out first and
      // must then take some of thread 0's (from the back of the queue).
      const affinity = (i: number) => (i % 2 === 1 && i < 8 ? 1 : 0);
      const inputs = Array.from({ length: 20 }, (_, i) => ({ values: new Float64Array([i]), busyMs: 30 }));
      const ran = new Map<number, number>();
      await mapOrdered(pool, 'ping', inputs, (i, o: Settled<PingTaskOutput>) => {
        if (!o.ok) throw o.error;
        ran.set(i, o.value.threadId);
      }, 20, { affinity });
      expect(ran.size).toBe(20);
      const t1 = ran.get(1)!;
      for (const i of [3, 5, 7]) expect(ran.get(i)).toBe(t1);
      const t0 = ran.get(0)!;
      expect(t0).not.toBe(t1);
      for (const i of [2, 4, 6, 8]) expect(ran.get(i)).toBe(t0);
      expect([...ran].filter(([i, t]) => affinity(i) === 0 && t === t1).length).toBeGreaterThan(0);
    } finally {
      await pool.close();
    }
  });

  it('runs low tasks only when no other task is queued, even those queued before them', async () => {
    const pool = new WorkerPool({ threads: 2 });
    pool.prestart();
    try {
      // Both threads started and warm, so that neither lags behind the other.
      await Promise.all([0, 1].map((t) => pool.run('ping', { values: new Float64Array([1]), busyMs: 5 }, [], { affinity: t })));
      const finished: string[] = [];
      const ping = (name: string, busyMs: number, low?: boolean) =>
        pool.run('ping', { values: new Float64Array([1]), busyMs }, [], { low }).then(() => finished.push(name));
      // Both threads busy, then one low task queued before four others.
      const all = [ping('busy0', 60), ping('busy1', 60), ping('low', 5, true), ...[0, 1, 2, 3].map((k) => ping(`n${k}`, 20))];
      await Promise.all(all);
      // The first two normal tasks go to threads before it (the last two may be sent ahead to a
      // busy thread, which then counts as theirs, while the other, idle, takes the low task).
      expect(finished.indexOf('low')).toBeGreaterThan(Math.max(...[0, 1].map((k) => finished.indexOf(`n${k}`))));
    } finally {
      await pool.close();
    }
  });
});
