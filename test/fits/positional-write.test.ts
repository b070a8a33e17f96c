import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodePixels } from '../../src/fits/pixels.js';
import { readImage } from '../../src/fits/read.js';
import { createFitsWriter, writeRowsAt } from '../../src/fits/write.js';

const dir = mkdtempSync(join(tmpdir(), 'mosaic-region-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('FitsWriter row region (bands written by other threads)', () => {
  const [w, h] = [5, 7];
  const data = Float64Array.from({ length: w * h }, (_, i) => (i % 6 === 0 ? NaN : i / 3));
  const rows = (a: number, b: number) => encodePixels(data, a * w, (b - a) * w, -64, { bscale: 1, bzero: 0 });

  it('takes bands in any order and gives the same file as appending them', async () => {
    const path = join(dir, 'out.fits');
    const writer = createFitsWriter(path, undefined, [w, h], { bitpix: -64 });
    for (const [a, b] of [[4, 7], [0, 2], [2, 4]]) {
      writeRowsAt(writer.region, a, rows(a, b));
      writer.rowsWrittenElsewhere(b - a);
    }
    writer.close();
    const back = await readImage(path);
    expect(back.shape).toEqual([w, h]);
    expect(Array.from(back.data)).toEqual(Array.from(data));
    const appended = join(dir, 'appended.fits');
    const a = createFitsWriter(appended, undefined, [w, h], { bitpix: -64 });
    a.writeRows(data);
    a.close();
    expect(readFileSync(path).equals(readFileSync(appended))).toBe(true);
  });

  it('refuses to close with rows missing, and leaves no file', () => {
    const path = join(dir, 'short.fits');
    const writer = createFitsWriter(path, undefined, [w, h], { bitpix: -64 });
    writeRowsAt(writer.region, 0, rows(0, 3));
    writer.rowsWrittenElsewhere(3);
    expect(() => writer.rowsWrittenElsewhere(5)).toThrow(expect.objectContaining({ code: 'E_ARGUMENT' }));
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('short'))).toEqual([]);
  });
});
