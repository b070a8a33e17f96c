import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AtomicFileWriter } from '../../src/util/atomic-write.js';

const dir = mkdtempSync(join(tmpdir(), 'mosaic-atomic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const bytes = (s: string) => new TextEncoder().encode(s);

describe('AtomicFileWriter', () => {
  for (const durable of [true, false]) {
    it(`replaces an existing file and leaves no temporary (durable ${durable})`, () => {
      const path = join(dir, `replace-${durable}.txt`);
      writeFileSync(path, 'old');
      const w = new AtomicFileWriter(path, 'test', { durable });
      w.write(bytes('new'));
      w.commit();
      expect(readFileSync(path, 'utf8')).toBe('new');
      expect(readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]);
    });
  }

  it('keeps the old file when the new one cannot be moved into place (not flushed)', () => {
    const path = join(dir, 'keep.txt');
    writeFileSync(path, 'old');
    const w = new AtomicFileWriter(path, 'test', { durable: false });
    w.write(bytes('new'));
    rmSync(w.tmp); // the rename of the new file now fails
    expect(() => w.commit()).toThrow();
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('with replaceEarly, removes an existing file at once (in the background), and an abort leaves neither file', async () => {
    const path = join(dir, 'early.txt');
    writeFileSync(path, 'old');
    const w = new AtomicFileWriter(path, 'test', { durable: false, direct: true, replaceEarly: true });
    expect(existsSync(path)).toBe(false);
    w.write(bytes('new'));
    await w.commitAsync();
    expect(readFileSync(path, 'utf8')).toBe('new');
    const again = new AtomicFileWriter(path, 'test', { durable: false, replaceEarly: true });
    again.write(bytes('newer'));
    again.abort();
    expect(existsSync(path)).toBe(false);
    // The aside copies are gone once the background removals have run.
    await new Promise((r) => setTimeout(r, 50));
    expect(readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('refuses a destination that became a folder, with E_FILE_WRITE, leaving it alone', () => {
    const path = join(dir, 'became-dir');
    const w = new AtomicFileWriter(path, 'test', { durable: false });
    w.write(bytes('x'));
    mkdirSync(path);
    expect(() => w.commit()).toThrow(expect.objectContaining({ code: 'E_FILE_WRITE', file: path }));
    expect(existsSync(path)).toBe(true);
    expect(readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]);
  });
});
