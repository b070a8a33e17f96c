import { mkdtempSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readScratchRows, writeScratchPlane } from '../../src/fits/scratch.js';

const dir = mkdtempSync(join(tmpdir(), 'mosaic-scratch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('scratch planes', () => {
  const width = 7;
  const data = Float64Array.from({ length: width * 5 }, (_, i) => (i % 4 === 3 ? NaN : i * 1.25 - 3));

  it('reads back any band of rows bit for bit (NaN kept)', () => {
    const path = join(dir, 'a.f64');
    writeScratchPlane(path, data);
    for (const [y0, rows] of [[0, 5], [1, 3], [4, 1], [2, 0]]) {
      const got = readScratchRows(path, width, y0, rows);
      expect(Array.from(got)).toEqual(Array.from(data.subarray(y0 * width, (y0 + rows) * width)));
    }
  });

  it('writes a subarray view, not its whole buffer', () => {
    const path = join(dir, 'b.f64');
    writeScratchPlane(path, data.subarray(width, 3 * width));
    expect(Array.from(readScratchRows(path, width, 0, 2))).toEqual(Array.from(data.subarray(width, 3 * width)));
  });

  it('names the file when it is shorter than the rows asked for', () => {
    const path = join(dir, 'c.f64');
    writeScratchPlane(path, data);
    truncateSync(path, 8 * width * 2 + 4);
    expect(() => readScratchRows(path, width, 1, 3)).toThrow(expect.objectContaining({ code: 'E_FILE_READ', file: path }));
    expect(() => readScratchRows(join(dir, 'missing.f64'), width, 0, 1)).toThrow(expect.objectContaining({ file: join(dir, 'missing.f64') }));
  });
});
