/**
 * Seeded fuzzing: truncate and bit-flip generated and real FITS files (plain and gzipped,
 * tile-compressed included) and check that every read either succeeds or throws a
 * MosaicError with a file — never another exception, never a hang.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readFits, readImage, readImageRows } from '../../src/fits/read.js';
import { describeFits } from '../../src/fits/describe.js';
import { MosaicError } from '../../src/errors.js';
import { buildFits, gzip, seededRandom } from '../helpers/fits-builder.js';
import { repoDir, sharedDataDir } from '../helpers/shared.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mosaic-fuzz-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function seeds(): Array<[string, Buffer]> {
  const rand = seededRandom(7);
  const out: Array<[string, Buffer]> = [
    ['f32', buildFits([{ bitpix: -32, shape: [40, 30], data: Float32Array.from({ length: 1200 }, () => rand()) }])],
    ['i16-mef', buildFits([{ shape: [] }, { bitpix: 16, shape: [20, 10], data: Int16Array.from({ length: 200 }, (_, i) => i - 100), cards: [['BZERO', 32768], ['BLANK', -100]] }])],
    ['compressed', readFileSync(resolve(repoDir, 'data/fixtures/compressed/cases.fits')).subarray(0, 20 * 2880)],
  ];
  if (sharedDataDir) {
    out.push(['comp-real', readFileSync(join(sharedDataDir, 'singles/astropy_comp_tilecompressed.fits'))]);
    out.push(['dss-gz', readFileSync(join(sharedDataDir, 'singles/dss.14.29.56-62.41.05.fits.gz'))]);
  }
  return out;
}

/** Run every reader; return 'ok' or the error code. Anything but a MosaicError fails the test. */
async function outcome(path: string): Promise<string> {
  const results: string[] = [];
  for (const read of [
    () => readFits(path),
    () => readImage(path),
    () => describeFits(path),
    () => readImageRows(path, { y0: 0, rows: 1 }),
  ]) {
    try {
      await read();
      results.push('ok');
    } catch (err) {
      if (!(err instanceof MosaicError)) throw new Error(`${path}: not a MosaicError: ${(err as Error)?.stack ?? err}`);
      expect(err.file).toBe(path);
      results.push(err.code);
    }
  }
  return results.join(',');
}

describe('fuzzed files give a result or a MosaicError', () => {
  it('300 truncations and bit flips, plain and gzipped', { timeout: 120_000 }, async () => {
    const rand = seededRandom(20240611);
    const codes = new Map<string, number>();
    let n = 0;
    for (const [name, bytes] of seeds()) {
      const plain = name.endsWith('-gz') ? undefined : bytes;
      for (let k = 0; k < 60; k++) {
        let mutated: Buffer;
        const mode = k % 3;
        if (mode === 0) {
          mutated = Buffer.from(bytes.subarray(0, Math.floor(rand() * bytes.length)));
        } else {
          mutated = Buffer.from(bytes);
          const flips = 1 + Math.floor(rand() * 8);
          // Flip bits in the header area half of the time (where they matter most).
          for (let f = 0; f < flips; f++) {
            const limit = rand() < 0.5 ? Math.min(mutated.length, 2880 * 3) : mutated.length;
            const at = Math.floor(rand() * limit);
            mutated[at] ^= 1 << Math.floor(rand() * 8);
          }
        }
        if (mode === 2 && plain) mutated = gzip(mutated);
        const path = join(dir, `${name}-${k}.fits`);
        writeFileSync(path, mutated);
        const started = Date.now();
        const o = await outcome(path);
        expect(Date.now() - started).toBeLessThan(10_000);
        for (const c of o.split(',')) codes.set(c, (codes.get(c) ?? 0) + 1);
        n++;
      }
    }
    expect(n).toBeGreaterThanOrEqual(180);
    // Both successes and several kinds of failures occur, so the test exercises real paths.
    expect(codes.get('ok') ?? 0).toBeGreaterThan(0);
    expect(codes.get('E_FITS_TRUNCATED') ?? 0).toBeGreaterThan(0);
  });
});
