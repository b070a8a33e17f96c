// DirectAppender: the bytes reach the file in order, through O_DIRECT where the file system
// allows it, whether its staging buffers are its own or made beforehand (stagingBuffers).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DirectAppender, stagingBuffers } from '../../src/util/direct-write.js';

const dir = mkdtempSync(join(tmpdir(), 'mosaic-direct-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Bytes that differ from block to block, so a misplaced or repeated block shows. */
function pattern(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 2654435761) >>> 24;
  return b;
}

async function append(path: string, bytes: Uint8Array, made?: Uint8Array[]): Promise<DirectAppender> {
  const out = new DirectAppender(path, made);
  // Uneven chunks, some through `room` (made in place), most copied.
  let off = 0;
  for (let k = 0; off < bytes.length; k++) {
    const n = Math.min(bytes.length - off, 100_003 + 7919 * (k % 13));
    const room = k % 3 === 0 ? out.room(n) : undefined;
    if (room) {
      room.set(bytes.subarray(off, off + n));
      out.advance(n);
    } else out.write(bytes.subarray(off, off + n));
    off += n;
  }
  await out.drain();
  out.finish();
  out.close();
  return out;
}

describe('DirectAppender', () => {
  const bytes = pattern(9_437_187); // several 2 MiB staging buffers and an unaligned tail

  it('writes the bytes in order with its own staging buffers', async () => {
    const path = join(dir, 'own.bin');
    const out = await append(path, bytes);
    expect(out.length).toBe(bytes.length);
    expect(Buffer.compare(readFileSync(path), Buffer.from(bytes))).toBe(0);
  });

  it('takes the staging buffers made beforehand, in shared memory, and writes the same bytes', async () => {
    const made = stagingBuffers(3);
    const path = join(dir, 'made.bin');
    const out = await append(path, bytes, made);
    expect(Buffer.compare(readFileSync(path), Buffer.from(bytes))).toBe(0);
    // Where the file system refuses O_DIRECT (tmpfs) the bytes go through the page cache.
    if (!out.direct) return;
    expect(made).toBeDefined();
    for (const b of made!) {
      expect(b.buffer).toBeInstanceOf(SharedArrayBuffer);
      // Used: it holds some of the bytes, not the zeros it was made with.
      expect(b.some((v) => v !== 0)).toBe(true);
    }
  });
});
