import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { backend, native, NATIVE_ADDON_PATH } from '../../src/native/load.js';

describe.skipIf(!native)('native addon', () => {
  it('loads in the main thread and reports its version', () => {
    expect(backend()).toBe('native');
    const v = native!.version();
    expect(v.backend).toBe('native');
    expect(v.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('swaps bytes as Buffer.swap16/32/64 do, and refuses a ragged length', () => {
    const n = 8 * 1031; // the 32-byte lanes and a tail
    const orig = Buffer.from(Array.from({ length: n }, (_, i) => (i * 131 + 7) % 256));
    for (const size of [2, 4, 8] as const) {
      const ours = Buffer.from(orig);
      native!.swapBytes!(ours, size);
      const node = Buffer.from(orig);
      if (size === 2) node.swap16();
      else if (size === 4) node.swap32();
      else node.swap64();
      expect(ours.equals(node)).toBe(true);
    }
    expect(() => native!.swapBytes!(new Uint8Array(6), 4)).toThrow(/multiple/);
  });

  it('loads and runs inside worker threads (context-aware registration)', async () => {
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      const m = require(workerData);
      const v = new Float64Array(2), c = new Float64Array(2);
      m.reprojectExact(new Float64Array([1, 3, 5]), 3, 1,
        new Float64Array([0, 1, 2, 0, 1, 2]), new Float64Array([-0.5, -0.5, -0.5, 0.5, 0.5, 0.5]), 2, 1, v, c);
      m.imageStatsAsync(new Float32Array([1, NaN, 2])).then((s) => parentPort.postMessage({ v: Array.from(v), s }));
    `;
    const run = () =>
      new Promise<{ v: number[]; s: { sum: number; nan: number } }>((resolve, reject) => {
        const w = new Worker(code, { eval: true, workerData: NATIVE_ADDON_PATH });
        w.once('message', (m) => { resolve(m); void w.terminate(); });
        w.once('error', reject);
      });
    const results = await Promise.all([run(), run()]);
    for (const r of results) {
      expect(r.v).toEqual([2, 4]);
      expect(r.s.sum).toBe(3);
      expect(r.s.nan).toBe(1);
    }
  });

  it('turns a kernel error into a rejected promise, not a crash', async () => {
    await expect(native!.histogramAsync(new Float64Array([1]), 0, 1, 4)).resolves.toBeInstanceOf(Float64Array);
    expect(() => native!.histogram(new Float64Array([1]), 1, 0, 4)).toThrow(RangeError);
  });
});

describe('fallback', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('MOSAIC_BACKEND=typescript uses the TypeScript kernels without a warning', async () => {
    vi.stubEnv('MOSAIC_BACKEND', 'typescript');
    vi.resetModules();
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const load = await import('../../src/native/load.js');
    const kernels = await import('../../src/kernels/index.js');
    expect(load.native).toBeUndefined();
    expect(load.backend()).toBe('typescript');
    expect(kernels.imageStats(new Float64Array([1, 2, NaN])).sum).toBe(3);
    expect(write).not.toHaveBeenCalled();
    write.mockRestore();
  });
});
